"""Request and response shapes of the case register: cases, events, reviews, incidents, tasks, documents, parties."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import Id, Instant, Latitude, Longitude, RequestModel
from precinct.cases.models import (
    KIND_NAMES,
    PARTY_ROLE_NAMES,
    STATUS_NAMES,
    Case,
    CaseKind,
    CaseStatus,
    PartyRole,
    ReviewStatus,
    SuggestionStatus,
    TaskStatus,
)
from precinct.cases.rules import MILESTONES
from precinct.cases.status import MOVE_NAMES, Move, allowed_moves
from precinct.incidents.models import ReadPurpose

Text = Annotated[str, Field(default="", max_length=4000)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Username = Annotated[str, Field(min_length=1, max_length=64)]
MAX_INCIDENTS = 20


class CaseCreate(RequestModel):
    """A new case: from one or more incidents, or directly (then name the station)."""

    kind: CaseKind
    type_code: str = Field(min_length=1, max_length=32)
    summary: str = Field(min_length=1, max_length=4000)
    incident_ids: list[Id] = Field(default_factory=list, max_length=MAX_INCIDENTS)
    station_id: Id | None = Field(default=None, description="the owning station (default: the first incident's)")
    team_unit_id: Id | None = Field(default=None, description="the team (unit) that works it; an officer: their own")
    lead_officer: Username | None = Field(default=None, description="account name of the lead officer")
    number: str | None = Field(default=None, min_length=3, max_length=64, pattern=r"^[\w\-/().（）]+$",
                               description="an existing number (a case taken over from another system); default: "
                                           "made from the configured pattern")
    address: str = Field(default="", max_length=256)
    lon: Longitude | None = None
    lat: Latitude | None = None


class NamePair(BaseModel):
    code: str
    zh: str
    en: str


class CaseTypeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    kind: CaseKind
    name_zh: str
    name_en: str
    national_code: str | None
    active: bool


class CaseRead(BaseModel):
    """A case with its state, the moves its state allows and who works it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    kind: CaseKind
    kind_zh: str
    kind_en: str
    type_code: str
    status: CaseStatus
    status_zh: str
    status_en: str
    allowed_moves: list[Move]
    summary: str
    address: str
    lon: float | None
    lat: float | None
    station_id: int
    district_id: int | None
    team_unit_id: int | None
    lead_officer: str | None
    received_at: datetime
    opened_at: datetime | None
    cleared_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    created_by: str
    updated_at: datetime


def case_read(case: Case) -> CaseRead:
    """Return the response shape of ``case``."""
    kind_zh, kind_en = KIND_NAMES[case.kind]
    status_zh, status_en = STATUS_NAMES[case.status]
    return CaseRead.model_validate({
        **{column: getattr(case, column) for column in CaseRead.model_fields if hasattr(case, column)},
        "kind_zh": kind_zh, "kind_en": kind_en, "status_zh": status_zh, "status_en": status_en,
        "allowed_moves": allowed_moves(case.status, case.kind)})


class CasePage(BaseModel):
    items: list[CaseRead]
    total: int
    page: int
    page_size: int


class CaseEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    kind: str
    kind_zh: str
    kind_en: str
    from_status: str | None
    to_status: str | None
    data: dict[str, object] | None


class ReviewSubmit(RequestModel):
    """A decision for review: the move and its grounds (for not opening or withdrawing: the reasons)."""

    move: Move
    grounds: Reason


class ReviewDecision(RequestModel):
    note: str = Field(default="", max_length=2000, description="required when returning: the reason")


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    move: Move
    move_zh: str = ""
    move_en: str = ""
    status: ReviewStatus
    grounds: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


def review_read(review: object) -> ReviewRead:
    """Return the response shape of a review, with its move's names."""
    read = ReviewRead.model_validate(review)
    zh, en = MOVE_NAMES[read.move]
    return read.model_copy(update={"move_zh": zh, "move_en": en})


class InboxRead(BaseModel):
    """The caller's review inbox: decisions returned to them, and (approvers) decisions waiting in their scope."""

    returned: list[ReviewRead]
    waiting: list[ReviewRead]


class MilestoneCreate(RequestModel):
    """Something that starts or stops a legal limit: a summons, a detention, the family told, ..."""

    kind: Literal[MILESTONES]  # type: ignore[valid-type]  # the tuple's values
    occurred_at: Instant | None = Field(default=None, description="when it happened (default: now)")
    party_id: Id | None = Field(default=None, description="the party it concerns (a detention's limits are per party)")
    note: str = Field(default="", max_length=2000)


class LinkIncident(RequestModel):
    incident_id: Id


class CaseIncidentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    incident_id: int
    source: str
    linked_at: datetime
    linked_by: str


class SuggestionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    incident_id: int
    score: float
    distance_m: float
    gap_days: float
    status: SuggestionStatus
    suggested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None


class SuggestionDecision(RequestModel):
    reason: str = Field(default="", max_length=2000)


class TaskCreate(RequestModel):
    title: str = Field(min_length=1, max_length=200)
    assignee: Username
    due_at: Instant | None = None
    note: str = Field(default="", max_length=2000)


class TaskUpdate(RequestModel):
    status: Literal["done", "cancelled"]
    note: str = Field(default="", max_length=2000)


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    title: str
    assignee: str
    due_at: datetime | None
    status: TaskStatus
    note: str
    created_at: datetime
    created_by: str
    done_at: datetime | None


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    title: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


class PartyCreate(RequestModel):
    role: PartyRole
    name: str = Field(min_length=1, max_length=128)
    id_number: str = Field(default="", max_length=32)
    phone: str = Field(default="", max_length=32)
    notes: str = Field(default="", max_length=2000)


class PartyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    role: PartyRole
    role_zh: str = ""
    role_en: str = ""
    name: str
    id_number: str
    phone: str
    notes: str
    created_at: datetime


def party_read(party: object) -> PartyRead:
    """Return the response shape of a party, with its role's names."""
    read = PartyRead.model_validate(party)
    zh, en = PARTY_ROLE_NAMES[read.role]
    return read.model_copy(update={"role_zh": zh, "role_en": en})


class PartyCreated(BaseModel):
    """What adding a party answers: its id and role only (reading it back is a purposed, audited read)."""

    id: int
    case_id: int
    role: PartyRole


__all__ = ["NamePair", "ReadPurpose", "Text"]
