"""Discrete-event simulation of response units (SimPy).

Replays incidents (arrival time, demand cell, priority, service time) against a deployment (units
with a home post and a shift). Dispatch policy: the closest available unit by travel time. A unit
travels, serves on scene, and returns to its post; it may be dispatched again while returning.
Calls that find no unit available queue in priority order (1 = most urgent, then first come) and
go to the next unit that becomes free (or comes on shift).

Travel-time model
-----------------
Travel times come from a matrix, posts x cells (seconds), or a callable ``cell -> times from every
post``. Only post-to-cell times are known, so a unit's position is represented by its post:

* a unit at its post reaches cell c in ``t[post, c]``;
* a unit returning to its post reaches c in ``t[post, c] + remaining return time`` (an upper bound
  by the triangle inequality, so idle units at their posts are preferred);
* a unit leaving one scene straight for a queued call uses the same rule.

Per incident the closest available unit is found with a few vectorised numpy operations over all
units (no Python loop over units); SimPy schedules arrivals and completions.

References
----------
Matloff, N. (2008) Introduction to discrete-event simulation and the SimPy language.
Larson, R. C. and Odoni, A. R. (1981) Urban Operations Research, ch. 7 (simulation of urban
emergency services).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from precinct.core.errors import ValidationError
from precinct.planning._checks import as_matrix, as_vector

if TYPE_CHECKING:
    import simpy  # loaded by simulate_incidents

__all__ = [
    "Deployment",
    "IncidentStream",
    "PriorityStats",
    "SimulationReport",
    "simulate_incidents",
    "synthetic_incidents",
]

TravelTimes = np.ndarray | Callable[[int], np.ndarray]


@dataclass(frozen=True, slots=True, eq=False)
class IncidentStream:
    """Incidents to replay, sorted by arrival.

    Attributes
    ----------
    arrival_s : ndarray of float
        Seconds since the start of the simulation.
    cell : ndarray of int
        Demand-cell index (column of the travel-time matrix).
    priority : ndarray of int
        1 = most urgent.
    service_time_s : ndarray of float
        Time on scene, seconds (travel is added by the simulator).
    """

    arrival_s: np.ndarray
    cell: np.ndarray
    priority: np.ndarray
    service_time_s: np.ndarray

    @classmethod
    def from_arrays(
        cls, arrival_s: object, cell: object, service_time_s: object, *, priority: object = None
    ) -> IncidentStream:
        """Validate and sort incidents by arrival time.

        Raises
        ------
        ValidationError
            On negative or non-finite times, mismatched lengths, negative cells or priorities < 1.
        """
        arrival = as_vector("arrival_s", arrival_s)
        count = arrival.size
        if count == 0:
            raise ValidationError("arrival_s is empty: give at least one incident")
        service = as_vector("service_time_s", service_time_s, count)
        cells = np.asarray(cell)
        if cells.shape != (count,) or not np.issubdtype(cells.dtype, np.integer) or (cells < 0).any():
            raise ValidationError(f"cell must be {count} non-negative integers (demand-cell indices)")
        if priority is None:
            priorities = np.ones(count, dtype=np.int64)
        else:
            priorities = np.asarray(priority)
            integral = np.issubdtype(priorities.dtype, np.integer)
            if priorities.shape != (count,) or not integral or (priorities < 1).any():
                raise ValidationError(f"priority must be {count} integers >= 1 (1 = most urgent)")
        order = np.argsort(arrival, kind="stable")
        return cls(arrival[order], cells[order].astype(np.int64), priorities[order].astype(np.int64), service[order])

    @property
    def count(self) -> int:
        """Return the number of incidents."""
        return int(self.arrival_s.size)


def synthetic_incidents(
    count: int,
    cell_count: int,
    *,
    horizon_s: float = 86_400.0,
    mean_service_s: float = 1_800.0,
    priority_shares: tuple[float, ...] = (0.2, 0.5, 0.3),
    cell_weights: object = None,
    seed: int = 0,
) -> IncidentStream:
    """Poisson arrivals (uniform order statistics over ``horizon_s``), exponential service times.

    Parameters
    ----------
    count : int
        Number of incidents.
    cell_count : int
        Number of demand cells; cells drawn with ``cell_weights`` (default uniform).
    priority_shares : tuple of float
        Share of priority 1, 2, ... calls.
    """
    rng = np.random.default_rng(seed)
    probabilities = None
    if cell_weights is not None:
        weights = as_vector("cell_weights", cell_weights, cell_count)
        probabilities = weights / weights.sum()
    shares = np.asarray(priority_shares, dtype=float)
    return IncidentStream.from_arrays(
        np.sort(rng.uniform(0.0, horizon_s, count)),
        rng.choice(cell_count, size=count, p=probabilities),
        rng.exponential(mean_service_s, count),
        priority=rng.choice(np.arange(1, shares.size + 1), size=count, p=shares / shares.sum()),
    )


@dataclass(frozen=True, slots=True, eq=False)
class Deployment:
    """Units, their home posts (rows of the travel-time matrix) and shifts (seconds)."""

    unit_post: np.ndarray
    shift_start_s: np.ndarray
    shift_end_s: np.ndarray

    @classmethod
    def from_arrays(cls, unit_post: object, *, shift_start_s: object = 0.0, shift_end_s: object = np.inf) -> Deployment:
        """Build a deployment; scalar shift bounds apply to every unit.

        Raises
        ------
        ValidationError
            On negative post indices or a shift that ends before it starts.
        """
        posts = np.asarray(unit_post)
        if posts.ndim != 1 or posts.size == 0 or not np.issubdtype(posts.dtype, np.integer) or (posts < 0).any():
            raise ValidationError("unit_post must be a non-empty 1-D array of post indices (rows of the matrix)")
        count = posts.size
        start = np.broadcast_to(np.asarray(shift_start_s, dtype=float), (count,)).copy()
        end = np.broadcast_to(np.asarray(shift_end_s, dtype=float), (count,)).copy()
        if np.isnan(start).any() or np.isnan(end).any() or (end <= start).any():
            raise ValidationError("each shift_end_s must be after its shift_start_s (seconds)")
        return cls(posts.astype(np.int64), start, end)

    @property
    def unit_count(self) -> int:
        """Return the number of units."""
        return int(self.unit_post.size)


@dataclass(frozen=True, slots=True)
class PriorityStats:
    """Response-time figures for one priority (``priority == 0`` means all calls)."""

    priority: int
    calls: int
    served: int
    mean_response_s: float
    p50_response_s: float
    p90_response_s: float
    p95_response_s: float
    share_within: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return every figure by name, as plain JSON values."""
        return {name: getattr(self, name) for name in self.__slots__} | {"share_within": list(self.share_within)}


