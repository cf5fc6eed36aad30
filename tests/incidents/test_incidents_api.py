"""Intake, jurisdiction, listing, dispatch bookkeeping, errors and personal data."""

from __future__ import annotations

from precinct.core.permissions import Role
from testkit import crew


def _create(client, headers, **overrides):
    body = {"source": "phone_110", "type_code": "assault", "lon": 114.02, "lat": 30.52, "description": "fight in a bar",
            "parties": [{"kind": "caller", "name": "张三", "phone": "13800000000"},
                        {"kind": "victim", "name": "李四", "phone": ""}]}
    body.update(overrides)
    return client.post("/api/v1/incidents", headers=headers, json=body)


def test_create_resolves_jurisdiction_and_defaults_priority(client, auth, ids):
    response = _create(client, auth(Role.CALL_TAKER))
    assert response.status_code == 201, response.text
    incident = response.json()
    assert incident["status"] == "received"
    assert incident["priority"] == 2  # the default priority of 'assault'
    assert (incident["district_id"], incident["station_id"], incident["beat_id"]) == (ids["west"], ids["west_station"],
                                                                                      ids["beat"])
    assert "parties" not in incident and "张三" not in response.text

    east = _create(client, auth(Role.CALL_TAKER), lon=114.15, lat=30.55, parties=[]).json()
    assert (east["district_id"], east["station_id"], east["beat_id"]) == (ids["east"], ids["east_station"], None)
    outside = _create(client, auth(Role.CALL_TAKER), lon=113.5, lat=30.5, parties=[]).json()
    assert (outside["district_id"], outside["station_id"], outside["beat_id"]) == (None, None, None)


def test_bad_input_names_the_field(client, auth):
    response = _create(client, auth(Role.CALL_TAKER), lat=123, priority=9)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {f["field"] for f in error["fields"]} == {"lat", "priority"}
    assert "Traceback" not in response.text

    unknown = _create(client, auth(Role.CALL_TAKER), type_code="no_such_type")
    assert unknown.status_code == 422
    assert "no_such_type" in unknown.json()["error"]["message"]


def test_error_titles_follow_accept_language(client, auth):
    headers = auth(Role.DISPATCHER)
    zh = client.get("/api/v1/incidents/999999", headers=headers).json()["error"]
    en = client.get("/api/v1/incidents/999999", headers={**headers, "Accept-Language": "en-GB"}).json()["error"]
    assert (zh["code"], zh["title"], en["title"]) == ("not_found", "未找到", "Not found")
    assert "999999" in en["message"]


def test_list_filters_and_pagination(client, auth):
    headers = auth(Role.DISPATCHER)
    for i in range(5):
        _create(client, headers, type_code="theft" if i % 2 else "noise", parties=[])
    _create(client, headers, source="officer_initiated", type_code="drugs", parties=[])
    page = client.get("/api/v1/incidents", headers=headers, params={"page_size": 2, "page": 2}).json()
    assert page["total"] == 6 and page["page"] == 2 and len(page["items"]) == 2
    thefts = client.get("/api/v1/incidents", headers=headers, params={"type_code": "theft"}).json()
    assert thefts["total"] == 2
    reported = client.get("/api/v1/incidents", headers=headers,
                          params=[("source", "phone_110"), ("source", "online_report")]).json()
    assert reported["total"] == 5
    officer = client.get("/api/v1/incidents", headers=headers, params={"source": "officer_initiated"}).json()
    assert [i["type_code"] for i in officer["items"]] == ["drugs"]
    assert client.get("/api/v1/incidents", headers=headers, params={"page_size": 501}).status_code == 422


