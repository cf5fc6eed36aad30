"""Request and response shapes for dispatch: intake, recommendations, plans, duty levels, hand-offs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import Id, RequestModel
from precinct.dispatch.models import Agency, HandoffMode
from precinct.incidents.models import Disposition
from precinct.incidents.schemas import AssignmentRead, IncidentRead
from precinct.units.models import UnitType
from precinct.units.schemas import UnitRead, UnitStatusUpdate


class ReasonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    zh: str
    en: str


class CandidateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    unit_id: int
    call_sign: str
    unit_type: str
    status: str
    travel_time_s: float
    distance_m: float
    rank: int
    reasons: list[ReasonRead]


class PassedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    unit_id: int
    call_sign: str
    zh: str
    en: str


class MoveUpRead(PassedRead):
    to_station_id: int


class RecommendationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    incident_id: int
    items: list[CandidateRead]
    excluded: list[PassedRead]
    move_ups: list[MoveUpRead]
    warnings: list[ReasonRead]


class DuplicateRead(BaseModel):
    incident: IncidentRead
    distance_m: float
    minutes_ago: float


class PlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    type_code: str
    district_id: int | None
    version: int
    unit_types: list[dict[str, Any]]
    checklist: list[dict[str, str]]
    notify: list[str]
    built_in: bool = False


class PlanUnit(RequestModel):
    unit_type: UnitType
    count: int = Field(ge=1, le=20)


ChecklistItem = Annotated[
    dict[Annotated[str, Field(max_length=16)], Annotated[str, Field(max_length=500)]],
    Field(max_length=8, description='one step in each language, e.g. {"zh": "疏散", "en": "evacuate"}'),
]


class PlanWrite(RequestModel):
    type_code: str = Field(min_length=1, max_length=32)
    district_id: Id | None = None
    unit_types: list[PlanUnit] = Field(min_length=1, max_length=20)
    checklist: list[ChecklistItem] = Field(default_factory=list, max_length=50)
    notify: list[Agency] = Field(default_factory=list, max_length=10)


class IntakeRead(BaseModel):
    incident: IncidentRead
    duplicates: list[DuplicateRead]
    recommendations: RecommendationRead
    response_plan: PlanRead


class DutyLevelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    district_id: int
    level: int
    set_at: datetime | None
    set_by: str | None
    reason: str
    min_available_units: int
    available_units: int
    zh: str
    en: str
    patrol_zh: str
    patrol_en: str


class DutyLevelWrite(RequestModel):
    district_id: Id
    level: int = Field(ge=1, le=4)
    reason: str = Field(min_length=2, max_length=500)


class HandoffWrite(RequestModel):
    agency: Agency
    mode: HandoffMode
    reason: str = Field(min_length=2, max_length=1000)


class HandoffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    incident_id: int
    agency: Agency
    mode: HandoffMode
    reason: str
    at: datetime
    actor: str


class DuplicateOf(RequestModel):
    original_id: Id


class OfficerAssignmentRead(BaseModel):
    assignment: AssignmentRead
    incident: IncidentRead
    unit: UnitRead




class UnitStatusReport(UnitStatusUpdate):
    """A unit's status report; clearing the last unit on scene closes the call and needs how it ended."""

    disposition: Disposition | None = Field(default=None, description=(
        "when the unit is the last one on scene and clears (available): the incident closes with this disposition"))
    note: str = Field(default="", max_length=2000, description="the closing feedback (反馈) in that case")
