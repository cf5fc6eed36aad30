"""Road-network adapter on the bundled Wuhan demo roads (loads in about a second)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import precinct
from precinct.cli.plan import app
from precinct.planning import coverage_by_threshold

ROADS = Path(precinct.__file__).parent / "data" / "wuhan_roads.parquet"
POINTS = np.array([[114.29, 30.58], [114.30, 30.58], [114.305, 30.585], [114.31, 30.59]])


@pytest.fixture(scope="module")
def graph():
    geo = pytest.importorskip("precinct.geo")
    return geo.graph_from_file(ROADS)


def test_matrix_and_callable_agree(graph):
    from precinct.planning.network import travel_time_callable, travel_time_matrix

    matrix = travel_time_matrix(graph, POINTS[:2], POINTS)
    assert matrix.shape == (2, 4) and np.isfinite(matrix).all()
    lookup = travel_time_callable(graph, POINTS[:2], POINTS)
    np.testing.assert_allclose(lookup(3), matrix[:, 3], rtol=1e-6)
    report = coverage_by_threshold(matrix, thresholds_s=(1e9,))
    assert report.citywide_share == (1.0,)


def test_cli_coverage_on_roads(tmp_path, graph):
    posts = tmp_path / "posts.csv"
    posts.write_text("lon,lat\n114.30,30.58\n", encoding="utf-8")
    demand = tmp_path / "demand.csv"
    demand.write_text("lon,lat,weight,group\n" + "".join(f"{lon},{lat},1,A\n" for lon, lat in POINTS), encoding="utf-8")
    result = CliRunner().invoke(app, ["coverage", "--roads", str(ROADS), "--posts", str(posts), "--demand", str(demand),
                                      "--minutes", "1,3,60", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["citywide_share"][-1] == 1.0 and "A" in data["groups"]
