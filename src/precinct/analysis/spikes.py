r"""Spike alerts: whether the last window's count per area is higher than its own history predicts.

Formulation
-----------
For area :math:`a` with :math:`x_a` events in the alert window of length :math:`w` and :math:`b_a`
events in the preceding baseline of length :math:`B`:

* ``method="poisson"`` (exact conditional test): under "no change" the rate is constant, so given
  the total :math:`n_a = x_a + b_a`, :math:`x_a \sim \mathrm{Binomial}(n_a, w / (w + B))` and
  :math:`p_a = P(X \ge x_a)`. Conditioning removes the unknown rate, so the test keeps its size even
  with short baselines (Przyborowski & Wilenski 1940).
* ``method="negative_binomial"``: the baseline is split into periods of length :math:`w`; their mean
  :math:`m` and variance :math:`v` give the over-dispersion :math:`r = m^2 / (v - m)` (Poisson when
  :math:`v \le m`), and :math:`p_a = P(X \ge x_a)` for :math:`X \sim \mathrm{NB}(r, m)`.

False-alarm control: an area alarms when :math:`p_a < \alpha / A` (Bonferroni over the :math:`A`
areas), so when nothing has changed the chance of *any* alarm in a run is at most :math:`\alpha`.

References
----------
Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson
series. Biometrika 31, 313-323. Kulldorff, M. (2001) for the wider surveillance context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from precinct.core.errors import ValidationError


@dataclass(frozen=True)
class SpikeAlert:
    """One area's test result."""

    area: str
    observed: int
    expected: float
    p_value: float
    alarm: bool


def spike_tests(
    counts: np.ndarray, *, window_periods: int = 1, alpha: float = 0.05, method: str = "poisson",
    areas: Sequence[str] | np.ndarray | None = None,
) -> tuple[SpikeAlert, ...]:
    """Test the last ``window_periods`` columns of ``counts`` against the earlier ones (numeric core).

    Parameters
    ----------
    counts : array (n_areas, n_periods)
        Event counts per area and period (oldest first).
    window_periods : int
        Periods in the alert window (the rest are the baseline).
    alpha : float
        Family-wise false-alarm rate per run (Bonferroni over areas).
    method : {"poisson", "negative_binomial"}
    areas : sequence of str, optional
        Area names (default ``"0", "1", ...``).

    Returns
    -------
    tuple of SpikeAlert
        Sorted by p-value, smallest first.

    Raises
    ------
    ValidationError
        On negative counts, a baseline shorter than two periods, or an unknown method.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or np.any(counts < 0):
        raise ValidationError("counts: need a 2-D array (areas x periods) of non-negative counts")
    n_areas, n_periods = counts.shape
    baseline_periods = n_periods - window_periods
    if window_periods < 1 or baseline_periods < 2:
        raise ValidationError("window_periods: need >= 1 alert period and >= 2 baseline periods")
    if not 0 < alpha < 1:
        raise ValidationError(f"alpha: must be in (0, 1), got {alpha}")
    observed = counts[:, baseline_periods:].sum(axis=1)
    baseline = counts[:, :baseline_periods]
    expected = baseline.sum(axis=1) * window_periods / baseline_periods
    if method == "poisson":
        share = window_periods / n_periods
        total = observed + baseline.sum(axis=1)
        p_value = stats.binom.sf(observed - 1, total, share)
    elif method == "negative_binomial":
        usable = (baseline_periods // window_periods) * window_periods
        blocks = baseline[:, baseline_periods - usable:].reshape(n_areas, -1, window_periods).sum(axis=2)
        mean = blocks.mean(axis=1)
        variance = blocks.var(axis=1, ddof=1) if blocks.shape[1] > 1 else mean
        poisson_like = (variance <= mean) | (mean <= 0)
        size = np.where(poisson_like, 1.0, mean**2 / np.maximum(variance - mean, 1e-12))
        nb = stats.nbinom.sf(observed - 1, size, size / (size + np.maximum(mean, 1e-12)))
        poisson = stats.poisson.sf(observed - 1, np.maximum(mean, 1e-12))
        p_value = np.where(poisson_like, poisson, nb)
        expected = mean
    else:
        raise ValidationError(f"method: unknown method {method!r}; use 'poisson' or 'negative_binomial'")
    p_value = np.clip(np.where(observed <= 0, 1.0, p_value), 0.0, 1.0)
    names = [str(i) for i in range(n_areas)] if areas is None else [str(a) for a in areas]
    alarm = p_value < alpha / n_areas
    order = np.argsort(p_value, kind="stable")
    return tuple(
        SpikeAlert(names[i], int(observed[i]), float(expected[i]), float(p_value[i]), bool(alarm[i])) for i in order
    )


def spike_alerts_for_areas(
    frame: pd.DataFrame, *, area_column: str, as_of: str, window_days: int = 7, baseline_days: int = 182,
    alpha: float = 0.05, method: str = "poisson",
) -> tuple[SpikeAlert, ...]:
    """Spike alerts per area for the ``window_days`` before ``as_of`` (spatial adapter).

    ``frame`` needs tz-aware ``occurred_at`` and ``area_column`` (e.g. ``neighbourhood``). Events on or
    after ``as_of`` are ignored. The baseline is the ``baseline_days`` before the window.
    """
    if area_column not in frame.columns or "occurred_at" not in frame.columns:
        raise ValidationError(f"frame: needs columns 'occurred_at' and {area_column!r}")
    if window_days < 1 or baseline_days < 2 * window_days:
        raise ValidationError("window_days/baseline_days: need baseline_days >= 2 * window_days >= 2")
    stamps = frame["occurred_at"]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        raise ValidationError("occurred_at: needs tz-aware datetimes")
    try:
        given = pd.Timestamp(as_of)
        end = given.tz_localize(stamps.dt.tz) if given.tzinfo is None else given
    except ValueError as error:
        raise ValidationError(f"as_of: {as_of!r} is not a date; write YYYY-MM-DD") from error
    n_periods = baseline_days // window_days + 1
    age_days = (end - stamps).dt.total_seconds().to_numpy() / 86_400.0
    period = n_periods - 1 - np.floor(age_days / window_days).astype(np.int64)
    keep = (age_days > 0) & (period >= 0)
    names = frame[area_column].astype("string").fillna("?").to_numpy(dtype=object)
    areas, area_code = np.unique(names, return_inverse=True)
    counts = np.zeros((areas.size, n_periods))
    np.add.at(counts, (area_code[keep], period[keep]), 1.0)
    return spike_tests(counts, window_periods=1, alpha=alpha, method=method, areas=areas)
