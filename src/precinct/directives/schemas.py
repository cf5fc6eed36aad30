"""Request and response shapes for directives."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import Id, Instant, Latitude, Longitude, RequestModel
from precinct.deployment.schemas import BeforeAfterRead
from precinct.directives.models import (
    EVENT_NAMES,
    KIND_NAMES,
    LINK_NAMES,
    STATUS_NAMES,
    Directive,
    DirectiveEvent,
    DirectiveKind,
    DirectiveLink,
    DirectiveStatus,
    LinkKind,
    level_names,
)
from precinct.directives.patrol import DEFAULT_GAP_CAP_S
from precinct.directives.status import OPEN_STATUSES, allowed_moves

MAX_LINKS = 20
MAX_UNITS = 20
Note = Annotated[str, Field(default="", max_length=2000)]


class GeometryIn(RequestModel):
    """A GeoJSON geometry in WGS84 lon/lat: a Point, or an area (Polygon, MultiPolygon)."""

    type: Literal["Point", "Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(max_length=10_000, description="lon, lat positions, nested as the type says")


class ForecastCellLink(RequestModel):
    """A flagged cell of a stored forecast (a hotspot): ``GET /analysis/hotspots/forecast`` features' ``cell``."""

    kind: Literal["forecast_cell"]
    forecast_id: Id
    cell: Annotated[int, Field(ge=0, le=2**31 - 1)]


class RepeatPlaceLink(RequestModel):
    """A repeat-call place as ``GET /analysis/repeat-places`` lists it."""

    kind: Literal["repeat_place"]
    place: str = Field(min_length=1, max_length=256)
    lon: Longitude
    lat: Latitude


class PremisesLink(RequestModel):
    """Key premises (``GET /places/premises``)."""

    kind: Literal["premises"]
    premises_id: Id


class IncidentLink(RequestModel):
    """An incident."""

    kind: Literal["incident"]
    incident_id: Id


class SpikeLink(RequestModel):
    """A district's spike alarm as ``GET /analysis/spikes`` lists it."""

    kind: Literal["spike"]
    area: str = Field(min_length=1, max_length=128, description="the district, as the spike names it")
    window_days: int = Field(default=7, ge=1, le=28)


LinkIn = Annotated[ForecastCellLink | RepeatPlaceLink | PremisesLink | IncidentLink | SpikeLink,
                   Field(discriminator="kind")]


class DirectiveCreate(RequestModel):
    """A new directive, to exactly one of ``target_org_unit_id`` (a branch or a station) and ``target_unit_id``."""

    kind: DirectiveKind
    title: str = Field(min_length=1, max_length=128)
    text: str = Field(default="", max_length=4000)
    target_org_unit_id: Id | None = Field(default=None, description="a district branch or a station in your scope")
    target_unit_id: Id | None = Field(default=None, description="a unit whose station is in your scope")
    geometry: GeometryIn | None = Field(default=None, description=(
        "inside the city; a patrol needs an area. Without it, the first link with a place gives it "
        "(a forecast cell its square, premises, an incident or a repeat-call place their point)"))
    window_start: Instant | None = Field(default=None, description="a patrol needs a window")
    window_end: Instant | None = None
    deadline: Instant = Field(description="in the future, not before window_end: report done by then")
    links: list[LinkIn] = Field(default_factory=list, max_length=MAX_LINKS, description="what prompted it")


class DirectiveSign(RequestModel):
    """Signing for a directive (签收)."""

    note: Note


class DirectiveStart(RequestModel):
    """Starting the work, naming the units that carry it out."""

    unit_ids: list[Id] = Field(default_factory=list, max_length=MAX_UNITS)
    note: Note


class DirectiveReport(RequestModel):
    """Reporting a directive done; a patrol's minutes are measured by the server."""

    text: str = Field(min_length=1, max_length=4000)
    unit_ids: list[Id] = Field(default_factory=list, max_length=MAX_UNITS,
                               description="more units that carried it out (besides those named before)")


class DirectiveCheck(RequestModel):
    """The issuing side's check of a report: accepted (closed) or returned with a reason (back in progress)."""

    outcome: Literal["accepted", "returned"]
    reason: str = Field(default="", max_length=2000, description="required when returned")


class DirectiveCancel(RequestModel):
    """Withdrawing a directive that is not yet reported done."""

    reason: str = Field(min_length=1, max_length=2000)


class LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: LinkKind
    kind_zh: str
    kind_en: str
    ref_id: int | None = Field(description="forecast, premises or incident id")
    ref_key: str | None = Field(description="forecast cell, repeat-call place or spike district")
    lon: float | None
    lat: float | None
    data: dict[str, Any] | None


