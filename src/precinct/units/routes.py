"""Unit routes under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from precinct.api.deps import SessionDep, require
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.units import service
from precinct.units.models import Unit, UnitStatus, UnitType
from precinct.units.schemas import (
    PositionBatch,
    PositionBatchResult,
    PositionReport,
    UnitCreate,
    UnitRead,
)

router = APIRouter(tags=["units"])


@router.post("/units", response_model=UnitRead, status_code=status.HTTP_201_CREATED)
def create_unit(
    body: UnitCreate, session: SessionDep, actor: Annotated[Actor, require(Permission.MANAGE_UNITS)],
) -> Unit:
    """Register a unit."""
    unit = service.create(session, actor=actor, **body.model_dump())
    session.commit()
    return unit


@router.post("/unit-positions", response_model=PositionBatchResult)
def report_positions(
    body: PositionBatch, session: SessionDep, actor: Annotated[Actor, require(Permission.FIELD_STATUS)],
) -> PositionBatchResult:
    """Record a batch of position reports (up to 5,000), e.g. from an AVL gateway; all or nothing."""
    recorded = service.report_positions(session, [r.model_dump() for r in body.reports], actor=actor)
    session.commit()
    return PositionBatchResult(recorded=recorded)


@router.get("/units", response_model=list[UnitRead])
def list_units(
    session: SessionDep,
    actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    status_: Annotated[list[UnitStatus] | None, Query(alias="status")] = None,
    station_id: int | None = None,
    unit_type: UnitType | None = None,
) -> list[Unit]:
    """Return the units of the caller's scope, filtered by status, home station and type."""
    return service.list_(session, status=status_, station_id=station_id, unit_type=unit_type,
                         scope=org_service.scope_for(session, actor))


@router.get("/units/{unit_id}", response_model=UnitRead)
def get_unit(unit_id: int, session: SessionDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)]) -> Unit:
    """Return a unit of the caller's scope or a neighbouring station's."""
    return service.get_visible(session, unit_id, actor)


@router.post("/units/{unit_id}/positions", status_code=status.HTTP_204_NO_CONTENT)
def report_position(
    unit_id: int, body: PositionReport, session: SessionDep, actor: Annotated[Actor, require(Permission.FIELD_STATUS)]
) -> Response:
    """Record one position report of a unit (an older report never overwrites a newer position)."""
    service.report_position(session, unit_id, actor=actor, **body.model_dump())
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
