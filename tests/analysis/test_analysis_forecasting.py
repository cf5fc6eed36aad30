import numpy as np
import pandas as pd
import pytest
from analysis_support import offset_to_lonlat

from precinct.analysis.evaluation import evaluate_forecast, score_rankings, study_setup
from precinct.analysis.events import day_number, event_table_from_frame
from precinct.analysis.methods import make_forecaster
from precinct.analysis.sepp import fit_self_exciting
from precinct.core.errors import ValidationError
from precinct.geo.projection import lonlat_to_xy

FAST_BOOSTED = {"train_days": 42, "train_step_days": 7, "target_days": 7, "n_trees": 15, "n_threads": 1,
                "min_rows_in_leaf": 5, "holiday_country": "CA", "holiday_subdivision": "ON"}
OPTIONS = {"boosted": FAST_BOOSTED, "ensemble": FAST_BOOSTED, "best": FAST_BOOSTED,
           "sepp": {"history_days": 90, "n_iterations": 10}}


def test_hit_rate_and_pai_on_a_hand_computed_example():
    # 4 cells, 2 days. Day 1 flags cell 0 (1 of its 3 events hit), day 2 flags cell 3 (2 of 2 hit).
    scores = np.array([[0.9, 0.1, 0.2, 0.0], [0.0, 0.5, 0.1, 0.7]])
    actual = np.array([[1, 2, 0, 0], [0, 0, 0, 2]])
    result = score_rankings(scores, actual, coverages=(0.25, 0.5), missed=np.array([1, 0]))
    # 25 %: k = 1; hits = 1 + 2 = 3 of 6 events (one outside the study area) -> HR 0.5, PAI 0.5 / 0.25 = 2
    assert result[0.25].n_flagged_cells == 1
    assert result[0.25].hit_rate == pytest.approx(0.5)
    assert result[0.25].pai == pytest.approx(2.0)
    # 50 %: day 1 cells {0, 2} -> 1 hit; day 2 cells {3, 1} -> 2 hits; HR 3/6, PAI 1
    assert result[0.5].hit_rate == pytest.approx(0.5)
    assert result[0.5].pai == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["naive_all", "naive_365d", "naive_28d", "kde", "prospective", "sepp", "boosted",
                                    "ensemble", "best"])
def test_planted_hotspot_is_ranked_top(method, frame):
    table = event_table_from_frame(frame)
    day = day_number("2019-04-25")
    setup = study_setup(table, category="all", start_day=day, cell_m=250)
    scores = make_forecaster(method, setup.grid, **OPTIONS.get(method, {})).predict(setup.history.before_day(day), day)
    past = setup.history.before_day(day)
    densest_cell = int(np.argmax(setup.grid.counts(past.cells)))
    x_m, y_m = setup.grid.centres_m(np.array([densest_cell]))
    lon, lat = offset_to_lonlat(np.array([1200.0]), np.array([-800.0]))
    planted_x, planted_y = lonlat_to_xy(table.crs, lon, lat)
    assert np.hypot(x_m[0] - planted_x[0], y_m[0] - planted_y[0]) < 250  # the densest cell is the planted one
    assert int(np.argmax(scores)) == densest_cell


@pytest.mark.parametrize("method", ["naive_all", "naive_28d", "kde", "prospective", "sepp", "boosted"])
def test_rolling_evaluation_never_sees_the_test_day(method, frame):
    """Events planted only on the test day must not change the forecast for that day."""
    table = event_table_from_frame(frame)
    base = evaluate_forecast(table, method=method, start="2019-04-20", n_days=1, options=OPTIONS.get(method))
    planted = frame.iloc[:0].copy()
    for offset in range(1):
        n = 40
        lon, lat = np.full(n, frame["lon"].iloc[0]), np.full(n, frame["lat"].iloc[0])  # a cell with old events
        when = pd.Timestamp("2019-04-20", tz="America/Toronto") + pd.Timedelta(days=offset, hours=12)
        planted = pd.concat([planted, pd.DataFrame({"id": [f"P{offset}-{i}" for i in range(n)], "occurred_at": when,
                                                    "category": "Burglary", "premises_type": "House", "lat": lat,
                                                    "lon": lon})])
    leaky = event_table_from_frame(pd.concat([frame, planted], ignore_index=True))
    # the planted cell is in the study area (an old event there), so a leak would flag it and score 40 hits
    with_plant = evaluate_forecast(leaky, method=method, start="2019-04-20", n_days=1, options=OPTIONS.get(method))
    for coverage, score in with_plant.coverage.items():
        assert score.hits == base.coverage[coverage].hits
        assert score.events == base.coverage[coverage].events + 40


def test_evaluation_result_shape_and_errors(frame):
    result = evaluate_forecast(frame, method="naive_all", category="Burglary", start="2019-04-01", n_days=5)
    payload = result.to_dict()
    assert set(payload["coverage"]) == {"0.01", "0.05", "0.1"}
    assert payload["n_cells"] > 0 and payload["cell_m"] == 250.0
    assert payload["coverage"]["0.05"]["pai"] > 5
    with pytest.raises(ValidationError, match="method"):
        evaluate_forecast(frame, method="oracle", start="2019-04-01", n_days=5)
    with pytest.raises(ValidationError, match="category"):
        evaluate_forecast(frame, method="naive_all", category="Arson", start="2019-04-01", n_days=5)
    with pytest.raises(ValidationError, match="start"):
        evaluate_forecast(frame, method="naive_all", start="2018-01-01", n_days=5)


def test_sepp_recovers_self_excitation():
    rng = np.random.default_rng(1)
    # background: 400 events over 200 days uniformly in 4 km^2; each spawns ~0.5 offspring within a day nearby
    n = 400
    t = rng.uniform(0, 200 * 24, n)
    x, y = rng.uniform(0, 2000, n), rng.uniform(0, 2000, n)
    parents = rng.random(n) < 0.5
    t2 = t[parents] + rng.exponential(24.0, parents.sum())
    x2, y2 = x[parents] + rng.normal(0, 30, parents.sum()), y[parents] + rng.normal(0, 30, parents.sum())
    order = np.argsort(np.concatenate([t, t2]))
    times, xs, ys = np.concatenate([t, t2])[order], np.concatenate([x, x2])[order], np.concatenate([y, y2])[order]
    from precinct.analysis.grid import grid_for_points

    grid = grid_for_points(xs, ys, cell_m=100, crs="EPSG:32617")
    fit = fit_self_exciting(times, xs, ys, grid, span_h=200 * 24.0, background_bandwidth_m=200)
    assert 0.2 < fit.theta < 0.6
    assert 10 < 1 / fit.omega_per_h < 60
    assert 15 < fit.sigma_m < 60
