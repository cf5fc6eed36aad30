"""Before/after evaluation (效果评估): difference-in-differences for incident counts.

Method
------
Counts in a treated area and a comparison area, before and after an intervention. The effect is the
ratio of ratios (incidence rate ratio of the interaction in a log-linear Poisson model)::

    RR = (Y_treated_after / Y_treated_before) / (Y_comparison_after / Y_comparison_before)

which equals ``exp(d)`` in ``log E[Y] = a + b treated + c after + d treated x after``. Period
lengths cancel as long as both areas share the same periods. ``RR < 1`` means the treated area
fell relative to the comparison area. The 95% interval is log-normal:
``exp(log RR +- z sqrt(phi * (1/Y_tb + 1/Y_ta + 1/Y_cb + 1/Y_ca)))``. When counts per sub-period
(e.g. weekly) are given, ``phi`` is the quasi-Poisson dispersion, Pearson chi-square over the
residual degrees of freedom of the four cell means, floored at 1, so an over-dispersed series
widens the interval honestly (negative-binomial-like behaviour). With totals only, ``phi = 1``
(pure Poisson, which understates uncertainty if counts are over-dispersed: say so in the report).
A zero total gets 0.5 added to every cell (Haldane-Anscombe correction).

References
----------
Farrington, D. P. and Welsh, B. C. (2002) Improved street lighting and crime prevention. Justice
Quarterly 19(2), 313-342 (relative effect size and its log variance).
Braga, A. A., Papachristos, A. V. and Hureau, D. M. (2014) The effects of hot spots policing on
crime: an updated systematic review. Justice Quarterly 31(4), 633-663.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from precinct.core.errors import ValidationError
from precinct.planning._checks import share

__all__ = ["DifferenceInDifferences", "difference_in_differences"]


@dataclass(frozen=True, slots=True)
class DifferenceInDifferences:
    """Result of :func:`difference_in_differences`.

    Attributes
    ----------
    rate_ratio : float
        Ratio of ratios ``RR`` (1 = no relative change).
    interval_low, interval_high : float
        Confidence interval for ``RR`` at ``confidence``.
    percent_change : float
        ``100 (RR - 1)``: relative change in the treated area beyond the comparison trend.
    expected_treated_after : float
        Counterfactual count, ``Y_tb * Y_ca / Y_cb``.
    count_difference : float
        Absolute difference-in-differences ``(Y_ta - Y_tb) - (Y_ca - Y_cb)``.
    p_value : float
        Two-sided Wald test of ``RR = 1``.
    dispersion : float
        Quasi-Poisson dispersion used (1 = Poisson).
    verdict_en, verdict_zh : str
        Plain-language reading of the interval.
    """

    rate_ratio: float
    interval_low: float
    interval_high: float
    confidence: float
    percent_change: float
    expected_treated_after: float
    observed_treated_after: float
    count_difference: float
    p_value: float
    dispersion: float
    method: str
    verdict_en: str
    verdict_zh: str

    def to_dict(self) -> dict[str, float | str]:
        """Return every attribute by name."""
        return {name: getattr(self, name) for name in self.__slots__}


def _counts(name: str, value: object) -> np.ndarray:
    counts = np.atleast_1d(np.asarray(value, dtype=float))
    if counts.ndim != 1 or counts.size == 0 or not np.isfinite(counts).all() or (counts < 0).any():
        raise ValidationError(f"{name} must be a count or a 1-D series of counts >= 0")
    if not np.allclose(counts, np.round(counts)):
        raise ValidationError(f"{name} must hold whole counts (incidents), not rates")
    return counts


def _verdict(rr: float, low: float, high: float, confidence: float) -> tuple[str, str]:
    level = f"{confidence:.0%}"
    span = f"{100 * (low - 1):+.0f}% to {100 * (high - 1):+.0f}%"
    span_zh = f"{100 * (low - 1):+.0f}% 至 {100 * (high - 1):+.0f}%"
    change = 100 * (rr - 1)
    if high < 1:
        return (
            f"Incidents in the treated area fell by {-change:.0f}% relative to the comparison area "
            f"({level} interval {span}): evidence of a reduction.",
            f"与对照区相比，处理区警情相对下降 {-change:.0f}%（{level} 置信区间 {span_zh}）："
            "有证据表明措施带来了下降。",
        )
    if low > 1:
        return (
            f"Incidents in the treated area rose by {change:.0f}% relative to the comparison area "
            f"({level} interval {span}): evidence of an increase.",
            f"与对照区相比，处理区警情相对上升 {change:.0f}%（{level} 置信区间 {span_zh}）：有证据表明警情上升。",
        )
    return (
        f"No clear evidence of a change: the relative change is {change:+.0f}% but the {level} interval "
        f"({span}) includes no change.",
        f"没有明确证据表明有变化：相对变化为 {change:+.0f}%，但 {level} 置信区间（{span_zh}）包含“无变化”。",
    )


def difference_in_differences(
    treated_before: object,
    treated_after: object,
    comparison_before: object,
    comparison_after: object,
    *,
    confidence: float = 0.95,
) -> DifferenceInDifferences:
    """Difference-in-differences of counts with a log-normal (quasi-)Poisson interval.

    Parameters
    ----------
    treated_before, treated_after, comparison_before, comparison_after : int or array_like
        Incident counts: either one total per cell, or a series of counts per sub-period (weeks,
        days). With series the totals are used for the estimate and the spread of the series for
        the dispersion.
    confidence : float
        Interval level in (0, 1), default 0.95.

    Raises
    ------
    ValidationError
        On negative or fractional counts, a mix of totals and series, or all four totals zero.
    """
    level = share("confidence", confidence)
    if level >= 1:
        raise ValidationError("confidence must be below 1, e.g. 0.95")
    names = ("treated_before", "treated_after", "comparison_before", "comparison_after")
    given = (treated_before, treated_after, comparison_before, comparison_after)
    series = [_counts(name, value) for name, value in zip(names, given, strict=True)]
    totals = np.array([s.sum() for s in series])
    if totals.sum() == 0:
        raise ValidationError("all four counts are zero: there is nothing to compare")
    lengths = [s.size for s in series]
    dispersion, method = 1.0, "Poisson log-linear model, ratio of ratios with log-normal interval"
    if min(lengths) > 1:
        pearson = sum(((s - s.mean()) ** 2 / s.mean()).sum() for s in series if s.mean() > 0)
        residual_df = sum(lengths) - 4
        if residual_df > 0:
            dispersion = max(1.0, float(pearson / residual_df))
        method = ("quasi-Poisson log-linear model (dispersion from sub-period counts), "
                  "ratio of ratios with log-normal interval")
    elif max(lengths) > 1:
        raise ValidationError("give either four totals or four series of sub-period counts, not a mix")
    cells = totals + 0.5 if (totals == 0).any() else totals
    tb, ta, cb, ca = cells
    log_rr = math.log(ta / tb) - math.log(ca / cb)
    standard_error = math.sqrt(dispersion * float((1.0 / cells).sum()))
    z = float(norm.ppf(0.5 + level / 2))
    rr = math.exp(log_rr)
    low, high = math.exp(log_rr - z * standard_error), math.exp(log_rr + z * standard_error)
    p_value = float(2 * norm.sf(abs(log_rr) / standard_error))
    verdict_en, verdict_zh = _verdict(rr, low, high, level)
    return DifferenceInDifferences(
        rate_ratio=rr,
        interval_low=low,
        interval_high=high,
        confidence=level,
        percent_change=100 * (rr - 1),
        expected_treated_after=float(tb * ca / cb),
        observed_treated_after=float(totals[1]),
        count_difference=float((totals[1] - totals[0]) - (totals[3] - totals[2])),
        p_value=p_value,
        dispersion=dispersion,
        method=method,
        verdict_en=verdict_en,
        verdict_zh=verdict_zh,
    )
