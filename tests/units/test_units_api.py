"""Units: registry, status rules, position reports and AVL batches."""

from __future__ import annotations

from precinct.core.permissions import Role
from testkit import crew


def test_future_dated_positions_are_refused(client, auth):
    headers = auth(Role.DISPATCHER)
    unit = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
        "call_sign": "CLK-1", "unit_type": "patrol_car", "status": "available"}).json()
    future = client.post(f"/api/v1/units/{unit['id']}/positions", headers=headers,
                         json={"lon": 114.0, "lat": 30.5, "at": "2031-01-01T00:00:00Z"})
    assert future.status_code == 422 and "future" in future.json()["error"]["message"]
    batch = client.post("/api/v1/unit-positions", headers=headers, json={"reports": [
        {"unit_id": unit["id"], "lon": 114.0, "lat": 30.5, "at": "2031-01-01T00:00:00Z"}]})
    assert batch.status_code == 422
    assert client.post(f"/api/v1/units/{unit['id']}/positions", headers=headers,
                       json={"lon": 114.01, "lat": 30.51}).status_code == 204


def test_unit_status_rules(client, auth, session):
    officer = auth(Role.PATROL_OFFICER)
    unit = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
        "call_sign": "W-102", "unit_type": "foot_patrol"}).json()
    crew(session, "patrol-officer", unit["id"])  # an officer reports for their own unit
    assert unit["status"] == "off_duty"
    refused = client.post(f"/api/v1/units/{unit['id']}/status", headers=officer, json={"status": "on_scene"})
    assert refused.status_code == 409
    assert client.post(f"/api/v1/units/{unit['id']}/status", headers=officer,
                       json={"status": "dispatched"}).status_code == 422
    assert client.post(f"/api/v1/units/{unit['id']}/status", headers=officer,
                       json={"status": "available"}).status_code == 200
    position = client.post(f"/api/v1/units/{unit['id']}/positions", headers=officer,
                           json={"lon": 114.01, "lat": 30.51, "heading_deg": 90})
    assert position.status_code == 204
    now = client.get(f"/api/v1/units/{unit['id']}", headers=officer).json()
    assert (now["lon"], now["lat"], now["heading_deg"]) == (114.01, 30.51, 90)
    stale = client.post(f"/api/v1/units/{unit['id']}/positions", headers=officer,
                        json={"lon": 114.09, "lat": 30.59, "at": "2020-01-01T00:00:00Z"})
    assert stale.status_code == 204
    assert client.get(f"/api/v1/units/{unit['id']}", headers=officer).json()["lon"] == 114.01
    duplicate = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR),
                            json={"call_sign": "W-102", "unit_type": "foot_patrol"})
    assert duplicate.status_code == 409


def test_position_batches_are_all_or_nothing(client, auth):
    officer = auth(Role.DISPATCHER)
    unit = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
        "call_sign": "AVL-1", "unit_type": "patrol_car", "status": "available"}).json()
    batch = {"reports": [
        {"unit_id": unit["id"], "lon": 114.01, "lat": 30.51, "at": "2026-01-01T00:00:00Z"},
        {"unit_id": unit["id"], "lon": 114.02, "lat": 30.52, "at": "2026-01-01T00:00:05Z"},
    ]}
    assert client.post("/api/v1/unit-positions", headers=officer, json=batch).json() == {"recorded": 2}
    now = client.get(f"/api/v1/units/{unit['id']}", headers=officer).json()
    assert (now["lon"], now["lat"]) == (114.02, 30.52)  # the latest report wins
    bad = client.post("/api/v1/unit-positions", headers=officer, json={"reports": [
        {"unit_id": unit["id"], "lon": 114.05, "lat": 30.55}, {"unit_id": 987654, "lon": 114.0, "lat": 30.5}]})
    assert bad.status_code == 422 and "987654" in bad.json()["error"]["message"]
    assert client.get(f"/api/v1/units/{unit['id']}", headers=officer).json()["lon"] == 114.02