@dataclass(frozen=True, slots=True, eq=False)
class SimulationReport:
    """Outcome of :func:`simulate_incidents`.

    Attributes
    ----------
    targets_s : tuple of float
        Thresholds for ``PriorityStats.share_within`` (default 60, 180, 300 s).
    overall, by_priority : PriorityStats
    unit_utilisation : ndarray
        Busy time (travel + scene) over on-shift time within the simulated horizon.
    share_queued, mean_wait_s, mean_wait_queued_s, max_queue_length, unserved_calls
        Queue statistics (``unserved_calls`` were still waiting when no unit would come on shift).
    response_time_s, wait_s, unit : ndarray
        Per incident (in arrival order): response = wait + travel (nan if unserved), unit -1.
    horizon_s, wall_s : float
        Simulated seconds and the wall-clock seconds the run took.
    """

    targets_s: tuple[float, ...]
    overall: PriorityStats
    by_priority: tuple[PriorityStats, ...]
    unit_utilisation: np.ndarray
    share_queued: float
    mean_wait_s: float
    mean_wait_queued_s: float
    max_queue_length: int
    unserved_calls: int
    response_time_s: np.ndarray
    wait_s: np.ndarray
    unit: np.ndarray
    horizon_s: float
    wall_s: float

    def to_dict(self) -> dict[str, Any]:
        """Return the summary figures (not the per-incident arrays) as plain JSON values."""
        return {
            "targets_s": list(self.targets_s),
            "overall": self.overall.to_dict(),
            "by_priority": [stats.to_dict() for stats in self.by_priority],
            "mean_utilisation": float(self.unit_utilisation.mean()),
            "max_utilisation": float(self.unit_utilisation.max()),
            "share_queued": self.share_queued,
            "mean_wait_s": self.mean_wait_s,
            "mean_wait_queued_s": self.mean_wait_queued_s,
            "max_queue_length": self.max_queue_length,
            "unserved_calls": self.unserved_calls,
            "horizon_s": self.horizon_s,
            "wall_s": self.wall_s,
        }


