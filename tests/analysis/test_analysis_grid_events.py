import numpy as np
import pandas as pd
import pytest

from precinct.analysis.events import (
    day_number,
    distinct_events,
    event_table_from_frame,
    read_events_csv,
)
from precinct.analysis.grid import grid_for_points
from precinct.core.errors import ValidationError
from precinct.geo.projection import projected_crs_for


def test_utm_zone_is_chosen_from_the_centroid():
    assert projected_crs_for(np.array([-79.4]), np.array([43.7])) == "EPSG:32617"
    assert projected_crs_for(np.array([114.3]), np.array([30.6])) == "EPSG:32650"
    assert projected_crs_for(np.array([151.2]), np.array([-33.9])) == "EPSG:32756"


def test_grid_cells_and_counts():
    grid = grid_for_points(np.array([0.0, 999.0]), np.array([0.0, 499.0]), cell_m=250, crs="EPSG:32617", margin_cells=0)
    assert (grid.n_cols, grid.n_rows) == (4, 2)
    cells = grid.cell_of(np.array([10.0, 260.0, 10.0, 5000.0]), np.array([10.0, 10.0, 260.0, 0.0]))
    assert cells.tolist() == [0, 1, 4, -1]
    assert grid.counts(cells).tolist() == [1, 1, 0, 0, 1, 0, 0, 0]
    with pytest.raises(ValidationError, match="cell_m"):
        grid_for_points(np.array([0.0]), np.array([0.0]), cell_m=0, crs="EPSG:32617")


def test_officer_initiated_events_are_excluded_by_default(frame):
    frame = frame.assign(source=np.where(np.arange(len(frame)) % 3 == 0, "officer_initiated", "call"))
    assert len(event_table_from_frame(frame)) == int(np.sum(np.arange(len(frame)) % 3 != 0))
    assert len(event_table_from_frame(frame, include_officer_initiated=True)) == len(frame)


def test_event_table_errors(frame):
    with pytest.raises(ValidationError, match="missing columns"):
        event_table_from_frame(frame.drop(columns=["lat"]))
    with pytest.raises(ValidationError, match="tz-aware"):
        event_table_from_frame(frame.assign(occurred_at=frame["occurred_at"].dt.tz_localize(None)))
    with pytest.raises(ValidationError, match="date"):
        day_number("not-a-date")


def test_local_days_and_sorting(frame):
    table = event_table_from_frame(frame)
    assert np.all(np.diff(table.time_h) >= 0)
    assert table.crs == "EPSG:32617"
    assert table.day.min() == day_number("2019-01-01")


def test_distinct_events_drops_exact_repeats(frame):
    doubled = pd.concat([frame, frame.iloc[:10]], ignore_index=True)
    assert len(distinct_events(event_table_from_frame(doubled))) == len(frame)


def test_read_events_csv_parses_offsets(tmp_path, frame):
    path = tmp_path / "events.csv"
    with_offsets = frame["occurred_at"].dt.strftime("%Y-%m-%dT%H:%M:%S%z").str.replace(r"(\d\d)$", r":\1", regex=True)
    frame.assign(occurred_at=with_offsets).to_csv(path, index=False)
    loaded = read_events_csv(path)
    assert isinstance(loaded["occurred_at"].dtype, pd.DatetimeTZDtype)
    zoned = read_events_csv(path, timezone="America/Toronto")
    assert (zoned["occurred_at"] == frame["occurred_at"]).all()
    with pytest.raises(ValidationError, match="does not exist"):
        read_events_csv(tmp_path / "missing.csv")
