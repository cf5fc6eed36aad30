"""Key premises routes under /api/v1/places."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from precinct.api.deps import SessionDep, require
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.places import service
from precinct.places.models import PremisesCategory

router = APIRouter(prefix="/places", tags=["places"])


class PremisesCreate(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    category: PremisesCategory
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    address: str = Field(default="", max_length=256)
    notes: str = Field(default="", max_length=2000)


class PremisesRead(PremisesCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int
    district_id: int | None
    station_id: int | None
    beat_id: int | None
    generated: bool


@router.get("/premises")
def list_premises(session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
                  category: PremisesCategory | None = None, station_id: int | None = None):
    """Key premises as a GeoJSON FeatureCollection (the console's layer)."""
    return JSONResponse(service.to_geojson(service.list_(session, category=category, station_id=station_id)),
                        media_type="application/geo+json")


@router.get("/premises/{premises_id}", response_model=PremisesRead)
def get_premises(premises_id: int, session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)]):
    return service.get(session, premises_id)


@router.post("/premises", response_model=PremisesRead, status_code=status.HTTP_201_CREATED)
def create_premises(body: PremisesCreate, session: SessionDep, actor: Annotated[Actor, require(Permission.COMMAND)]):
    premises = service.create(session, actor=actor, **body.model_dump())
    session.commit()
    return premises
