"""Staffing by queueing: Erlang-B (loss), Erlang-C (M/M/N wait) and the fewest units per shift.

Calls arrive as a Poisson stream at ``calls_per_hour``; each occupies one unit for an exponential
time with mean ``service_time_s`` (travel + on scene + paperwork); offered load
``A = calls_per_hour * service_time_s / 3600`` erlangs.

References
----------
Erlang, A. K. (1917) Solution of some problems in the theory of probabilities of significance in
automatic telephone exchanges. Elektroteknikeren 13.
Kolesar, P. and Green, L. (1998) Insights on service system design from a normal approximation to
Erlang's delay formula. Production and Operations Management 7(3), 282-293.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from precinct.core.errors import ValidationError
from precinct.planning._checks import as_vector, positive_number, share

__all__ = [
    "QueueMetrics",
    "StaffingRecommendation",
    "erlang_b",
    "erlang_c",
    "erlang_c_mean_wait_s",
    "fewest_units",
    "queue_metrics",
]


def _servers(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValidationError(f"units must be a whole number >= 1, got {value!r}")
    return int(value)


def _load(value: float) -> float:
    load = float(value)
    if not math.isfinite(load) or load < 0:
        raise ValidationError(f"offered_load_erlangs must be a finite number >= 0, got {value!r}")
    return load


def erlang_b(offered_load_erlangs: float, units: int) -> float:
    """Blocking probability of an M/M/N/N loss system (Erlang-B).

    Uses the stable recursion ``B(0) = 1``, ``B(n) = A B(n-1) / (n + A B(n-1))``.

    Parameters
    ----------
    offered_load_erlangs : float
        Offered load ``A = lambda / mu`` in erlangs.
    units : int
        Number of servers ``N``.
    """
    load, servers = _load(offered_load_erlangs), _servers(units)
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def _erlang_c_from_b(load: float, servers: int, blocking: float) -> float:
    if load >= servers:
        return 1.0
    return servers * blocking / (servers - load * (1.0 - blocking))


def erlang_c(offered_load_erlangs: float, units: int) -> float:
    """Probability that a call waits in an M/M/N queue with unlimited waiting room (Erlang-C).

    ``C(N, A) = N B / (N - A (1 - B))`` with ``B`` the Erlang-B value; 1.0 when ``A >= N``
    (the queue grows without bound).
    """
    load, servers = _load(offered_load_erlangs), _servers(units)
    return _erlang_c_from_b(load, servers, erlang_b(load, servers))


def erlang_c_mean_wait_s(calls_per_hour: float, service_time_s: float, units: int) -> float:
    """Mean wait in queue, ``W_q = C / (N mu - lambda)``, in seconds (``inf`` when unstable)."""
    arrival = positive_number("calls_per_hour", calls_per_hour) / 3600.0
    service = positive_number("service_time_s", service_time_s)
    servers = _servers(units)
    load = arrival * service
    if load >= servers:
        return math.inf
    return erlang_c(load, servers) / (servers / service - arrival)


@dataclass(frozen=True, slots=True)
class QueueMetrics:
    """Erlang-C figures for one shift.

    Attributes
    ----------
    units : int
    offered_load_erlangs : float
    utilisation : float
        Mean share of time a unit is busy, ``A / N`` (1.0 when unstable).
    probability_wait : float
        Erlang-C probability that a call finds every unit busy.
    probability_lost : float
        Erlang-B probability, for the same load, if calls finding all units busy were lost.
    mean_wait_s : float
    wait_p90_s : float
        90th percentile of the wait, ``max(0, ln(C / 0.1) / (N mu - lambda))``.
    share_within_target : float
        ``P(travel_time_s + wait <= target_s) = 1 - C exp(-(N mu - lambda)(target_s - travel_time_s))``.
    """

    units: int
    offered_load_erlangs: float
    utilisation: float
    probability_wait: float
    probability_lost: float
    mean_wait_s: float
    wait_p90_s: float
    share_within_target: float
    target_s: float
    travel_time_s: float

    @property
    def is_stable(self) -> bool:
        """Whether the offered load is below the number of units (else the queue grows without end)."""
        return self.offered_load_erlangs < self.units

    def to_dict(self) -> dict[str, float | int | None]:
        """Return every figure by name, infinities as ``None``."""
        return {name: _json_number(getattr(self, name)) for name in self.__slots__}


def _json_number(value: float | int) -> float | int | None:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _metrics(
    arrival_per_s: float, service_s: float, servers: int, blocking: float, target_s: float, travel_s: float,
) -> QueueMetrics:
    load = arrival_per_s * service_s
    wait = _erlang_c_from_b(load, servers, blocking)
    if load >= servers:
        mean_wait, p90, within = math.inf, math.inf, 0.0
    else:
        drain = servers / service_s - arrival_per_s
        mean_wait = wait / drain
        p90 = max(0.0, math.log(wait / 0.1) / drain) if wait > 0 else 0.0
        slack = target_s - travel_s
        within = 0.0 if slack < 0 else 1.0 - wait * math.exp(-drain * slack)
    return QueueMetrics(
        units=servers,
        offered_load_erlangs=load,
        utilisation=min(1.0, load / servers),
        probability_wait=wait,
        probability_lost=blocking,
        mean_wait_s=mean_wait,
        wait_p90_s=p90,
        share_within_target=within,
        target_s=target_s,
        travel_time_s=travel_s,
    )


def queue_metrics(
    calls_per_hour: float, service_time_s: float, units: int, *, target_s: float = 300.0, travel_time_s: float = 0.0
) -> QueueMetrics:
    """Erlang-B/C figures for ``units`` serving ``calls_per_hour`` (M/M/N, FCFS).

    Parameters
    ----------
    calls_per_hour : float
        Poisson arrival rate.
    service_time_s : float
        Mean time a call occupies a unit, in seconds.
    units : int
        Units on shift.
    target_s : float
        Response-time target in seconds (default 300 = 5 minutes).
    travel_time_s : float
        Typical travel time in seconds added to the wait (default 0: the target applies to the wait).
    """
    arrival = positive_number("calls_per_hour", calls_per_hour) / 3600.0
    service = positive_number("service_time_s", service_time_s)
    servers = _servers(units)
    target = positive_number("target_s", target_s)
    travel = float(as_vector("travel_time_s", [travel_time_s])[0])
    return _metrics(arrival, service, servers, erlang_b(arrival * service, servers), target, travel)


@dataclass(frozen=True, slots=True)
class StaffingRecommendation:
    """Fewest units per shift meeting ``P(response <= target_s) >= target_share``.

    Attributes
    ----------
    units : tuple of int
        Recommended units for each shift (in the order given).
    shifts : tuple of QueueMetrics
        Erlang-C figures at the recommended level for each shift.
    """

    units: tuple[int, ...]
    shifts: tuple[QueueMetrics, ...]
    target_share: float
    target_s: float

    def to_dict(self) -> dict[str, Any]:
        """Return the recommendation as plain JSON values."""
        return {
            "units": list(self.units),
            "target_share": self.target_share,
            "target_s": self.target_s,
            "shifts": [shift.to_dict() for shift in self.shifts],
        }


def fewest_units(
    calls_per_hour: object,
    service_time_s: float,
    *,
    target_share: float = 0.9,
    target_s: float = 300.0,
    travel_time_s: float = 0.0,
    max_units: int = 100_000,
) -> StaffingRecommendation:
    """Fewest units per shift so that ``target_share`` of calls are reached within ``target_s``.

    For each shift, increases ``N`` from ``floor(A) + 1`` (the least stable staffing) until
    ``1 - C(N, A) exp(-(N mu - lambda)(target_s - travel_time_s)) >= target_share``, updating
    Erlang-B incrementally so the search costs ``O(N)`` per shift.

    Parameters
    ----------
    calls_per_hour : float or array_like
        Arrival rate for each shift (e.g. priority-1 calls per hour by shift).
    service_time_s : float
        Mean time a call occupies a unit, in seconds.
    target_share : float
        Required share in (0, 1], e.g. 0.9.
    target_s : float
        Response-time target in seconds, e.g. 300.
    travel_time_s : float
        Typical travel time (seconds) added to the wait; must be below ``target_s``.
    max_units : int
        Give up (ValidationError) beyond this many units.

    Raises
    ------
    ValidationError
        On bad inputs, ``travel_time_s >= target_s`` or ``target_share == 1`` with waiting possible,
        or when ``max_units`` is not enough.
    """
    rates = np.atleast_1d(as_vector("calls_per_hour", np.atleast_1d(np.asarray(calls_per_hour, dtype=float))))
    service = positive_number("service_time_s", service_time_s)
    wanted = share("target_share", target_share)
    target = positive_number("target_s", target_s)
    travel = float(as_vector("travel_time_s", [travel_time_s])[0])
    if travel >= target:
        raise ValidationError(f"travel_time_s ({travel:g}) must be below target_s ({target:g}): no staffing reaches it")
    if wanted >= 1.0:
        raise ValidationError("target_share must be below 1: with random arrivals some calls always wait")
    chosen: list[int] = []
    metrics: list[QueueMetrics] = []
    for rate in map(float, rates):
        arrival = rate / 3600.0
        load = arrival * service
        blocking, servers = 1.0, 0
        while True:
            servers += 1
            blocking = load * blocking / (servers + load * blocking)
            if servers > max_units:
                raise ValidationError(f"more than max_units={max_units} units needed for {rate:g} calls per hour")
            if servers <= load:
                continue
            result = _metrics(arrival, service, servers, blocking, target, travel)
            if result.share_within_target >= wanted:
                break
        chosen.append(servers)
        metrics.append(result)
    return StaffingRecommendation(tuple(chosen), tuple(metrics), wanted, target)
