"""Request and response shapes for key premises, inspections, hazards and the beat log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.geojson import FeatureCollection
from precinct.api.inputs import Id, Instant, Latitude, Longitude, RequestModel
from precinct.places.inspection_models import HAZARD_STATUS_NAMES, Hazard, HazardStatus
from precinct.places.models import PURPOSE_NAMES, BeatVisit, PremisesCategory, PremisesStatus, RiskGrade, VisitPurpose

Note = Annotated[str, Field(default="", max_length=2000)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class PremisesCreate(RequestModel):
    name: str = Field(min_length=1, max_length=128)
    category: PremisesCategory
    lon: Longitude
    lat: Latitude
    address: str = Field(default="", max_length=256)
    notes: str = Field(default="", max_length=2000)
    risk_grade: RiskGrade = RiskGrade.MEDIUM


class PremisesUpdate(RequestModel):
    """The fields to change (the others are left as they are); a new position moves the premises' jurisdiction."""

    name: str | None = Field(default=None, min_length=1, max_length=128)
    category: PremisesCategory | None = None
    lon: Longitude | None = None
    lat: Latitude | None = None
    address: str | None = Field(default=None, max_length=256)
    notes: str | None = Field(default=None, max_length=2000)
    risk_grade: RiskGrade | None = None


class PremisesStatusChange(RequestModel):
    reason: Reason


