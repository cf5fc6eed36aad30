"""Unit ranking for an incident (pure: arrays in, frozen results out, no database).

Two stages: a straight-line prefilter over every eligible unit, then road travel time for the best
of them (one Dijkstra on the reversed graph from the incident, stopped once the fastest ``k`` of
the pool are settled; ``geo.travel_times_to``). Eligible: available, a position reported
within ``stale_after_s``, and a unit type the incident's response plan sends. Every candidate
carries its reasons, nearer units that were passed over are listed with why, and a move-up is
suggested when sending the best unit would leave its station without an available unit.

The service layer (``dispatch.service``) reads the :class:`UnitSnapshot` and the response plan
from the store and calls :func:`rank_units`; a notebook can call it on arrays alone.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

import numpy as np

from precinct.core.errors import ValidationError
from precinct.geo import RoadGraph, SnappedPoints, travel_times_to
from precinct.geo.distance import haversine_m

FALLBACK_SPEED_M_PER_S = 25 / 3.6
BUSY_TEXT = {
    "dispatched": ("已派出", "dispatched to another call"),
    "en_route": ("正在赶赴其他警情", "en route to another call"),
    "on_scene": ("正在其他现场处置", "on scene at another call"),
    "off_duty": ("不在岗", "off duty"),
    "out_of_service": ("暂停服务", "out of service"),
}
OFF_DUTY_STATUSES = ("off_duty", "out_of_service")


@dataclass(frozen=True)
class DispatchPolicy:
    """How to rank: ``k`` candidates from a straight-line pool of at least ``prefilter_min``.

    Positions older than ``stale_after_s`` do not count; units farther than ``snap_max_m`` from a
    road are ranked by straight line; congestion follows the hour of day in ``zone``.
    """

    k: int = 5
    prefilter_min: int = 20
    stale_after_s: float = 900.0
    snap_max_m: float = 2000.0
    zone: tzinfo = UTC


@dataclass(frozen=True)
class Reason:
    """Why a unit ranks where it does, or a warning (a machine code and its zh and en text)."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Candidate:
    """A ranked unit: its road travel time (or straight-line estimate), distance, rank and reasons."""

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
    """A unit nearer than the first candidate but passed over, and why."""

    unit_id: int
    call_sign: str
    zh: str
    en: str


@dataclass(frozen=True)
class MoveUp:
    """A suggestion to move a unit to a station that the dispatch leaves without a ready unit."""

    unit_id: int
    call_sign: str
    to_station_id: int
    zh: str
    en: str


@dataclass(frozen=True)
class StationPoint:
    """A station's position and names (for move-up suggestions)."""

    id: int
    lon: float
    lat: float
    name_zh: str
    name_en: str


@dataclass(frozen=True, eq=False)
class UnitSnapshot:
    """Every positioned unit as parallel column arrays (what :func:`rank_units` ranks).

    ``station_id`` and ``district_id`` are -1 where a unit has none; ``position_s`` is the
    position time in epoch seconds. ``stations`` holds the positions of the units' stations.
    ``snaps`` caches, per road graph, the units' positions placed on its edges (see
    :func:`snapped_units`); it is the only part that changes after the snapshot is taken.
    """

    id: np.ndarray
    call_sign: np.ndarray
    unit_type: np.ndarray
    status: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    position_s: np.ndarray
    station_id: np.ndarray
    district_id: np.ndarray
    stations: dict[int, StationPoint] = field(default_factory=dict)
    snaps: dict[RoadGraph, UnitSnaps] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        """Return the number of units."""
        return len(self.id)

    @classmethod
    def from_columns(cls, *, id: list[int], call_sign: list[str], unit_type: list[str], status: list[str],
                     lon: list[float], lat: list[float], position_at: list[datetime], station_id: list[int | None],
                     district_id: list[int | None], stations: dict[int, StationPoint] | None = None) -> UnitSnapshot:
        """Build a snapshot from plain columns (statuses and types as their string values)."""
        def ids(values: list[int | None]) -> np.ndarray:
            return np.array([-1 if v is None else v for v in values], dtype=np.int64)

        return cls(
            id=np.asarray(id, dtype=np.int64), call_sign=np.asarray(call_sign, dtype=object),
            unit_type=np.asarray([str(t) for t in unit_type], dtype=object),
            status=np.asarray([str(s) for s in status], dtype=object),
            lon=np.asarray(lon, dtype=float), lat=np.asarray(lat, dtype=float),
            position_s=np.array([at.timestamp() for at in position_at], dtype=float),
            station_id=ids(station_id), district_id=ids(district_id), stations=stations or {},
        )

    def district_counts(self, district_id: int) -> tuple[int, int]:
        """(units on duty, units available) of one district."""
        in_district = self.district_id == district_id
        on_duty = in_district & ~np.isin(self.status, OFF_DUTY_STATUSES)
        return int(on_duty.sum()), int((in_district & (self.status == "available")).sum())


