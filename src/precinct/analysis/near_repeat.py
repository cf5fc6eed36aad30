r"""Near-repeat analysis: the Knox test over distance and time bands with Monte Carlo p-values.

Formulation
-----------
For all pairs of events :math:`(i, j)` the Knox table counts :math:`K_{ab}` = pairs whose distance
lies in band :math:`a` and whose time gap lies in band :math:`b`. Under the null of no space-time
interaction the times are exchangeable, so permuting times among events (locations fixed) gives the
reference distribution. The Monte Carlo p-value of cell :math:`(a, b)` is
:math:`p = (1 + \#\{K^{perm}_{ab} \ge K_{ab}\}) / (1 + R)`, and the Knox ratio is
:math:`K_{ab} / \overline{K^{perm}_{ab}}` (as in the Near Repeat Calculator, Ratcliffe 2009).

Only pairs closer than the last distance band are ever formed (k-d tree), so memory and time grow
with the number of near pairs, not with :math:`n^2`.

References
----------
Knox, G. (1964). The detection of space-time interactions. Applied Statistics 13, 25-30.
Johnson, S. D. et al. (2007). Space-time patterns of risk: a cross national assessment of residential
burglary victimization. J. Quantitative Criminology 23, 201-219.
Ratcliffe, J. H. (2009). Near Repeat Calculator (version 1.3). Temple University.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from precinct.core.errors import ValidationError


@dataclass(frozen=True, eq=False)
class KnoxResult:
    """Knox table with Monte Carlo significance.

    Attributes
    ----------
    distance_edges_m : array
        Upper edges of the distance bands; band ``a`` is ``(edges[a-1], edges[a]]`` with 0 first.
    time_edges_days : array
        Upper edges of the time bands, same convention.
    observed : int array (n_distance, n_time)
    expected : float array
        Mean count over permutations.
    ratio : float array
        ``observed / expected`` (NaN where expected is 0).
    p_value : float array
    n_permutations : int
    n_events : int
    """

    distance_edges_m: np.ndarray
    time_edges_days: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    ratio: np.ndarray
    p_value: np.ndarray
    n_permutations: int
    n_events: int


def _check_edges(edges_given: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    edges: np.ndarray = np.asarray(edges_given, dtype=np.float64)
    if edges.ndim != 1 or edges.size == 0 or np.any(edges <= 0) or np.any(np.diff(edges) <= 0):
        raise ValidationError(f"{name}: give increasing positive band edges, e.g. (100, 200, 300)")
    return edges


def knox_test(
    x_m: np.ndarray,
    y_m: np.ndarray,
    time_days: np.ndarray,
    *,
    distance_edges_m: Sequence[float] | np.ndarray = (100.0, 200.0, 400.0, 800.0),
    time_edges_days: Sequence[float] | np.ndarray = (7.0, 14.0, 28.0, 56.0),
    n_permutations: int = 99,
    seed: int = 0,
) -> KnoxResult:
    """Knox test of space-time interaction with permutation p-values.

    Parameters
    ----------
    x_m, y_m : arrays
        Projected coordinates in metres.
    time_days : array
        Event times in days (any origin).
    distance_edges_m, time_edges_days : sequences
        Increasing upper band edges; the first band starts at 0 (inclusive).
    n_permutations : int
        Monte Carlo replicates (>= 19).

    Raises
    ------
    ValidationError
        On mismatched arrays, fewer than 3 events, bad band edges or too few permutations.
    """
    x_m, y_m, time_days = (np.asarray(a, dtype=np.float64) for a in (x_m, y_m, time_days))
    if not (x_m.shape == y_m.shape == time_days.shape) or x_m.ndim != 1:
        raise ValidationError("x_m/y_m/time_days: need three 1-D arrays of equal length")
    if x_m.size < 3:
        raise ValidationError("events: the Knox test needs at least 3 events")
    if n_permutations < 19:
        raise ValidationError(f"n_permutations: use at least 19, got {n_permutations}")
    distance_edges = _check_edges(distance_edges_m, "distance_edges_m")
    time_edges = _check_edges(time_edges_days, "time_edges_days")
    pairs = cKDTree(np.column_stack([x_m, y_m])).query_pairs(distance_edges[-1], output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]
    distance_m = np.hypot(x_m[first] - x_m[second], y_m[first] - y_m[second])
    distance_band = np.searchsorted(distance_edges, distance_m, side="left")
    n_distance, n_time = distance_edges.size, time_edges.size
    n_bins = n_distance * n_time

    def table(times: np.ndarray) -> np.ndarray:
        time_band = np.searchsorted(time_edges, np.abs(times[first] - times[second]), side="left")
        inside = time_band < n_time
        return np.bincount(distance_band[inside] * n_time + time_band[inside], minlength=n_bins)

    observed = table(time_days)
    rng = np.random.default_rng(seed)
    simulated = np.empty((n_permutations, n_bins))
    for replicate in range(n_permutations):
        simulated[replicate] = table(rng.permutation(time_days))
    expected = simulated.mean(axis=0)
    exceed = (simulated >= observed[None, :]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    shape = (n_distance, n_time)
    return KnoxResult(
        distance_edges, time_edges, observed.reshape(shape), expected.reshape(shape), ratio.reshape(shape),
        ((1.0 + exceed) / (1.0 + n_permutations)).reshape(shape), int(n_permutations), int(x_m.size),
    )
