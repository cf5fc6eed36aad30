"""The city over HTTP: the map's view, base map and street labels, and the settings a stored city gives a server."""

from __future__ import annotations

import math

import pytest
from city_kit import helsinki_extract
from fastapi.testclient import TestClient

from precinct.app import create_app
from precinct.cities import service
from precinct.cities.basemap import basemap_features, write_basemap
from precinct.cities.extract import read_extract_features
from precinct.cities.models import CityProfile
from precinct.core.permissions import Role
from precinct.core.settings import BUNDLED_ROADS
from precinct.geo.edges import write_edges_parquet
from precinct.geo.osm import read_osm
from testkit import test_settings


@pytest.fixture(scope="module")
def helsinki_files(tmp_path_factory):
    """The roads and base map city init writes for Helsinki."""
    folder = tmp_path_factory.mktemp("helsinki")
    extract = helsinki_extract()
    roads = read_osm(extract)
    return (str(write_edges_parquet(roads, folder / "roads.parquet")),
            str(write_basemap(basemap_features(read_extract_features(extract), roads.crs), folder / "basemap.geojson")))


@pytest.fixture
def stored_city(session, ids, helsinki_files):
    """The seeded city given a Helsinki profile (as if city init had set it up)."""
    roads_file, basemap_file = helsinki_files
    session.add(CityProfile(org_unit_id=ids["city"], code="C", centre_lon=24.9443, centre_lat=60.1716, west=24.9353,
                            south=60.1642, east=24.9534, north=60.1790, local_timezone="Europe/Helsinki",
                            projected_crs="EPSG:32635", roads_file=roads_file, basemap_file=basemap_file,
                            sources={"attribution": "© OpenStreetMap contributors (ODbL)"}, created_by="tester"))
    session.commit()
    return roads_file


@pytest.fixture
def city_client(stored_city, database, session_factory):
    app = create_app(test_settings(database[2]), session_factory=session_factory)
    with TestClient(app) as client:
        yield client


def test_a_stored_city_gives_the_server_its_roads_and_time_zone(stored_city, database, session_factory):
    app = create_app(test_settings(database[2]), session_factory=session_factory)
    assert (app.state.settings.roads_file, app.state.settings.local_timezone) == (stored_city, "Europe/Helsinki")
    explicit = create_app(test_settings(database[2], roads_file=str(BUNDLED_ROADS), local_timezone="Asia/Shanghai"),
                          session_factory=session_factory)
    assert (explicit.state.settings.roads_file, explicit.state.settings.local_timezone) == (str(BUNDLED_ROADS),
                                                                                          "Asia/Shanghai")


def test_settings_for_a_database_that_is_not_migrated():
    from precinct.app import session_factory as factory_for

    settings = test_settings("sqlite://")
    assert service.settings_for_city(settings, factory_for("sqlite://")) is settings


def test_the_map_opens_on_the_stored_city(city_client, auth):
    body = city_client.get("/api/v1/city", headers=auth(Role.DISPATCHER)).json()
    assert body == {"code": "C", "name_zh": "市局", "name_en": "City Bureau", "stored": True,
                    "centre": [24.9443, 60.1716], "bounds": [24.9353, 60.1642, 24.9534, 60.179],
                    "local_timezone": "Europe/Helsinki", "projected_crs": "EPSG:32635", "basemap": True,
                    "attribution": "© OpenStreetMap contributors (ODbL)"}
    assert city_client.get("/api/v1/meta", headers=auth(Role.ANALYST)).json()["local_timezone"] == "Europe/Helsinki"
    roads = city_client.get("/api/v1/map/roads", params={"detail": "all"}, headers=auth(Role.CALL_TAKER))
    assert roads.status_code == 200
    lon, lat = roads.json()["features"][0]["geometry"]["coordinates"][0][0]
    assert 24.93 < lon < 24.96 and 60.16 < lat < 60.18
    labels = city_client.get("/api/v1/map/labels", headers={**auth(Role.AUDITOR), "Accept-Encoding": "gzip"})
    assert labels.status_code == 200 and labels.headers["content-encoding"] == "gzip"
    names = {f["properties"]["name"] for f in labels.json()["features"]}
    assert {"Aleksanterinkatu", "Mannerheimintie", "Bulevardi"} <= names
    assert all(-90 <= f["properties"]["angle_deg"] <= 90 for f in labels.json()["features"])
    for name in names:  # a street's two carriageways get one label: none of one name within 150 m of another
        points = [f["geometry"]["coordinates"] for f in labels.json()["features"] if f["properties"]["name"] == name]
        gaps = [math.hypot((a[0] - b[0]) * 55_600, (a[1] - b[1]) * 111_200) for i, a in enumerate(points)
                for b in points[i + 1:]]
        assert min(gaps, default=1e9) >= 150, name
    basemap = city_client.get("/api/v1/city/basemap", headers=auth(Role.PATROL_OFFICER))
    kinds = [f["properties"]["kind"] for f in basemap.json()["features"]]
    assert (kinds.count("water"), kinds.count("park")) == (14, 163)
    route = city_client.get("/api/v1/map/route", headers=auth(Role.PATROL_OFFICER),
                            params={"from_lon": 24.9414, "from_lat": 60.1690, "to_lon": 24.95, "to_lat": 60.175})
    assert route.status_code == 200 and 600 < route.json()["distance_m"] < 2000


def test_without_a_profile_the_view_comes_from_the_roads(client, auth):
    body = client.get("/api/v1/city", headers=auth(Role.ANALYST)).json()
    assert (body["code"], body["stored"], body["basemap"], body["local_timezone"]) == ("C", False, False,
                                                                                      "Asia/Shanghai")
    assert body["bounds"] == pytest.approx([113.9785, 30.3717, 114.5576, 30.7817], abs=1e-3)  # the Wuhan roads
    assert body["centre"] == pytest.approx([114.268, 30.5767], abs=1e-3)
    missing = client.get("/api/v1/city/basemap", headers=auth(Role.ANALYST))
    assert missing.status_code == 404
    assert "no city profile" in missing.json()["error"]["message"]
    labels = client.get("/api/v1/map/labels", headers=auth(Role.ANALYST))
    assert labels.json() == {"type": "FeatureCollection", "features": []}  # the Wuhan roads have no names
