"""Unit recommendation, duplicate calls, hand-offs, and the officer's acknowledgement loop.

Recommendation works in two stages: a straight-line prefilter over every eligible unit, then road
travel time (one Dijkstra on the reversed graph from the incident, stopped once the fastest K of the
prefiltered pool are settled) for the best candidates.
Eligibility: available, a position
reported within ``stale_after_s``, and a unit type that the incident type's response plan sends.
Every recommendation carries its reasons, and nearer units that were passed over are listed with
why.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from precinct.audit import service as audit_service
from precinct.core.cache import TTLCache
from precinct.core.db import conflicts_as_domain_errors, utcnow
from precinct.core.errors import ConflictError, NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.dispatch import plans
from precinct.dispatch.models import Agency, Handoff, HandoffMode
from precinct.geo import RoadGraph, SnappedPoints
from precinct.geo.distance import haversine_m as distance_m
from precinct.incidents import service as incident_service
from precinct.incidents.models import Assignment, Disposition, Incident, IncidentEvent, IncidentStatus, IncidentType
from precinct.incidents.status import OPEN_STATUSES
from precinct.live import hooks as live
from precinct.live.hub import hub
from precinct.org.models import OrgUnit
from precinct.units.models import Unit, UnitStatus

CHINA_OFFSET = timedelta(hours=8)
FALLBACK_SPEED_M_PER_S = 25 / 3.6
STATUS_TEXT = {
    UnitStatus.DISPATCHED: ("已派出", "dispatched to another call"),
    UnitStatus.EN_ROUTE: ("正在赶赴其他警情", "en route to another call"),
    UnitStatus.ON_SCENE: ("正在其他现场处置", "on scene at another call"),
    UnitStatus.OFF_DUTY: ("不在岗", "off duty"),
    UnitStatus.OUT_OF_SERVICE: ("暂停服务", "out of service"),
}


@dataclass(frozen=True)
class DispatchPolicy:
    k: int = 5
    prefilter_min: int = 20
    stale_after_s: float = 900.0
    snap_max_m: float = 2000.0


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Candidate:
    unit_id: int
    call_sign: str
    unit_type: str
    status: str
    travel_time_s: float
    distance_m: float
    rank: int
    reasons: list[Reason]


@dataclass(frozen=True)
class Passed:
    unit_id: int
    call_sign: str
    zh: str
    en: str


@dataclass(frozen=True)
class MoveUp:
    unit_id: int
    call_sign: str
    to_station_id: int
    zh: str
    en: str


@dataclass(frozen=True)
class Recommendation:
    incident_id: int
    items: list[Candidate]
    excluded: list[Passed]
    move_ups: list[MoveUp]
    warnings: list[Reason] = field(default_factory=list)


def format_duration(seconds: float) -> tuple[str, str]:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}分{secs:02d}秒", f"{minutes} min {secs:02d} s"


def unit_snapshot(session: Session) -> dict[str, Any]:
    """Every positioned unit as column arrays (what :func:`recommend` ranks), with its district
    and the position time in epoch seconds, so ranking needs no per-unit Python loop. ``snapped``
    holds, per road graph, the units' positions placed on its edges as they are first ranked."""
    station = aliased(OrgUnit)
    rows = session.execute(select(
        Unit.id, Unit.call_sign, Unit.unit_type, Unit.status, Unit.lon, Unit.lat, Unit.position_at, Unit.home_station_id,
        station.parent_id,
    ).outerjoin(station, station.id == Unit.home_station_id).where(Unit.lon.is_not(None))).all()
    names = ["id", "call_sign", "unit_type", "status", "lon", "lat", "position_at", "station_id", "district_id"]
    columns = list(zip(*rows, strict=True)) if rows else [[]] * len(names)
    units = {name: np.array(values, dtype=float if name in ("lon", "lat") else object)
             for name, values in zip(names, columns, strict=True)}
    units["position_s"] = np.array([at.timestamp() for at in units["position_at"]], dtype=float)
    units["unit_type_text"] = units["unit_type"].astype(str)
    units["district_key"] = np.array([-1 if d is None else d for d in units["district_id"]], dtype=np.int64)
    units["snapped"] = {}
    return units


