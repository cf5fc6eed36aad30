"""Key premises: registered with their jurisdiction, served as a GeoJSON layer."""

from __future__ import annotations

from precinct.core.permissions import Role


def test_create_and_layer(client, auth, ids):
    created = client.post("/api/v1/places/premises", headers=auth(Role.SUPERVISOR), json={
        "name": "第一中学", "category": "school", "lon": 114.02, "lat": 30.52, "address": "学府路 1 号"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["district_id"], body["station_id"], body["beat_id"]) == (ids["west"], ids["west_station"], ids["beat"])
    client.post("/api/v1/places/premises", headers=auth(Role.ADMIN), json={
        "name": "加油站", "category": "hazardous_goods", "lon": 114.15, "lat": 30.55})
    layer = client.get("/api/v1/places/premises", headers=auth(Role.DISPATCHER))
    assert layer.headers["content-type"].startswith("application/geo+json")
    features = layer.json()["features"]
    assert [f["properties"]["category_zh"] for f in features] == ["学校", "危险物品单位"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [114.02, 30.52]}
    schools = client.get("/api/v1/places/premises", headers=auth(Role.ANALYST), params={"category": "school"}).json()
    assert len(schools["features"]) == 1
    bad = client.post("/api/v1/places/premises", headers=auth(Role.ADMIN), json={"name": "x", "category": "castle",
                                                                                "lon": 114.0, "lat": 30.5})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "category"
    assert client.get("/api/v1/places/premises/999999", headers=auth(Role.ANALYST)).status_code == 404
