"""Planning over the store: response areas of the stations, staffing by Erlang-C, before/after.

The numeric work is done by the pure :mod:`precinct.planning` library; this module only reads the
store. Response areas are computed once per process and kept until the stations change (the cache
key holds every station's id and position); the coverage summary is recomputed when the incidents
in the 28-day window change.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from precinct.core.cache import TTLCache
from precinct.core.db import utcnow
from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.deployment.messages import said
from precinct.deployment.schemas import MAX_THRESHOLD_MIN, MAX_THRESHOLDS
from precinct.geo import RoadGraph
from precinct.incidents.demand import reported_demand
from precinct.incidents.models import Assignment, Incident
from precinct.org import service as org_service
from precinct.org.models import Beat, OrgTier, OrgUnit
from precinct.units.models import Unit
from precinct.units.status import GROUNDED_STATUSES

WINDOW_DAYS = 28
DEFAULT_SERVICE_TIME_S = 1800.0
"""Mean time a call occupies a unit when the store has no cleared assignments (30 min)."""
DEFAULT_TRAVEL_MINUTES = 2.0
CACHE_TTL_S = 24 * 3600.0
AREAS_CACHE_ITEMS = 8
"""Sets of response areas kept per process (one per roads file, thresholds and stations; each some MB)."""
SUMMARY_CACHE_ITEMS = 32
"""Coverage summaries kept per process (small; keyed by the areas, the database and the window's incidents)."""

areas_cache: TTLCache[dict[str, Any]] = TTLCache(CACHE_TTL_S, max_items=AREAS_CACHE_ITEMS)
summary_cache: TTLCache[dict[str, Any]] = TTLCache(CACHE_TTL_S, max_items=SUMMARY_CACHE_ITEMS)


@dataclass(frozen=True)
class Station:
    """A police station with a position, and the district it belongs to."""

    id: int
    name_zh: str
    name_en: str
    lon: float
    lat: float
    district_id: int | None


def _stations(session: Session) -> tuple[Station, ...]:
    rows = session.execute(
        select(OrgUnit.id, OrgUnit.name_zh, OrgUnit.name_en, OrgUnit.lon, OrgUnit.lat, OrgUnit.parent_id)
        .where(OrgUnit.tier == OrgTier.STATION, OrgUnit.lon.is_not(None), OrgUnit.lat.is_not(None))
        .order_by(OrgUnit.id)
    ).all()
    return tuple(Station(id_, name_zh, name_en, lon, lat, district_id)
                 for id_, name_zh, name_en, lon, lat, district_id in rows if lon is not None and lat is not None)


def stations(session: Session) -> tuple[Station, ...]:
    """Return the stations with a position (the posts of the coverage and the candidates of post placement)."""
    return _stations(session)


def _minutes(values: list[float]) -> tuple[float, ...]:
    if not values:
        raise ValidationError("minutes: give at least one threshold, e.g. ?minutes=1&minutes=3&minutes=5")
    if len(values) > MAX_THRESHOLDS:
        raise ValidationError(f"minutes: give at most {MAX_THRESHOLDS} thresholds, got {len(values)}")
    if any(not 0 < m <= MAX_THRESHOLD_MIN for m in values):
        raise ValidationError(f"minutes must each be above 0 and at most {MAX_THRESHOLD_MIN:g}")
    return tuple(sorted({float(m) for m in values}))


def _on_road(graph: RoadGraph, stations: tuple[Station, ...]) -> tuple[list[Station], list[int]]:
    """Stations that snap to a road (within 1 km), and the ids of those that do not."""
    kept, off_road = [], []
    for station in stations:
        try:
            graph.snap(station.lon, station.lat)
        except ValidationError:
            off_road.append(station.id)
        else:
            kept.append(station)
    return kept, off_road


def coverage(
    session: Session, *, minutes: list[float], graph: RoadGraph, roads_key: str, now: datetime | None = None,
) -> dict[str, Any]:
    """Response areas of every station (GeoJSON) and the share of recent reported incidents they cover.

    Returns a FeatureCollection with one feature per station and threshold (properties
    ``minutes, station_id, name_zh, name_en, area_km2``) and a ``summary``: for the last 28 days'
    reported incidents (officer-initiated and drill incidents excluded), the share whose road travel
    time from the nearest station is within each threshold, citywide and per district.

    Raises
    ------
    ValidationError
        On bad thresholds.
    """
    from precinct.planning.coverage import coverage_by_threshold
    from precinct.planning.network import on_road_mask, response_areas_geojson, travel_time_matrix

    thresholds = _minutes(minutes)
    stations = _stations(session)
    key = (roads_key, thresholds, tuple((s.id, s.lon, s.lat, s.name_zh, s.name_en) for s in stations))

    def load_areas() -> dict[str, Any]:
        started = time.perf_counter()
        kept, off_road = _on_road(graph, stations)
        if not kept:
            return {"type": "FeatureCollection", "features": [], "off_road": off_road, "computed_s": 0.0}
        properties = [{"station_id": s.id, "name_zh": s.name_zh, "name_en": s.name_en} for s in kept]
        collection = response_areas_geojson(graph, [(s.lon, s.lat) for s in kept], thresholds, properties=properties)
        for feature in collection["features"]:
            del feature["properties"]["post"]
        return collection | {"off_road": off_road, "computed_s": round(time.perf_counter() - started, 3)}

    areas = areas_cache.get_or_load(key, load_areas)
    now = now or utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    incidents = _recent_reported(session, since, now)
    bind = session.get_bind()
    summary_key = (str(bind.engine.url), key, since.date(), len(incidents), max((i[0] for i in incidents), default=0))

    def load_summary() -> dict[str, Any]:
        kept = [s for s in stations if s.id not in set(areas["off_road"])]
        summary: dict[str, Any] = {"window_days": WINDOW_DAYS, "since": since.isoformat(), "incidents": len(incidents),
                   "thresholds_min": list(thresholds), "citywide_share": [None] * len(thresholds), "districts": []}
        if not incidents or not kept:
            return summary
        points = np.array([(lon, lat) for _, lon, lat, _ in incidents], float)
        inside = on_road_mask(graph, points)
        times = np.full((len(kept), len(points)), np.inf)
        if inside.any():
            times[:, inside] = travel_time_matrix(graph, [(s.lon, s.lat) for s in kept], points[inside],
                                                  limit_s=60.0 * max(thresholds))
        groups = np.array([str(d) if d is not None else "" for *_, d in incidents])
        report = coverage_by_threshold(times, thresholds_s=tuple(60.0 * m for m in thresholds), groups=groups)
        names = _district_names(session)
        summary["citywide_share"] = list(report.citywide_share)
        summary["off_road_incidents"] = int((~inside).sum())
        counts = dict(zip(*np.unique(groups, return_counts=True), strict=True))
        for label, row in zip(report.group_labels, report.group_share, strict=True):
            district_id = int(label) if label else None
            outside = ("辖区外", "outside the districts")
            name_zh, name_en = names.get(district_id, outside) if district_id is not None else outside
            summary["districts"].append({"district_id": district_id, "name_zh": name_zh, "name_en": name_en,
                                         "incidents": int(counts[label]), "share": [float(v) for v in row]})
        return summary

    summary = summary_cache.get_or_load(summary_key, load_summary)
    return {"type": "FeatureCollection", "features": areas["features"],
            "summary": summary | {"stations": len(stations), "stations_off_road": areas["off_road"]}}


def _recent_reported(session: Session, since: datetime, until: datetime) -> list[tuple[int, float, float, int | None]]:
    rows = session.execute(
        reported_demand(Incident.id, Incident.lon, Incident.lat, Incident.district_id, since=since,
                        until=until + timedelta(microseconds=1))
        .order_by(Incident.id)
    ).all()
    return [tuple(row) for row in rows]


def _district_names(session: Session) -> dict[int, tuple[str, str]]:
    rows = session.execute(select(OrgUnit.id, OrgUnit.name_zh, OrgUnit.name_en).where(OrgUnit.tier == OrgTier.DISTRICT))
    return {row_id: (zh, en) for row_id, zh, en in rows}


# ---- staffing ---------------------------------------------------------------------------------


def staffing(
    session: Session, *, zone: ZoneInfo, district_id: int | None, shift_start_hour: int, shift_hours: int = 8,
    target_minutes: float = 5.0, target_share: float = 0.9, travel_minutes: float = DEFAULT_TRAVEL_MINUTES,
    now: datetime | None = None, actor: Actor | None = None,
) -> dict[str, Any]:
    """Return the fewest units for one shift (Erlang-C, M/M/N) from the store's last 28 days of calls.

    Call rate = reported calls (officer-initiated excluded) in the district whose local hour (in
    ``zone``, the city's time zone) falls in the shift, divided by ``28 x shift_hours``. Mean service time = mean
    ``cleared_at - dispatched_at`` of those calls' assignments, or 30 min when none are cleared.
    The calls are those of ``actor``'s scope (a district branch's account: its district's; a
    station's: its own; ``None``, as for a city account: the whole city); ``district_id`` must lie in it.

    Raises
    ------
    NotFoundError
        For an unknown district, or one outside the actor's scope.
    ValidationError
        For hours outside 0-23 / 1-24, or targets the model cannot meet.
    """
    from precinct.planning.queueing import fewest_units

    scope = org_service.scope_for(session, actor) if actor is not None else org_service.CITYWIDE
    if not 0 <= shift_start_hour <= 23:
        raise ValidationError(f"shift_start_hour must be 0-23 (local time, {zone.key}), got {shift_start_hour}")
    if not 1 <= shift_hours <= 24:
        raise ValidationError(f"shift_hours must be 1-24, got {shift_hours}")
    if district_id is not None:
        district = session.get(OrgUnit, district_id)
        if district is None or district.tier != OrgTier.DISTRICT or not scope.holds(district.id):
            raise NotFoundError(said("staffing.district_unknown", id=district_id))
    now = now or utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    query = reported_demand(Incident.id, Incident.received_at, since=since, until=now + timedelta(microseconds=1),
                            district_id=district_id)
    in_scope = org_service.where_in_scope(scope, Incident.station_id, Incident.district_id)
    if in_scope is not None:
        query = query.where(in_scope)
    hours = {(shift_start_hour + h) % 24 for h in range(shift_hours)}
    in_shift = [row_id for row_id, at in session.execute(query) if at.astimezone(zone).hour in hours]
    calls_per_hour = len(in_shift) / (WINDOW_DAYS * shift_hours)
    service_s, used = _mean_service_s(session, in_shift)
    base = {"district_id": district_id, "shift_start_hour": shift_start_hour, "shift_hours": shift_hours,
            "window_days": WINDOW_DAYS, "calls": len(in_shift), "calls_per_hour": calls_per_hour,
            "service_time_s": service_s, "service_time_source": "assignments" if used else "default",
            "assignments_used": used, "travel_time_s": 60.0 * travel_minutes,
            "target_s": 60.0 * target_minutes, "target_share": target_share, "model": "Erlang-C (M/M/N)"}
    if calls_per_hour == 0:
        return base | {"recommended_units": 0, "metrics": None}
    recommendation = fewest_units([calls_per_hour], service_s, target_share=target_share,
                                  target_s=60.0 * target_minutes, travel_time_s=60.0 * travel_minutes)
    return base | {"recommended_units": recommendation.units[0], "metrics": recommendation.shifts[0].to_dict()}


def _mean_service_s(session: Session, incident_ids: list[int]) -> tuple[float, int]:
    durations: list[float] = []
    for start in range(0, len(incident_ids), 1000):
        chunk = incident_ids[start:start + 1000]
        rows = session.execute(select(Assignment.dispatched_at, Assignment.cleared_at).where(
            Assignment.incident_id.in_(chunk), Assignment.cleared_at.is_not(None)))
        durations += [(cleared - dispatched).total_seconds() for dispatched, cleared in rows
                      if cleared is not None and cleared > dispatched]
    if not durations:
        return DEFAULT_SERVICE_TIME_S, 0
    return float(np.mean(durations)), len(durations)


# ---- before / after ---------------------------------------------------------------------------

AREA_KEYS = ("district_id", "station_id", "beat_id")


def _area(area: Mapping[str, int | None], name: str) -> tuple[str, int]:
    given = {key: value for key, value in area.items() if value is not None}
    if len(given) != 1 or next(iter(given)) not in AREA_KEYS:
        raise ValidationError(f"{name} must name exactly one of district_id, station_id or beat_id")
    key, value = next(iter(given.items()))
    return key, int(value)


def _check_area(session: Session, key: str, value: int, name: str, scope: org_service.Scope) -> None:
    """Check that an area exists and lies in ``scope`` (a beat by its station); NotFoundError otherwise."""
    if key == "beat_id":
        beat = session.get(Beat, value)
        found = beat is not None and scope.holds(beat.station_id)
    else:
        org_unit = session.get(OrgUnit, value)
        found = org_unit is not None and scope.holds(org_unit.id)
    if not found:
        raise NotFoundError(said("before_after.area_unknown", name=name, field=key, id=value))


def _period(value: list[datetime], name: str) -> tuple[datetime, datetime]:
    if len(value) != 2:
        raise ValidationError(f"{name} must be [start, end]")
    start, end = (at if at.tzinfo else at.replace(tzinfo=UTC) for at in value)
    if end <= start:
        raise ValidationError(f"{name}: end must be after start")
    return start, end


def _counts(
    session: Session, key: str, value: int, start: datetime, end: datetime, type_codes: list[str] | None, weekly: bool,
) -> list[int]:
    query = reported_demand(Incident.received_at, since=start, until=end, type_codes=type_codes,
                            district_id=value if key == "district_id" else None,
                            station_id=value if key == "station_id" else None,
                            beat_id=value if key == "beat_id" else None)
    if not weekly:
        count = session.scalar(select(func.count()).select_from(query.subquery()))
        return [int(count or 0)]
    weeks = round((end - start).total_seconds() / (7 * 86400))
    series = [0] * weeks
    for (at,) in session.execute(query):
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        series[min(int((at - start).total_seconds() // (7 * 86400)), weeks - 1)] += 1
    return series


def before_after(
    session: Session, *, treated: dict[str, int], comparison: dict[str, int], before: list[datetime],
    after: list[datetime], actor: Actor, type_codes: list[str] | None = None, confidence: float = 0.95,
) -> dict[str, Any]:
    """Difference-in-differences (效果评估) of reported incident counts in two areas and periods.

    Periods that are whole weeks (two or more) are counted per week so the interval reflects the
    week-to-week spread (quasi-Poisson); otherwise totals are compared (Poisson). Both areas must
    lie in ``actor``'s scope (a station's account compares its own station and beats, a district
    branch its district, stations and beats, the city any); one outside reads as unknown.

    Raises
    ------
    ValidationError, NotFoundError
        For malformed areas or periods, or areas that do not exist or lie outside the scope.
    """
    periods = [_period(before, "before"), _period(after, "after")]
    scope = org_service.scope_for(session, actor)
    areas = []
    for area, name in ((treated, "treated"), (comparison, "comparison")):
        key, value = _area(area, name)
        _check_area(session, key, value, name, scope)
        areas.append((key, value))
    lengths = [(end - start).total_seconds() / (7 * 86400) for start, end in periods]
    weekly = all(length >= 2 and abs(length - round(length)) < 1e-9 for length in lengths)
    counts: dict[str, list[int]] = {}
    for (key, value), label in zip(areas, ("treated", "comparison"), strict=True):
        for (start, end), when in zip(periods, ("before", "after"), strict=True):
            counts[f"{label}_{when}"] = _counts(session, key, value, start, end, type_codes, weekly)
    return {"treated": treated, "comparison": comparison, "counts": {k: sum(v) for k, v in counts.items()},
            "series": counts if weekly else None, "type_codes": type_codes} | estimate_effect(counts, confidence)


def estimate_effect(counts: Mapping[str, list[int]], confidence: float) -> dict[str, Any]:
    """Estimate the before/after effect from counts (difference in differences, the planning core's).

    ``counts`` holds ``treated_before``, ``treated_after``, ``comparison_before`` and
    ``comparison_after``, each one count or a weekly series. Other domains that count their own
    areas (a directive's polygon) estimate through here, so the planning core has one edge.
    """
    from precinct.planning.evaluation import difference_in_differences

    result = difference_in_differences(counts["treated_before"], counts["treated_after"], counts["comparison_before"],
                                       counts["comparison_after"], confidence=confidence)
    return result.to_dict()


# ---- the deployment and a day of demand, for the replay --------------------------------------


def unit_posts(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """Return where units are based, as ((n, 2) lon/lat, (n,) unit counts).

    Each station with a position, with its units that are not off duty or out of service.

    Raises
    ------
    ValidationError
        If no station with a position has such a unit.
    """
    rows = session.execute(
        select(OrgUnit.lon, OrgUnit.lat, func.count(Unit.id))
        .join(Unit, Unit.home_station_id == OrgUnit.id)
        .where(OrgUnit.lon.is_not(None), Unit.status.not_in(GROUNDED_STATUSES))
        .group_by(OrgUnit.id, OrgUnit.lon, OrgUnit.lat).order_by(OrgUnit.id)
    ).all()
    if not rows:
        raise ValidationError(
            "the store has no units at stations with a position; run `precinct demo load` or give --posts")
    return np.array([[lon, lat] for lon, lat, _ in rows], float), np.array([n for *_, n in rows], np.int64)


def day_of_demand(session: Session, day: date, *, zone: ZoneInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the reported demand of one local day (in ``zone``).

    As (n, 2) lon/lat, arrival seconds after local midnight, and priorities. Drill and
    officer-initiated incidents are left out.

    Raises
    ------
    ValidationError
        If the day holds no reported incident.
    """
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    rows = session.execute(
        reported_demand(Incident.lon, Incident.lat, Incident.received_at, Incident.priority, since=start, until=end)
        .order_by(Incident.received_at)
    ).all()
    if not rows:
        raise ValidationError(f"the store has no reported incidents on {day.isoformat()} (local time, {zone.key})")
    points = np.array([[lon, lat] for lon, lat, _, _ in rows], float)
    arrival = np.array([(at - start).total_seconds() for _, _, at, _ in rows], float)
    return points, arrival, np.array([p for *_, p in rows], np.int64)
