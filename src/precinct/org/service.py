"""Organisation queries and jurisdiction resolution (point -> district, station, beat).

Resolution is vectorised with a Shapely STRtree built from the stored polygons and cached per
database; the cache is rebuilt whenever the organisation tables change.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import URL, ColumnElement, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from precinct.core.cache import TTLCache
from precinct.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from precinct.core.security import Actor
from precinct.org.models import Beat, OrgTier, OrgUnit


@dataclass(frozen=True)
class Jurisdiction:
    """The district, station and beat a point lies in (``None`` outside each)."""

    district_id: int | None
    station_id: int | None
    beat_id: int | None


@dataclass(frozen=True)
class _Layer:
    ids: np.ndarray
    tree: shapely.STRtree | None

    def lookup(self, points: np.ndarray) -> np.ndarray:
        result = np.full(len(points), -1, dtype=np.int64)
        if self.tree is None or len(points) == 0:
            return result
        point_index, polygon_index = self.tree.query(points, predicate="within")
        # The first polygon wins where boundaries overlap (they should not).
        order = np.argsort(point_index, kind="stable")[::-1]
        result[point_index[order]] = self.ids[polygon_index[order]]
        return result


@dataclass(frozen=True)
class JurisdictionIndex:
    """The polygons of every district, station and beat, for point lookups (one STRtree per tier)."""

    fingerprint: tuple[int, ...]
    districts: _Layer
    stations: _Layer
    beats: _Layer

    def resolve_many(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, ...]:
        """District, station and beat ids for each point; -1 where a point lies outside."""
        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return (
            self.districts.lookup(points),
            self.stations.lookup(points),
            self.beats.lookup(points),
        )


_cache: dict[URL, JurisdictionIndex] = {}
_checked_at: dict[URL, float] = {}
_cache_lock = threading.Lock()
# Writes through this module invalidate at once; changes made by other processes are noticed by
# the fingerprint, checked at most this often.
FINGERPRINT_CHECK_S = 5.0


def _fingerprint(session: Session) -> tuple[int, ...]:
    org = session.execute(select(func.count(OrgUnit.id), func.coalesce(func.max(OrgUnit.id), 0))).one()
    beats = session.execute(select(func.count(Beat.id), func.coalesce(func.max(Beat.id), 0))).one()
    return (int(org[0]), int(org[1]), int(beats[0]), int(beats[1]))


def _layer(rows: list[tuple[int, str | None]]) -> _Layer:
    present = [(row_id, text) for row_id, text in rows if text]
    if not present:
        return _Layer(np.empty(0, dtype=np.int64), None)
    geometries = [shape(json.loads(text)) for _, text in present]
    return _Layer(np.array([row_id for row_id, _ in present], dtype=np.int64), shapely.STRtree(geometries))


def jurisdiction_index(session: Session) -> JurisdictionIndex:
    """Return the jurisdiction index of the session's database (rebuilt when the organisation changes)."""
    key = session.get_bind().engine.url  # the URL itself: hashing it is cheaper than rendering it
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is not None and now - _checked_at.get(key, 0.0) < FINGERPRINT_CHECK_S:
        return cached
    fingerprint = _fingerprint(session)
    if cached is not None and cached.fingerprint == fingerprint:
        _checked_at[key] = now
        return cached
    with _cache_lock:
        units = session.execute(select(OrgUnit.id, OrgUnit.tier, OrgUnit.boundary_geojson)).all()
        beats = session.execute(select(Beat.id, Beat.boundary_geojson)).all()
        index = JurisdictionIndex(
            fingerprint=fingerprint,
            districts=_layer([(i, g) for i, tier, g in units if tier == OrgTier.DISTRICT]),
            stations=_layer([(i, g) for i, tier, g in units if tier == OrgTier.STATION]),
            beats=_layer([(i, g) for i, g in beats]),
        )
        _cache[key] = index
        _checked_at[key] = now
        return index


def invalidate_cache() -> None:
    """Forget the jurisdiction indexes and the caches derived from the organisation."""
    with _cache_lock:
        _cache.clear()
        _checked_at.clear()
    from precinct.core.cache import clear_all

    clear_all()  # derived caches (e.g. station -> district) follow the organisation


