"""The address register: search as you type, reverse geocoding, reading addresses and their imports.

Addresses are places, not personal data: reading them needs ``Permission.READ_INCIDENTS`` and is
not audited; imports need ``Permission.COMMAND`` at the city tier (the register is the city's) and
are audited. Each account sees the addresses of its
scope (its organisation unit's subtree; a city account: all); another scope's address answers as
if it did not exist.

The search index (:mod:`precinct.addresses.index`) is built per process from the addresses of the
complete imports, kept per database, and rebuilt when an import completes: at once in the process
that imported; other processes notice within :data:`INDEX_CHECK_S` and go on answering from the
index they hold while a thread builds the new one (over 500,000 addresses a build takes tens of
seconds), then switch to it. :func:`preload_index` builds it when a server starts.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from precinct.addresses.index import AddressIndex, Hit, build_index
from precinct.addresses.keys import query_terms, searchable_text
from precinct.addresses.messages import field_error, said
from precinct.addresses.models import Address, AddressImport, ImportStatus
from precinct.core.cache import TTLCache
from precinct.core.db import read_only_session
from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.org.models import Beat, OrgUnit

logger = logging.getLogger("precinct.addresses")

INDEX_CHECK_S = 5.0
DEFAULT_REVERSE_RADIUS_M = 500.0
ENGINE = "memory-token-index"
"""What answers searches (the docs say why it is neither FTS5 nor pg_trgm)."""

_checked: TTLCache[AddressIndex] = TTLCache(INDEX_CHECK_S, max_items=16)
_built: dict[str, tuple[tuple[int, ...], int, AddressIndex]] = {}
_build_lock = threading.Lock()
_rebuilding: dict[str, tuple[threading.Thread, float]] = {}
#: a rebuild running longer than this is taken as stuck (a hung connection): the next check starts another
REBUILD_STUCK_S = 600.0


def _fingerprint(session: Session) -> tuple[int, ...]:
    row = session.execute(select(func.count(AddressImport.id), func.coalesce(func.max(AddressImport.id), 0),
                                 func.coalesce(func.sum(AddressImport.imported), 0))
                          .where(AddressImport.status == ImportStatus.COMPLETE)).one()
    return (int(row[0]), int(row[1]), int(row[2]))


def _visible() -> ColumnElement[bool]:
    complete = select(AddressImport.id).where(AddressImport.status == ImportStatus.COMPLETE)
    return Address.import_id.in_(complete)


def _build(session: Session) -> AddressIndex:
    rows = session.execute(select(
        Address.id, Address.lon, Address.lat, Address.district_id, Address.station_id, Address.beat_id,
        Address.text, Address.text_en, Address.name, Address.district, Address.road, Address.number,
        Address.building, Address.unit, Address.search_keys).where(_visible()).order_by(Address.id)).all()

    def ids(column: int) -> np.ndarray:
        return np.array([-1 if r[column] is None else r[column] for r in rows], dtype=np.int64)

    return build_index(
        ids=np.array([r[0] for r in rows], dtype=np.int64), lon=np.array([r[1] for r in rows], dtype=float),
        lat=np.array([r[2] for r in rows], dtype=float), district_ids=ids(3), station_ids=ids(4), beat_ids=ids(5),
        texts=[searchable_text(r[6], r[8], r[9], r[10], r[11], r[12], r[13], text_en=r[7]) for r in rows],
        search_keys=[r[14] for r in rows])


def current_index(session: Session) -> AddressIndex:
    """Return the search index of the session's database (built on first use, rebuilt after an import).

    When another process has completed an import, the index held answers until a thread has built
    the new one (see the module's docstring); after an import in this process (:func:`forget_index`)
    the next search waits for the new index.
    """
    bind = session.get_bind()
    key = str(bind.engine.url)

    def load() -> AddressIndex:
        generation = _checked.generation
        fingerprint = _fingerprint(session)
        built = _built.get(key)
        if built is not None and built[0] == fingerprint and built[1] == generation:
            return built[2]
        if built is not None and built[1] == generation and isinstance(bind, Engine):
            _rebuild_apart(key, bind)
            return built[2]
        with _build_lock:
            built = _built.get(key)  # another thread (the start-up preload) may have built it while this one waited
            if built is not None and built[0] == fingerprint and built[1] == generation:
                return built[2]
            _keep(key, fingerprint, generation, _build(session))
            return _built[key][2]

    return _checked.get_or_load(key, load)


def _keep(key: str, fingerprint: tuple[int, ...], generation: int, index: AddressIndex) -> None:
    _built[key] = (fingerprint, generation, index)
    # The index holds hundreds of thousands of objects that live as long as the process: keep the
    # cyclic garbage collector from walking them again on every full collection (pauses of tens of ms).
    gc.collect()
    gc.freeze()


def _rebuild_apart(key: str, engine: Engine) -> None:
    """Build the index of ``engine``'s database in a thread of its own (one at a time per database)."""
    with _build_lock:
        running = _rebuilding.get(key)
        if running is not None and running[0].is_alive() and time.monotonic() - running[1] < REBUILD_STUCK_S:
            return
        generation = _checked.generation

        def rebuild() -> None:
            if _checked.generation != generation:  # an import here meanwhile: its search builds the index itself
                return
            try:
                with read_only_session(sessionmaker(bind=engine, expire_on_commit=False)) as session:
                    fingerprint = _fingerprint(session)
                    index = _build(session)
                    session.rollback()
            except Exception:  # the index held keeps answering; the next check starts another build
                logger.exception("rebuilding the address index failed; searches go on with the previous one")
                return
            with _build_lock:
                built = _built.get(key)
                if built is None or built[1] == generation:  # an import here meanwhile made a newer one
                    _keep(key, fingerprint, generation, index)

        thread = threading.Thread(target=rebuild, name="address-index-rebuild", daemon=True)
        _rebuilding[key] = (thread, time.monotonic())
        thread.start()


def preload_index(session_factory: sessionmaker[Session]) -> None:
    """Build the search index of the factory's database now, so that the first search does not wait for it.

    The work of a server's start-up job (``OneShot``): over 500,000 addresses the build takes tens
    of seconds; a search that arrives meanwhile waits for this build rather than starting another.
    It reads in a read-only session, so that writers (calls taken, an import) do not wait for it
    on SQLite.
    """
    with read_only_session(session_factory) as session:
        current_index(session)
        session.rollback()


def forget_index(session: Session) -> None:
    """Drop the cached indexes now and when ``session``'s transaction ends (after an import)."""
    _checked.clear_when_done(session)


def scope_units(session: Session, actor: Actor) -> frozenset[int] | None:
    """Return the organisation units of the actor's scope (``None``: the whole city)."""
    return org_service.scope_of(session, actor.org_unit_id).units


@dataclass(frozen=True)
class Match:
    """A search result or the address found by reverse geocoding, with its distance."""

    address: Address
    distance_m: float | None
    start_of_word: bool


def _addresses(session: Session, hits: list[Hit]) -> list[Match]:
    found = {a.id: a for a in session.scalars(select(Address).where(Address.id.in_([h.address_id for h in hits])))}
    return [Match(found[h.address_id], h.distance_m, h.start_of_word) for h in hits if h.address_id in found]


def search(session: Session, query: str, *, actor: Actor, centre: tuple[float, float] | None = None,
           limit: int = 10) -> list[Match]:
    """Return the addresses of the actor's scope that match ``query``, best first (see ``AddressIndex.search``).

    Raises
    ------
    ValidationError
        If the query holds nothing to search by (naming ``q``).
    """
    cjk, latin = query_terms(query)
    if not cjk and not latin:
        raise field_error("q", "address.query_empty")
    hits = current_index(session).search(query, centre=centre, limit=limit, units=scope_units(session, actor))
    return _addresses(session, hits)


@dataclass(frozen=True)
class NearestRoad:
    """The road piece nearest to a point: its OpenStreetMap class, distance, the point on it, a name if known."""

    highway: str
    distance_m: float
    lon: float
    lat: float
    name: str


@dataclass(frozen=True)
class Reverse:
    """What lies at a point: its jurisdiction, the nearest address of the scope, the nearest road."""

    jurisdiction: org_service.Jurisdiction
    address: Match | None
    road: NearestRoad | None


def reverse(session: Session, lon: float, lat: float, *, actor: Actor, roads_file: str | None = None,
            max_distance_m: float = DEFAULT_REVERSE_RADIUS_M) -> Reverse:
    """Return the jurisdiction of (lon, lat), the nearest address within ``max_distance_m`` and the nearest road.

    The road comes from the road network of ``roads_file`` (the one routing uses), named by the
    network where it names that road piece (an OpenStreetMap extract's ``name``), else by the road
    of the nearest address.
    """
    hit = current_index(session).nearest(lon, lat, max_distance_m=max_distance_m, units=scope_units(session, actor))
    match = _addresses(session, [hit])[0] if hit is not None else None
    road = _nearest_road(roads_file, lon, lat, max_distance_m, match) if roads_file else None
    return Reverse(org_service.resolve(session, lon, lat), match, road)


def _nearest_road(roads_file: str, lon: float, lat: float, max_distance_m: float,
                  match: Match | None) -> NearestRoad | None:
    from precinct.roads.graph import road_graph

    graph = road_graph(roads_file)
    try:
        snapped = graph.snap(lon, lat, max_distance_m=max_distance_m)
    except ValidationError:
        return None
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(graph.crs, "EPSG:4326", always_xy=True)
    road_lon, road_lat = to_lonlat.transform(float(snapped.x[0]), float(snapped.y[0]))
    edge = int(snapped.edge[0])
    name = str(graph.edge_name[edge]) if graph.edge_name is not None else ""
    if not name and match is not None:
        name = match.address.road or ""
    return NearestRoad(highway=str(graph.edge_highway[edge]), distance_m=float(snapped.snap_distance_m[0]),
                       lon=float(road_lon), lat=float(road_lat), name=name)


def get(session: Session, address_id: int, *, actor: Actor) -> Address:
    """Return an address of the actor's scope; NotFoundError for any other (or one not yet visible)."""
    address = session.scalar(select(Address).where(Address.id == address_id, _visible()))
    if address is None or not org_service.scope_of(session, actor.org_unit_id).holds(address.station_id,
                                                                                       address.district_id):
        raise NotFoundError(said("address.not_found", id=address_id))
    return address


def require_city_tier(session: Session, actor: Actor) -> None:
    """Refuse an account below the city tier: the register and its imports are the city's.

    Raises
    ------
    PermissionDeniedError
        For an account of a district branch or a station.
    """
    org_service.require_citywide(session, actor, said("address.import_city_only"))


def list_imports(session: Session, *, actor: Actor, limit: int = 50) -> list[AddressImport]:
    """Return the latest imports first (a city-tier account's: see :func:`require_city_tier`)."""
    require_city_tier(session, actor)
    return list(session.scalars(select(AddressImport).order_by(AddressImport.id.desc()).limit(limit)))


def unit_names(session: Session, org_ids: set[int], beat_ids: set[int]) -> dict[tuple[str, int], tuple[str, str]]:
    """Return the (Chinese, English) names of organisation units (key ``("org", id)``) and beats (``("beat", id)``)."""
    names: dict[tuple[str, int], tuple[str, str]] = {}
    if org_ids:
        for unit_id, zh, en in session.execute(select(OrgUnit.id, OrgUnit.name_zh, OrgUnit.name_en)
                                               .where(OrgUnit.id.in_(org_ids))):
            names[("org", unit_id)] = (zh, en)
    if beat_ids:
        beats = select(Beat.id, Beat.name_zh, Beat.name_en).where(Beat.id.in_(beat_ids))
        for beat_id, zh, en in session.execute(beats):
            names[("beat", beat_id)] = (zh, en)
    return names
