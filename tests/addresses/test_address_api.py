"""The address routes over HTTP: search as you type, reverse geocoding, one address, CSV import, bad input."""

from __future__ import annotations

from address_kit import HEADER, load_register
from precinct.addresses.models import AddressImport, ImportKind, ImportStatus
from precinct.core.db import utcnow
from precinct.core.permissions import Role


def test_search_as_you_type_returns_the_address_with_its_station_and_beat(client, session, auth, ids):
    load_register(session)
    response = client.get("/api/v1/addresses/search", params={"q": "jfdd", "lon": 114.02, "lat": 30.52},
                          headers=auth(Role.CALL_TAKER))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["engine"] == "memory-token-index"
    assert [i["code"] for i in page["items"]] == ["A1", "A2"]
    first = page["items"][0]
    assert first["text"] == "江汉区解放大道688号A座3单元"
    assert first["distance_m"] == 0.0
    assert first["jurisdiction"] == {
        "district_id": ids["west"], "district_name_zh": "西区分局", "district_name_en": "West Branch",
        "station_id": ids["west_station"], "station_name_zh": "西区派出所", "station_name_en": "West Station",
        "beat_id": ids["beat"], "beat_name_zh": "西一警务区", "beat_name_en": "West beat 1"}
    chinese = client.get("/api/v1/addresses/search", params={"q": "中北"}, headers=auth(Role.CALL_TAKER)).json()
    assert [i["code"] for i in chinese["items"]] == ["A4", "A5"]
    english = client.get("/api/v1/addresses/search", params={"q": "zhongbei ro"}, headers=auth(Role.DISPATCHER))
    assert [i["code"] for i in english.json()["items"]] == ["A4"]


def test_reverse_geocoding_gives_the_nearest_address_the_road_and_the_jurisdiction(client, session, auth, ids):
    load_register(session)
    response = client.get("/api/v1/addresses/reverse", params={"lon": 114.0301, "lat": 30.5301},
                          headers=auth(Role.PATROL_OFFICER))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["address"]["code"] == "A2"
    assert 10.0 < body["address"]["distance_m"] < 20.0
    assert (body["jurisdiction"]["station_id"], body["jurisdiction"]["beat_name_en"]) == (ids["west_station"],
                                                                                          "West beat 1")
    assert body["road"] is None or body["road"]["name"] == "解放大道"
    nothing = client.get("/api/v1/addresses/reverse", params={"lon": 114.19, "lat": 30.59, "radius_m": 50},
                         headers=auth(Role.PATROL_OFFICER)).json()
    assert nothing["address"] is None
    assert nothing["jurisdiction"]["station_name_zh"] == "东区派出所"


def test_one_address_by_id(client, session, auth):
    load_register(session)
    found = client.get("/api/v1/addresses/search", params={"q": "武汉广场"}, headers=auth(Role.ANALYST)).json()
    address_id = found["items"][0]["id"]
    response = client.get(f"/api/v1/addresses/{address_id}", headers=auth(Role.ANALYST))
    assert (response.status_code, response.json()["name"], response.json()["generated"]) == (200, "武汉广场", False)
    assert client.get("/api/v1/addresses/999999", headers=auth(Role.ANALYST)).status_code == 404


def test_a_csv_upload_is_imported_with_its_refused_rows(client, auth):
    body = HEADER + "U1,,,,江汉区,解放大道,1,,,114.02,30.52\nU2,,,,江汉区,解放大道,2,,,north,30.52\n"
    response = client.post("/api/v1/addresses/imports", params={"name": "station-upload.csv"},
                           content=body.encode(), headers=auth(Role.SUPERVISOR) | {"Content-Type": "text/csv"})
    assert response.status_code == 201, response.text
    record = response.json()
    assert (record["status"], record["rows"], record["imported"], record["refused"]) == ("complete", 2, 1, 1)
    assert record["refused_rows"] == [
        {"at": "line 3", "reason": "lon 不是数字：'north' / lon is not a number: 'north'"}]
    listed = client.get("/api/v1/addresses/imports", headers=auth(Role.ADMIN)).json()
    assert [(i["source_name"], i["created_by"]) for i in listed] == [("station-upload.csv", "supervisor")]
    found = client.get("/api/v1/addresses/search", params={"q": "解放"}, headers=auth(Role.SUPERVISOR)).json()
    assert [i["code"] for i in found["items"]] == ["U1"]


def test_bad_input_answers_422_naming_the_field(client, auth):
    headers = auth(Role.CALL_TAKER)
    half = client.get("/api/v1/addresses/search", params={"q": "解放", "lon": 114.0}, headers=headers)
    assert half.status_code == 422
    assert "lat: lon 和 lat 需同时给出 / give both lon and lat, or neither" in half.text
    empty = client.get("/api/v1/addresses/search", params={"q": "?!"}, headers=headers)
    assert empty.status_code == 422 and "q: " in empty.text
    assert client.get("/api/v1/addresses/search", params={"q": "x" * 65}, headers=headers).status_code == 422
    assert client.get("/api/v1/addresses/reverse", params={"lon": 200, "lat": 30}, headers=headers).status_code == 422
    refused = client.post("/api/v1/addresses/imports", content=b"code,lon\n1,2\n",
                          headers=auth(Role.ADMIN) | {"Content-Type": "text/csv"})
    assert refused.status_code == 422 and "required columns missing: lat, text" in refused.text
    latin1 = client.post("/api/v1/addresses/imports", content="code,text,lon,lat\nä,b,1,2\n".encode("latin-1"),
                         headers=auth(Role.ADMIN) | {"Content-Type": "text/csv"})
    assert latin1.status_code == 422 and "body: not UTF-8" in latin1.text


def test_an_upload_while_another_import_runs_answers_409_in_both_languages(client, session, auth):
    now = utcnow()
    running = AddressImport(kind=ImportKind.OSM, source_name="hubei.osm.pbf", status=ImportStatus.RUNNING,
                            created_by="cli:ops", refused_rows=[], started_at=now, heartbeat_at=now)
    session.add(running)
    session.commit()
    body = HEADER + "U1,,,,江汉区,解放大道,1,,,114.02,30.52\n"
    response = client.post("/api/v1/addresses/imports", content=body.encode(),
                           headers=auth(Role.SUPERVISOR) | {"Content-Type": "text/csv"})
    assert response.status_code == 409, response.text
    message = response.json()["error"]["message"]
    assert message.startswith(f"地址导入 {running.id} 正在进行（cli:ops 于 ")
    assert f" / address import {running.id} is running (started by cli:ops at " in message
    listed = client.get("/api/v1/addresses/imports", headers=auth(Role.ADMIN)).json()
    assert [(i["source_name"], i["status"]) for i in listed] == [("hubei.osm.pbf", "running")]