class PremisesRead(PremisesCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int
    district_id: int | None
    station_id: int | None
    beat_id: int | None
    generated: bool
    status: PremisesStatus
    closed_at: datetime | None
    created_at: datetime
    created_by: str
    updated_at: datetime | None


class PremisesEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor: str
    kind: str = Field(description="created, updated (data: the fields before and after), closed, reopened")
    data: dict[str, Any] | None


class PremisesProperties(BaseModel):
    id: int
    name: str
    category: PremisesCategory
    category_zh: str
    category_en: str
    address: str
    station_id: int | None
    generated: bool = Field(description="generated for the demo city, not registered by a user")
    risk_grade: RiskGrade
    risk_zh: str
    status: PremisesStatus


class PremisesLayer(FeatureCollection[PremisesProperties]):
    """Key premises as points (GeoJSON, lon/lat): the console's layer."""


class RefusalRead(BaseModel):
    line: int = Field(description="the line of the file (1: the CSV header; a GeoJSON feature's first line)")
    reason: str


class SkipRead(BaseModel):
    line: int = Field(description="the line of the file, numbered as a refusal's")
    premises_id: int = Field(description="the open premises of the same name at the same point, registered already")
    reason: str


class ImportRead(BaseModel):
    rows: int
    created: int
    created_ids: list[int]
    refused: list[RefusalRead]
    skipped: list[SkipRead] = Field(description="rows naming premises registered already: a second import "
                                                "of the same file stores nothing new")


class NearbyIncidentRead(BaseModel):
    """An incident near premises (no personal data)."""

    id: int
    type_code: str
    priority: int
    status: str
    received_at: datetime
    lon: float
    lat: float
    distance_m: float
    simulated: bool


class ChecklistItem(RequestModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    text_zh: str = Field(min_length=1, max_length=300)
    text_en: str = Field(min_length=1, max_length=300)


class ChecklistCreate(RequestModel):
    category: PremisesCategory
    title: str = Field(min_length=1, max_length=128)
    items: list[ChecklistItem] = Field(min_length=1, max_length=100)


class ChecklistRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    category: PremisesCategory
    version: int
    title: str
    items: list[dict[str, Any]]
    created_at: datetime
    created_by: str


class ScheduleSet(RequestModel):
    category: PremisesCategory
    risk_grade: RiskGrade
    interval_days: int = Field(ge=1, le=3650)


class ScheduleRead(BaseModel):
    category: PremisesCategory
    risk_grade: RiskGrade
    interval_days: int


class ItemResultIn(RequestModel):
    code: str = Field(min_length=1, max_length=32)
    passed: bool
    note: Note
    deadline_days: int | None = Field(default=None, ge=1, le=365, description="a failed item: days to rectify it")


class InspectionCreate(RequestModel):
    premises_id: Id
    results: list[ItemResultIn] = Field(min_length=1, max_length=100)
    notes: Note
    inspected_at: Instant | None = None


class ItemResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    item_code: str
    passed: bool
    note: str


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    inspection_id: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


class InspectionRead(BaseModel):
    id: int
    premises_id: int
    template_id: int | None
    hazard_id: int | None = Field(description="a re-inspection: the hazard it checked")
    inspected_at: datetime
    inspected_by: str
    passed: bool
    notes: str
    results: list[ItemResultRead]
    attachments: list[AttachmentRead]
    hazards_opened: list[int] = Field(default_factory=list)


class DueInspectionRead(BaseModel):
    premises_id: int
    name: str
    category: PremisesCategory
    risk_grade: RiskGrade
    station_id: int | None
    last_inspected_at: datetime | None
    interval_days: int
    due_at: datetime
    days_late: float


class HazardRead(BaseModel):
    id: int
    premises_id: int
    responsible: str = Field(description="always the premises: a hazard is the premises' to rectify")
    inspection_id: int
    item_code: str
    description: str
    status: HazardStatus
    status_zh: str
    status_en: str
    allowed_moves: list[str]
    deadline: datetime
    overdue: bool
    escalation_level: int = Field(description="0 not overdue, 1 station, 2 district branch, 3 city command centre")
    station_id: int | None
    district_id: int | None
    opened_at: datetime
    opened_by: str
    verified_at: datetime | None
    closed_at: datetime | None
    closed_by: str | None


def hazard_read(hazard: Hazard, *, now: datetime, moves: tuple[str, ...]) -> HazardRead:
    """Return the response shape of a hazard."""
    zh, en = HAZARD_STATUS_NAMES[hazard.status]
    return HazardRead(id=hazard.id, premises_id=hazard.premises_id, responsible=f"premises {hazard.premises_id}",
                      inspection_id=hazard.inspection_id, item_code=hazard.item_code, description=hazard.description,
                      status=hazard.status, status_zh=zh, status_en=en, allowed_moves=list(moves),
                      deadline=hazard.deadline, overdue=hazard.status == HazardStatus.OPEN and hazard.deadline < now,
                      escalation_level=hazard.escalation_level, station_id=hazard.station_id,
                      district_id=hazard.district_id, opened_at=hazard.opened_at, opened_by=hazard.opened_by,
                      verified_at=hazard.verified_at, closed_at=hazard.closed_at, closed_by=hazard.closed_by)


class HazardEventRead(PremisesEventRead):
    pass


class ReinspectionCreate(RequestModel):
    passed: bool
    note: Note
    deadline_days: int | None = Field(default=None, ge=1, le=365, description="failed: a new rectification deadline")


class HazardClose(RequestModel):
    note: Note


class BoardRead(BaseModel):
    """The station's board of places: inspections overdue and hazards open past their deadline."""

    overdue_inspections: list[DueInspectionRead]
    overdue_hazards: list[HazardRead]


class VisitCreate(RequestModel):
    place: str = Field(min_length=1, max_length=256, description="where: an address or a named spot (no person)")
    purpose: VisitPurpose
    notes: str = Field(default="", max_length=2000, description="what was done; name no resident")
    visited_at: Instant | None = None
    premises_id: Id | None = None
    lon: Longitude | None = None
    lat: Latitude | None = None


class VisitRead(BaseModel):
    id: int
    beat_id: int
    visited_at: datetime
    place: str
    premises_id: int | None
    lon: float | None
    lat: float | None
    purpose: VisitPurpose
    purpose_zh: str
    purpose_en: str
    notes: str
    recorded_by: str


def visit_read(visit: BeatVisit) -> VisitRead:
    """Return the response shape of a beat-log entry."""
    zh, en = PURPOSE_NAMES[visit.purpose]
    return VisitRead(id=visit.id, beat_id=visit.beat_id, visited_at=visit.visited_at, place=visit.place,
                     premises_id=visit.premises_id, lon=visit.lon, lat=visit.lat, purpose=visit.purpose,
                     purpose_zh=zh, purpose_en=en, notes=visit.notes, recorded_by=visit.recorded_by)


class WeekCount(BaseModel):
    week_start: str = Field(description="the Monday of the local week")
    visits: int
    by_purpose: dict[str, int] = Field(default_factory=dict)


class BeatLogRead(BaseModel):
    beat_id: int
    code: str
    name_zh: str
    name_en: str
    station_id: int
    weeks: list[WeekCount]
    visits: list[VisitRead]


class BeatWeeksRead(BaseModel):
    beat_id: int
    code: str
    name_zh: str
    name_en: str
    weeks: list[WeekCount]
