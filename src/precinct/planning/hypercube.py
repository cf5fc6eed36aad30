"""Larson's hypercube queueing model of a fleet of response units.

Atoms (demand zones) generate Poisson calls; each atom has a dispatch preference list (all units,
nearest first). A call goes to the first free unit on its atom's list. When every unit is busy the
call is either lost (``queue="loss"``, zero queue capacity) or waits in an unbounded FCFS queue
(``queue="infinite"``) and is served by the first unit to become free. Service times are
exponential with a rate per unit. Travel times (units x atoms, seconds) are measured from each
unit's post.

Exact model
-----------
The state is the set of busy units, a vertex of the N-dimensional unit hypercube (``2^N`` states).
Upward transitions ``B -> B + {u}`` at rate ``sum of lambda_j over atoms j whose first free unit in
B is u``; downward ``B -> B - {u}`` at ``mu_u``. The balance equations ``pi Q = 0, sum pi = 1`` are
solved with ``scipy.sparse.linalg.spsolve``. For the infinite queue the all-busy states with
``k >= 1`` waiting form a birth-death tail with ratio ``rho = lambda / sum mu``; the cut between the
full state and the tail balances, so the ``2^N`` solution is the loss solution renormalised with the
tail mass ``pi_full rho / (1 - rho)``.

Approximate model (Larson 1975)
-------------------------------
For large N, units are treated as busy independently with workloads ``rho_i``, corrected by
``Q(N, rho, k)``, the ratio of the probability that k given units are busy and another given unit
free (under the symmetric M/M/N or M/M/N/N birth-death chain) to ``rho^k (1 - rho)``. Iterate
``rho_i = (V_i + c) / (1 + V_i)`` with ``V_i = sum_j (lambda_j / mu) sum_k [n_jk = i] Q(N, rho, k-1)
prod_{l<k} rho_{n_jl}`` and ``c = lambda P_queue / (N mu)`` (0 for the loss model). Needs equal
service rates. Errors against the exact model are typically 1-2% in workloads.

References
----------
Larson, R. C. (1974) A hypercube queuing model for facility location and redistricting in urban
emergency services. Computers & Operations Research 1(1), 67-95.
Larson, R. C. (1975) Approximating the performance of urban emergency service systems.
Operations Research 23(5), 845-868.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve
from scipy.special import gammaln, logsumexp

from precinct.core.errors import ValidationError
from precinct.planning._checks import as_matrix, as_vector, positive_number

__all__ = ["HypercubeModel", "HypercubeResult", "fewest_units_for_posts"]

QUEUE_KINDS = ("infinite", "loss")
MAX_EXACT_UNITS = 16


@dataclass(frozen=True, slots=True, eq=False)
class HypercubeResult:
    """Steady-state performance of a deployment.

    Attributes
    ----------
    unit_workload : ndarray, shape (n_units,)
        Long-run share of time each unit is busy (utilisation).
    dispatch_fraction : ndarray, shape (n_units, n_atoms)
        Share of all calls that arise in atom j and are served by unit i (sums to 1 minus the loss).
    probability_wait : float
        Share of calls that find every unit busy and queue (0 for the loss model).
    probability_lost : float
        Share of calls lost because every unit is busy (0 for the infinite-queue model).
    mean_wait_s : float
        Mean wait in queue over all served calls, ``P_wait / (sum mu - lambda)``.
    mean_travel_time_s, mean_response_time_s : float
        Over served calls; response = wait + travel.
    response_time_p90_s : float
        90th percentile of response time (waits exponential with rate ``sum mu - lambda``).
    share_within_target : float
        Share of served calls with response <= ``target_s``.
    atom_mean_travel_time_s : ndarray, shape (n_atoms,)
    method : str
        ``"exact"`` or ``"larson1975"``.
    """

    unit_workload: np.ndarray
    dispatch_fraction: np.ndarray
    probability_wait: float
    probability_lost: float
    mean_wait_s: float
    mean_travel_time_s: float
    mean_response_time_s: float
    response_time_p90_s: float
    share_within_target: float
    target_s: float
    atom_mean_travel_time_s: np.ndarray
    queue: str
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain JSON values (without the dispatch fractions)."""
        data = {name: getattr(self, name) for name in self.__slots__}
        for name in ("unit_workload", "atom_mean_travel_time_s"):
            data[name] = [float(v) for v in data[name]]
        data.pop("dispatch_fraction")
        return data