def resolve(session: Session, lon: float, lat: float) -> Jurisdiction:
    """Return the district, station and beat whose polygons contain (lon, lat); None outside them."""
    districts, stations, beats = jurisdiction_index(session).resolve_many(
        np.array([lon]), np.array([lat])
    )
    return Jurisdiction(
        district_id=int(districts[0]) if districts[0] >= 0 else None,
        station_id=int(stations[0]) if stations[0] >= 0 else None,
        beat_id=int(beats[0]) if beats[0] >= 0 else None,
    )


def create_unit(
    session: Session,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    tier: OrgTier,
    parent_id: int | None = None,
    boundary_geojson: dict[str, Any] | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> OrgUnit:
    """Create an organisation unit under its higher tier.

    Raises
    ------
    ValidationError
        Without a parent of the tier above (a city has none), or for a boundary that is not a valid
        Polygon or MultiPolygon.
    """
    if tier != OrgTier.CITY and parent_id is None:
        raise ValidationError(f"a {tier.value} needs a parent_id (its higher tier)")
    if parent_id is not None:
        parent = session.get(OrgUnit, parent_id)
        expected = {OrgTier.DISTRICT: OrgTier.CITY, OrgTier.STATION: OrgTier.DISTRICT}.get(tier)
        if parent is None or parent.tier != expected:
            raise ValidationError(f"parent_id of a {tier.value} must name a {expected}")
    unit = OrgUnit(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        tier=tier,
        parent_id=parent_id,
        boundary_geojson=_geometry_text(boundary_geojson),
        lon=lon,
        lat=lat,
    )
    session.add(unit)
    session.flush()
    invalidate_cache()
    return unit


def create_beat(
    session: Session, *, code: str, name_zh: str, name_en: str, station_id: int, boundary_geojson: dict[str, Any],
) -> Beat:
    """Create a community beat of a police station.

    Raises
    ------
    ValidationError
        If ``station_id`` names no police station, or for an invalid boundary.
    """
    station = session.get(OrgUnit, station_id)
    if station is None or station.tier != OrgTier.STATION:
        raise ValidationError("station_id of a beat must name a police station")
    beat = Beat(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        station_id=station_id,
        boundary_geojson=_geometry_text(boundary_geojson),
    )
    session.add(beat)
    session.flush()
    invalidate_cache()
    return beat


def _geometry_text(geometry: dict[str, Any] | None) -> str | None:
    if geometry is None:
        return None
    polygon = shape(geometry)
    if polygon.geom_type not in {"Polygon", "MultiPolygon"} or not polygon.is_valid:
        raise ValidationError("boundary must be a valid GeoJSON Polygon or MultiPolygon in lon/lat")
    return json.dumps(geometry, separators=(",", ":"))


def get_unit(session: Session, org_id: int) -> OrgUnit:
    """Return an organisation unit; NotFoundError if there is none."""
    unit = session.get(OrgUnit, org_id)
    if unit is None:
        raise NotFoundError(f"organisation unit {org_id} does not exist")
    return unit


def list_units(
    session: Session, *, tier: OrgTier | None = None, parent_id: int | None = None
) -> list[OrgUnit]:
    """Return the organisation units, of one tier or under one parent if given, by id."""
    query = select(OrgUnit).order_by(OrgUnit.id)
    if tier is not None:
        query = query.where(OrgUnit.tier == tier)
    if parent_id is not None:
        query = query.where(OrgUnit.parent_id == parent_id)
    return list(session.scalars(query))


def get_beat(session: Session, beat_id: int) -> Beat:
    """Return a beat; NotFoundError if there is none."""
    beat = session.get(Beat, beat_id)
    if beat is None:
        raise NotFoundError(f"beat {beat_id} does not exist")
    return beat


def get_unit_by_code(session: Session, code: str) -> OrgUnit:
    """Return the organisation unit with ``code``; NotFoundError if there is none."""
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise NotFoundError(f"org unit {code!r} does not exist: see precinct org list or GET /api/v1/org/units")
    return unit


def list_beats(session: Session, *, station_id: int | None = None) -> list[Beat]:
    """Return the beats, of one station if given, by id."""
    query = select(Beat).order_by(Beat.id)
    if station_id is not None:
        query = query.where(Beat.station_id == station_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Scope:
    """The organisation units an account works on: its unit's subtree (``None``: the whole city).

    A station account's scope is its station; a district's, the district and its stations; a
    city account's, everything. A record is in scope when its station or its district is.
    """

    units: frozenset[int] | None

    @property
    def citywide(self) -> bool:
        """Whether the scope is the whole city."""
        return self.units is None

    def holds(self, *org_unit_ids: int | None) -> bool:
        """Whether any of ``org_unit_ids`` (a record's station, district, ...) lies in the scope."""
        return self.units is None or any(i is not None and i in self.units for i in org_unit_ids)


CITYWIDE = Scope(None)


def scope_of(session: Session, org_unit_id: int | None) -> Scope:
    """Return the scope of an account belonging to ``org_unit_id`` (``None`` or the city: citywide).

    Raises
    ------
    NotFoundError
        If the unit does not exist.
    """
    if org_unit_id is None:
        return CITYWIDE
    unit = get_unit(session, org_unit_id)
    if unit.tier == OrgTier.CITY:
        return CITYWIDE
    below = {unit.id}
    frontier = [unit.id]
    while frontier:
        frontier = list(session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier))))
        below.update(frontier)
    return Scope(frozenset(below))


