import numpy as np
import pandas as pd
import pytest
from analysis_support import offset_to_lonlat, synthetic_frame

from precinct.analysis.events import event_table_from_frame
from precinct.analysis.grid import SquareGrid
from precinct.analysis.hotspots import gi_star_hotspots, gi_star_on_grid
from precinct.analysis.near_repeat import knox_test
from precinct.analysis.repeats import repeat_call_places
from precinct.analysis.series import link_series
from precinct.analysis.spikes import spike_alerts_for_areas, spike_tests
from precinct.core.errors import ValidationError


def test_gi_star_finds_a_planted_cluster():
    rng = np.random.default_rng(0)
    grid = SquareGrid("EPSG:32617", 0.0, 0.0, 100.0, 15, 15)
    image = rng.poisson(1.0, grid.shape).astype(float)
    image[6:9, 6:9] += 8  # 3 x 3 block of high counts
    result = gi_star_on_grid(image.ravel(), grid, permutations=199, alpha=0.01, seed=1)
    assert result.hot_cells()[0] == 7 * 15 + 7
    assert set(result.hot_cells()) >= {7 * 15 + 7}
    assert result.hot.sum() <= 25
    with pytest.raises(ValidationError, match="same count"):
        gi_star_on_grid(np.ones(grid.n_cells), grid)


def test_gi_star_on_events(frame):
    result = gi_star_hotspots(event_table_from_frame(frame), cell_m=250, permutations=99)
    assert result.hot.any()
    assert int(result.hot_cells()[0]) == int(np.argmax(result.counts)) or result.counts[result.hot_cells()[0]] > 20


def _random_points(n, rng):
    return rng.uniform(0, 5000, n), rng.uniform(0, 5000, n), rng.uniform(0, 365, n)


def test_knox_not_significant_on_random_data():
    x, y, t = _random_points(600, np.random.default_rng(2))
    result = knox_test(x, y, t, distance_edges_m=(200, 400), time_edges_days=(7, 14), n_permutations=99, seed=3)
    assert result.observed.shape == (2, 2)
    assert np.all(result.p_value > 0.01)


def test_knox_significant_on_planted_near_repeats():
    rng = np.random.default_rng(4)
    x, y, t = _random_points(600, rng)
    parents = rng.choice(600, 120, replace=False)
    x = np.concatenate([x, x[parents] + rng.normal(0, 50, 120)])
    y = np.concatenate([y, y[parents] + rng.normal(0, 50, 120)])
    t = np.concatenate([t, t[parents] + rng.uniform(0, 5, 120)])
    result = knox_test(x, y, t, distance_edges_m=(200, 400), time_edges_days=(7, 14), n_permutations=99, seed=5)
    assert result.p_value[0, 0] == pytest.approx(0.01)
    assert result.ratio[0, 0] > 2
    with pytest.raises(ValidationError, match="distance_edges_m"):
        knox_test(x, y, t, distance_edges_m=(200, 100))


def test_spikes_rare_on_stationary_poisson_and_found_on_a_jump():
    rng = np.random.default_rng(6)
    runs = [spike_tests(rng.poisson(3.0, (40, 27)), alpha=0.05) for _ in range(200)]
    false_alarm_runs = sum(any(alert.alarm for alert in run) for run in runs)
    assert false_alarm_runs / 200 <= 0.05 + 0.03  # at most alpha (plus Monte Carlo slack)
    counts = rng.poisson(3.0, (40, 27))
    counts[17, -1] = 16
    alerts = spike_tests(counts, alpha=0.05, areas=[f"area-{i}" for i in range(40)])
    assert alerts[0].area == "area-17" and alerts[0].alarm
    assert sum(a.alarm for a in alerts) == 1


def test_negative_binomial_spikes_and_errors():
    rng = np.random.default_rng(7)
    counts = rng.negative_binomial(2, 0.4, (30, 27)).astype(float)
    runs_alarm = any(a.alarm for a in spike_tests(counts, method="negative_binomial"))
    counts[3, -1] = 60
    alerts = spike_tests(counts, method="negative_binomial")
    assert alerts[0].area == "3" and alerts[0].alarm
    assert isinstance(runs_alarm, bool)
    with pytest.raises(ValidationError, match="method"):
        spike_tests(counts, method="gaussian")


def test_spike_alerts_for_areas_from_events():
    frame = synthetic_frame(days=182, n_background=1500, n_hotspot=0, seed=8)
    frame["area"] = np.where(frame["lon"] < -79.40, "west", "east")
    surge = frame.iloc[:60].copy()
    surge["occurred_at"] = pd.Timestamp("2019-06-28", tz="America/Toronto")
    surge["area"] = "west"
    alerts = spike_alerts_for_areas(pd.concat([frame, surge]), area_column="area", as_of="2019-07-01", window_days=7)
    assert alerts[0].area == "west" and alerts[0].alarm
    assert not alerts[1].alarm


def test_repeat_call_places_with_trend_and_mix():
    rng = np.random.default_rng(9)
    base = synthetic_frame(n_background=300, n_hotspot=0, days=90, seed=9)
    lon, lat = offset_to_lonlat(np.array([500.0]), np.array([500.0]))
    hot = pd.DataFrame({
        "occurred_at": pd.Timestamp("2019-03-01", tz="America/Toronto") + pd.to_timedelta(rng.integers(0, 30 * 24, 12),
                                                                                          unit="h"),
        "category": ["Burglary"] * 9 + ["Robbery"] * 3, "lat": lat[0], "lon": lon[0],
    })
    places = repeat_call_places(pd.concat([base, hot], ignore_index=True), as_of="2019-04-01", window_days=60,
                                min_calls=6)
    assert len(places) == 1
    place = places[0]
    assert place.n_calls >= 12 and place.trend == "rising"
    assert place.category_mix["Burglary"] > place.category_mix["Robbery"]
    with pytest.raises(ValidationError, match="missing"):
        repeat_call_places(base.drop(columns=["lat"]), as_of="2019-04-01")


def test_series_linking_ranks_the_planted_series_first():
    frame = synthetic_frame(n_background=400, n_hotspot=0, days=60, seed=10)
    frame["method"] = np.random.default_rng(10).choice(["forced door", "smashed window", "unlocked"], len(frame))
    lon, lat = offset_to_lonlat(np.array([0.0, 80.0, 150.0, 60.0]), np.array([0.0, 40.0, -30.0, 120.0]))
    series = pd.DataFrame({
        "id": ["S1", "S2", "S3", "S4"],
        "occurred_at": pd.Timestamp("2019-02-01", tz="America/Toronto") + pd.to_timedelta([0, 30, 70, 100], unit="h"),
        "category": "Burglary", "premises_type": "House", "lat": lat, "lon": lon,
        "method": "rear window pried with screwdriver jewellery taken",
    })
    links = link_series(pd.concat([frame, series], ignore_index=True), method_column="method")
    assert set(links.series[0].incidents) == {"S1", "S2", "S3", "S4"}
    assert links.series[0].score > 2 * links.series[1].score
    assert all(p.score <= links.pairs[0].score for p in links.pairs)
    with pytest.raises(ValidationError, match="missing"):
        link_series(frame, method_column="narrative")