class UnitSnaps:
    """A snapshot's unit positions snapped to one road graph, each unit when it first enters a
    candidate pool: the snapshot's positions never change, so no unit is snapped twice. Units that
    have not moved since the previous snapshot keep its snaps (an AVL feed reloads the snapshot
    every few seconds, but moves only the units that reported)."""

    def __init__(self, graph: RoadGraph, ids: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> None:
        self.graph, self.ids, self.lon, self.lat = graph, np.asarray(ids, dtype=np.int64), lon, lat
        self.edge = np.full(len(lon), -1, np.int64)
        self.fraction, self.x, self.y, self.distance = (np.zeros(len(lon)) for _ in range(4))

    def keep_unmoved(self, previous: UnitSnaps) -> None:
        """Copy the snaps of units at the same position in ``previous`` (an earlier snapshot's)."""
        if not len(previous.ids) or not len(self.ids):
            return
        order = np.argsort(previous.ids)
        j = order[np.searchsorted(previous.ids, self.ids, sorter=order).clip(max=len(order) - 1)]
        edge = previous.edge[j]  # read first: a unit counts as snapped there once its edge is set
        same = (previous.ids[j] == self.ids) & (previous.lon[j] == self.lon) & (previous.lat[j] == self.lat) & (edge >= 0)
        for name in ("fraction", "x", "y", "distance"):
            getattr(self, name)[same] = getattr(previous, name)[j[same]]
        self.edge[same] = edge[same]

    def take(self, indices: list[int], *, max_distance_m: float) -> SnappedPoints:
        """The snapped positions of ``indices``; ValidationError if one is farther than
        ``max_distance_m`` from every road."""
        index = np.asarray(indices, dtype=np.int64)
        missing = index[self.edge[index] < 0]
        if len(missing):
            new = self.graph.snap(self.lon[missing], self.lat[missing], max_distance_m=np.inf)
            self.fraction[missing], self.x[missing], self.y[missing] = new.fraction, new.x, new.y
            self.distance[missing] = new.snap_distance_m
            self.edge[missing] = new.edge  # last: another thread treats a unit as snapped once its edge is set
        far = self.distance[index] > max_distance_m
        if far.any():
            i = index[np.argmax(far)]
            raise ValidationError(f"unit at ({self.lon[i]:.6f}, {self.lat[i]:.6f}) is {self.distance[i]:.0f} m "
                                  f"from the nearest road (max {max_distance_m:.0f} m)")
        return SnappedPoints(self.edge[index], self.fraction[index], self.x[index], self.y[index], self.distance[index])


_latest_snaps: weakref.WeakKeyDictionary[RoadGraph, UnitSnaps] = weakref.WeakKeyDictionary()


def snapped_units(graph: RoadGraph, units: dict[str, Any]) -> UnitSnaps:
    """The snapshot's :class:`UnitSnaps` for ``graph`` (created on first use, keeping the snaps of
    units that have not moved since the snapshot before)."""
    cache = units.setdefault("snapped", {})
    snaps = cache.get(graph)
    if snaps is None:
        fresh = UnitSnaps(graph, units["id"], units["lon"], units["lat"])
        previous = _latest_snaps.get(graph)
        if previous is not None:
            fresh.keep_unmoved(previous)
        snaps = cache.setdefault(graph, fresh)
        _latest_snaps[graph] = snaps
    return snaps


_snapshots = TTLCache[dict[str, Any]](ttl_s=5.0)
hub.add_listener(lambda kind: _snapshots.clear() if kind == "unit" else None)


def cached_unit_snapshot(session: Session) -> dict[str, Any]:
    """The unit snapshot, kept per process until a unit changes (or 5 s pass, for writes that
    bypass the session hooks, such as the simulator's AVL heartbeats)."""
    return _snapshots.get_or_load(session.get_bind().engine.url, lambda: unit_snapshot(session))


def recommend(
    session: Session, incident_id: int, *, graph: RoadGraph | None, policy: DispatchPolicy = DispatchPolicy(),
    now: datetime | None = None, units: dict[str, Any] | None = None,
) -> Recommendation:
    """Rank units for an incident by road travel time, with reasons. ``graph=None`` ranks by
    straight-line distance only (for cities without a road file). ``units`` may pass a
    :func:`unit_snapshot` taken earlier (e.g. a cache refreshed by live events)."""
    incident = incident_service.get(session, incident_id)
    now = now or utcnow()
    plan = plans.get_plan(session, incident.type_code, incident.district_id)
    allowed_types = plan.allowed_unit_types()
    units = units if units is not None else cached_unit_snapshot(session)
    if len(units["id"]) == 0:
        return Recommendation(incident.id, [], [], [], [Reason("no_units", "没有可用警力位置", "no unit has a position")])
    straight = distance_m(incident.lon, incident.lat, units["lon"], units["lat"])
    fresh = (now.timestamp() - units["position_s"]) <= policy.stale_after_s
    available = units["status"] == UnitStatus.AVAILABLE
    type_ok = np.isin(units["unit_type_text"], list(allowed_types))
    eligible = available & fresh & type_ok

    order = np.argsort(straight)
    pool = order[eligible[order]][: max(policy.k * 4, policy.prefilter_min)].tolist()
    times = _road_times(graph, incident, units, pool, now, policy)
    ranked = sorted((t, i) for t, i in zip(times, pool, strict=True) if np.isfinite(t))[: policy.k]
    items = _candidates(ranked, units, straight, graph is not None)
    best_straight = straight[ranked[0][1]] if ranked else np.inf
    excluded = _passed_over(units, order, straight, best_straight, available, fresh, type_ok, now)
    move_ups = _move_ups(session, units, ranked[0][1], straight, available & fresh) if ranked else []
    warnings = _duty_warnings(session, incident, units, ranked)
    if not ranked:
        warnings.append(Reason("no_eligible_unit", "没有符合条件的可用警力", "no eligible unit is available"))
    return Recommendation(incident.id, items, excluded, move_ups, warnings)


def _road_times(graph, incident, units, pool, now, policy) -> np.ndarray:  # type: ignore[no-untyped-def]
    if not pool:
        return np.empty(0)
    if graph is None:
        return distance_m(incident.lon, incident.lat, units["lon"][pool], units["lat"][pool]) / FALLBACK_SPEED_M_PER_S
    hour = (now + CHINA_OFFSET).hour
    try:
        sources = snapped_units(graph, units).take(pool, max_distance_m=policy.snap_max_m)
        # only the best k are ranked: the search stops once k of the pool are settled
        return np.asarray(graph.travel_times_to((incident.lon, incident.lat), sources, hour=hour, fastest=policy.k),
                          dtype=float)
    except ValidationError:
        # the incident or a unit lies off the road network: fall back to straight-line estimates
        return distance_m(incident.lon, incident.lat, units["lon"][pool], units["lat"][pool]) / FALLBACK_SPEED_M_PER_S


def _candidates(ranked, units, straight, by_road) -> list[Candidate]:  # type: ignore[no-untyped-def]
    items = []
    best_time = ranked[0][0] if ranked else 0.0
    nearest_straight = min((straight[i] for _, i in ranked), default=0.0)
    for rank, (seconds, i) in enumerate(ranked, start=1):
        zh_time, en_time = format_duration(seconds)
        how_zh, how_en = ("道路行程", "by road") if by_road else ("直线估算", "straight-line estimate")
        if rank == 1:
            reasons = [Reason("fastest", f"最快到达的可用警力，{how_zh}{zh_time}", f"fastest available unit, {en_time} {how_en}")]
        else:
            extra_zh, extra_en = format_duration(seconds - best_time)
            reasons = [Reason("alternative", f"可用，{how_zh}{zh_time}（比最快慢{extra_zh}）",
                              f"available, {en_time} {how_en} ({extra_en} slower than the fastest)")]
        if straight[i] > nearest_straight + 1 and rank == 1:
            reasons.append(Reason("road_beats_distance", "直线距离不是最近，但道路行程最快",
                                  "not the nearest in a straight line, but the fastest by road"))
        items.append(Candidate(int(units["id"][i]), str(units["call_sign"][i]), str(units["unit_type"][i]),
                               str(units["status"][i]), float(seconds), float(straight[i]), rank, reasons))
    return items


def _passed_over(units, order, straight, best_straight, available, fresh, type_ok, now) -> list[Passed]:  # type: ignore[no-untyped-def]
    passed = []
    for i in order:
        if straight[i] >= best_straight or len(passed) >= 5:
            break
        if available[i] and fresh[i] and type_ok[i]:
            continue
        sign = str(units["call_sign"][i])
        if not available[i]:
            zh, en = STATUS_TEXT.get(units["status"][i], ("不可用", "not available"))
        elif not fresh[i]:
            minutes = int((now - units["position_at"][i]).total_seconds() // 60)
            zh, en = f"位置已{minutes}分钟未更新", f"position is {minutes} min old"
        else:
            zh, en = f"警力类型{units['unit_type'][i]}不在预案内", f"unit type {units['unit_type'][i]} is not in the response plan"
        passed.append(Passed(int(units["id"][i]), sign, f"{sign} 更近，但{zh}", f"{sign} is nearer but {en}"))
    return passed


def _move_ups(session, units, chosen, straight, ready) -> list[MoveUp]:  # type: ignore[no-untyped-def]
    station_id = units["station_id"][chosen]
    if station_id is None:
        return []
    same_station = (units["station_id"] == station_id) & ready
    same_station[chosen] = False
    if same_station.any():
        return []
    station = session.get(OrgUnit, station_id)
    if station is None or station.lon is None:
        return []
    others = ready & (units["station_id"] != station_id)
    others[chosen] = False
    if not others.any():
        return []
    to_station = distance_m(station.lon, station.lat, units["lon"], units["lat"])
    to_station[~others] = np.inf
    pick = int(np.argmin(to_station))
    sign = str(units["call_sign"][pick])
    return [MoveUp(int(units["id"][pick]), sign, int(station_id),
                   f"派出后{station.name_zh}无可用警力：建议 {sign} 前移补位（{to_station[pick] / 1000:.1f} 公里）",
                   f"{station.name_en} would have no available unit: move {sign} up to cover it ({to_station[pick] / 1000:.1f} km)")]


def _duty_warnings(session, incident, units, ranked) -> list[Reason]:  # type: ignore[no-untyped-def]
    if not ranked or incident.district_id is None:
        return []
    available, minimum, level = plans.district_minimum(session, incident.district_id, units)
    if available - 1 >= minimum:
        return []
    spec = plans.DUTY_LEVELS[level]
    return [Reason("duty_minimum", f"派出后本区可用警力将低于{spec['zh']}最低要求（{minimum}）",
                   f"dispatching leaves the district below the {spec['en']} minimum of {minimum} available units")]


# ---- duplicates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    incident: Incident
    distance_m: float
    minutes_ago: float


def _duplicates_query():  # type: ignore[no-untyped-def]
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
    exclude_id: int | None = None, now: datetime | None = None, limit: int = 5,
) -> list[DuplicateCandidate]:
    """The ``limit`` nearest open incidents of the same category within ``radius_m`` of (lon, lat)
    received within ``window_min``, nearest first."""
    now = now or utcnow()
    category = incident_service.get_type(session, type_code).category
    cos_lat = max(float(np.cos(np.radians(lat))), 0.1)
    dlat, dlon = radius_m / 111_000, radius_m / (111_000 * cos_lat)
    near = list(session.scalars(_DUPLICATES, {
        "lon": lon, "lat": lat, "cos_lat": cos_lat, "category": category, "since": now - timedelta(minutes=window_min),
        "lon_min": lon - dlon, "lon_max": lon + dlon, "lat_min": lat - dlat, "lat_max": lat + dlat,
        "exclude_id": -1 if exclude_id is None else exclude_id, "limit": limit}))
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
    original = incident_service.get(session, original_id)
    if original.status not in OPEN_STATUSES:
        raise ConflictError(f"incident {original_id} is {original.status.value}; attach to an open incident")
    incident = incident_service.transition(session, incident_id, IncidentStatus.CLOSED, actor=actor,
                                           disposition=Disposition.DUPLICATE, note=f"duplicate of {original_id}")
    session.add(IncidentEvent(incident_id=original.id, at=utcnow(), actor=actor.username, kind="duplicate_attached",
                              data={"duplicate_id": incident_id}))
    audit_service.record(session, actor=actor, action="incident.duplicate_of", resource_type="incident",
                         resource_id=incident_id, detail={"original_id": original_id})
    return incident


# ---- hand-offs ----------------------------------------------------------------------------------


@conflicts_as_domain_errors
def hand_off(session: Session, incident_id: int, *, agency: Agency, mode: HandoffMode, reason: str, actor: Actor) -> Handoff:
    """Transfer to, or handle jointly with, fire, ambulance or the 12345 hotline."""
    if len(reason.strip()) < 2:
        raise ValidationError("give the reason for the hand-off")
    incident = incident_service.get(session, incident_id)
    if incident.status not in OPEN_STATUSES:
        raise ConflictError(f"incident {incident_id} is {incident.status.value}; it cannot be handed off")
    handoff = Handoff(incident_id=incident.id, agency=agency, mode=mode, reason=reason.strip(), at=utcnow(),
                      actor=actor.username)
    session.add(handoff)
    if mode == HandoffMode.TRANSFER:
        incident_service.transition(session, incident.id, IncidentStatus.TRANSFERRED, actor=actor,
                                    note=f"transferred to {agency.value}: {reason}")
    else:
        session.add(IncidentEvent(incident_id=incident.id, at=handoff.at, actor=actor.username, kind="joint_handling",
                                  data={"agency": agency.value, "reason": reason}))
    session.flush()
    audit_service.record(session, actor=actor, action="incident.handoff", resource_type="incident",
                         resource_id=incident.id, detail={"agency": agency.value, "mode": mode.value})
    return handoff


def list_handoffs(session: Session, incident_id: int) -> list[Handoff]:
    incident_service.get(session, incident_id)
    return list(session.scalars(select(Handoff).where(Handoff.incident_id == incident_id).order_by(Handoff.id)))


# ---- the officer's assignment -------------------------------------------------------------------


def officer_unit(session: Session, actor: Actor) -> Unit:
    from precinct.users.models import User

    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None or user.unit_id is None:
        raise NotFoundError("your account is not linked to a unit; ask a supervisor to link it")
    unit = session.get(Unit, user.unit_id)
    if unit is None:
        raise NotFoundError(f"unit {user.unit_id} does not exist")
    return unit


def current_assignment(session: Session, unit_id: int) -> Assignment | None:
    return session.scalar(select(Assignment).where(Assignment.unit_id == unit_id, Assignment.cleared_at.is_(None))
                          .order_by(Assignment.id.desc()))


def acknowledge(session: Session, actor: Actor) -> Assignment:
    """The officer confirms their current assignment (idempotent)."""
    unit = officer_unit(session, actor)
    assignment = current_assignment(session, unit.id)
    if assignment is None:
        raise NotFoundError("there is no assignment to acknowledge")
    acknowledge_assignment(session, assignment, unit, actor=actor)
    return assignment


def acknowledge_assignment(session: Session, assignment: Assignment, unit: Unit, *, actor: Actor) -> None:
    if assignment.acknowledged_at is not None:
        return
    assignment.acknowledged_at = utcnow()
    session.add(IncidentEvent(incident_id=assignment.incident_id, at=assignment.acknowledged_at, actor=actor.username,
                              kind="acknowledged", data={"unit_id": unit.id, "call_sign": unit.call_sign}))
    audit_service.record(session, actor=actor, action="assignment.acknowledge", resource_type="assignment",
                         resource_id=assignment.id)


def escalate_unacknowledged(session: Session, *, timeout_s: float, actor: Actor, now: datetime | None = None) -> list[Assignment]:
    """Flag assignments not acknowledged within ``timeout_s``; each is escalated once."""
    now = now or utcnow()
    overdue = list(session.scalars(select(Assignment).where(
        Assignment.cleared_at.is_(None), Assignment.acknowledged_at.is_(None), Assignment.escalated_at.is_(None),
        Assignment.dispatched_at <= now - timedelta(seconds=timeout_s))))
    for assignment in overdue:
        assignment.escalated_at = now
        session.add(IncidentEvent(incident_id=assignment.incident_id, at=now, actor=actor.username, kind="escalated",
                                  data={"unit_id": assignment.unit_id, "reason": f"not acknowledged within {int(timeout_s)} s"}))
        live.publish(session, "escalation", assignment.id, {
            "assignment_id": assignment.id, "incident_id": assignment.incident_id, "unit_id": assignment.unit_id,
            "zh": f"派警{int(timeout_s)}秒未确认", "en": f"assignment not acknowledged within {int(timeout_s)} s"})
        audit_service.record(session, actor=actor, action="assignment.escalate", resource_type="assignment",
                             resource_id=assignment.id)
    return overdue
