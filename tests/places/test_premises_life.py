"""Premises over HTTP: edit and close with an append-only history, scope, and bulk import with line numbers."""

from __future__ import annotations

import json

import pytest

from places.places_kit import EAST, WEST, build_world
from precinct.places import importer
from precinct.places.models import Premises, PremisesEvent


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


def test_edit_close_and_reopen_keep_the_history(client, world, ids):
    headers = world.headers("west-station-chief")
    premises_id = world.premises["west"]
    edited = client.patch(f"/api/v1/places/premises/{premises_id}", headers=headers,
                          json={"name": "第一中学 No. 1 School", "risk_grade": "low"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["risk_grade"]) == ("第一中学 No. 1 School", "low")
    same = client.patch(f"/api/v1/places/premises/{premises_id}", headers=headers, json={"risk_grade": "low"})
    assert same.status_code == 422 and same.json()["error"]["message"].startswith("body: ")
    closed = client.post(f"/api/v1/places/premises/{premises_id}/close", headers=headers,
                         json={"reason": "已搬迁 moved"})
    assert closed.json()["status"] == "closed"
    again = client.post(f"/api/v1/places/premises/{premises_id}/close", headers=headers, json={"reason": "again"})
    assert again.status_code == 409
    refused = client.patch(f"/api/v1/places/premises/{premises_id}", headers=headers, json={"name": "x"})
    assert refused.status_code == 409
    layer = client.get("/api/v1/places/premises", headers=headers).json()
    assert [f["properties"]["id"] for f in layer["features"]] == []
    layer = client.get("/api/v1/places/premises", headers=headers, params={"include_closed": True}).json()
    assert [f["properties"]["status"] for f in layer["features"]] == ["closed"]
    reopened = client.post(f"/api/v1/places/premises/{premises_id}/reopen", headers=headers,
                           json={"reason": "回迁 back"})
    assert reopened.json()["status"] == "open"
    history = client.get(f"/api/v1/places/premises/{premises_id}/history", headers=headers).json()
    assert [e["kind"] for e in history] == ["created", "updated", "closed", "reopened"]
    assert history[1]["data"] == {"before": {"name": "west school", "risk_grade": "high"},
                                  "after": {"name": "第一中学 No. 1 School", "risk_grade": "low"}}
    assert history[1]["actor"] == "west-station-chief"


def test_a_move_follows_the_jurisdiction_and_stays_in_scope(client, world, ids):
    premises_id = world.premises["west"]
    outside = client.patch(f"/api/v1/places/premises/{premises_id}", headers=world.headers("west-station-chief"),
                           json={"lon": EAST[0], "lat": EAST[1]})
    assert outside.status_code == 422 and outside.json()["error"]["message"].startswith("lon: ")
    moved = client.patch(f"/api/v1/places/premises/{premises_id}", headers=world.headers("city-chief"),
                         json={"lon": EAST[0], "lat": EAST[1]})
    assert (moved.json()["station_id"], moved.json()["district_id"]) == (ids["east_station"], ids["east"])
    assert client.get(f"/api/v1/places/premises/{premises_id}",
                      headers=world.headers("west-station-chief")).status_code == 404


def test_points_outside_the_city_are_refused(client, world):
    response = client.post("/api/v1/places/premises", headers=world.headers("city-chief"),
                           json={"name": "far away", "category": "market", "lon": 120.0, "lat": 31.0})
    assert response.status_code == 422 and response.json()["error"]["message"].startswith("lon: ")


CSV = ("name,category,lon,lat,address,risk_grade\n"
       "西区市场,market,114.03,30.53,市场路 1 号,high\n"
       ",market,114.03,30.53,,\n"
       "东区医院,hospital,114.15,30.55,,\n"
       "城外,market,120.0,31.0,,\n"
       "坏类别,castle,114.03,30.53,,\n"
       "坏坐标,school,abc,30.53,,\n"
       "西区银行,financial,114.04,30.54,,low\n")


def test_csv_import_keeps_the_good_rows_and_numbers_the_refused_lines(client, world, session):
    response = client.post("/api/v1/places/premises/import", headers={
        **world.headers("west-station-chief"), "Content-Type": "text/csv"}, content=CSV.encode())
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["created"]) == (7, 2)
    assert [(r["line"], r["reason"].split(":")[0]) for r in report["refused"]] == [
        (3, "name"), (4, "lon"), (5, "lon"), (6, "category"), (7, "lon")]
    names = [session.get(Premises, i).name for i in report["created_ids"]]
    assert names == ["西区市场", "西区银行"]


def test_geojson_import_numbers_the_features_lines(client, world):
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(WEST)},
         "properties": {"name": "加油站", "category": "hazardous_goods"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
         "properties": {"name": "线", "category": "other"}},
    ]}
    text = json.dumps(document, ensure_ascii=False, indent=1)
    response = client.post("/api/v1/places/premises/import", params={"format": "geojson"},
                           headers=world.headers("city-chief"), content=text.encode())
    report = response.json()
    feature_lines = [number for number, line in enumerate(text.splitlines(), start=1) if line == "  {"]
    assert report["created"] == 1
    assert [r["reason"] for r in report["refused"]] == ["geometry: needs a Point"]
    assert report["refused"][0]["line"] == feature_lines[1]
    broken = client.post("/api/v1/places/premises/import", params={"format": "geojson"},
                         headers=world.headers("city-chief"), content=b'{"type": "FeatureCollection", ')
    assert broken.status_code == 422 and broken.json()["error"]["message"].startswith("file: ")


def test_a_file_without_the_columns_stores_nothing(client, world, session):
    before = session.query(Premises).count()
    response = client.post("/api/v1/places/premises/import", headers=world.headers("city-chief"),
                           content=b"name,lon\nx,114.0\n")
    assert response.status_code == 422 and "category, lat" in response.json()["error"]["message"]
    assert session.query(Premises).count() == before


def test_an_interrupted_import_writes_nothing(session, world, monkeypatch):
    before = (session.query(Premises).count(), session.query(PremisesEvent).count())
    calls = []
    real = importer.service.create

    def create_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("the connection was lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer.service, "create", create_then_fail)
    with pytest.raises(ConnectionError):
        importer.import_premises(session, CSV.encode(), file_format="csv", actor=world["city-chief"])
    session.rollback()
    assert (session.query(Premises).count(), session.query(PremisesEvent).count()) == before
