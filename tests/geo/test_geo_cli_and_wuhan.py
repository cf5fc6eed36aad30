"""The ``route`` CLI command on its own Typer app, and one route on the real Wuhan network."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from geo_grid import grid_columns, node_lonlat, write_geoparquet
from typer.testing import CliRunner

import precinct
from precinct.cli.route import app
from precinct.geo import route, travel_times_to
from precinct.geo.graph import graph_from_edges_file

WUHAN = Path(precinct.__file__).parent / "data" / "wuhan_roads.parquet"


@pytest.fixture
def grid_file(tmp_path):
    path = tmp_path / "grid.parquet"
    write_geoparquet(path, grid_columns())
    return path


def _point(node: int) -> str:
    lon, lat = node_lonlat(node)
    return f"{lon},{lat}"


def test_cli_prints_json_with_geojson_path(grid_file):
    result = CliRunner().invoke(app, ["--roads", str(grid_file), "--from", _point(0), "--to", _point(8), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["distance_m"] == pytest.approx(400.0)
    assert body["travel_time_s"] == pytest.approx(400.0 / (25 / 3.6), abs=0.1)  # default residential 25 km/h
    assert body["path"]["type"] == "LineString"
    assert body["path"]["coordinates"][0] == pytest.approx(list(node_lonlat(0)))


def test_cli_prints_a_bilingual_line(grid_file):
    result = CliRunner().invoke(app, ["--roads", str(grid_file), "--from", _point(0), "--to", _point(2), "--hour", "3"])
    assert result.exit_code == 0, result.output
    assert "距离 / distance: 200 m" in result.output
    assert "用时 / time: 0 min 24 s" in result.output  # 200 m at 25 km/h x 0.85 night factor


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "114.3"], "--from must be 'LON,LAT'"),
        (["--hour", "25"], "hour must be an integer from 0 to 23"),
        (["--to", "100.0,10.0"], "from the nearest road"),
    ],
)
def test_cli_bad_input_exits_2_without_traceback(grid_file, args, message):
    base = {"--roads": str(grid_file), "--from": _point(0), "--to": _point(8)}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = CliRunner().invoke(app, [part for pair in base.items() for part in pair])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_missing_roads_file(tmp_path):
    result = CliRunner().invoke(app, ["--roads", str(tmp_path / "none.parquet"), "--from", "1,1", "--to", "1,1"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_wuhan_network_loads_and_routes():
    graph = graph_from_edges_file(WUHAN)
    assert graph.edge_count == 92_667
    assert graph.crs.to_epsg() == 32650
    found = route(graph, (114.30, 30.58), (114.35, 30.55))  # Jianghan -> Wuchang across the Yangtze
    assert 5_000 < found.distance_m < 15_000
    assert 300 < found.travel_time_s < 1_800
    times = travel_times_to(graph, (114.35, 30.55), np.array([(114.30, 30.58), (114.34, 30.55)]))
    assert times[0] == pytest.approx(found.travel_time_s)
    assert times[1] < times[0]
