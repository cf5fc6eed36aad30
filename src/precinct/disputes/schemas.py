"""Request and response shapes for disputes and repeat-place operations."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import Day, Id, Instant, Latitude, Longitude, RequestModel
from precinct.deployment.schemas import BeforeAfterRead
from precinct.disputes.models import (
    DisputeKind,
    DisputeSource,
    DisputeStatus,
    OperationLinkKind,
    OperationStatus,
    PartnerBody,
    SessionOutcome,
)

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Note = Annotated[str, Field(default="", max_length=4000)]


class PartyIn(RequestModel):
    """A party: only what mediation needs (a name, their side, a way to reach them)."""

    side: str = Field(min_length=1, max_length=16, description="which side: a, b, ...")
    name: str = Field(min_length=1, max_length=128)
    contact: str = Field(default="", max_length=64)


class DisputeCreate(RequestModel):
    kind: DisputeKind
    source: DisputeSource = DisputeSource.DIRECT
    summary: Text
    place: str | None = Field(default=None, max_length=256, description="the address; from a call: the call's")
    lon: Longitude | None = None
    lat: Latitude | None = None
    incident_id: Id | None = Field(default=None, description="source call: the incident")
    place_key: str | None = Field(default=None, max_length=64, description="source repeat-call place: its key")
    premises_id: Id | None = None
    partner_body: PartnerBody = PartnerBody.COMMUNITY_COMMITTEE
    partner_name: str = Field(default="", max_length=128)
    parties: list[PartyIn] = Field(default_factory=list, max_length=10)


class SessionCreate(RequestModel):
    held_at: Instant
    outcome: SessionOutcome
    notes: Note


class AgreementCreate(RequestModel):
    agreement: Text
    follow_up_due: Day


class FailureCreate(RequestModel):
    reason: Text


class FollowUpCreate(RequestModel):
    result: Text


class DisputeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: DisputeKind
    status: DisputeStatus
    source: DisputeSource
    summary: str
    place: str
    lon: float
    lat: float
    place_key: str | None
    incident_id: int | None
    premises_id: int | None
    partner_body: PartnerBody
    partner_name: str
    station_id: int | None
    district_id: int | None
    opened_at: datetime
    opened_by: str
    agreement: str | None
    agreed_at: datetime | None
    follow_up_due: date | None
    follow_up_result: str | None
    closed_at: datetime | None
    kind_zh: str = ""
    kind_en: str = ""
    status_zh: str = ""
    status_en: str = ""
    allowed_moves: list[str] = Field(default_factory=list)
    parties: int = Field(default=0, description="how many parties (their names: GET .../parties, with a purpose)")


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    held_at: datetime
    outcome: SessionOutcome
    notes: str
    recorded_by: str


class PartyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    side: str
    name: str
    contact: str


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any] | None


class DisputePurpose(enum.StrEnum):
    """Why a dispute's parties are read (kept in the audit log with a reason)."""

    MEDIATION = "mediation"
    FOLLOW_UP = "follow_up"
    COURT = "court"


class PlaceEffectRead(BeforeAfterRead):
    """Calls at the place before and after (difference-in-differences)."""

    before: list[datetime]
    after: list[datetime]
    radius_m: float


class OperationCreate(RequestModel):
    place_key: str = Field(min_length=1, max_length=64, description="the repeat-call place's key")
    place: str = Field(min_length=1, max_length=256, description="how the place is called (an address)")
    lon: Longitude
    lat: Latitude
    radius_m: float = Field(default=50.0, gt=0, le=500)
    cause: Text
    actions: Text
    owner_org_unit_id: Id
    review_date: Day


class OperationLinkCreate(RequestModel):
    kind: OperationLinkKind
    ref_id: Id


class OperationClose(RequestModel):
    result: Text


class OperationLinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: OperationLinkKind
    ref_id: int
    linked_at: datetime
    linked_by: str


class OperationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    place_key: str
    place: str
    lon: float
    lat: float
    radius_m: float
    cause: str
    actions: str
    owner_org_unit_id: int
    station_id: int | None
    district_id: int | None
    review_date: date
    status: OperationStatus
    calls_at_opening: int
    comparison: list[dict[str, Any]]
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    closed_by: str | None
    result: str | None
    effect: dict[str, Any] | None
    links: list[OperationLinkRead] = Field(default_factory=list)
    review_due: bool = False


class RepeatPlaceWithOperation(BaseModel):
    """A repeat-call place (钉子警情) and the operation on it, if any."""

    place: str
    n_calls: int
    first_half_calls: int
    second_half_calls: int
    trend: str
    trend_p_value: float
    category_mix: dict[str, float]
    lon: float
    lat: float
    station_id: int | None
    operation_id: int | None
    operation_status: OperationStatus | None
    operation_status_zh: str | None
