"""Key premises: register, list, and serve as a map layer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.places.models import CATEGORY_NAMES, Premises, PremisesCategory


def create(session: Session, *, name: str, category: PremisesCategory, lon: float, lat: float, actor: Actor,
           address: str = "", notes: str = "", generated: bool = False) -> Premises:
    """Register key premises in the district, station and beat its position lies in (audited)."""
    if not name.strip():
        raise ValidationError("name must not be empty")
    place = org_service.resolve(session, lon, lat)
    premises = Premises(name=name.strip(), category=category, address=address, lon=lon, lat=lat, notes=notes,
                        district_id=place.district_id, station_id=place.station_id, beat_id=place.beat_id,
                        generated=generated, created_by=actor.username)
    session.add(premises)
    session.flush()
    audit_service.record(session, actor=actor, action="premises.create", resource_type="premises",
                         resource_id=premises.id, detail={"category": category.value})
    return premises


def get(session: Session, premises_id: int) -> Premises:
    """Return key premises; NotFoundError if there are none with that id."""
    premises = session.get(Premises, premises_id)
    if premises is None:
        raise NotFoundError(f"premises {premises_id} does not exist")
    return premises


def list_(
    session: Session, *, category: PremisesCategory | None = None, station_id: int | None = None,
) -> list[Premises]:
    """Return the key premises, of one category or station if given, by id."""
    query = select(Premises).order_by(Premises.id)
    if category is not None:
        query = query.where(Premises.category == category)
    if station_id is not None:
        query = query.where(Premises.station_id == station_id)
    return list(session.scalars(query))


def to_geojson(premises: list[Premises]) -> dict[str, Any]:
    """Return the premises as a GeoJSON FeatureCollection of points (lon/lat)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
         "properties": {"id": p.id, "name": p.name, "category": p.category.value,
                        "category_zh": CATEGORY_NAMES[p.category][0], "category_en": CATEGORY_NAMES[p.category][1],
                        "address": p.address, "station_id": p.station_id, "generated": p.generated}}
        for p in premises]}