@dataclass(frozen=True, slots=True, eq=False)
class HypercubeModel:
    """Hypercube queueing model built from a travel-time matrix (see module docstring)."""

    travel_time_s: np.ndarray  # units x atoms
    call_rate_per_s: np.ndarray  # atoms
    service_rate_per_s: np.ndarray  # units
    preference: np.ndarray  # atoms x units, unit indices nearest first
    queue: str

    @classmethod
    def from_cost_matrix(
        cls,
        travel_time_s: object,
        call_rate_per_hour: object,
        service_time_s: object,
        *,
        queue: str = "infinite",
        preference: object = None,
    ) -> HypercubeModel:
        """Build the model.

        Parameters
        ----------
        travel_time_s : array_like, shape (n_units, n_atoms)
            Seconds from each unit's post to each atom; finite.
        call_rate_per_hour : array_like, shape (n_atoms,)
            Poisson call rate of each atom.
        service_time_s : float or array_like, shape (n_units,)
            Mean time a call occupies a unit (travel + scene + return), seconds.
        queue : {"infinite", "loss"}
            What happens to a call that finds all units busy.
        preference : array_like of int, shape (n_atoms, n_units), optional
            Dispatch order for each atom (a permutation of the units); default: by travel time,
            ties by unit index.

        Raises
        ------
        ValidationError
            On mismatched shapes, non-positive rates, a preference row that is not a permutation,
            or an unknown ``queue``.
        """
        times = as_matrix("travel_time_s", travel_time_s, allow_inf=False)
        n_units, n_atoms = times.shape
        rates = as_vector("call_rate_per_hour", call_rate_per_hour, n_atoms)
        if rates.sum() <= 0:
            raise ValidationError("call_rate_per_hour must have a positive total")
        service = as_vector("service_time_s", service_time_s, n_units, positive=True)
        if queue not in QUEUE_KINDS:
            raise ValidationError(f"queue must be one of {QUEUE_KINDS}, got {queue!r}")
        if preference is None:
            order = np.argsort(times.T, axis=1, kind="stable")
        else:
            order = np.asarray(preference)
            if order.shape != (n_atoms, n_units) or not np.issubdtype(order.dtype, np.integer):
                raise ValidationError(f"preference must be integers of shape ({n_atoms}, {n_units})")
            if not (np.sort(order, axis=1) == np.arange(n_units)).all():
                raise ValidationError("each preference row must list every unit exactly once")
        return cls(times, rates / 3600.0, 1.0 / service, order.astype(np.int64), queue)

    @property
    def unit_count(self) -> int:
        """Return the number of units."""
        return int(self.travel_time_s.shape[0])

    def _tail_ratio(self) -> float:
        ratio = float(self.call_rate_per_s.sum() / self.service_rate_per_s.sum())
        if self.queue == "infinite" and ratio >= 1:
            raise ValidationError(
                f"offered load exceeds capacity (lambda / sum mu = {ratio:.3f} >= 1): add units or use queue='loss'"
            )
        return ratio

    def solve(self, *, method: str = "auto", target_s: float = 300.0) -> HypercubeResult:
        """Solve the model.

        Parameters
        ----------
        method : {"auto", "exact", "approximate"}
            ``auto`` uses the exact model up to 12 units and Larson's approximation above.
        target_s : float
            Response-time target for ``share_within_target`` (seconds).
        """
        target = positive_number("target_s", target_s)
        if method == "auto":
            method = "exact" if self.unit_count <= 12 else "approximate"
        if method == "exact":
            if self.unit_count > MAX_EXACT_UNITS:
                raise ValidationError(
                    f"the exact model has 2^{self.unit_count} states; use method='approximate' above "
                    f"{MAX_EXACT_UNITS} units"
                )
            direct, p_wait, p_lost = self._solve_exact()
        elif method == "approximate":
            direct, p_wait, p_lost = self._solve_approximate()
        else:
            raise ValidationError(f"method must be 'auto', 'exact' or 'approximate', got {method!r}")
        return self._result(direct, p_wait, p_lost, target, "exact" if method == "exact" else "larson1975")

    # -- exact -----------------------------------------------------------------------------------

    def _solve_exact(self) -> tuple[np.ndarray, float, float]:
        n_units, n_atoms = self.travel_time_s.shape
        n_states = 1 << n_units
        states = np.arange(n_states, dtype=np.int64)
        assigned = np.full((n_atoms, n_states), -1, dtype=np.int8)
        for atom in range(n_atoms):
            row = assigned[atom]
            for unit in self.preference[atom]:
                row[(row < 0) & (((states >> unit) & 1) == 0)] = unit
        valid = assigned >= 0
        atom_of = np.broadcast_to(np.arange(n_atoms)[:, None], assigned.shape)[valid]
        state_of = np.broadcast_to(states[None, :], assigned.shape)[valid]
        unit_of = assigned[valid].astype(np.int64)
        up_rate = np.bincount(state_of * n_units + unit_of, weights=self.call_rate_per_s[atom_of],
                              minlength=n_states * n_units)
        up_rate = up_rate.reshape(n_states, n_units)
        up_from, up_unit = np.nonzero(up_rate)
        busy = ((states[:, None] >> np.arange(n_units)[None, :]) & 1).astype(bool)
        down_from, down_unit = np.nonzero(busy)
        rows = np.concatenate([up_from, down_from])
        cols = np.concatenate([up_from | (1 << up_unit), down_from ^ (1 << down_unit)])
        rates = np.concatenate([up_rate[up_from, up_unit], self.service_rate_per_s[down_unit]])
        generator = sparse.csr_matrix((rates, (rows, cols)), shape=(n_states, n_states))
        out_rate = np.asarray(generator.sum(axis=1)).ravel()
        balance = (generator.T - sparse.diags(out_rate)).tocsc()
        # one balance equation is redundant: fix pi(empty) = 1, drop its row and column, renormalise
        probability = np.ones(n_states)
        probability[1:] = spsolve(
            balance[1:, 1:], -balance[1:, [0]].toarray().ravel(), permc_spec="MMD_AT_PLUS_A"
        )
        probability = np.clip(probability, 0.0, None)
        probability /= probability.sum()
        full = probability[-1]
        if self.queue == "infinite":
            ratio = self._tail_ratio()
            tail = full * ratio / (1.0 - ratio)
            probability, full, tail = probability / (1.0 + tail), full / (1.0 + tail), tail / (1.0 + tail)
            p_wait, p_lost = full + tail, 0.0
        else:
            p_wait, p_lost = 0.0, full
        total_rate = self.call_rate_per_s.sum()
        weight = probability[state_of] * self.call_rate_per_s[atom_of] / total_rate
        direct = np.bincount(unit_of * n_atoms + atom_of, weights=weight, minlength=n_units * n_atoms)
        return direct.reshape(n_units, n_atoms), float(p_wait), float(p_lost)

    # -- Larson (1975) approximation -------------------------------------------------------------

    def _solve_approximate(self) -> tuple[np.ndarray, float, float]:
        if not np.allclose(self.service_rate_per_s, self.service_rate_per_s[0]):
            raise ValidationError("Larson's approximation needs one service time for all units; use method='exact'")
        n_units, n_atoms = self.travel_time_s.shape
        mu = float(self.service_rate_per_s[0])
        total_rate = float(self.call_rate_per_s.sum())
        load = total_rate / mu
        busy = np.arange(n_units + 1)
        log_weight = busy * math.log(load) - gammaln(busy + 1)
        if self.queue == "infinite":
            ratio = self._tail_ratio()
            log_weight[-1] -= math.log1p(-ratio)  # mass of "all busy" including the queue
            log_p = log_weight - logsumexp(log_weight)
            p_all_busy = float(np.exp(log_p[-1]))
            mean_workload, p_wait, p_lost = ratio, p_all_busy, 0.0
            queued_share = total_rate * p_all_busy / (n_units * mu)
        else:
            log_p = log_weight - logsumexp(log_weight)
            p_all_busy = float(np.exp(log_p[-1]))
            mean_workload, p_wait, p_lost = load * (1.0 - p_all_busy) / n_units, 0.0, p_all_busy
            queued_share = 0.0
        log_q = self._log_correction(log_p[:-1], mean_workload)
        preference = self.preference
        atom_load = self.call_rate_per_s / mu
        workload = np.full(n_units, mean_workload)
        for _ in range(1000):
            log_rho = np.log(np.clip(workload[preference], 1e-300, None))
            log_prefix = np.cumsum(log_rho, axis=1) - log_rho
            contribution = atom_load[:, None] * np.exp(log_q[None, :] + log_prefix)
            v = np.bincount(preference.ravel(), weights=contribution.ravel(), minlength=n_units)
            updated = (v + queued_share) / (1.0 + v)
            if np.max(np.abs(updated - workload)) < 1e-10:
                workload = updated
                break
            workload = updated
        log_rho = np.log(np.clip(workload[preference], 1e-300, None))
        log_prefix = np.cumsum(log_rho, axis=1) - log_rho
        share = (self.call_rate_per_s / total_rate)[:, None] * np.exp(log_q[None, :] + log_prefix)
        share *= 1.0 - workload[preference]
        atoms = np.broadcast_to(np.arange(n_atoms)[:, None], preference.shape)
        direct = np.zeros((n_units, n_atoms))
        np.add.at(direct, (preference, atoms), share)
        served_direct = 1.0 - p_wait - p_lost
        direct *= served_direct / max(direct.sum(), 1e-300)  # renormalise the approximation's mass
        return direct, p_wait, p_lost

    @staticmethod
    def _log_correction(log_p_busy: np.ndarray, mean_workload: float) -> np.ndarray:
        """Log Q(N, rho, k), k = 0..N-1, from the birth-death probabilities of m < N busy units."""
        n_units = log_p_busy.size
        k = np.arange(n_units)[:, None]
        m = np.arange(n_units)[None, :]
        valid = m >= k
        log_choose_rest = gammaln(n_units - k) - gammaln(np.maximum(m - k, 0) + 1) - gammaln(np.maximum(n_units - m, 1))
        log_choose_all = gammaln(n_units + 1) - gammaln(m + 1) - gammaln(n_units - m + 1)
        terms = np.where(valid, log_p_busy[None, :] + log_choose_rest - log_choose_all, -np.inf)
        rho = min(max(mean_workload, 1e-300), 1 - 1e-15)
        correction: np.ndarray = logsumexp(terms, axis=1) - np.arange(n_units) * math.log(rho) - math.log1p(-rho)
        return correction

    # -- performance measures --------------------------------------------------------------------

    def _result(
        self, direct: np.ndarray, p_wait: float, p_lost: float, target_s: float, method: str,
    ) -> HypercubeResult:
        times = self.travel_time_s
        total_rate = float(self.call_rate_per_s.sum())
        atom_share = self.call_rate_per_s / total_rate
        if self.queue == "infinite":
            drain = float(self.service_rate_per_s.sum()) - total_rate
            queued = p_wait * (self.service_rate_per_s / self.service_rate_per_s.sum())[:, None] * atom_share[None, :]
        else:
            drain = math.inf
            queued = np.zeros_like(direct)
        dispatch = direct + queued
        served = dispatch.sum()
        # workload = arrival rate of calls served by the unit / its service rate (+ queue share)
        unit_rate = dispatch.sum(axis=1) * total_rate
        workload = unit_rate / self.service_rate_per_s
        mean_wait = p_wait / drain if self.queue == "infinite" else 0.0
        mean_travel = float((dispatch * times).sum() / served)
        atom_served = dispatch.sum(axis=0)
        atom_travel = np.divide((dispatch * times).sum(axis=0), atom_served, out=np.full(atom_served.shape, np.nan),
                                where=atom_served > 0)
        cdf = _response_cdf(direct.ravel(), queued.ravel(), times.ravel(), drain, served)
        return HypercubeResult(
            unit_workload=np.clip(workload, 0.0, 1.0),
            dispatch_fraction=dispatch,
            probability_wait=p_wait,
            probability_lost=p_lost,
            mean_wait_s=mean_wait,
            mean_travel_time_s=mean_travel,
            mean_response_time_s=mean_travel + mean_wait,
            response_time_p90_s=_quantile(cdf, 0.9, float(times.max()) + 50.0 / max(drain, 1e-9)),
            share_within_target=float(cdf(target_s)),
            target_s=target_s,
            atom_mean_travel_time_s=atom_travel,
            queue=self.queue,
            method=method,
        )


