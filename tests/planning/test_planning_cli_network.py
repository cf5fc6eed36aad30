"""``precinct plan coverage|posts|simulate`` on the bundled Wuhan roads (graph loads once, ~1 s)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import precinct
from precinct.cli.plan import app
from precinct.planning.network import label_points_by_polygons
from precinct.planning.replay import demand_cells

DATA = Path(precinct.__file__).parent / "data"
ROADS = DATA / "wuhan_roads.parquet"
DISTRICTS = DATA / "wuhan_districts.geojson"
POSTS = [(114.2848, 30.5807), (114.2990, 30.5480)]      # Jianghan Road; Simenkou (Wuchang)
runner = CliRunner()


def _csv(path: Path, header: str, rows) -> Path:
    path.write_text(header + "\n" + "".join(",".join(str(v) for v in row) + "\n" for row in rows), encoding="utf-8")
    return path


def _demand(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    rows = []
    for lon, lat in POSTS:
        for d_lon, d_lat in rng.normal(0, 0.004, (10, 2)):
            rows.append((round(lon + d_lon, 6), round(lat + d_lat, 6), 1))
    rows.append((114.2850, 30.5808, 5))          # next to the first post, weight 5
    return _csv(tmp_path / "demand.csv", "lon,lat,weight", rows)


def test_coverage_on_roads_with_districts_and_polygons(tmp_path):
    posts = _csv(tmp_path / "posts.csv", "lon,lat", POSTS)
    out = tmp_path / "areas.geojson"
    result = runner.invoke(app, ["coverage", "--roads", str(ROADS), "--posts", str(posts),
                                 "--demand", str(_demand(tmp_path)), "--minutes", "1,3,5",
                                 "--districts", str(DISTRICTS), "--polygons-out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    shares = data["citywide_share"]
    assert shares == sorted(shares) and shares[0] > 0 and shares[-1] <= 1
    assert {"江汉区", "武昌区"} <= set(data["groups"])
    areas = json.loads(out.read_text(encoding="utf-8"))
    assert len(areas["features"]) == 6 and areas["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert data["mean_area_km2"]["1"] < data["mean_area_km2"]["5"]


def test_posts_on_roads_mclp_and_set_covering(tmp_path):
    candidates = _csv(tmp_path / "candidates.csv", "lon,lat", [*POSTS, (114.2700, 30.5900), (114.3065, 30.5445)])
    demand = _demand(tmp_path)
    mclp = runner.invoke(app, ["posts", "--roads", str(ROADS), "--candidates", str(candidates), "--demand", str(demand),
                               "--k", "2", "--minutes", "3", "--json"])
    assert mclp.exit_code == 0, mclp.output
    data = json.loads(mclp.stdout)
    assert data["model"] == "mclp" and data["site_count"] == 2 and data["status"] == "optimal"
    assert data["threshold_s"] == 180 and len(data["chosen_lonlat"]) == 2 and data["mip_gap"] <= 1e-4
    lscp = runner.invoke(app, ["posts", "--roads", str(ROADS), "--candidates", str(candidates), "--demand", str(demand),
                               "--minutes", "5", "--json"])
    assert lscp.exit_code == 0, lscp.output
    assert json.loads(lscp.stdout)["model"] == "lscp"
    both = runner.invoke(app, ["posts", "--roads", str(ROADS), "--candidates", str(candidates), "--demand", str(demand),
                               "--minutes", "5", "--threshold-s", "300"])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_simulate_generated_and_from_csv(tmp_path):
    posts = _csv(tmp_path / "posts.csv", "lon,lat,units", [(*POSTS[0], 3), (*POSTS[1], 2)])
    generated = runner.invoke(app, ["simulate", "--generate", "150", "--posts", str(posts), "--roads", str(ROADS),
                                    "--json"])
    assert generated.exit_code == 0, generated.output
    data = json.loads(generated.stdout)
    assert data["incidents"] == 150 and data["units"] == 5 and data["posts"] == 2
    assert [p["priority"] for p in data["by_priority"]] == [1, 2, 3]
    assert 0 < data["mean_utilisation"] < 1 and len(data["overall"]["share_within"]) == 3
    incidents = _csv(tmp_path / "incidents.csv", "id,occurred_at,category,lat,lon,priority", [
        (1, "2024-05-01T08:00:00+08:00", "theft", 30.5810, 114.2850, 1),
        (2, "2024-05-01T08:10:00+08:00", "theft", 30.5482, 114.2992, 2),
    ])
    replay = runner.invoke(app, ["simulate", "--incidents", str(incidents), "--posts", str(posts),
                                 "--roads", str(ROADS), "--json"])
    assert replay.exit_code == 0, replay.output
    replayed = json.loads(replay.stdout)
    assert replayed["overall"]["served"] == 2 and replayed["overall"]["share_within"][0] == 1.0    # both next to a post
    missing = runner.invoke(app, ["simulate", "--posts", str(posts), "--roads", str(ROADS)])
    assert missing.exit_code == 2 and "exactly one of" in missing.stderr


def test_demand_cells_and_district_labels():
    points = np.array([[114.30, 30.58], [114.3001, 30.5801], [114.35, 30.55]])
    cells, cell_of = demand_cells(points, cell_size_m=250)
    assert len(cells) == 2 and cell_of[0] == cell_of[1] != cell_of[2]
    collection = json.loads(DISTRICTS.read_text(encoding="utf-8"))
    labels = label_points_by_polygons(np.array([[114.2848, 30.5807], [0.0, 0.0]]), collection)
    assert list(labels) == ["江汉区", ""]
