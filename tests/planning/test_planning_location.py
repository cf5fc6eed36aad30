"""Post placement: MCLP and LSCP on hand-checkable instances, greedy baseline, spopt agreement."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from precinct.core.errors import ValidationError
from precinct.planning import (
    MaximalCoveringModel,
    SetCoveringModel,
    coverage_matrix_from_travel_times,
    greedy_maximal_covering,
)

NEAR, FAR = 5.0, 100.0


def _travel(covers: list[set[int]], n_demand: int) -> np.ndarray:
    times = np.full((len(covers), n_demand), FAR)
    for site, cells in enumerate(covers):
        times[site, sorted(cells)] = NEAR
    return times


# site 0 -> cells 0,1,2 (weight 11); site 1 -> 2,3 (5); site 2 -> 3,4,5 (10); site 3 -> 0,5 (8); cell 6 unreachable
COVERS = [{0, 1, 2}, {2, 3}, {3, 4, 5}, {0, 5}]
WEIGHTS = np.array([5, 5, 1, 4, 3, 3, 2], dtype=float)
TIMES = _travel(COVERS, 7)


def test_mclp_known_optimum_one_and_two_sites():
    one = MaximalCoveringModel.from_cost_matrix(TIMES, 1, 10.0, weights=WEIGHTS).solve()
    assert one.chosen_sites.tolist() == [0]
    assert one.covered_weight == pytest.approx(11.0)
    two = MaximalCoveringModel.from_cost_matrix(TIMES, 2, 10.0, weights=WEIGHTS).solve()
    assert two.chosen_sites.tolist() == [0, 2]
    assert two.covered_weight == pytest.approx(21.0)
    assert two.covered_share == pytest.approx(21.0 / 23.0)
    assert two.coverable_share == pytest.approx(21.0 / 23.0)
    assert two.is_optimal and two.mip_gap <= 1e-6 and two.solve_s >= 0


def test_lscp_fewest_sites_cover_all_coverable_demand():
    result = SetCoveringModel.from_cost_matrix(TIMES, 10.0, weights=WEIGHTS).solve()
    assert result.site_count == 2
    assert result.chosen_sites.tolist() == [0, 2]
    assert result.covered_share == pytest.approx(result.coverable_share)
    assert result.objective_bound == pytest.approx(2.0)


def test_greedy_is_beaten_by_the_optimum_on_a_trap_instance():
    # site 0 covers four unit cells; sites 1 and 2 split them and each adds a 0.9 cell
    times = _travel([{0, 1, 2, 3}, {0, 1, 4}, {2, 3, 5}], 6)
    weights = np.array([1, 1, 1, 1, 0.9, 0.9])
    greedy = greedy_maximal_covering(times, 2, 10.0, weights=weights)
    optimal = MaximalCoveringModel.from_cost_matrix(times, 2, 10.0, weights=weights).solve()
    assert greedy.chosen_sites[0] == 0 and greedy.covered_weight == pytest.approx(4.9)
    assert np.isnan(greedy.mip_gap) and greedy.status == "greedy"
    assert optimal.chosen_sites.tolist() == [1, 2]
    assert optimal.covered_weight == pytest.approx(5.8)


def test_random_instance_optimum_dominates_greedy_and_time_limit_reports_gap():
    rng = np.random.default_rng(5)
    sites, cells = rng.uniform(0, 10_000, (60, 2)), rng.uniform(0, 10_000, (400, 2))
    times = np.hypot(*(sites[:, None, :] - cells[None, :, :]).transpose(2, 0, 1)) / 10.0  # 10 m/s
    weights = rng.integers(1, 20, 400).astype(float)
    model = MaximalCoveringModel.from_cost_matrix(times, 6, 150.0, weights=weights)
    optimal = model.solve()
    greedy = model.greedy()
    assert optimal.covered_weight >= greedy.covered_weight - 1e-9
    assert optimal.covered_weight <= optimal.objective_bound * (1 + 1e-6) + 1e-9
    assert optimal.site_count == 6
    limited = model.solve(time_limit_s=0.01)
    assert limited.status in {"optimal", "time_limit"}
    assert limited.mip_gap >= 0.0 and limited.site_count == 6


def test_mclp_matches_spopt():
    pulp = pytest.importorskip("pulp")
    spopt_locate = pytest.importorskip("spopt.locate")
    rng = np.random.default_rng(0)
    times = rng.uniform(0, 600, (30, 200))
    weights = rng.integers(1, 10, 200).astype(float)
    ours = MaximalCoveringModel.from_cost_matrix(times, 5, 120.0, weights=weights).solve()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pulp 3.3 deprecation warnings inside spopt
        theirs = spopt_locate.MCLP.from_cost_matrix(times.T, weights, service_radius=120, p_facilities=5)
        theirs = theirs.solve(pulp.PULP_CBC_CMD(msg=False))
    their_sites = np.array([site for site in range(30) if theirs.fac2cli[site]])
    covered = coverage_matrix_from_travel_times(times[their_sites], 120.0)
    their_weight = weights[np.asarray(covered.sum(axis=1)).ravel() > 0].sum()
    assert ours.covered_weight == pytest.approx(their_weight)


def test_location_error_paths():
    with pytest.raises(ValidationError, match="site_count must lie between 1 and the 4"):
        MaximalCoveringModel.from_cost_matrix(TIMES, 5, 10.0)
    with pytest.raises(ValidationError, match="weights must have length 7"):
        MaximalCoveringModel.from_cost_matrix(TIMES, 1, 10.0, weights=[1, 2])
    with pytest.raises(ValidationError, match="threshold_s must be a finite number > 0"):
        SetCoveringModel.from_cost_matrix(TIMES, -1)
    with pytest.raises(ValidationError, match="negative travel times"):
        MaximalCoveringModel.from_cost_matrix(-TIMES, 1, 10.0)
    with pytest.raises(ValidationError, match="NaN"):
        MaximalCoveringModel.from_cost_matrix(np.full((2, 2), np.nan), 1, 10.0)
    with pytest.raises(ValidationError, match="site_count must be an integer"):
        MaximalCoveringModel.from_cost_matrix(TIMES, 1.5, 10.0)
