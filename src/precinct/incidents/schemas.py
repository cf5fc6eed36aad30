"""Request and response shapes for incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from precinct.api.inputs import Id, Instant, Latitude, Longitude, RequestModel
from precinct.incidents.models import (
    Disposition,
    IncidentSource,
    IncidentStatus,
    PartyKind,
)


class PartyCreate(RequestModel):
    kind: PartyKind
    name: str = Field(default="", max_length=128)
    phone: str = Field(default="", max_length=32, pattern=r"^[0-9+\-() ]*$")
    notes: str = Field(default="", max_length=2000)


class PartyRead(PartyCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int
    incident_id: int


class IncidentCreate(RequestModel):
    source: IncidentSource
    type_code: str = Field(min_length=1, max_length=32)
    priority: int | None = Field(default=None, ge=1, le=4, description="1 most urgent; default from the type")
    description: str = Field(default="", max_length=4000)
    address: str = Field(default="", max_length=256)
    lon: Longitude
    lat: Latitude = Field(description="lon and lat may not both be 0 (a device's default, not a place)")
    received_at: Instant | None = None
    external_id: str | None = Field(default=None, max_length=64)
    parties: list[PartyCreate] = Field(default_factory=list, max_length=50)

    @field_validator("lat")
    @classmethod
    def _not_null_island(cls, lat: float, info: ValidationInfo) -> float:
        if lat == 0 and info.data.get("lon") == 0:
            raise ValueError("经纬度均为 0（“零岛”，设备的默认值，不是地点）：请发送报警人的位置 / "
                             "lon and lat are both 0 (\"null island\", a device's default, not a place): "
                             "send the caller's position")
        return lat


class IncidentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str | None
    source: IncidentSource
    type_code: str
    priority: int
    status: IncidentStatus
    disposition: Disposition | None
    description: str
    address: str
    lon: float
    lat: float
    received_at: datetime
    closed_at: datetime | None
    district_id: int | None
    station_id: int | None
    beat_id: int | None
    simulated: bool
    drill_run_id: int | None = None
    extra: dict[str, Any] | None
    created_by: str
    updated_at: datetime
    status_at: datetime | None = None  # when it entered its status; None for records from before it was kept
    due_stage: str | None = Field(default=None, description=(
        "the open stage of its handling that has a time limit: dispatch, arrival or handling (None: none open)"))
    due_at: datetime | None = Field(default=None, description="that stage's deadline, as the server stored it")
    due_warn_at: datetime | None = Field(default=None, description="from when that deadline shows amber")
    reinforcing_station_ids: list[int] = Field(default_factory=list, description=(
        "the stations, other than its own, whose units were sent to it: they see it too"))
    version: int

    @field_validator("reinforcing_station_ids", mode="before")
    @classmethod
    def _none_is_empty(cls, value: list[int] | None) -> list[int]:
        return value or []


class IncidentPage(BaseModel):
    items: list[IncidentRead]
    total: int
    page: int
    page_size: int


class IncidentTransition(RequestModel):
    status: IncidentStatus
    disposition: Disposition | None = None
    note: str = Field(default="", max_length=2000)


class AssignUnit(RequestModel):
    unit_id: Id


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    incident_id: int
    unit_id: int
    dispatched_at: datetime
    en_route_at: datetime | None
    on_scene_at: datetime | None
    cleared_at: datetime | None
    acknowledged_at: datetime | None = None
    escalated_at: datetime | None = None
    dispatched_by: str


class IncidentEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor: str
    kind: str
    from_status: str | None
    to_status: str | None
    data: dict[str, Any] | None


class IncidentTypeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name_zh: str
    name_en: str
    category: str
    default_priority: int
    active: bool


LIVE_TEXT_LIMIT = 300  # characters of free text carried in a live event; the full record is one GET away


def live_payload(incident: object) -> dict[str, Any]:
    """Return what a live ``incident`` event carries: the incident without ``extra``, free text cut short."""
    data = IncidentRead.model_validate(incident).model_dump(mode="json", exclude={"extra"})
    for name in ("description", "address"):
        if len(data[name]) > LIVE_TEXT_LIMIT:
            data[name] = data[name][:LIVE_TEXT_LIMIT] + "…"
            data["truncated"] = True
    return data


class IncidentNoteCreate(RequestModel):
    """A running note on a call (append-only)."""

    text: str = Field(min_length=1, max_length=4000)


class IncidentNoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    incident_id: int
    at: datetime
    author: str
    author_role: str
    text: str


class IncidentUpdate(RequestModel):
    """A correction of an open call's facts: only the fields given change; each change goes to the event log.

    Any other field is refused (a status moves through the transitions route).
    """

    model_config = ConfigDict(extra="forbid")

    type_code: str | None = Field(default=None, min_length=1, max_length=32)
    priority: int | None = Field(default=None, ge=1, le=4, description="1 most urgent")
    address: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=4000)