class UnitSnaps:
    """A snapshot's unit positions snapped to one road graph.

    Each unit is snapped when it first enters a candidate pool: the snapshot's positions never
    change, so no unit is snapped twice. Units that have not moved since the previous snapshot keep
    its snaps (an AVL feed reloads the snapshot every few seconds, but moves only the units that
    reported).
    """

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
        same = ((previous.ids[j] == self.ids) & (previous.lon[j] == self.lon) & (previous.lat[j] == self.lat)
                & (edge >= 0))
        for name in ("fraction", "x", "y", "distance"):
            getattr(self, name)[same] = getattr(previous, name)[j[same]]
        self.edge[same] = edge[same]

    def take(self, indices: list[int], *, max_distance_m: float) -> SnappedPoints:
        """Return the snapped positions of ``indices``.

        Raises
        ------
        ValidationError
            If one is farther than ``max_distance_m`` from every road.
        """
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


def snapped_units(graph: RoadGraph, units: UnitSnapshot) -> UnitSnaps:
    """Return the snapshot's :class:`UnitSnaps` for ``graph``.

    Created on first use, keeping the snaps of units that have not moved since the snapshot before.
    """
    snaps = units.snaps.get(graph)
    if snaps is None:
        fresh = UnitSnaps(graph, units.id, units.lon, units.lat)
        previous = _latest_snaps.get(graph)
        if previous is not None:
            fresh.keep_unmoved(previous)
        snaps = units.snaps.setdefault(graph, fresh)
        _latest_snaps[graph] = snaps
    return snaps


@dataclass(frozen=True)
class Ranking:
    """What :func:`rank_units` found.

    The ranked candidates, the nearer units passed over, and the move-up that sending the first
    candidate calls for.
    """

    items: list[Candidate]
    excluded: list[Passed]
    move_ups: list[MoveUp]
    chosen: int | None
    """Index in the snapshot of the first candidate (``None`` when no unit is eligible)."""


def format_duration(seconds: float) -> tuple[str, str]:
    """``(zh, en)`` minutes and seconds, e.g. ``("3分05秒", "3 min 05 s")``."""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}分{secs:02d}秒", f"{minutes} min {secs:02d} s"


def rank_units(units: UnitSnapshot, *, lon: float, lat: float, allowed_types: set[str], now: datetime,
               policy: DispatchPolicy, graph: RoadGraph | None) -> Ranking:
    """Rank ``units`` for an incident at (``lon``, ``lat``) by road travel time, with reasons.

    ``graph=None`` ranks by straight-line distance only (for cities without a road file); so do
    incidents or units off the road network (beyond ``policy.snap_max_m``).
    """
    straight = haversine_m(lon, lat, units.lon, units.lat)
    fresh = (now.timestamp() - units.position_s) <= policy.stale_after_s
    available = units.status == "available"
    type_ok = np.isin(units.unit_type, list(allowed_types))
    eligible = available & fresh & type_ok
    order = np.argsort(straight)
    pool = order[eligible[order]][: max(policy.k * 4, policy.prefilter_min)].tolist()
    times = _road_times(graph, units, pool, lon, lat, now, policy)
    ranked = sorted((t, i) for t, i in zip(times, pool, strict=True) if np.isfinite(t))[: policy.k]
    chosen = ranked[0][1] if ranked else None
    best_straight = straight[chosen] if chosen is not None else np.inf
    return Ranking(
        items=_candidates(ranked, units, straight, by_road=graph is not None),
        excluded=_passed_over(units, order, straight, best_straight, available, fresh, type_ok, now),
        move_ups=_move_ups(units, chosen, available & fresh) if chosen is not None else [],
        chosen=chosen,
    )


