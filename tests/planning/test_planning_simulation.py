"""Discrete-event simulator: agreement with Erlang-C and the hypercube, priorities, shifts."""

from __future__ import annotations

import numpy as np
import pytest

from precinct.core.errors import ValidationError
from precinct.planning import (
    Deployment,
    HypercubeModel,
    IncidentStream,
    erlang_c,
    erlang_c_mean_wait_s,
    simulate_incidents,
    synthetic_incidents,
)


def test_simulator_agrees_with_erlang_c():
    # M/M/5 with A = 4 erlangs: 16 calls/h, 15 min service, zero travel; 20,000 seeded calls
    calls, rate_per_h, service_s, units = 20_000, 16.0, 900.0, 5
    incidents = synthetic_incidents(calls, 1, horizon_s=calls / rate_per_h * 3600, mean_service_s=service_s,
                                    priority_shares=(1.0,), seed=11)
    report = simulate_incidents(incidents, Deployment.from_arrays(np.zeros(units, dtype=int)), np.zeros((1, 1)),
                                return_to_post=False)
    # tolerance: +-0.03 absolute on P(wait), +-15% on mean wait (sampling error of one seeded run)
    assert report.share_queued == pytest.approx(erlang_c(4.0, units), abs=0.03)
    assert report.mean_wait_s == pytest.approx(erlang_c_mean_wait_s(rate_per_h, service_s, units), rel=0.15)
    assert report.unit_utilisation.mean() == pytest.approx(0.8, abs=0.03)
    assert report.unserved_calls == 0


def test_simulator_workloads_agree_with_hypercube():
    rng = np.random.default_rng(3)
    times = rng.uniform(5, 30, (4, 6))  # travel tiny against a 30-minute service
    cell_rates = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 0.6])  # calls per hour
    calls = 20_000
    horizon_s = calls / cell_rates.sum() * 3600
    incidents = synthetic_incidents(calls, 6, horizon_s=horizon_s, mean_service_s=1800, priority_shares=(1.0,),
                                    cell_weights=cell_rates, seed=5)
    report = simulate_incidents(incidents, Deployment.from_arrays(np.arange(4)), times, return_to_post=False)
    exact = HypercubeModel.from_cost_matrix(times, cell_rates, 1800).solve(method="exact")
    # tolerance: 0.03 absolute per unit workload
    assert np.abs(report.unit_utilisation - exact.unit_workload).max() < 0.03
    assert report.share_queued == pytest.approx(exact.probability_wait, abs=0.03)


def test_priority_one_jumps_the_queue_and_units_return_to_post():
    # one unit; three calls at t = 0, 10, 20 s in cell 0; the third is priority 1
    incidents = IncidentStream.from_arrays([0.0, 10.0, 20.0], [0, 0, 0], [100.0, 100.0, 100.0], priority=[2, 2, 1])
    report = simulate_incidents(incidents, Deployment.from_arrays([0]), np.array([[50.0]]))
    # call 0: travel 50, busy to 150 then returning; the priority-1 call goes next, from "post + 50 s back"
    assert report.response_time_s[0] == pytest.approx(50.0)
    assert report.wait_s[2] == pytest.approx(150.0 - 20.0)
    assert report.response_time_s[2] == pytest.approx(130.0 + 50.0 + 50.0)
    assert report.wait_s[1] > report.wait_s[2]
    assert report.max_queue_length == 2
    assert [stats.priority for stats in report.by_priority] == [1, 2]


def test_shifts_and_callable_travel_times():
    incidents = IncidentStream.from_arrays([10.0, 3_700.0], [1, 1], [60.0, 60.0])
    deployment = Deployment.from_arrays([0, 1], shift_start_s=[0.0, 3_600.0], shift_end_s=[3_600.0, 7_200.0])
    matrix = np.array([[100.0, 200.0], [100.0, 30.0]])
    report = simulate_incidents(incidents, deployment, lambda cell: matrix[:, cell], post_count=2)
    assert report.unit.tolist() == [0, 1]
    assert report.response_time_s.tolist() == [200.0, 30.0]
    assert report.overall.share_within == (0.5, 0.5, 1.0)


def test_queued_call_waits_for_the_next_shift():
    incidents = IncidentStream.from_arrays([0.0], [0], [60.0])
    deployment = Deployment.from_arrays([0], shift_start_s=100.0, shift_end_s=200.0)
    report = simulate_incidents(incidents, deployment, np.array([[10.0]]))
    assert report.wait_s[0] == pytest.approx(100.0)


def test_one_day_of_many_incidents_runs_quickly():
    rng = np.random.default_rng(0)
    times = rng.uniform(30, 900, (50, 500)).astype(np.float32)
    incidents = synthetic_incidents(3_000, 500, seed=1)
    report = simulate_incidents(incidents, Deployment.from_arrays(np.arange(150) % 50), times)
    assert report.overall.calls == 3_000 and report.unserved_calls == 0
    assert report.wall_s < 5.0


def test_simulation_error_paths():
    with pytest.raises(ValidationError, match="cell must be 2 non-negative integers"):
        IncidentStream.from_arrays([0.0, 1.0], [0, -1], [1.0, 1.0])
    with pytest.raises(ValidationError, match="priority must be 1 integers >= 1"):
        IncidentStream.from_arrays([0.0], [0], [1.0], priority=[0])
    with pytest.raises(ValidationError, match="shift_end_s must be after"):
        Deployment.from_arrays([0], shift_start_s=10.0, shift_end_s=5.0)
    incidents = IncidentStream.from_arrays([0.0], [3], [1.0])
    with pytest.raises(ValidationError, match="incident cell 3 is outside"):
        simulate_incidents(incidents, Deployment.from_arrays([0]), np.ones((1, 2)))
    with pytest.raises(ValidationError, match="unit_post refers to post 4"):
        simulate_incidents(incidents, Deployment.from_arrays([4]), np.ones((1, 5)))
    with pytest.raises(ValidationError, match="post_count is required"):
        simulate_incidents(incidents, Deployment.from_arrays([0]), lambda cell: np.ones(1))