class DirectiveRead(BaseModel):
    """A directive as its readers see it; ``late_s`` counts from the deadline while it is open."""

    id: int
    kind: DirectiveKind
    kind_zh: str
    kind_en: str
    status: DirectiveStatus
    status_zh: str
    status_en: str
    allowed_moves: list[str] = Field(description="the moves its status allows (who may make them: docs)")
    title: str
    text: str
    geometry: dict[str, Any] | None
    window_start: datetime | None
    window_end: datetime | None
    deadline: datetime
    issued_by: str
    issued_at: datetime
    issuer_org_unit_id: int | None
    target_org_unit_id: int | None
    target_unit_id: int | None
    station_id: int | None
    district_id: int | None
    unit_ids: list[int] = Field(description="the units named to carry it out")
    links: list[LinkRead]
    signed_at: datetime | None
    signed_by: str | None
    started_at: datetime | None
    reported_at: datetime | None
    reported_by: str | None
    report_text: str | None
    patrol_minutes: float | None = Field(description="measured when reported (patrol directives)")
    patrol_detail: dict[str, Any] | None
    checked_at: datetime | None
    checked_by: str | None
    closed_at: datetime | None
    overdue: bool = Field(description="open past its deadline")
    late_s: float | None = Field(description="seconds past the deadline while open")
    overdue_at: datetime | None = Field(description="when the breach was recorded")
    escalation_level: int = Field(description="0 none, 1 station, 2 district branch, 3 city command centre")
    escalation_zh: str
    escalation_en: str
    escalated_at: datetime | None
    updated_at: datetime
    version: int


class DirectivePage(BaseModel):
    items: list[DirectiveRead]
    total: int
    page: int
    page_size: int


class DirectiveEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    kind: str
    kind_zh: str
    kind_en: str
    from_status: str | None
    to_status: str | None
    data: dict[str, Any] | None


class UnitPatrolRead(BaseModel):
    unit_id: int
    call_sign: str
    minutes: float
    fixes: int
    fixes_inside: int


class PatrolMinutesRead(BaseModel):
    """The patrol minutes of a directive's units inside its area during its window (method: docs)."""

    directive_id: int
    minutes: float = Field(description="unit-minutes: the sum over the units")
    window_start: datetime
    window_end: datetime
    measured_until: datetime = Field(description="the window's end, or now while it runs")
    gap_cap_s: float = DEFAULT_GAP_CAP_S
    units: list[UnitPatrolRead]
    method: str


class DirectiveEffectRead(BeforeAfterRead):
    """Difference-in-differences of reported incidents: the directive's area against the rest of its station."""

    directive_id: int
    before: list[datetime] = Field(description="[start, end)")
    after: list[datetime] = Field(description="[start, end)")


class SweepRead(BaseModel):
    breached: list[int]
    escalated: list[int]



def directive_read(directive: Directive, *, links: list[DirectiveLink], unit_ids: list[int],
                   now: datetime) -> DirectiveRead:
    """Return ``directive`` as its readers see it at ``now``, with its links and named units."""
    open_ = directive.status in OPEN_STATUSES
    late_s = (now - directive.deadline).total_seconds() if open_ else None
    level_zh, level_en = level_names(directive.escalation_level)
    return DirectiveRead(
        id=directive.id, kind=directive.kind, kind_zh=KIND_NAMES[directive.kind][0],
        kind_en=KIND_NAMES[directive.kind][1], status=directive.status,
        status_zh=STATUS_NAMES[directive.status][0], status_en=STATUS_NAMES[directive.status][1],
        allowed_moves=[move.value for move in allowed_moves(directive.status)], title=directive.title,
        text=directive.text, geometry=json.loads(directive.geometry_geojson) if directive.geometry_geojson else None,
        window_start=directive.window_start, window_end=directive.window_end, deadline=directive.deadline,
        issued_by=directive.issued_by, issued_at=directive.issued_at, issuer_org_unit_id=directive.issuer_org_unit_id,
        target_org_unit_id=directive.target_org_unit_id, target_unit_id=directive.target_unit_id,
        station_id=directive.station_id, district_id=directive.district_id, unit_ids=unit_ids,
        links=[LinkRead(kind=link.kind, kind_zh=LINK_NAMES[link.kind][0], kind_en=LINK_NAMES[link.kind][1],
                        ref_id=link.ref_id, ref_key=link.ref_key, lon=link.lon, lat=link.lat, data=link.data)
               for link in links],
        signed_at=directive.signed_at, signed_by=directive.signed_by, started_at=directive.started_at,
        reported_at=directive.reported_at, reported_by=directive.reported_by, report_text=directive.report_text,
        patrol_minutes=round(directive.patrol_seconds / 60.0, 2) if directive.patrol_seconds is not None else None,
        patrol_detail=directive.patrol_detail, checked_at=directive.checked_at, checked_by=directive.checked_by,
        closed_at=directive.closed_at, overdue=late_s is not None and late_s > 0,
        late_s=late_s if late_s is not None and late_s > 0 else None, overdue_at=directive.overdue_at,
        escalation_level=directive.escalation_level, escalation_zh=level_zh, escalation_en=level_en,
        escalated_at=directive.escalated_at, updated_at=directive.updated_at, version=directive.version)


def event_read(event: DirectiveEvent) -> DirectiveEventRead:
    """Return a log entry with its kind's bilingual name."""
    zh, en = EVENT_NAMES.get(event.kind, (event.kind, event.kind))
    return DirectiveEventRead(id=event.id, at=event.at, actor=event.actor, kind=event.kind, kind_zh=zh, kind_en=en,
                              from_status=event.from_status, to_status=event.to_status, data=event.data)
