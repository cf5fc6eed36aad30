"""The boosted forecaster: refits only on labels that end before the refit day, features from the past only."""

import numpy as np
import pandas as pd

from precinct.analysis.boosted import BoostedForecaster
from precinct.analysis.evaluation import study_setup
from precinct.analysis.events import day_number, event_table_from_frame

FAST = {"train_days": 42, "train_step_days": 7, "target_days": 7, "n_trees": 15, "n_threads": 1, "min_rows_in_leaf": 5}


def _planted_on(frame: pd.DataFrame, date: str, n: int = 40) -> pd.DataFrame:
    """``frame`` plus ``n`` Burglary rows at noon on ``date`` in the cell of its first event."""
    when = pd.Timestamp(date, tz="America/Toronto") + pd.Timedelta(hours=12)
    planted = pd.DataFrame({"id": [f"P{i}" for i in range(n)], "occurred_at": when, "category": "Burglary",
                            "premises_type": "House", "lat": frame["lat"].iloc[0], "lon": frame["lon"].iloc[0]})
    return pd.concat([frame, planted], ignore_index=True)


def test_training_labels_end_before_the_refit_day(frame):
    table = event_table_from_frame(frame)
    day = day_number("2019-04-20")
    setup = study_setup(table, category="Burglary", start_day=day, cell_m=250)
    forecaster = BoostedForecaster(setup.grid, **FAST)
    origins = forecaster.training_origins(setup.history.before_day(day), day)
    assert origins and max(origins) + forecaster.target_days <= day
    assert np.all(np.diff(origins) == forecaster.train_step_days)


def test_monthly_refit_never_uses_later_events(frame):
    """Events planted on the last of several days served by one fit change no forecast of any day."""
    start = day_number("2019-04-18")
    days = [start, start + 1, start + 2]
    outputs = []
    for events in (frame, _planted_on(frame, "2019-04-20")):
        setup = study_setup(event_table_from_frame(events), category="Burglary", start_day=start, cell_m=250)
        forecaster = BoostedForecaster(setup.grid, refit_every_days=30, **FAST)
        outputs.append([forecaster.predict(setup.history.before_day(day), day) for day in days])
        assert forecaster._fitted_on == start  # one fit served all three days
    for base, leaky in zip(*outputs, strict=True):
        np.testing.assert_array_equal(base, leaky)


def test_features_are_a_function_of_the_history_only(frame):
    """A builder that saw another (longer) table gives the same matrix as a fresh one."""
    day = day_number("2019-04-10")
    other = study_setup(event_table_from_frame(_planted_on(frame, "2019-03-01")), category="Burglary",
                        start_day=day, cell_m=250)
    setup = study_setup(event_table_from_frame(frame), category="Burglary", start_day=day, cell_m=250)
    used = BoostedForecaster(setup.grid, **FAST).builder
    used.features(other.history.before_day(day), day)
    fresh = BoostedForecaster(setup.grid, **FAST).builder
    past = setup.history.before_day(day)
    np.testing.assert_array_equal(used.features(past, day), fresh.features(past, day))


def test_repeated_offence_rows_of_one_incident_count_once(frame):
    day = day_number("2019-04-10")
    repeated = pd.concat([frame, frame.iloc[[5, 5, 5]].assign(id=["R1", "R2", "R3"])], ignore_index=True)
    matrices = []
    for events in (frame, repeated):
        setup = study_setup(event_table_from_frame(events), category="Burglary", start_day=day, cell_m=250)
        matrices.append(BoostedForecaster(setup.grid, **FAST).builder.features(setup.history.before_day(day), day))
    np.testing.assert_array_equal(*matrices)
