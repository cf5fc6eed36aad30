"""Organisation and beat routes (read-only) under /api/v1."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter

from precinct.api.deps import SessionDep, require
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.org import service
from precinct.org.models import Beat, OrgTier, OrgUnit
from precinct.org.schemas import BeatRead, OrgUnitRead

router = APIRouter(tags=["organisation"])


def _org(unit: OrgUnit, with_boundary: bool) -> OrgUnitRead:
    return OrgUnitRead(
        id=unit.id, code=unit.code, name_zh=unit.name_zh, name_en=unit.name_en, tier=unit.tier,
        parent_id=unit.parent_id, lon=unit.lon, lat=unit.lat,
        boundary=json.loads(unit.boundary_geojson) if with_boundary and unit.boundary_geojson else None,
    )


def _beat(beat: Beat, with_boundary: bool) -> BeatRead:
    return BeatRead(
        id=beat.id, code=beat.code, name_zh=beat.name_zh, name_en=beat.name_en, station_id=beat.station_id,
        boundary=json.loads(beat.boundary_geojson) if with_boundary else None,
    )


@router.get("/org/units", response_model=list[OrgUnitRead])
def list_org_units(
    session: SessionDep, _: Annotated[Actor, require(Permission.ANY)],
    tier: OrgTier | None = None, parent_id: int | None = None, boundaries: bool = False,
) -> list[OrgUnitRead]:
    """Return the organisation units, with their boundaries (GeoJSON) if asked."""
    return [_org(u, boundaries) for u in service.list_units(session, tier=tier, parent_id=parent_id)]


@router.get("/org/units/{org_id}", response_model=OrgUnitRead)
def get_org_unit(org_id: int, session: SessionDep, _: Annotated[Actor, require(Permission.ANY)]) -> OrgUnitRead:
    """Return an organisation unit with its boundary."""
    return _org(service.get_unit(session, org_id), True)


@router.get("/beats", response_model=list[BeatRead])
def list_beats(
    session: SessionDep, _: Annotated[Actor, require(Permission.ANY)],
    station_id: int | None = None, boundaries: bool = False,
) -> list[BeatRead]:
    """Return the community beats, with their boundaries (GeoJSON) if asked."""
    return [_beat(b, boundaries) for b in service.list_beats(session, station_id=station_id)]


@router.get("/beats/{beat_id}", response_model=BeatRead)
def get_beat(beat_id: int, session: SessionDep, _: Annotated[Actor, require(Permission.ANY)]) -> BeatRead:
    """Return a community beat with its boundary."""
    return _beat(service.get_beat(session, beat_id), True)