def _travel_lookup(
    travel_time_s: TravelTimes, post_count: int | None, max_cell: int,
) -> tuple[Callable[[int], np.ndarray], int]:
    """Return ``(column(cell) -> times from every post, post_count)``."""
    if callable(travel_time_s):
        if post_count is None:
            raise ValidationError("post_count is required when travel_time_s is a callable")

        def column(cell: int) -> np.ndarray:
            times = np.asarray(travel_time_s(cell), dtype=float)
            if times.shape != (post_count,):
                raise ValidationError(f"travel_time_s({cell}) must return {post_count} times, got shape {times.shape}")
            return times

        return column, post_count
    matrix = np.asarray(travel_time_s)
    if not np.issubdtype(matrix.dtype, np.floating):
        matrix = matrix.astype(float)
    as_matrix("travel_time_s", matrix[:, :1] if matrix.ndim == 2 else matrix)  # cheap shape/sign check
    if matrix.shape[1] <= max_cell:
        raise ValidationError(f"incident cell {max_cell} is outside the travel_time_s matrix ({matrix.shape[1]} cells)")
    if np.isnan(matrix).any() or (matrix < 0).any():
        raise ValidationError("travel_time_s must be seconds >= 0 (inf for unreachable), no NaN")
    by_cell = np.ascontiguousarray(matrix.T)
    return by_cell.__getitem__, matrix.shape[0]


def simulate_incidents(
    incidents: IncidentStream,
    deployment: Deployment,
    travel_time_s: TravelTimes,
    *,
    post_count: int | None = None,
    return_to_post: bool = True,
    targets_s: tuple[float, ...] = (60.0, 180.0, 300.0),
) -> SimulationReport:
    """Replay incidents against a deployment with closest-available dispatch.

    Parameters
    ----------
    incidents : IncidentStream
    deployment : Deployment
    travel_time_s : ndarray (n_posts, n_cells) or callable
        Seconds from each post to each cell, or ``f(cell) -> ndarray (n_posts,)`` (e.g. a road-network
        adapter); ``inf`` marks a cell a post cannot reach.
    post_count : int, optional
        Number of posts; required with a callable.
    return_to_post : bool
        Units drive back to their post after each call (default). If False they are free at once
        and still dispatched from their post (useful to compare with queueing models).
    targets_s : tuple of float
        Response thresholds for the reported shares.

    Raises
    ------
    ValidationError
        On malformed inputs or a unit whose post is not a row of the matrix.
    """
    import simpy

    started = time.perf_counter()
    column, posts = _travel_lookup(travel_time_s, post_count, int(incidents.cell.max()))
    unit_post = deployment.unit_post
    if unit_post.max() >= posts:
        raise ValidationError(f"unit_post refers to post {int(unit_post.max())} but there are {posts} posts")
    thresholds = tuple(float(t) for t in targets_s)
    unit_count = deployment.unit_count
    shift_start, shift_end = deployment.shift_start_s, deployment.shift_end_s
    busy = np.zeros(unit_count, dtype=bool)
    back_at = np.zeros(unit_count)
    busy_s = np.zeros(unit_count)
    count = incidents.count
    arrival, cells, priority = incidents.arrival_s, incidents.cell, incidents.priority
    service = incidents.service_time_s
    dispatched_at = np.full(count, np.nan)
    travel_s = np.full(count, np.nan)
    assigned = np.full(count, -1, dtype=np.int64)
    waiting: list[tuple[int, float, int]] = []
    max_queue = 0
    env = simpy.Environment()

    def unit_times(cell: int, now: float) -> np.ndarray:
        times: np.ndarray = column(cell)[unit_post]
        return times + np.maximum(back_at - now, 0.0) if return_to_post else times

    def closest_available(cell: int, now: float) -> tuple[int, float]:
        available = ~busy & (shift_start <= now) & (now < shift_end)
        times = np.where(available, unit_times(cell, now), np.inf)
        unit = int(np.argmin(times))
        return unit, float(times[unit])

    def dispatch(incident: int, unit: int, travel: float, now: float) -> None:
        busy[unit] = True
        dispatched_at[incident] = now
        travel_s[incident] = travel
        assigned[incident] = unit
        occupied = travel + service[incident]
        busy_s[unit] += occupied
        done = env.timeout(occupied)
        done.callbacks.append(lambda _event: finish(incident, unit))

    def finish(incident: int, unit: int) -> None:
        now = env.now
        busy[unit] = False
        if return_to_post:
            back_at[unit] = now + float(column(int(cells[incident]))[unit_post[unit]])
        if waiting and shift_start[unit] <= now < shift_end[unit]:
            _, _, next_incident = heapq.heappop(waiting)
            cell = int(cells[next_incident])
            travel = float(unit_times(cell, now)[unit])
            if np.isfinite(travel):
                dispatch(next_incident, unit, travel, now)
            else:  # this unit cannot reach it: put it back for another unit
                heapq.heappush(waiting, (int(priority[next_incident]), float(arrival[next_incident]), next_incident))

    def drain_queue(_event: simpy.events.Event | None = None) -> None:
        now = env.now
        while waiting:
            _, _, incident = waiting[0]
            unit, travel = closest_available(int(cells[incident]), now)
            if not np.isfinite(travel):
                return
            heapq.heappop(waiting)
            dispatch(incident, unit, travel, now)

    def arrivals() -> Generator[simpy.events.Event, object, None]:
        nonlocal max_queue
        for incident in range(count):
            delay = arrival[incident] - env.now
            if delay > 0:
                yield env.timeout(delay)
            unit, travel = closest_available(int(cells[incident]), env.now)
            if np.isfinite(travel):
                dispatch(incident, unit, travel, env.now)
            else:
                heapq.heappush(waiting, (int(priority[incident]), float(arrival[incident]), incident))
                max_queue = max(max_queue, len(waiting))

    for start in np.unique(shift_start[shift_start > 0]):
        env.timeout(float(start)).callbacks.append(drain_queue)
    env.process(arrivals())
    env.run()
    horizon = float(max(env.now, arrival[-1]))
    return _report(
        incidents, thresholds, dispatched_at, travel_s, assigned, busy_s, deployment, horizon, max_queue,
        time.perf_counter() - started,
    )


