"""A directive's map geometry: a GeoJSON Point, Polygon or MultiPolygon in lon/lat, inside the city.

The city's boundary is the boundary of the organisation tree's city unit (or, where the city has
none, the union of its district branches'); a city that has neither accepts any valid geometry.
"""

from __future__ import annotations

import json
import math
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.cache import TTLCache
from precinct.directives.messages import field_error
from precinct.org.models import OrgTier, OrgUnit

GEOMETRY_TYPES = ("Point", "Polygon", "MultiPolygon")
AREA_TYPES = frozenset({"Polygon", "MultiPolygon"})
MAX_VERTICES = 10_000
"""The most vertices a stored directive geometry has; an area with more is simplified to fit (:func:`simplified`)."""
MAX_INPUT_VERTICES = 100_000
"""The most vertices of an area :func:`checked` accepts to simplify (a district boundary has a few thousand)."""

_city = TTLCache[BaseGeometry | None](ttl_s=60.0)


def city_boundary(session: Session) -> BaseGeometry | None:
    """Return the city's boundary (see the module), or ``None`` when the organisation has none."""
    key = session.get_bind().engine.url

    def load() -> BaseGeometry | None:
        rows = session.execute(select(OrgUnit.tier, OrgUnit.boundary_geojson).where(
            OrgUnit.tier.in_((OrgTier.CITY, OrgTier.DISTRICT)), OrgUnit.boundary_geojson.is_not(None))).all()
        for tier in (OrgTier.CITY, OrgTier.DISTRICT):
            shapes = [shape(json.loads(text)) for found, text in rows if found == tier and text]
            if shapes:
                return shapely.union_all(shapes)
        return None

    return _city.get_or_load(key, load)


def boundary_of(unit: OrgUnit) -> BaseGeometry | None:
    """Return an organisation unit's boundary as a Shapely geometry (``None`` without one)."""
    return shape(json.loads(unit.boundary_geojson)) if unit.boundary_geojson else None


def checked(geometry: dict[str, Any], *, city: BaseGeometry | None, field: str = "geometry") -> BaseGeometry:
    """Return ``geometry`` as a Shapely geometry once it is a valid GeoJSON geometry inside ``city``.

    Raises
    ------
    ValidationError
        Naming ``field``: not a GeoJSON Point, Polygon or MultiPolygon, coordinates that are not
        finite lon/lat, more vertices than :data:`MAX_INPUT_VERTICES` (or above :data:`MAX_VERTICES`
        and no simpler valid area fits), an invalid (e.g. self-intersecting) or empty shape, or one
        that is not inside the city's boundary.

    An area above :data:`MAX_VERTICES` (a district's boundary sent as a patrol area) comes back
    simplified to fit (:func:`simplified`); the city check is made on the area as sent.
    """
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        raise field_error(field, "directive.geometry_type", found=kind, allowed=", ".join(GEOMETRY_TYPES))
    try:
        found = shape(geometry)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise field_error(field, "directive.geometry_malformed", error=str(exc) or type(exc).__name__) from exc
    coordinates = shapely.get_coordinates(found)
    if len(coordinates) > MAX_INPUT_VERTICES:
        raise field_error(field, "directive.geometry_too_large", limit=MAX_INPUT_VERTICES)
    if found.is_empty or not all(math.isfinite(v) for v in coordinates.ravel()):
        raise field_error(field, "directive.geometry_empty")
    if (abs(coordinates[:, 0]) > 180).any() or (abs(coordinates[:, 1]) > 90).any():
        raise field_error(field, "directive.geometry_not_lonlat")
    if not found.is_valid:
        raise field_error(field, "directive.geometry_invalid", reason=explain_validity(found))
    if found.geom_type in AREA_TYPES and found.area <= 0:
        raise field_error(field, "directive.geometry_empty")
    if city is not None and not city.covers(found):
        raise field_error(field, "directive.geometry_outside_city")
    if len(coordinates) > MAX_VERTICES:
        simpler = simplified(found, limit=MAX_VERTICES)
        if simpler is None:
            raise field_error(field, "directive.geometry_too_large", limit=MAX_VERTICES)
        return simpler
    return found


def simplified(area: BaseGeometry, *, limit: int = MAX_VERTICES) -> BaseGeometry | None:
    """Return ``area`` simplified to at most ``limit`` vertices, still a valid area; ``None`` if it cannot be.

    Douglas-Peucker with topology preserved (``shapely.simplify(..., preserve_topology=True)``), the
    tolerance starting at a millionth of the area's extent and doubling until the vertices fit, each
    step simplifying the last valid one (so the result lies within twice the final tolerance of
    ``area``). A result that is invalid, empty or without area is never returned: the tolerance
    grows past it, and after 20 doublings (a tolerance about the area's own extent) the answer is
    ``None``.

    Parameters
    ----------
    area
        A valid Polygon or MultiPolygon in lon/lat degrees.
    limit
        The most vertices the result may have (ring closings counted, as GeoJSON stores them).
    """
    if len(shapely.get_coordinates(area)) <= limit:
        return area
    west, south, east, north = area.bounds
    tolerance = max(east - west, north - south) * 1e-6
    for _ in range(20):
        simpler = shapely.simplify(area, tolerance, preserve_topology=True)
        if simpler.geom_type in AREA_TYPES and not simpler.is_empty and simpler.is_valid and simpler.area > 0:
            if len(shapely.get_coordinates(simpler)) <= limit:
                return simpler
            area = simpler  # the next, coarser step starts from this one: far fewer vertices to read
        tolerance *= 2
    return None


def to_text(geometry: BaseGeometry) -> str:
    """Return ``geometry`` as compact GeoJSON text (what the store keeps)."""
    return json.dumps(mapping(geometry), separators=(",", ":"))


def area_of(geometry_geojson: str | None) -> BaseGeometry | None:
    """Return a stored directive geometry as an area (``None`` for none, or for a point)."""
    if not geometry_geojson:
        return None
    found = shape(json.loads(geometry_geojson))
    return found if found.geom_type in AREA_TYPES else None