def _response_cdf(
    direct: np.ndarray, queued: np.ndarray, times: np.ndarray, drain: float, served: float,
) -> Callable[[float], float]:
    def cdf(response_s: float) -> float:
        reached = direct[times <= response_s].sum()
        if queued.any():
            slack = np.clip(response_s - times, 0.0, None)
            reached += (queued * -np.expm1(-drain * slack)).sum()
        return float(reached / served)

    return cdf


def _quantile(cdf: Callable[[float], float], level: float, upper: float) -> float:
    low, high = 0.0, upper
    for _ in range(80):
        middle = 0.5 * (low + high)
        if cdf(middle) >= level:
            high = middle
        else:
            low = middle
    return high


def fewest_units_for_posts(
    travel_time_s: object,
    call_rate_per_hour: object,
    service_time_s: float,
    *,
    target_share: float = 0.9,
    target_s: float = 300.0,
    queue: str = "infinite",
    method: str = "auto",
) -> tuple[int, HypercubeResult]:
    """Fewest units, taking posts in the given order, meeting a response-time target.

    Rows of ``travel_time_s`` are candidate posts in priority order (e.g. the order a covering model
    or a planner ranks them); one unit per post. Adds posts one at a time until the hypercube model
    gives ``share_within_target >= target_share``.

    Returns
    -------
    (units, result) : tuple of int and HypercubeResult

    Raises
    ------
    ValidationError
        When even all posts miss the target.
    """
    times = as_matrix("travel_time_s", travel_time_s, allow_inf=False)
    wanted = positive_number("target_share", target_share)
    last_error: str = ""
    for units in range(1, times.shape[0] + 1):
        try:
            model = HypercubeModel.from_cost_matrix(times[:units], call_rate_per_hour, service_time_s, queue=queue)
            result = model.solve(method=method, target_s=target_s)
        except ValidationError as exc:
            if "exceeds capacity" not in str(exc):
                raise
            last_error = str(exc)
            continue
        if result.share_within_target >= wanted:
            return units, result
    raise ValidationError(
        f"all {times.shape[0]} posts reach only part of the target share {wanted:g} within {target_s:g} s"
        + (f" ({last_error})" if last_error else "")
        + "; add candidate posts or relax the target"
    )
