"""Dispatch on the store.

Unit recommendation (ranking in ``dispatch.ranking``), duplicate calls and hand-offs to other
agencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from precinct.audit import service as audit_service
from precinct.core.cache import TTLCache
from precinct.core.db import conflicts_as_domain_errors, utcnow
from precinct.core.errors import ConflictError, ValidationError
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.dispatch import plans
from precinct.dispatch.models import Agency, Handoff, HandoffMode
from precinct.dispatch.ranking import (
    Candidate,
    DispatchPolicy,
    MoveUp,
    Passed,
    Ranking,
    Reason,
    StationPoint,
    UnitSnapshot,
    available_after_dispatch,
    rank_units,
)
from precinct.geo import RoadGraph
from precinct.geo.distance import haversine_m as distance_m
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Disposition, Incident, IncidentEvent, IncidentStatus, IncidentType
from precinct.incidents.status import OPEN_STATUSES
from precinct.live.hub import hub
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.units.models import Unit


@dataclass(frozen=True)
class Recommendation:
    """Units ranked for an incident, those passed over and why, the move-ups it calls for, warnings."""

    incident_id: int
    items: list[Candidate]
    excluded: list[Passed]
    move_ups: list[MoveUp]
    warnings: list[Reason] = field(default_factory=list)


DEFAULT_POLICY = DispatchPolicy()


def policy_for(settings: Settings, k: int) -> DispatchPolicy:
    """Return the ranking policy the settings give, for ``k`` candidates."""
    return DispatchPolicy(k=k, stale_after_s=settings.dispatch_stale_after_s, zone=settings.zone)


def unit_snapshot(session: Session) -> UnitSnapshot:
    """Read every positioned unit with its station and district, and the positions of the stations.

    What :func:`dispatch.ranking.rank_units` ranks, read in two queries.
    """
    station = aliased(OrgUnit)
    rows = session.execute(select(
        Unit.id, Unit.call_sign, Unit.unit_type, Unit.status, Unit.lon, Unit.lat, Unit.position_at,
        Unit.home_station_id, station.parent_id,
    ).outerjoin(station, station.id == Unit.home_station_id).where(Unit.lon.is_not(None))).all()
    names = ["id", "call_sign", "unit_type", "status", "lon", "lat", "position_at", "station_id", "district_id"]
    columns = (dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True)) if rows
               else {n: [] for n in names})
    stations = {row.id: StationPoint(row.id, row.lon, row.lat, row.name_zh, row.name_en) for row in session.execute(
        select(OrgUnit.id, OrgUnit.lon, OrgUnit.lat, OrgUnit.name_zh, OrgUnit.name_en)
        .where(OrgUnit.tier == OrgTier.STATION, OrgUnit.lon.is_not(None)))}
    return UnitSnapshot.from_columns(**columns, stations=stations)


_snapshots = TTLCache[UnitSnapshot](ttl_s=5.0)
hub.add_listener(lambda kind: _snapshots.clear() if kind == "unit" else None)


def cached_unit_snapshot(session: Session) -> UnitSnapshot:
    """Return the unit snapshot, kept per process until a unit changes.

    Or until 5 s pass, for writes that bypass the session hooks, such as the simulator's AVL
    heartbeats.
    """
    return _snapshots.get_or_load(session.get_bind().engine.url, lambda: unit_snapshot(session))


def recommend(
    session: Session, incident_id: int, *, graph: RoadGraph | None, policy: DispatchPolicy = DEFAULT_POLICY,
    now: datetime | None = None, units: UnitSnapshot | None = None, plan: plans.PlanView | None = None,
    actor: Actor | None = None,
) -> Recommendation:
    """Rank units for an incident by road travel time, with reasons (``dispatch.ranking``).

    With ``actor``, the incident must lie in the actor's scope (else NotFoundError) and only the
    units the actor may send are ranked: their scope's, and as reinforcement those of the stations
    bordering the incident's (:func:`precinct.incidents.lifecycle.may_send`).

    With the move-up it calls for and the duty-level warning. ``graph=None`` ranks by straight-line
    distance only (for cities without a road file). ``units`` may pass a snapshot taken earlier;
    ``plan`` the incident's response plan when the caller has read it already.
    """
    incident = (incident_service.get(session, incident_id) if actor is None
                else incident_service.get_visible(session, incident_id, actor))
    now = now or utcnow()
    plan = plan or plans.get_plan(session, incident.type_code, incident.district_id)
    units = units if units is not None else cached_unit_snapshot(session)
    if len(units) == 0:
        no_units = Reason("no_units", "没有可用警力位置", "no unit has a position")
        return Recommendation(incident.id, [], [], [], [no_units])
    sendable = _sendable_stations(session, incident, actor)
    wide = policy if sendable is None else replace(policy, k=min(policy.k * SCOPED_WIDENING, len(units)))
    ranking = rank_units(units, lon=incident.lon, lat=incident.lat, allowed_types=plan.allowed_unit_types(),
                         now=now, policy=wide, graph=graph)
    if sendable is not None:
        ranking = _only_sendable(ranking, units, sendable, policy.k)
    warnings = _duty_warnings(session, incident, units) if ranking.chosen is not None else []
    if ranking.chosen is None:
        warnings.append(Reason("no_eligible_unit", "没有符合条件的可用警力", "no eligible unit is available"))
    return Recommendation(incident.id, ranking.items, ranking.excluded, ranking.move_ups, warnings)


#: a scoped account's ranking looks this many times deeper, then keeps the units it may send
SCOPED_WIDENING = 4


def _sendable_stations(session: Session, incident: Incident, actor: Actor | None) -> frozenset[int] | None:
    """Return the stations whose units ``actor`` may send to ``incident`` (``None``: every unit)."""
    if actor is None:
        return None
    scope = org_service.scope_for(session, actor)
    if scope.units is None:
        return None
    return scope.units | org_service.neighbouring_stations(session, incident.station_id)


def _only_sendable(ranking: Ranking, units: UnitSnapshot, stations: frozenset[int], k: int) -> Ranking:
    station_of = dict(zip(units.id.tolist(), units.station_id.tolist(), strict=True))
    items = [c for c in ranking.items if station_of.get(c.unit_id) in stations][:k]
    items = [replace(c, rank=rank) for rank, c in enumerate(items, start=1)]
    first = items[0].unit_id if items else None
    chosen = int(np.flatnonzero(units.id == first)[0]) if first is not None else None
    move_ups = ranking.move_ups if chosen == ranking.chosen else []
    return Ranking(items, [p for p in ranking.excluded if station_of.get(p.unit_id) in stations], move_ups, chosen)


def _duty_warnings(session: Session, incident: Incident, units: UnitSnapshot) -> list[Reason]:
    if incident.district_id is None:
        return []
    level = plans.current_level_map(session).get(incident.district_id, plans.DEFAULT_LEVEL)
    spec = plans.DUTY_LEVELS[level]
    left, minimum = available_after_dispatch(units, incident.district_id, spec["min_available_share"])
    if left >= minimum:
        return []
    return [Reason("duty_minimum", f"派出后本区可用警力将低于{spec['zh']}最低要求（{minimum}）",
                   f"dispatching leaves the district below the {spec['en']} minimum of {minimum} available units")]


# ---- duplicates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    """An open incident that may be the same event as a new call: how far away and how long ago."""

    incident: Incident
    distance_m: float
    minutes_ago: float


def _duplicates_query() -> Select[Incident]:
    """Built once: constructing this query per call cost more than running it."""
    b = bindparam
    east, north = (Incident.lon - b("lon")) * b("cos_lat"), Incident.lat - b("lat")  # scaled degrees: for ordering
    return (select(Incident).join(IncidentType, IncidentType.code == Incident.type_code).where(
        Incident.status.in_(OPEN_STATUSES), IncidentType.category == b("category"), Incident.received_at >= b("since"),
        Incident.lon.between(b("lon_min"), b("lon_max")), Incident.lat.between(b("lat_min"), b("lat_max")),
        Incident.id != b("exclude_id"))
        .order_by(east * east + north * north).limit(b("limit")))


_DUPLICATES = _duplicates_query()


def find_duplicates(
    session: Session, *, lon: float, lat: float, type_code: str, radius_m: float = 300.0, window_min: float = 30.0,
    exclude_id: int | None = None, now: datetime | None = None, limit: int = 5, actor: Actor | None = None,
) -> list[DuplicateCandidate]:
    """Return the ``limit`` nearest open incidents of the same category near (lon, lat), nearest first.

    Near: within ``radius_m``, received within ``window_min``. With ``actor``, only incidents in
    the actor's scope.
    """
    now = now or utcnow()
    category = incident_service.get_type(session, type_code).category
    cos_lat = max(float(np.cos(np.radians(lat))), 0.1)
    dlat, dlon = radius_m / 111_000, radius_m / (111_000 * cos_lat)
    near = list(session.scalars(_DUPLICATES, {
        "lon": lon, "lat": lat, "cos_lat": cos_lat, "category": category, "since": now - timedelta(minutes=window_min),
        "lon_min": lon - dlon, "lon_max": lon + dlon, "lat_min": lat - dlat, "lat_max": lat + dlat,
        "exclude_id": -1 if exclude_id is None else exclude_id, "limit": limit}))
    if actor is not None:
        near = [i for i in near if incident_service.visible_to(session, i, actor)]
    if not near:
        return []
    meters = distance_m(lon, lat, np.array([i.lon for i in near]), np.array([i.lat for i in near]))
    return [DuplicateCandidate(incident, float(d), (now - incident.received_at).total_seconds() / 60)
            for incident, d in zip(near, meters, strict=True) if d <= radius_m]


@conflicts_as_domain_errors
def attach_duplicate(session: Session, incident_id: int, original_id: int, *, actor: Actor) -> Incident:
    """Close a new call as a duplicate of an open incident, linking both histories."""
    if incident_id == original_id:
        raise ValidationError("an incident cannot duplicate itself")
    original = incident_service.get_visible(session, original_id, actor)
    if original.status not in OPEN_STATUSES:
        raise ConflictError(f"incident {original_id} is {original.status.value}; attach to an open incident")
    incident = incident_lifecycle.transition(session, incident_id, IncidentStatus.CLOSED, actor=actor,
                                             disposition=Disposition.DUPLICATE,
                                             note=f"与警情 {original_id} 重复 / duplicate of incident {original_id}",
                                             detail={"duplicate_of": original_id})
    session.add(IncidentEvent(incident_id=original.id, at=utcnow(), actor=actor.username, kind="duplicate_attached",
                              data={"duplicate_id": incident_id}))
    audit_service.record(session, actor=actor, action="incident.duplicate_of", resource_type="incident",
                         resource_id=incident_id, detail={"original_id": original_id})
    return incident


# ---- hand-offs ----------------------------------------------------------------------------------


@conflicts_as_domain_errors
def hand_off(
    session: Session, incident_id: int, *, agency: Agency, mode: HandoffMode, reason: str, actor: Actor,
) -> Handoff:
    """Transfer to, or handle jointly with, fire, ambulance or the 12345 hotline."""
    if len(reason.strip()) < 2:
        raise ValidationError("give the reason for the hand-off")
    incident = incident_service.get_visible(session, incident_id, actor)
    if incident.status not in OPEN_STATUSES:
        raise ConflictError(f"incident {incident_id} is {incident.status.value}; it cannot be handed off")
    handoff = Handoff(incident_id=incident.id, agency=agency, mode=mode, reason=reason.strip(), at=utcnow(),
                      actor=actor.username)
    session.add(handoff)
    if mode == HandoffMode.TRANSFER:
        incident_lifecycle.transition(session, incident.id, IncidentStatus.TRANSFERRED, actor=actor,
                                      note=reason.strip(), detail={"agency": agency.value})
    else:
        session.add(IncidentEvent(incident_id=incident.id, at=handoff.at, actor=actor.username, kind="joint_handling",
                                  data={"agency": agency.value, "reason": reason}))
    session.flush()
    audit_service.record(session, actor=actor, action="incident.handoff", resource_type="incident",
                         resource_id=incident.id, detail={"agency": agency.value, "mode": mode.value})
    return handoff


def list_handoffs(session: Session, incident_id: int, *, actor: Actor) -> list[Handoff]:
    """Return the hand-offs to other agencies of an incident in ``actor``'s scope, oldest first."""
    incident_service.get_visible(session, incident_id, actor)
    return list(session.scalars(select(Handoff).where(Handoff.incident_id == incident_id).order_by(Handoff.id)))
