"""The analyst view's aggregate routes: profiles, trends and heat-map cells of the caller's scope.

Each takes the view's filters as query parameters (see :func:`analyst_filter`) and counts in the
database, with no cap on the incidents counted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.api.inputs import Id, Instant
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.forecasts import aggregates
from precinct.forecasts.aggregate_schemas import HeatRead, ProfilesRead, TrendRead
from precinct.incidents.models import IncidentSource
from precinct.org import service as org_service

router = APIRouter(prefix="/analysis", tags=["analysis"])


def analyst_filter(
    session: SessionDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    received_from: Instant | None = None, received_to: Instant | None = None,
    type_code: Annotated[list[str] | None, Query(max_length=50, description="incident types (any of)")] = None,
    priority: Annotated[int | None, Query(ge=1, le=4)] = None,
    district_id: Id | None = None, station_id: Id | None = None,
    source: IncidentSource | None = None, simulated: bool | None = None,
    include_officer_initiated: Annotated[bool, Query(
        description="also count incidents officers found themselves (default: reported calls only)")] = False,
) -> aggregates.IncidentFilter:
    """Read the analyst view's filters, on the caller's scope (its org subtree)."""
    return aggregates.IncidentFilter(
        since=received_from, until=received_to, type_codes=tuple(type_code or ()), priority=priority,
        district_id=district_id, station_id=station_id, source=source, simulated=simulated,
        include_officer_initiated=include_officer_initiated, scope=org_service.scope_for(session, actor))


FilterDep = Annotated[aggregates.IncidentFilter, Depends(analyst_filter)]


@router.get("/aggregates")
def profiles(session: SessionDep, settings: SettingsDep, spec: FilterDep) -> ProfilesRead:
    """按小时、星期、类型、分局等汇总 / counts by local hour, weekday, hour of week, type, area, priority, source."""
    return ProfilesRead.model_validate(aggregates.profiles(session, spec, zone=settings.zone))


@router.get("/trends")
def trends(session: SessionDep, settings: SettingsDep, spec: FilterDep,
           bin: Annotated[aggregates.Bin, Query(description="day, week (from Monday) or month")] = "day",
           ) -> TrendRead:
    """趋势与去年同期 / incidents per day, week or month with the same period 52 weeks earlier."""
    return TrendRead.model_validate(aggregates.trend(session, spec, zone=settings.zone, size=bin))


@router.get("/heat")
def heat(session: SessionDep, spec: FilterDep,
         cell_m: Annotated[float, Query(ge=50, le=5000, description="the grid's cell size in metres")] = 250.0,
         ) -> HeatRead:
    """热力图网格 / the matching incidents counted on a square grid of ``cell_m`` metres."""
    return HeatRead.model_validate(aggregates.heat_cells(session, spec, cell_m=cell_m))
