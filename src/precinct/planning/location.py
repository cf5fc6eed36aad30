"""Post placement: maximal covering and location set covering, solved with HiGHS.

Both models are built from a travel-time matrix (candidate sites x demand cells, seconds) and a
response threshold. A demand cell is *covered* by a site when the travel time is at most the
threshold. Cells with identical sets of covering sites are merged (their weights summed) and cells
no site can reach are set aside, which shrinks the integer programme without changing its optimum.

References
----------
Church, R. and ReVelle, C. (1974) The maximal covering location problem. Papers of the Regional
Science Association 32, 101-118.
Toregas, C., Swain, R., ReVelle, C. and Bergman, L. (1971) The location of emergency service
facilities. Operations Research 19(6), 1363-1373.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from precinct.core.errors import ValidationError
from precinct.planning._checks import as_matrix, as_vector, positive_number

if TYPE_CHECKING:
    import highspy  # loaded by the solvers that need it

__all__ = [
    "LocationResult",
    "MaximalCoveringModel",
    "SetCoveringModel",
    "coverage_matrix_from_travel_times",
    "greedy_maximal_covering",
]


@dataclass(frozen=True, slots=True, eq=False)
class LocationResult:
    """Solution of a post-placement model.

    Attributes
    ----------
    chosen_sites : ndarray of int
        Indices of the chosen candidate sites (rows of the travel-time matrix), ascending.
    covered_weight : float
        Demand weight within the threshold of at least one chosen site.
    covered_share : float
        ``covered_weight`` divided by the total demand weight (all cells, coverable or not).
    coverable_share : float
        Share of demand weight that any candidate can reach within the threshold (upper bound).
    mip_gap : float
        Relative optimality gap reported by HiGHS, ``|primal - dual| / |primal|`` (0 = proven
        optimal; ``nan`` for the greedy heuristic, which proves nothing).
    objective_bound : float
        Best bound on the objective (covered weight for MCLP, number of sites for LSCP).
    status : str
        ``"optimal"``, ``"time_limit"``, ``"greedy"`` or another HiGHS model status.
    solve_s : float
        Wall-clock seconds spent building and solving the model.
    method : str
        ``"highs"`` or ``"greedy"``.
    """

    chosen_sites: np.ndarray
    covered_weight: float
    covered_share: float
    coverable_share: float
    mip_gap: float
    objective_bound: float
    status: str
    solve_s: float
    method: str

    @property
    def site_count(self) -> int:
        """Return the number of chosen sites."""
        return int(self.chosen_sites.size)

    @property
    def is_optimal(self) -> bool:
        """Whether HiGHS proved the solution optimal."""
        return self.status == "optimal"

    def to_dict(self) -> dict[str, Any]:
        """Return the solution as plain JSON values (``mip_gap`` ``None`` for the greedy heuristic)."""
        return {
            "chosen_sites": [int(s) for s in self.chosen_sites],
            "site_count": self.site_count,
            "covered_weight": self.covered_weight,
            "covered_share": self.covered_share,
            "coverable_share": self.coverable_share,
            "mip_gap": None if np.isnan(self.mip_gap) else self.mip_gap,
            "objective_bound": self.objective_bound,
            "status": self.status,
            "solve_s": self.solve_s,
            "method": self.method,
        }


def coverage_matrix_from_travel_times(travel_time_s: object, threshold_s: float) -> sparse.csr_matrix:
    """Sparse boolean coverage matrix, demand cells x candidate sites.

    Parameters
    ----------
    travel_time_s : array_like, shape (n_sites, n_demand)
        Travel time in seconds from each candidate site to each demand cell (``inf`` = unreachable).
    threshold_s : float
        Response threshold in seconds; a cell is covered when ``travel_time_s <= threshold_s``.

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (n_demand, n_sites)
    """
    matrix = as_matrix("travel_time_s", travel_time_s)
    threshold = positive_number("threshold_s", threshold_s)
    site_index, demand_index = np.nonzero(matrix <= threshold)
    data = np.ones(site_index.size, dtype=bool)
    return sparse.csr_matrix((data, (demand_index, site_index)), shape=(matrix.shape[1], matrix.shape[0]))


@dataclass(frozen=True, slots=True, eq=False)
class _CoverageInstance:
    """Coverage rows merged by identical site sets; uncoverable demand set aside."""

    coverage: sparse.csr_matrix  # groups x sites, bool
    group_weight: np.ndarray
    site_count: int
    total_weight: float
    coverable_weight: float

    @classmethod
    def build(cls, coverage: sparse.csr_matrix, weights: np.ndarray) -> _CoverageInstance:
        coverage = sparse.csr_matrix(coverage, dtype=bool)
        coverage.sum_duplicates()
        coverage.sort_indices()
        _, n_sites = coverage.shape
        total = float(weights.sum())
        row_nnz = np.diff(coverage.indptr)
        keep = np.flatnonzero((row_nnz > 0) & (weights > 0))
        groups: dict[bytes, int] = {}
        group_of_row = np.empty(keep.size, dtype=np.int64)
        indptr, indices = coverage.indptr, coverage.indices
        for position, row in enumerate(keep):
            key = indices[indptr[row] : indptr[row + 1]].tobytes()
            group_of_row[position] = groups.setdefault(key, len(groups))
        group_weight = np.bincount(group_of_row, weights=weights[keep], minlength=len(groups))
        first_row = np.full(len(groups), -1, dtype=np.int64)
        first_row[group_of_row[::-1]] = keep[::-1]
        merged = coverage[first_row] if len(groups) else sparse.csr_matrix((0, n_sites), dtype=bool)
        return cls(sparse.csr_matrix(merged), group_weight, n_sites, total, float(group_weight.sum()))

    def covered_weight(self, chosen: np.ndarray) -> float:
        mask = np.zeros(self.site_count, dtype=bool)
        mask[chosen] = True
        hit = self.coverage @ mask.astype(np.int8)
        return float(self.group_weight[np.asarray(hit).ravel() > 0].sum())


def _location_result(
    instance: _CoverageInstance, chosen: np.ndarray, *, gap: float, bound: float, status: str, started: float,
    method: str,
) -> LocationResult:
    covered = instance.covered_weight(chosen)
    return LocationResult(
        chosen_sites=np.sort(np.asarray(chosen, dtype=np.int64)),
        covered_weight=covered,
        covered_share=covered / instance.total_weight,
        coverable_share=instance.coverable_weight / instance.total_weight,
        mip_gap=gap,
        objective_bound=bound,
        status=status,
        solve_s=time.perf_counter() - started,
        method=method,
    )


def _validated_weights(weights: object, n_demand: int) -> np.ndarray:
    if weights is None:
        return np.ones(n_demand)
    vector = as_vector("weights", weights, n_demand)
    if vector.sum() <= 0:
        raise ValidationError("weights must have a positive sum; give each demand cell its call count")
    return vector


def _status_name(highs: highspy.Highs, status: highspy.HighsModelStatus) -> str:
    import highspy

    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if status == highspy.HighsModelStatus.kTimeLimit:
        return "time_limit"
    return highs.modelStatusToString(status).lower().replace(" ", "_")


def _new_highs(time_limit_s: float | None, mip_rel_gap: float, seed: int) -> highspy.Highs:
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - highspy is a core dependency
        raise ImportError("post placement needs HiGHS: install it with `pip install highspy`") from exc
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    highs.setOptionValue("random_seed", int(seed))
    highs.setOptionValue("threads", 1)
    if time_limit_s is not None:
        highs.setOptionValue("time_limit", positive_number("time_limit_s", time_limit_s))
    return highs


def _pass_mip(
    highs: highspy.Highs, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, integral: np.ndarray,
    matrix: sparse.csc_matrix, row_lower: np.ndarray, row_upper: np.ndarray, maximise: bool,
) -> None:
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lower, dtype=float)
    lp.col_upper_ = np.asarray(upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in integral]
    highs.passModel(lp)


def _warm_start(highs: highspy.Highs, values: np.ndarray) -> None:
    import highspy

    solution = highspy.HighsSolution()
    solution.col_value = list(map(float, values))
    highs.setSolution(solution)


def greedy_maximal_covering(
    travel_time_s: object, site_count: int, threshold_s: float, *, weights: object = None
) -> LocationResult:
    """Greedy baseline for the maximal covering problem.

    Adds, ``site_count`` times, the candidate that covers the most still-uncovered demand weight
    (ties broken by the lowest index). The greedy value is at least ``1 - 1/e`` (about 63%) of the
    optimum (Nemhauser, Wolsey and Fisher 1978) and is usually far closer.

    Parameters
    ----------
    travel_time_s : array_like, shape (n_sites, n_demand)
        Seconds from each candidate site to each demand cell.
    site_count : int
        Number of sites to choose (K).
    threshold_s : float
        Response threshold in seconds.
    weights : array_like, shape (n_demand,), optional
        Demand weight per cell (e.g. calls); defaults to 1 per cell.
    """
    return MaximalCoveringModel.from_cost_matrix(travel_time_s, site_count, threshold_s, weights=weights).greedy()


def _greedy_choice(instance: _CoverageInstance, site_count: int) -> np.ndarray:
    by_site = sparse.csc_matrix(instance.coverage, dtype=np.float64)
    remaining = instance.group_weight.astype(float).copy()
    chosen: list[int] = []
    available = np.ones(instance.site_count, dtype=bool)
    for _ in range(min(site_count, instance.site_count)):
        gains = by_site.T @ remaining
        gains[~available] = -1.0
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        chosen.append(best)
        available[best] = False
        rows = by_site.indices[by_site.indptr[best] : by_site.indptr[best + 1]]
        remaining[rows] = 0.0
    if len(chosen) < site_count:  # everything coverable is covered: fill with unused sites
        spare = np.flatnonzero(available)[: site_count - len(chosen)]
        chosen.extend(int(s) for s in spare)
    return np.sort(np.asarray(chosen, dtype=np.int64))


@dataclass(frozen=True, slots=True, eq=False)
class MaximalCoveringModel:
    """Maximal covering location problem (MCLP), Church and ReVelle (1974).

    Formulation
    -----------
    With ``x_j = 1`` when candidate ``j`` is chosen and ``y_i`` the covered share of demand group
    ``i`` (weight ``w_i``, covering set ``N_i = {j : t_ji <= T}``)::

        maximise    sum_i w_i y_i
        subject to  y_i <= sum_{j in N_i} x_j      for every demand group i
                    sum_j x_j = K
                    x_j in {0, 1},  0 <= y_i <= 1

    ``y`` may stay continuous: at an optimum ``y_i = min(1, sum x_j)`` is integral anyway.

    Build with :meth:`from_cost_matrix` (travel times) or :meth:`from_coverage` (a boolean matrix).
    """

    instance: _CoverageInstance
    site_count: int

    @classmethod
    def from_cost_matrix(
        cls, travel_time_s: object, site_count: int, threshold_s: float, *, weights: object = None
    ) -> MaximalCoveringModel:
        """Build from a travel-time matrix, candidate sites x demand cells, in seconds.

        Raises
        ------
        ValidationError
            On a malformed matrix, weights of the wrong length, a non-positive threshold, or
            ``site_count`` outside ``1..n_sites``.
        """
        coverage = coverage_matrix_from_travel_times(travel_time_s, threshold_s)
        return cls.from_coverage(coverage, site_count, weights=weights)

    @classmethod
    def from_coverage(cls, coverage: object, site_count: int, *, weights: object = None) -> MaximalCoveringModel:
        """Build from a boolean coverage matrix, demand cells x candidate sites (dense or sparse)."""
        matrix = sparse.csr_matrix(coverage, dtype=bool)
        n_demand, n_sites = matrix.shape
        if isinstance(site_count, bool) or not isinstance(site_count, (int, np.integer)):
            raise ValidationError(f"site_count must be an integer, got {site_count!r}")
        if not 1 <= site_count <= n_sites:
            raise ValidationError(f"site_count must lie between 1 and the {n_sites} candidate sites, got {site_count}")
        instance = _CoverageInstance.build(matrix, _validated_weights(weights, n_demand))
        return cls(instance, int(site_count))

    def greedy(self) -> LocationResult:
        """Solve with the greedy heuristic (see :func:`greedy_maximal_covering`)."""
        started = time.perf_counter()
        chosen = _greedy_choice(self.instance, self.site_count)
        return _location_result(self.instance, chosen, gap=float("nan"), bound=float("nan"), status="greedy",
                                started=started, method="greedy")

    def solve(
        self, *, time_limit_s: float | None = None, mip_rel_gap: float = 1e-4, warm_start: bool = True, seed: int = 0
    ) -> LocationResult:
        """Solve the integer programme with HiGHS.

        Parameters
        ----------
        time_limit_s : float, optional
            Stop after this many seconds and return the best solution found with its gap.
        mip_rel_gap : float
            Relative gap at which HiGHS stops (default 1e-4).
        warm_start : bool
            Seed HiGHS with the greedy solution (default True).
        seed : int
            HiGHS random seed, for reproducible runs.
        """
        started = time.perf_counter()
        instance = self.instance
        n_groups, n_sites = instance.coverage.shape
        if n_groups == 0:
            chosen = np.arange(self.site_count)
            return _location_result(instance, chosen, gap=0.0, bound=0.0, status="optimal", started=started,
                                    method="highs")
        # columns: x_0..x_{n-1}, y_0..y_{m-1}; rows: y_i - sum x_j <= 0, then sum x_j = K
        cover = sparse.csr_matrix(instance.coverage, dtype=float)
        rows = sparse.vstack(
            [
                sparse.hstack([-cover, sparse.identity(n_groups, format="csr")]),
                sparse.hstack([np.ones((1, n_sites)), sparse.csr_matrix((1, n_groups))]),
            ]
        ).tocsc()
        cost = np.concatenate([np.zeros(n_sites), instance.group_weight])
        upper = np.ones(n_sites + n_groups)
        integral = np.concatenate([np.ones(n_sites, dtype=bool), np.zeros(n_groups, dtype=bool)])
        row_lower = np.concatenate([np.full(n_groups, -np.inf), [self.site_count]])
        row_upper = np.concatenate([np.zeros(n_groups), [self.site_count]])
        highs = _new_highs(time_limit_s, mip_rel_gap, seed)
        _pass_mip(highs, cost, np.zeros(n_sites + n_groups), upper, integral, rows, row_lower, row_upper, True)
        if warm_start:
            greedy = _greedy_choice(instance, self.site_count)
            x = np.zeros(n_sites)
            x[greedy] = 1.0
            y = np.minimum(1.0, np.asarray(instance.coverage @ x).ravel())
            _warm_start(highs, np.concatenate([x, y]))
        highs.run()
        status = _status_name(highs, highs.getModelStatus())
        info = highs.getInfo()
        values = np.asarray(highs.getSolution().col_value)
        if values.size != n_sites + n_groups:
            raise ValidationError(f"HiGHS found no feasible solution (status {status}); raise time_limit_s")
        chosen = np.flatnonzero(values[:n_sites] > 0.5)
        return _location_result(
            instance,
            chosen,
            gap=float(max(info.mip_gap, 0.0)),
            bound=float(info.mip_dual_bound),
            status=status,
            started=started,
            method="highs",
        )


@dataclass(frozen=True, slots=True, eq=False)
class SetCoveringModel:
    """Location set covering problem (LSCP), Toregas et al. (1971).

    Formulation
    -----------
    Fewest sites such that every *coverable* demand cell is within the threshold of one::

        minimise    sum_j x_j
        subject to  sum_{j in N_i} x_j >= 1        for every coverable demand group i
                    x_j in {0, 1}

    Cells no candidate reaches are left out and reported through ``coverable_share`` rather than
    making the model infeasible.
    """

    instance: _CoverageInstance

    @classmethod
    def from_cost_matrix(cls, travel_time_s: object, threshold_s: float, *, weights: object = None) -> SetCoveringModel:
        """Build from a travel-time matrix, candidate sites x demand cells, in seconds."""
        coverage = coverage_matrix_from_travel_times(travel_time_s, threshold_s)
        return cls.from_coverage(coverage, weights=weights)

    @classmethod
    def from_coverage(cls, coverage: object, *, weights: object = None) -> SetCoveringModel:
        """Build from a boolean coverage matrix, demand cells x candidate sites."""
        matrix = sparse.csr_matrix(coverage, dtype=bool)
        return cls(_CoverageInstance.build(matrix, _validated_weights(weights, matrix.shape[0])))

    def solve(self, *, time_limit_s: float | None = None, mip_rel_gap: float = 1e-4, seed: int = 0) -> LocationResult:
        """Solve with HiGHS; returns the chosen sites, their coverage and the gap."""
        started = time.perf_counter()
        instance = self.instance
        n_groups, n_sites = instance.coverage.shape
        if n_groups == 0:
            return _location_result(instance, np.zeros(0, dtype=np.int64), gap=0.0, bound=0.0, status="optimal",
                                    started=started, method="highs")
        highs = _new_highs(time_limit_s, mip_rel_gap, seed)
        matrix = sparse.csc_matrix(instance.coverage, dtype=float)
        _pass_mip(
            highs, np.ones(n_sites), np.zeros(n_sites), np.ones(n_sites), np.ones(n_sites, dtype=bool),
            matrix, np.ones(n_groups), np.full(n_groups, np.inf), False,
        )
        highs.run()
        status = _status_name(highs, highs.getModelStatus())
        info = highs.getInfo()
        values = np.asarray(highs.getSolution().col_value)
        if values.size != n_sites:
            raise ValidationError(f"HiGHS found no feasible solution (status {status}); raise time_limit_s")
        return _location_result(instance, np.flatnonzero(values > 0.5), gap=float(max(info.mip_gap, 0.0)),
                                bound=float(info.mip_dual_bound), status=status, started=started, method="highs")
