"""Key premises routes under /api/v1/places: premises, their history and import, and the premises' neighbourhood."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, status

from precinct.api.deps import SessionDep, require
from precinct.api.geojson import GeoJSONResponse
from precinct.api.inputs import Id
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.places import importer, nearby, service
from precinct.places.models import Premises, PremisesCategory, RiskGrade
from precinct.places.schemas import (
    ImportRead,
    NearbyIncidentRead,
    PremisesCreate,
    PremisesEventRead,
    PremisesLayer,
    PremisesRead,
    PremisesStatusChange,
    PremisesUpdate,
)

router = APIRouter(prefix="/places", tags=["places"])
Reader = Annotated[Actor, require(Permission.READ_INCIDENTS)]
Commander = Annotated[Actor, require(Permission.COMMAND)]


@router.get("/premises", response_class=GeoJSONResponse)
def list_premises(session: SessionDep, actor: Reader, category: PremisesCategory | None = None,
                  station_id: Id | None = None, beat_id: Id | None = None, risk_grade: RiskGrade | None = None,
                  include_closed: bool = False) -> PremisesLayer:
    """Return the key premises in your scope as a GeoJSON FeatureCollection (the console's layer)."""
    filters = service.PremisesFilter(category=category, station_id=station_id, beat_id=beat_id, risk_grade=risk_grade,
                                     include_closed=include_closed)
    return PremisesLayer.model_validate(service.to_geojson(service.list_(session, filters, actor=actor)))


@router.get("/premises/{premises_id}", response_model=PremisesRead)
def get_premises(premises_id: Id, session: SessionDep, actor: Reader) -> Premises:
    """Return key premises in your scope by id (404 outside it)."""
    return service.get_visible(session, premises_id, actor)


@router.post("/premises", response_model=PremisesRead, status_code=status.HTTP_201_CREATED)
def create_premises(body: PremisesCreate, session: SessionDep, actor: Commander) -> Premises:
    """Register key premises inside your scope (422 naming lon for a position outside the city or your scope)."""
    premises = service.create(session, actor=actor, scope=org_service.scope_of(session, actor.org_unit_id),
                              **body.model_dump())
    session.commit()
    return premises


@router.patch("/premises/{premises_id}", response_model=PremisesRead)
def update_premises(premises_id: Id, body: PremisesUpdate, session: SessionDep, actor: Commander) -> Premises:
    """Edit key premises; the history keeps each changed field before and after (409 for closed premises)."""
    premises = service.update(session, premises_id, body.model_dump(exclude_unset=True), actor=actor)
    session.commit()
    return premises


@router.post("/premises/{premises_id}/close", response_model=PremisesRead)
def close_premises(premises_id: Id, body: PremisesStatusChange, session: SessionDep, actor: Commander) -> Premises:
    """注销 / close premises that are no longer watched, with a reason (kept with their history)."""
    premises = service.set_status(session, premises_id, closed=True, reason=body.reason, actor=actor)
    session.commit()
    return premises


@router.post("/premises/{premises_id}/reopen", response_model=PremisesRead)
def reopen_premises(premises_id: Id, body: PremisesStatusChange, session: SessionDep, actor: Commander) -> Premises:
    """Reopen closed premises, with a reason."""
    premises = service.set_status(session, premises_id, closed=False, reason=body.reason, actor=actor)
    session.commit()
    return premises


@router.get("/premises/{premises_id}/history", response_model=list[PremisesEventRead])
def premises_history(premises_id: Id, session: SessionDep, actor: Reader) -> list[PremisesEventRead]:
    """Return the premises' append-only history, oldest first."""
    return [PremisesEventRead.model_validate(e) for e in service.history(session, premises_id, actor=actor)]


@router.post("/premises/import", response_model=ImportRead)
def import_premises(
    data: Annotated[bytes, Body(media_type="text/csv", description="the CSV or GeoJSON file, up to 2 MiB")],
    session: SessionDep, actor: Commander,
    file_format: Annotated[Literal["csv", "geojson"], Query(alias="format")] = "csv",
) -> ImportRead:
    """批量导入 / import premises from a CSV or GeoJSON body.

    The good rows are registered, the others reported with their line numbers; a file that cannot
    be read as a whole stores nothing (422).
    """
    report = importer.import_premises(session, data, file_format=file_format, actor=actor)
    session.commit()
    return ImportRead.model_validate(report.as_dict())


@router.get("/premises/{premises_id}/incidents", response_model=list[NearbyIncidentRead])
def premises_incidents(
    premises_id: Id, session: SessionDep, actor: Reader,
    radius_m: Annotated[float, Query(gt=0, le=2000)] = 200.0,
    days: Annotated[int, Query(ge=1, le=365)] = 90,
) -> list[NearbyIncidentRead]:
    """周边警情 / the incidents of the last ``days`` within ``radius_m`` of the premises (no personal data)."""
    premises = service.get_visible(session, premises_id, actor)
    return [NearbyIncidentRead(id=n.incident.id, type_code=n.incident.type_code, priority=n.incident.priority,
                               status=n.incident.status.value, received_at=n.incident.received_at, lon=n.incident.lon,
                               lat=n.incident.lat, distance_m=round(n.distance_m, 1), simulated=n.incident.simulated)
            for n in nearby.incidents_near(session, premises.lon, premises.lat, radius_m=radius_m, days=days,
                                           scope=org_service.scope_for(session, actor))]