def _priority_stats(priority: int, response: np.ndarray, thresholds: tuple[float, ...]) -> PriorityStats:
    served = response[np.isfinite(response)]
    calls = int(response.size)
    if served.size == 0:
        nan = float("nan")
        return PriorityStats(priority, calls, 0, nan, nan, nan, nan, tuple(0.0 for _ in thresholds))
    p50, p90, p95 = (float(v) for v in np.percentile(served, [50, 90, 95]))
    within = tuple(float((served <= t).sum() / calls) for t in thresholds)
    return PriorityStats(priority, calls, int(served.size), float(served.mean()), p50, p90, p95, within)


def _report(
    incidents: IncidentStream, thresholds: tuple[float, ...], dispatched_at: np.ndarray, travel_s: np.ndarray,
    assigned: np.ndarray, busy_s: np.ndarray, deployment: Deployment, horizon: float, max_queue: int, wall_s: float,
) -> SimulationReport:
    wait = dispatched_at - incidents.arrival_s
    response = wait + travel_s
    served = np.isfinite(response)
    priorities = np.unique(incidents.priority)
    by_priority = tuple(_priority_stats(int(p), response[incidents.priority == p], thresholds) for p in priorities)
    shift_s = np.minimum(deployment.shift_end_s, horizon) - np.maximum(deployment.shift_start_s, 0.0)
    on_shift = np.clip(shift_s, 1e-9, None)
    queued = served & (wait > 0)
    return SimulationReport(
        targets_s=thresholds,
        overall=_priority_stats(0, response, thresholds),
        by_priority=by_priority,
        unit_utilisation=np.clip(busy_s / on_shift, 0.0, 1.0),
        share_queued=float(queued.sum() / incidents.count),
        mean_wait_s=float(wait[served].mean()) if served.any() else float("nan"),
        mean_wait_queued_s=float(wait[queued].mean()) if queued.any() else 0.0,
        max_queue_length=int(max_queue),
        unserved_calls=int((~served).sum()),
        response_time_s=response,
        wait_s=wait,
        unit=assigned,
        horizon_s=horizon,
        wall_s=wall_s,
    )
