import json

import numpy as np
import pytest
import shapely
from typer.testing import CliRunner

from precinct.analysis.events import event_table_from_frame
from precinct.analysis.operational import (
    district_flag_shares,
    forecast_next_day,
    forecast_to_geojson,
)
from precinct.cli.forecast import app

runner = CliRunner()


def test_forecast_to_geojson_lists_top_cells(frame):
    table = event_table_from_frame(frame)
    forecast = forecast_next_day(table, method="naive_all", cell_m=250)
    collection = forecast_to_geojson(forecast, coverage=0.05)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == int(np.ceil(0.05 * forecast.cells.size))
    assert [f["properties"]["rank"] for f in features] == list(range(1, len(features) + 1))
    ring = np.array(features[0]["geometry"]["coordinates"][0])
    assert ring.shape == (5, 2) and -80 < ring[0, 0] < -79 and 43 < ring[0, 1] < 44
    last_day = frame["occurred_at"].max().date()
    assert features[0]["properties"]["valid_for"] == (last_day + __import__("datetime").timedelta(days=1)).isoformat()
    hotspot = shapely.Polygon(ring)
    planted = shapely.Point(np.median(frame["lon"].iloc[-300:]), np.median(frame["lat"].iloc[-300:]))
    assert hotspot.contains(planted) or features[0]["properties"]["score"] >= features[-1]["properties"]["score"]


def test_district_flag_shares_warns_when_flags_concentrate(frame):
    table = event_table_from_frame(frame)
    forecast = forecast_next_day(table, method="naive_all", cell_m=250)
    flagged = forecast.top_cells(0.005)  # the few cells of the planted hotspot (east of -79.40)
    districts = {"west": shapely.box(-80, 43, -79.40, 44), "east": shapely.box(-79.40, 43, -79, 44)}
    shares = {d.district: d for d in district_flag_shares(flagged, forecast.grid, districts, table)}
    assert abs(shares["west"].flagged_share + shares["east"].flagged_share - 1) < 1e-9
    assert abs(shares["west"].incident_share + shares["east"].incident_share - 1) < 1e-9
    # all flagged area lies east, which has about 2/3 of incidents: ratio 1.5, west 0
    assert shares["east"].flagged_share == 1.0
    assert shares["east"].ratio == pytest.approx(1 / shares["east"].incident_share)
    assert shares["west"].ratio == 0.0


def _write_csv(frame, path):
    stamps = frame["occurred_at"].dt.strftime("%Y-%m-%dT%H:%M:%S%z").str.replace(r"(\d\d)$", r":\1", regex=True)
    frame.assign(occurred_at=stamps).to_csv(path, index=False)


def test_cli_evaluate_prints_one_json_object(tmp_path, frame):
    path = tmp_path / "events.csv"
    _write_csv(frame, path)
    result = runner.invoke(app, ["evaluate", "--events", str(path), "--category", "all", "--start", "2019-04-20",
                                 "--days", "5", "--cell-m", "250", "--method", "naive_365d", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["method"] == "naive_365d" and payload["days"] == 5 and payload["cell_m"] == 250
    assert set(payload["coverage"]) == {"0.01", "0.05", "0.1"}
    assert {"hit_rate", "pai"} <= set(payload["coverage"]["0.05"]) and payload["n_cells"] > 0
    assert "seconds" in payload


def test_cli_bad_input_is_bilingual_exit_2(tmp_path, frame):
    path = tmp_path / "events.csv"
    _write_csv(frame, path)
    cases = [
        ["--method", "oracle"],
        ["--category", "Arson"],
        ["--start", "2019-13-45"],
    ]
    for extra in cases:
        args = ["evaluate", "--events", str(path), "--start", "2019-04-20", "--days", "2", "--method", "naive_all",
                "--category", "all", "--json"]
        for i in range(0, len(extra), 2):
            args[args.index(extra[i]) + 1] = extra[i + 1]
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (extra, result.output)
        assert "错误 / error:" in result.output  # and the zh hint beside the English message:
        assert "输入无效" in result.output or "未知的预测方法" in result.output
        assert "Traceback" not in result.output
    _write_csv(frame.drop(columns=["lat"]), path)
    result = runner.invoke(app, ["evaluate", "--events", str(path), "--start", "2019-04-20", "--days", "2", "--json"])
    assert result.exit_code == 2 and "missing columns" in result.output


def test_cli_next_day_writes_geojson(tmp_path, frame):
    path = tmp_path / "events.csv"
    _write_csv(frame, path)
    out = tmp_path / "forecast.geojson"
    result = runner.invoke(app, ["next-day", "--events", str(path), "--method", "kde", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["type"] == "FeatureCollection"
