"""The console's map routes: road lines for the offline base map and the officer's navigation line."""

from __future__ import annotations

import gzip
import json

import pytest

from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.permissions import Role
from precinct.core.settings import BUNDLED_ROADS
from precinct.roads import layer as roads


def test_major_roads_are_small_gzip_geojson_in_lon_lat(client, auth) -> None:
    response = client.get("/api/v1/map/roads", headers={**auth(Role.ANALYST), "Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < 200_000  # the city overview stays light
    data = response.json()  # the client decompresses
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["highway"] for f in data["features"]] == ["secondary", "primary", "trunk", "motorway"]
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 113.6 < lon < 115.1 and 29.9 < lat < 31.4  # Wuhan, in degrees


def test_all_roads_hold_every_class_and_more_points() -> None:
    path = str(BUNDLED_ROADS)
    major, every = roads.road_layer(path, "major"), roads.road_layer(path, "all")
    assert every.coordinate_count > 2 * major.coordinate_count
    classes = {f["properties"]["highway"] for f in json.loads(gzip.decompress(every.gzip_body))["features"]}
    assert {"residential", "tertiary", "motorway"} <= classes
    assert "trunk_link" not in classes  # ramps are folded into their road class


def test_roads_without_gzip_and_errors(client, auth) -> None:
    plain = client.get("/api/v1/map/roads", headers={**auth(Role.AUDITOR), "Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert client.get("/api/v1/map/roads").status_code == 401
    bad = client.get("/api/v1/map/roads?detail=everything", headers=auth(Role.DISPATCHER))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_road_layer_names_a_missing_file(tmp_path) -> None:
    with pytest.raises(NotFoundError, match=r"nowhere.parquet does not exist"):
        roads.road_layer(str(tmp_path / "nowhere.parquet"), "major")
    with pytest.raises(ValidationError, match="detail must be"):
        roads.road_layer(str(BUNDLED_ROADS), "some")  # type: ignore[arg-type]  # a detail it refuses, on purpose


def test_route_gives_the_officer_a_road_line(client, auth) -> None:
    query = {"from_lon": 114.30, "from_lat": 30.59, "to_lon": 114.35, "to_lat": 30.55}
    response = client.get("/api/v1/map/route", params=query, headers=auth(Role.PATROL_OFFICER))
    assert response.status_code == 200
    body = response.json()
    assert body["path"]["type"] == "LineString"
    assert 5_000 < body["distance_m"] < 20_000
    assert body["travel_time_s"] > 0
    assert client.get("/api/v1/map/route", params=query, headers=auth(Role.AUDITOR)).status_code == 403
