"""Erlang-B/C, staffing recommendation and the hypercube model against them."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from precinct.core.errors import ValidationError
from precinct.planning import (
    HypercubeModel,
    erlang_b,
    erlang_c,
    erlang_c_mean_wait_s,
    fewest_units,
    fewest_units_for_posts,
    queue_metrics,
)


def test_erlang_known_values():
    assert erlang_c(2, 3) == pytest.approx(4 / 9, abs=1e-12)  # 0.4444
    assert erlang_b(2, 3) == pytest.approx(4 / 19, abs=1e-12)  # (8/6) / (1 + 2 + 2 + 8/6)
    assert erlang_b(1, 1) == pytest.approx(0.5)
    assert erlang_c(5, 5) == 1.0
    # A = 2 erlangs from 4 calls/h x 30 min; N = 3: W_q = C / (N mu - lambda) = (4/9) / (3/1800 - 4/3600)
    assert erlang_c_mean_wait_s(4, 1800, 3) == pytest.approx((4 / 9) / (3 / 1800 - 4 / 3600))
    assert erlang_c_mean_wait_s(4, 1800, 2) == float("inf")


def test_queue_metrics_and_share_within_target():
    metrics = queue_metrics(4, 1800, 3, target_s=300, travel_time_s=60)
    drain = 3 / 1800 - 4 / 3600
    assert metrics.probability_wait == pytest.approx(4 / 9)
    assert metrics.utilisation == pytest.approx(2 / 3)
    assert metrics.share_within_target == pytest.approx(1 - (4 / 9) * np.exp(-drain * 240))
    assert metrics.to_dict()["units"] == 3


def test_fewest_units_is_the_least_meeting_the_target():
    recommendation = fewest_units([10, 30], 1800, target_share=0.9, target_s=300, travel_time_s=120)
    assert recommendation.units == (9, 20)
    for rate, units in zip((10, 30), recommendation.units, strict=True):
        assert queue_metrics(rate, 1800, units, target_s=300, travel_time_s=120).share_within_target >= 0.9
        assert queue_metrics(rate, 1800, units - 1, target_s=300, travel_time_s=120).share_within_target < 0.9


def _instance(units: int, atoms: int, load: float, seed: int = 1):
    rng = np.random.default_rng(seed)
    times = rng.uniform(30, 600, (units, atoms))
    rates = rng.uniform(0.5, 2.0, atoms)
    rates *= (load * units * 3600 / 1800) / rates.sum()  # load = erlangs per unit
    return times, rates


@pytest.mark.parametrize("units", [1, 3, 6])
def test_hypercube_loss_probability_equals_erlang_b(units):
    times, rates = _instance(units, 12, 0.7)
    result = HypercubeModel.from_cost_matrix(times, rates, 1800, queue="loss").solve(method="exact")
    load = rates.sum() * 1800 / 3600
    assert result.probability_lost == pytest.approx(erlang_b(load, units), abs=1e-10)
    assert result.unit_workload.sum() == pytest.approx(load * (1 - erlang_b(load, units)), abs=1e-9)


@pytest.mark.parametrize("units", [1, 3, 6])
def test_hypercube_infinite_queue_wait_equals_erlang_c(units):
    times, rates = _instance(units, 12, 0.7)
    result = HypercubeModel.from_cost_matrix(times, rates, 1800, queue="infinite").solve(method="exact")
    load = rates.sum() * 1800 / 3600
    assert result.probability_wait == pytest.approx(erlang_c(load, units), abs=1e-10)
    assert result.mean_wait_s == pytest.approx(erlang_c_mean_wait_s(rates.sum(), 1800, units), rel=1e-9)
    assert result.unit_workload.sum() == pytest.approx(load, abs=1e-9)
    assert result.dispatch_fraction.sum() == pytest.approx(1.0)


def test_hypercube_two_units_by_hand():
    # one atom, unit 0 preferred; loss model states {}, {0}, {1}, {0,1} with lambda = mu = 1/1800 s
    result = HypercubeModel.from_cost_matrix([[60.0], [240.0]], [2.0], 1800, queue="loss").solve()
    # total workload of a loss system is the carried load A (1 - B)
    assert result.unit_workload.sum() == pytest.approx(1 * (1 - erlang_b(1, 2)))
    # unit 0 (first choice) carries more than unit 1
    assert result.unit_workload[0] > result.unit_workload[1]
    assert result.dispatch_fraction[0, 0] > result.dispatch_fraction[1, 0]
    assert result.share_within_target == pytest.approx(1.0)


@pytest.mark.parametrize("queue", ["loss", "infinite"])
def test_larson_approximation_is_close_to_the_exact_model(queue):
    times, rates = _instance(8, 30, 0.6, seed=2)
    model = HypercubeModel.from_cost_matrix(times, rates, 1800, queue=queue)
    exact = model.solve(method="exact")
    approx = model.solve(method="approximate")
    assert np.abs(exact.unit_workload - approx.unit_workload).max() < 0.02
    assert approx.mean_response_time_s == pytest.approx(exact.mean_response_time_s, rel=0.03)
    assert approx.probability_wait == pytest.approx(exact.probability_wait, abs=1e-9)


def test_larson_approximation_scales_to_many_units():
    times, rates = _instance(200, 400, 0.5, seed=3)
    result = HypercubeModel.from_cost_matrix(times, rates, 1800).solve()
    assert result.method == "larson1975"
    assert result.unit_workload.mean() == pytest.approx(0.5, abs=1e-6)


def test_fewest_units_for_posts_adds_posts_until_target():
    rng = np.random.default_rng(4)
    times = rng.uniform(60, 400, (10, 20))
    units, result = fewest_units_for_posts(times, np.full(20, 0.2), 1800, target_share=0.8, target_s=420)
    assert result.share_within_target >= 0.8
    if units > 1:
        smaller = HypercubeModel.from_cost_matrix(times[: units - 1], np.full(20, 0.2), 1800)
        with contextlib.suppress(ValidationError):
            assert smaller.solve(target_s=420).share_within_target < 0.8


def test_queueing_error_paths():
    with pytest.raises(ValidationError, match="units must be a whole number"):
        erlang_b(1.0, 0)
    with pytest.raises(ValidationError, match=r"travel_time_s .* must be below target_s"):
        fewest_units(10, 1800, travel_time_s=400, target_s=300)
    with pytest.raises(ValidationError, match="target_share must be below 1"):
        fewest_units(10, 1800, target_share=1.0)
    with pytest.raises(ValidationError, match="offered load exceeds capacity"):
        HypercubeModel.from_cost_matrix([[1.0]], [10.0], 1800).solve()
    with pytest.raises(ValidationError, match="each preference row must list every unit"):
        HypercubeModel.from_cost_matrix([[1.0], [2.0]], [1.0], 1800, preference=[[0, 0]])
    with pytest.raises(ValidationError, match="queue must be one of"):
        HypercubeModel.from_cost_matrix([[1.0]], [1.0], 1800, queue="lifo")
    with pytest.raises(ValidationError, match="use method='approximate'"):
        HypercubeModel.from_cost_matrix(np.ones((17, 1)), [1.0], 1800).solve(method="exact")
