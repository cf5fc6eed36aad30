"""Premises over HTTP: edit and close with an append-only history, scope, and bulk import with line numbers."""

from __future__ import annotations

import json

import pytest

from places.places_kit import EAST, WEST, build_world
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.places import importer
from precinct.places import service as premises_service
from precinct.places.models import Premises, PremisesCategory, PremisesEvent
from testkit import ADMIN_ACTOR


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


def test_nearby_incidents_near_a_station_border_stay_in_the_callers_scope(client, session, world, ids):
    # the stations meet at lon 114.1: the premises lies 55 m west of it, one call each side, 50 m away
    premises = premises_service.create(session, name="边界网吧 border cafe", category=PremisesCategory.SCHOOL,
                                       lon=114.0995, lat=30.55, actor=ADMIN_ACTOR)
    calls = {}
    for side, lon in (("west", 114.09897), ("east", 114.10003)):
        incident = incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=lon,
                                                                   lat=30.55), actor=ADMIN_ACTOR)
        calls[side] = incident.id
        assert incident.station_id == ids[f"{side}_station"]
    session.commit()

    def nearby(account):
        response = client.get(f"/api/v1/places/premises/{premises.id}/incidents",
                              headers=world.headers(account), params={"radius_m": 100})
        assert response.status_code == 200, response.text
        return sorted(row["id"] for row in response.json())

    assert nearby("west-station-chief") == nearby("west-officer") == [calls["west"]]
    assert nearby("city-chief") == nearby("city-admin") == sorted(calls.values())
    assert client.get(f"/api/v1/places/premises/{premises.id}/incidents",
                      headers=world.headers("east-station-chief")).status_code == 404


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


def test_refusals_say_why_in_chinese_and_english(session, world):
    report = importer.import_premises(session, CSV.encode(), file_format="csv", actor=world["west-station-chief"])
    assert [r.reason for r in report.refused] == [
        "name: 名称不能为空 / must not be empty",
        "lon: 位置不在你的辖区内 / the position lies outside your scope",
        "lon: 位置 (120.0, 31.0) 不在本市任何分局辖区内 / (120.0, 31.0) lies outside every district of the city",
        "category: 'castle' 不是以下之一：school, hospital, hazardous_goods, financial, transport_hub, market, "
        "entertainment, government, other / 'castle' is not one of school, hospital, hazardous_goods, financial, "
        "transport_hub, market, entertainment, government, other",
        "lon: 'abc' 不是数字 / 'abc' is not a number"]


def test_a_second_import_of_the_same_file_stores_nothing_new(client, world, session):
    headers = {**world.headers("west-station-chief"), "Content-Type": "text/csv"}
    first = client.post("/api/v1/places/premises/import", headers=headers, content=CSV.encode()).json()
    second = client.post("/api/v1/places/premises/import", headers=headers, content=CSV.encode()).json()
    assert (second["rows"], second["created"], second["created_ids"]) == (7, 0, [])
    assert [(k["line"], k["premises_id"]) for k in second["skipped"]] == list(zip((2, 8), first["created_ids"],
                                                                                  strict=True))
    assert second["skipped"][0]["reason"] == (
        f"同名同位置的重点场所 {first['created_ids'][0]} 已登记，跳过 / premises {first['created_ids'][0]} with "
        "this name at this point are registered already: skipped")
    assert [r["line"] for r in second["refused"]] == [r["line"] for r in first["refused"]]
    assert session.query(Premises).filter(Premises.name.in_(["西区市场", "西区银行"])).count() == 2


def test_a_row_repeated_in_one_file_is_registered_once_and_closed_premises_do_not_count(client, world, session):
    headers = {**world.headers("city-chief"), "Content-Type": "text/csv"}
    text = ("name,category,lon,lat\n"
            "夜市,market,114.03,30.53\n"
            "夜市,market,114.0300000001,30.53\n"  # the same point, to 0.1 m
            "夜市,market,114.031,30.53\n")
    report = client.post("/api/v1/places/premises/import", headers=headers, content=text.encode()).json()
    assert report["created"] == 2  # the third row lies 100 m away: other premises of the same name
    assert [(k["line"], k["premises_id"]) for k in report["skipped"]] == [(3, report["created_ids"][0])]
    client.post(f"/api/v1/places/premises/{report['created_ids'][0]}/close", headers=world.headers("city-chief"),
                json={"reason": "拆除 pulled down"})
    again = client.post("/api/v1/places/premises/import", headers=headers, content=text.encode()).json()
    assert (again["created"], [k["line"] for k in again["skipped"]]) == (1, [3, 4])


def test_a_row_with_more_fields_than_the_header_is_refused_with_its_line(session, world):
    text = ("name,category,lon,lat\n"
            "西区市场,market,114.03,30.53\n"
            "多一列,market,114.03,30.54,extra\n"
            "\n"
            "西区银行,financial,114.04,30.54\n")
    report = importer.import_premises(session, text.encode(), file_format="csv", actor=world["city-chief"])
    assert (report.rows, len(report.created_ids)) == (3, 2)
    assert [(r.line, r.reason) for r in report.refused] == [
        (3, "row: 该行有 5 个字段，表头只有 4 列 / the row has 5 fields, the header only 4 columns")]


def test_a_record_over_several_lines_is_reported_at_its_first(session, world):
    text = ('name,category,lon,lat,notes\n'
            '西区市场,market,114.03,30.53,"门卫\n24 小时"\n'
            '\n'
            '"坏\n类别",castle,114.03,30.53,"一\n二\n三"\n'
            '城外,market,120.0,31.0,\n')
    report = importer.import_premises(session, text.encode(), file_format="csv", actor=world["city-chief"])
    assert [(r.line, r.reason.split(":")[0]) for r in report.refused] == [(5, "category"), (9, "lon")]
    assert session.get(Premises, report.created_ids[0]).notes == "门卫\n24 小时"


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
    assert [r["reason"] for r in report["refused"]] == ["geometry: 需要 Point 几何 / needs a Point"]
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
