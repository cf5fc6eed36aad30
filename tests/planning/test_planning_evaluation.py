"""Difference-in-differences and coverage shares."""

from __future__ import annotations

import math

import numpy as np
import pytest

from precinct.core.errors import ValidationError
from precinct.planning import coverage_by_threshold, difference_in_differences


def test_did_ratio_of_ratios_by_hand():
    result = difference_in_differences(100, 60, 200, 180)
    assert result.rate_ratio == pytest.approx((60 / 100) / (180 / 200))
    se = math.sqrt(1 / 100 + 1 / 60 + 1 / 200 + 1 / 180)
    assert result.interval_low == pytest.approx(result.rate_ratio * math.exp(-1.959963984540054 * se))
    assert result.expected_treated_after == pytest.approx(90.0)
    assert result.count_difference == pytest.approx(-40 - (-20))
    assert result.dispersion == 1.0


def test_did_detects_a_planted_reduction():
    rng = np.random.default_rng(1)
    weeks = 26
    treated_before = rng.poisson(40, weeks)
    comparison_before = rng.poisson(60, weeks)
    comparison_after = rng.poisson(60 * 1.1, weeks)  # city-wide trend +10%
    treated_after = rng.poisson(40 * 1.1 * 0.7, weeks)  # planted 30% reduction
    result = difference_in_differences(treated_before, treated_after, comparison_before, comparison_after)
    assert result.interval_high < 1.0
    assert result.interval_low < 0.7 < result.interval_high
    assert "fell" in result.verdict_en and "下降" in result.verdict_zh
    assert "quasi-Poisson" in result.method


def test_did_no_effect_gives_no_clear_evidence():
    rng = np.random.default_rng(2)
    weeks = 26
    result = difference_in_differences(
        rng.poisson(40, weeks), rng.poisson(44, weeks), rng.poisson(60, weeks), rng.poisson(66, weeks)
    )
    assert result.interval_low < 1.0 < result.interval_high
    assert result.verdict_en.startswith("No clear evidence")
    assert "没有明确证据" in result.verdict_zh


def test_did_overdispersion_widens_the_interval():
    calm = difference_in_differences([50, 50, 50, 50], [40, 40, 40, 40], [50, 50, 50, 50], [50, 50, 50, 50])
    noisy = difference_in_differences([10, 90, 20, 80], [70, 10, 60, 20], [90, 10, 80, 20], [20, 80, 10, 90])
    assert calm.dispersion == 1.0 and noisy.dispersion > 10
    assert noisy.interval_high / noisy.interval_low > calm.interval_high / calm.interval_low


def test_did_error_paths():
    with pytest.raises(ValidationError, match="treated_before must be a count"):
        difference_in_differences(-1, 2, 3, 4)
    with pytest.raises(ValidationError, match="whole counts"):
        difference_in_differences(1.5, 2, 3, 4)
    with pytest.raises(ValidationError, match="all four counts are zero"):
        difference_in_differences(0, 0, 0, 0)
    with pytest.raises(ValidationError, match="not a mix"):
        difference_in_differences([1, 2], 2, 3, 4)


def test_coverage_citywide_and_by_district():
    times = np.array([[30.0, 200.0, 400.0, np.inf], [90.0, 100.0, 250.0, 500.0]])
    report = coverage_by_threshold(times, weights=[1, 1, 2, 4], groups=["A", "A", "B", "B"])
    assert report.nearest_travel_time_s.tolist() == [30.0, 100.0, 250.0, 500.0]
    assert report.citywide_share == pytest.approx((1 / 8, 2 / 8, 4 / 8))
    assert report.group_labels == ("A", "B")
    np.testing.assert_allclose(report.group_share, [[0.5, 1.0, 1.0], [0.0, 0.0, 2 / 6]])
    assert report.to_dict()["groups"]["A"] == [0.5, 1.0, 1.0]


def test_coverage_error_paths():
    with pytest.raises(ValidationError, match="groups must have one label per demand cell"):
        coverage_by_threshold(np.ones((2, 3)), groups=["A"])
    with pytest.raises(ValidationError, match="thresholds_s must be > 0"):
        coverage_by_threshold(np.ones((2, 3)), thresholds_s=(0.0,))
