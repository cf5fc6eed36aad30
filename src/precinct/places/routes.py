"""Key premises routes under /api/v1/places."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from precinct.api.deps import SessionDep, require
from precinct.api.geojson import GeoJSONResponse
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.places import service
from precinct.places.models import Premises, PremisesCategory
from precinct.places.schemas import PremisesCreate, PremisesLayer, PremisesRead

router = APIRouter(prefix="/places", tags=["places"])


@router.get("/premises", response_class=GeoJSONResponse)
def list_premises(session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
                  category: PremisesCategory | None = None, station_id: int | None = None) -> PremisesLayer:
    """Return the key premises as a GeoJSON FeatureCollection (the console's layer)."""
    return PremisesLayer.model_validate(
        service.to_geojson(service.list_(session, category=category, station_id=station_id)))


@router.get("/premises/{premises_id}", response_model=PremisesRead)
def get_premises(
    premises_id: int, session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
) -> Premises:
    """Return key premises by id."""
    return service.get(session, premises_id)


@router.post("/premises", response_model=PremisesRead, status_code=status.HTTP_201_CREATED)
def create_premises(
    body: PremisesCreate, session: SessionDep, actor: Annotated[Actor, require(Permission.COMMAND)],
) -> Premises:
    """Register key premises."""
    premises = service.create(session, actor=actor, **body.model_dump())
    session.commit()
    return premises