def require_citywide(session: Session, actor: Actor, refusal: str) -> None:
    """Refuse an account below the city tier with ``refusal`` (a text in both languages).

    What holds for the whole city (the time-limit table, checklists, the inspection schedule, the
    address register) is changed by an account of the city bureau (or the command line) only.

    Raises
    ------
    PermissionDeniedError
        For an account of a district branch or a station.
    """
    if not scope_of(session, actor.org_unit_id).citywide:
        raise PermissionDeniedError(refusal)


_scopes = TTLCache[Scope](ttl_s=30.0, max_items=1000)


def scope_for(session: Session, actor: Actor) -> Scope:
    """Return the actor's scope (its organisation unit's subtree), kept a few seconds per database and unit.

    The command line and the simulator (actors without an organisation unit) work city-wide, as do
    accounts made before any unit existed until the city is set up and places them at its bureau.
    """
    if actor.org_unit_id is None:
        return CITYWIDE
    key = (session.get_bind().engine.url, actor.org_unit_id)
    org_unit_id = actor.org_unit_id
    return _scopes.get_or_load(key, lambda: scope_of(session, org_unit_id))


def where_in_scope(scope: Scope, station: InstrumentedAttribute[int | None],
                   district: InstrumentedAttribute[int | None] | None = None) -> ColumnElement[bool] | None:
    """Return the filter of records whose station (or, without one, district) lies in ``scope``.

    ``None`` for a city-wide scope: nothing to filter.
    """
    if scope.units is None:
        return None
    units = sorted(scope.units)
    if district is None:
        return station.in_(units)
    return or_(station.in_(units), and_(station.is_(None), district.in_(units)))


#: jurisdictions closer than this (degrees, about 20 m) count as neighbours: digitised borders rarely meet exactly
NEIGHBOUR_GAP_DEG = 2e-4
_neighbours = TTLCache[dict[int, frozenset[int]]](ttl_s=300.0, max_items=16)


def neighbouring_stations(session: Session, station_id: int | None) -> frozenset[int]:
    """Return the stations whose jurisdiction borders ``station_id``'s (the station itself excluded).

    A dispatcher may send these stations' units as reinforcement across the boundary.
    """
    if station_id is None:
        return frozenset()
    table = _neighbours.get_or_load(session.get_bind().engine.url, lambda: _station_neighbours(session))
    return table.get(station_id, frozenset())


def with_neighbours(session: Session, scope: Scope) -> frozenset[int] | None:
    """Return the scope's units and every station bordering one of them (``None`` for a city-wide scope).

    The units an account may call on as reinforcement come from these stations.
    """
    if scope.units is None:
        return None
    near = set(scope.units)
    for unit_id in scope.units:
        near |= neighbouring_stations(session, unit_id)
    return frozenset(near)


def _station_neighbours(session: Session) -> dict[int, frozenset[int]]:
    rows = session.execute(select(OrgUnit.id, OrgUnit.boundary_geojson)
                           .where(OrgUnit.tier == OrgTier.STATION, OrgUnit.boundary_geojson.is_not(None))).all()
    if not rows:
        return {}
    ids = np.array([row_id for row_id, _ in rows], dtype=np.int64)
    shapes = [shape(json.loads(text or "null")) for _, text in rows]
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="dwithin", distance=NEIGHBOUR_GAP_DEG)
    table: dict[int, set[int]] = {int(i): set() for i in ids}
    for a, b in zip(ids[left], ids[right], strict=True):
        if a != b:
            table[int(a)].add(int(b))
    return {station: frozenset(others) for station, others in table.items()}