def test_dispatch_cycle_stamps_times_and_frees_the_unit(client, auth, session):
    dispatcher, officer = auth(Role.DISPATCHER), auth(Role.PATROL_OFFICER)
    incident_id = _create(client, dispatcher).json()["id"]
    unit = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
        "call_sign": "W-101", "unit_type": "patrol_car", "status": "available"}).json()
    crew(session, "patrol-officer", unit["id"])  # the officer reports for their own unit
    assignment = client.post(f"/api/v1/incidents/{incident_id}/assignments", headers=dispatcher,
                             json={"unit_id": unit["id"]})
    assert assignment.status_code == 201
    second = client.post(f"/api/v1/incidents/{incident_id}/assignments", headers=dispatcher,
                         json={"unit_id": unit["id"]})
    assert second.status_code == 409 and "not available" in second.json()["error"]["message"]

    assert client.post(f"/api/v1/units/{unit['id']}/status", headers=officer,
                       json={"status": "en_route"}).status_code == 200
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=officer).json()["status"] == "en_route"
    assert client.post(f"/api/v1/units/{unit['id']}/status", headers=officer,
                       json={"status": "on_scene"}).status_code == 200
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=officer).json()["status"] == "on_scene"
    closed = client.post(f"/api/v1/incidents/{incident_id}/transitions", headers=officer,
                         json={"status": "closed", "disposition": "arrested", "note": "已抓获 / arrested"})
    assert closed.status_code == 200 and closed.json()["disposition"] == "arrested"

    stamps = client.get(f"/api/v1/incidents/{incident_id}/assignments", headers=officer).json()[0]
    assert stamps["dispatched_at"] <= stamps["en_route_at"] <= stamps["on_scene_at"] <= stamps["cleared_at"]
    assert client.get(f"/api/v1/units/{unit['id']}", headers=officer).json()["status"] == "available"


def test_personal_data_needs_role_and_purpose_and_is_audited(client, auth):
    incident_id = _create(client, auth(Role.CALL_TAKER)).json()["id"]
    url = f"/api/v1/incidents/{incident_id}/parties"
    why = {"purpose": "follow_up", "reason": "call the caller back"}
    assert client.get(url, headers=auth(Role.ANALYST), params=why).status_code == 403
    assert client.get(url, headers=auth(Role.ADMIN), params=why).status_code == 403
    dispatcher = auth(Role.DISPATCHER)
    assert client.get(url, headers=dispatcher).status_code == 422  # no stated purpose
    assert client.get(url, headers=dispatcher, params={**why, "purpose": "curiosity"}).status_code == 422
    short = client.get(url, headers=dispatcher, params={**why, "reason": "  x "})
    assert short.status_code == 422 and "reason" in short.json()["error"]["message"]

    parties = client.get(url, headers=dispatcher, params=why)
    assert parties.status_code == 200
    assert [(p["kind"], p["name"]) for p in parties.json()] == [("caller", "张三"), ("victim", "李四")]

    log = client.get("/api/v1/audit", headers=auth(Role.AUDITOR), params={"action": "personal_data.read"}).json()
    assert log["total"] == 1
    entry = log["items"][0]
    assert (entry["actor"], entry["resource_id"], entry["purpose"]) == ("dispatcher", str(incident_id), "follow_up")
    assert entry["detail"]["reason"] == "call the caller back"
    assert entry["ip"] == "testclient" and len(entry["detail"]["party_ids"]) == 2
    assert client.get("/api/v1/audit", headers=auth(Role.ADMIN)).status_code == 403


def test_a_long_chinese_description_is_stored_and_can_be_worked(client, auth):
    """PostgreSQL refuses NOTIFY payloads over 8000 bytes; live events carry a shortened text."""
    headers = auth(Role.DISPATCHER)
    long_text = "嫌疑人身穿黑色外套" * 400  # 3,600 characters, about 10,800 bytes
    created = client.post("/api/v1/incidents", headers=headers, json={
        "source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52, "description": long_text})
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()["description"] == long_text
    closed = client.post(f"/api/v1/incidents/{incident_id}/transitions", headers=headers,
                         json={"status": "closed", "disposition": "resolved", "note": "已处置 / handled"})
    assert closed.status_code == 200
