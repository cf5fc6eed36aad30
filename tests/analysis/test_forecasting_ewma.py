"""Known-answer tests for the exponentially weighted rate forecaster (``ewma``)."""

import numpy as np
import pandas as pd
import pytest
from analysis_support import offset_to_lonlat

from precinct.analysis.evaluation import study_setup
from precinct.analysis.events import day_number, event_table_from_frame
from precinct.analysis.forecasting import ExponentialRateForecaster
from precinct.analysis.methods import make_forecaster
from precinct.core.errors import ValidationError


def _frame(rows):
    """rows: (date, hour, category, x_m, y_m)."""
    x = np.array([r[3] for r in rows], dtype=float)
    y = np.array([r[4] for r in rows], dtype=float)
    lon, lat = offset_to_lonlat(x, y)
    when = [pd.Timestamp(r[0], tz="America/Toronto") + pd.Timedelta(hours=r[1]) for r in rows]
    return pd.DataFrame({"occurred_at": when, "category": [r[2] for r in rows], "lat": lat, "lon": lon})


# three places 1 km apart (cells A, B, C of a 250 m grid)
ROWS = [
    ("2019-01-01", 10, "Burglary", 125.0, 125.0),   # A, 100 days before the forecast day
    ("2019-01-01", 10, "Burglary", 125.0, 125.0),   # exact repeat of the same incident (second offence row)
    ("2019-03-12", 9, "Burglary", 1125.0, 125.0),   # B, 30 days before
    ("2019-03-12", 9, "Robbery", 1125.0, 125.0),    # B, other category, same time and place: distinct
    ("2019-04-01", 8, "Robbery", 125.0, 1125.0),    # C, 10 days before, other category only
    ("2019-04-11", 8, "Burglary", 125.0, 125.0),    # on the forecast day itself: must not be seen
]


def test_ewma_matches_hand_computed_scores():
    table = event_table_from_frame(_frame(ROWS))
    day = day_number("2019-04-11")
    setup = study_setup(table, category="Burglary", start_day=day, cell_m=250.0)
    grid, history = setup.grid, setup.history.before_day(day)
    h, beta = 50.0, 0.5
    forecaster = ExponentialRateForecaster(grid, half_life_days=h, borrow=beta)
    scores = forecaster.predict(history, day)
    cells = grid.cell_of(table.x_m, table.y_m)          # rows stay in time order: A, A, B, B, C, A
    cell = {"A": int(cells[0]), "B": int(cells[2]), "C": int(cells[4])}
    assert len(set(cell.values())) == 3 and cells[1] == cells[0] and cells[3] == cells[2]
    # target sums (the repeated row counts once): A = 2^-2, B = 2^-0.6, C = 0
    target = {"A": 2 ** (-100 / h), "B": 2 ** (-30 / h), "C": 0.0}
    every = {"A": 2 ** (-100 / h), "B": 2 * 2 ** (-30 / h), "C": 2 ** (-10 / h)}
    share = sum(target.values()) / sum(every.values())
    for name in cell:
        assert scores[cell[name]] == pytest.approx(target[name] + beta * share * every[name], rel=1e-12)
    others = np.delete(scores, list(cell.values()))
    assert np.all(others == 0)
    # C has no burglary of its own but borrows from its recent robbery; the recent B outranks the old A
    assert scores[cell["C"]] > 0 and scores[cell["B"]] > scores[cell["A"]]


def test_ewma_incremental_equals_fresh_and_counts_repeats_when_asked():
    table = event_table_from_frame(_frame(ROWS))
    day = day_number("2019-04-11")
    setup = study_setup(table, category="Burglary", start_day=day, cell_m=250.0)
    rolling = ExponentialRateForecaster(setup.grid, half_life_days=30.0, borrow=0.2)
    for d in range(day_number("2019-01-01"), day + 1):          # daily updates, then the last day
        last = rolling.predict(setup.history.before_day(d), d)
    fresh = ExponentialRateForecaster(setup.grid, half_life_days=30.0,
                                      borrow=0.2).predict(setup.history.before_day(day), day)
    np.testing.assert_allclose(last, fresh, rtol=1e-10)
    raw = ExponentialRateForecaster(setup.grid, half_life_days=30.0, borrow=0.0, distinct=False)
    a = int(setup.grid.cell_of(table.x_m[:1], table.y_m[:1])[0])
    assert raw.predict(setup.history.before_day(day), day)[a] == pytest.approx(2 * 2 ** (-100 / 30.0))


def test_ewma_registry_and_validation(frame):
    table = event_table_from_frame(frame)
    setup = study_setup(table, category="all", start_day=int(table.day[-1]), cell_m=250.0)
    assert make_forecaster("ewma", setup.grid).name == "ewma"
    with pytest.raises(ValidationError):
        ExponentialRateForecaster(setup.grid, half_life_days=0)
    with pytest.raises(ValidationError):
        ExponentialRateForecaster(setup.grid, borrow=-1)