def _road_times(graph: RoadGraph | None, units: UnitSnapshot, pool: list[int], lon: float, lat: float,
                now: datetime, policy: DispatchPolicy) -> np.ndarray:
    if not pool:
        return np.empty(0)
    if graph is not None:
        try:
            sources = snapped_units(graph, units).take(pool, max_distance_m=policy.snap_max_m)
            # only the best k are ranked: the search stops once k of the pool are settled
            return np.asarray(travel_times_to(graph, (lon, lat), sources, hour=now.astimezone(policy.zone).hour,
                                                    fastest=policy.k), dtype=float)
        except ValidationError:
            pass  # the incident or a unit lies off the road network: straight-line estimates
    return haversine_m(lon, lat, units.lon[pool], units.lat[pool]) / FALLBACK_SPEED_M_PER_S


def _candidates(ranked: list[tuple[float, int]], units: UnitSnapshot, straight: np.ndarray, *,
                by_road: bool) -> list[Candidate]:
    items = []
    best_time = ranked[0][0] if ranked else 0.0
    nearest_straight = min((straight[i] for _, i in ranked), default=0.0)
    how_zh, how_en = ("道路行程", "by road") if by_road else ("直线估算", "straight-line estimate")
    for rank, (seconds, i) in enumerate(ranked, start=1):
        zh_time, en_time = format_duration(seconds)
        if rank == 1:
            reasons = [Reason("fastest", f"最快到达的可用警力，{how_zh}{zh_time}",
                              f"fastest available unit, {en_time} {how_en}")]
            if straight[i] > nearest_straight + 1:
                reasons.append(Reason("road_beats_distance", "直线距离不是最近，但道路行程最快",
                                      "not the nearest in a straight line, but the fastest by road"))
        else:
            extra_zh, extra_en = format_duration(seconds - best_time)
            reasons = [Reason("alternative", f"可用，{how_zh}{zh_time}（比最快慢{extra_zh}）",
                              f"available, {en_time} {how_en} ({extra_en} slower than the fastest)")]
        items.append(Candidate(int(units.id[i]), str(units.call_sign[i]), str(units.unit_type[i]),
                               str(units.status[i]), float(seconds), float(straight[i]), rank, reasons))
    return items


def _passed_over(units: UnitSnapshot, order: np.ndarray, straight: np.ndarray, best_straight: float,
                 available: np.ndarray, fresh: np.ndarray, type_ok: np.ndarray, now: datetime) -> list[Passed]:
    passed: list[Passed] = []
    for i in order:
        if straight[i] >= best_straight or len(passed) >= 5:
            break
        if available[i] and fresh[i] and type_ok[i]:
            continue
        sign = str(units.call_sign[i])
        if not available[i]:
            zh, en = BUSY_TEXT.get(str(units.status[i]), ("不可用", "not available"))
        elif not fresh[i]:
            minutes = int((now.timestamp() - units.position_s[i]) // 60)
            zh, en = f"位置已{minutes}分钟未更新", f"position is {minutes} min old"
        else:
            zh = f"警力类型{units.unit_type[i]}不在预案内"
            en = f"unit type {units.unit_type[i]} is not in the response plan"
        passed.append(Passed(int(units.id[i]), sign, f"{sign} 更近，但{zh}", f"{sign} is nearer but {en}"))
    return passed


def _move_ups(units: UnitSnapshot, chosen: int, ready: np.ndarray) -> list[MoveUp]:
    """Suggest a move-up when sending ``chosen`` leaves its station with no ready unit.

    The nearest ready unit of another station is moved to cover it.
    """
    station_id = int(units.station_id[chosen])
    station = units.stations.get(station_id)
    if station_id < 0 or station is None:
        return []
    same_station = (units.station_id == station_id) & ready
    same_station[chosen] = False
    others = ready & (units.station_id != station_id)
    others[chosen] = False
    if same_station.any() or not others.any():
        return []
    to_station = haversine_m(station.lon, station.lat, units.lon, units.lat)
    to_station[~others] = np.inf
    pick = int(np.argmin(to_station))
    sign, km = str(units.call_sign[pick]), to_station[pick] / 1000
    return [MoveUp(int(units.id[pick]), sign, station_id,
                   f"派出后{station.name_zh}无可用警力：建议 {sign} 前移补位（{km:.1f} 公里）",
                   f"{station.name_en} would have no available unit: move {sign} up to cover it ({km:.1f} km)")]


def available_after_dispatch(units: UnitSnapshot, district_id: int, min_available_share: float) -> tuple[int, int]:
    """Return the available units left in the district after one is sent, and the duty level's minimum.

    The minimum is ``ceil(share x units on duty)``.
    """
    on_duty, available = units.district_counts(district_id)
    return available - 1, math.ceil(min_available_share * on_duty)
