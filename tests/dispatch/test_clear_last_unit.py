"""'Clear, available' never leaves an incident open without a unit (over HTTP): on scene the last unit is
refused without a disposition; before arriving the incident goes back to the queue; a disposition clears and
closes."""

from __future__ import annotations

from precinct.core.permissions import Role
from testkit import crew


def _on_scene(client, auth, session, call_sign, *, units=1, status="on_scene"):
    dispatcher = auth(Role.DISPATCHER)
    incident = client.post("/api/v1/incidents", headers=dispatcher, json={
        "source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52}).json()
    made = []
    for n in range(units):
        unit = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
            "call_sign": f"{call_sign}-{n}", "unit_type": "patrol_car", "status": "available"}).json()
        assert client.post(f"/api/v1/incidents/{incident['id']}/assignments", headers=dispatcher,
                           json={"unit_id": unit["id"]}).status_code == 201
        assert client.post(f"/api/v1/units/{unit['id']}/status", headers=dispatcher,
                           json={"status": status}).status_code == 200
        made.append(unit["id"])
    crew(session, "patrol-officer", made[0])
    return incident["id"], made


def test_the_last_unit_on_scene_is_refused_with_what_to_do(client, auth, session):
    incident_id, (unit_id,) = _on_scene(client, auth, session, "CLR")
    officer = auth(Role.PATROL_OFFICER)
    for language, words in (("en", "last unit on scene"), ("zh-CN", "现场唯一的警力")):
        refused = client.post(f"/api/v1/units/{unit_id}/status", headers=officer | {"Accept-Language": language},
                              json={"status": "available"})
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "conflict" and words in error["message"] and "disposition" in error["message"]
    assert client.get(f"/api/v1/units/{unit_id}", headers=officer).json()["status"] == "on_scene"
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=officer).json()
    assert incident["status"] == "on_scene"
    assignments = client.get(f"/api/v1/incidents/{incident_id}/assignments", headers=officer).json()
    assert [a["cleared_at"] for a in assignments] == [None]


def test_clearing_with_a_disposition_closes_the_incident_and_frees_the_unit(client, auth, session):
    incident_id, (unit_id,) = _on_scene(client, auth, session, "CLD")
    officer = auth(Role.PATROL_OFFICER)
    no_note = client.post(f"/api/v1/units/{unit_id}/status", headers=officer,
                          json={"status": "available", "disposition": "resolved"})
    assert no_note.status_code == 422 and no_note.json()["error"]["message"].startswith("note: ")
    bad = client.post(f"/api/v1/units/{unit_id}/status", headers=officer,
                      json={"status": "available", "disposition": "gone_home", "note": "已处置"})
    assert bad.status_code == 422 and [f["field"] for f in bad.json()["error"]["fields"]] == ["disposition"]
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=officer).json()["status"] == "on_scene"
    cleared = client.post(f"/api/v1/units/{unit_id}/status", headers=officer,
                          json={"status": "available", "disposition": "resolved", "note": "已劝离，现场恢复秩序"})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["status"] == "available"
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=officer).json()
    assert (incident["status"], incident["disposition"]) == ("closed", "resolved")
    events = client.get(f"/api/v1/incidents/{incident_id}/events", headers=officer).json()
    closing = [e for e in events if e["to_status"] == "closed"]
    assert [(e["actor"], e["data"]["note"]) for e in closing] == [("patrol-officer", "已劝离，现场恢复秩序")]


def test_a_unit_clears_freely_while_another_stays_on_scene(client, auth, session):
    incident_id, (first, second) = _on_scene(client, auth, session, "CL2", units=2)
    officer = auth(Role.PATROL_OFFICER)
    assert client.post(f"/api/v1/units/{first}/status", headers=officer, json={"status": "available"}
                       ).status_code == 200
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=officer).json()["status"] == "on_scene"
    last = client.post(f"/api/v1/units/{second}/status", headers=auth(Role.DISPATCHER), json={"status": "available"})
    assert last.status_code == 409  # now the second is the last one on scene


def test_the_last_unit_stood_down_before_arriving_puts_the_incident_back_in_the_queue(client, auth, session):
    incident_id, (unit_id,) = _on_scene(client, auth, session, "CLQ", status="en_route")
    officer = auth(Role.PATROL_OFFICER)
    cleared = client.post(f"/api/v1/units/{unit_id}/status", headers=officer, json={"status": "available"})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["status"] == "available"
    dispatcher = auth(Role.DISPATCHER)
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=dispatcher).json()
    assert (incident["status"], incident["disposition"]) == ("received", None)  # to be sent again, not en route
    assert [a["cleared_at"] is not None for a in client.get(f"/api/v1/incidents/{incident_id}/assignments",
                                                              headers=dispatcher).json()] == [True]
    back = [e for e in client.get(f"/api/v1/incidents/{incident_id}/events", headers=dispatcher).json()
            if e["to_status"] == "received" and e["kind"] == "status"]
    assert [(e["from_status"], e["data"]["reason"], e["data"]["unit_id"]) for e in back] == [
        ("en_route", "last_unit_cleared", unit_id)]
    again = client.post(f"/api/v1/incidents/{incident_id}/assignments", headers=dispatcher, json={"unit_id": unit_id})
    assert again.status_code == 201, again.text
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=dispatcher).json()["status"] == "dispatched"


def test_a_disposition_closes_the_incident_from_any_open_status_and_is_never_dropped(client, auth, session):
    incident_id, (first, second) = _on_scene(client, auth, session, "CLX", units=2, status="en_route")
    officer = auth(Role.PATROL_OFFICER)
    closed = client.post(f"/api/v1/units/{first}/status", headers=officer,
                         json={"status": "available", "disposition": "cancelled", "note": "报警人称已无需出警"})
    assert closed.status_code == 200, closed.text
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=officer).json()
    assert (incident["status"], incident["disposition"]) == ("closed", "cancelled")
    assert client.get(f"/api/v1/units/{second}", headers=officer).json()["status"] == "available"  # freed too
    for language, words in (("en", "is on no incident"), ("zh-CN", "没有处置中的警情")):
        idle = client.post(f"/api/v1/units/{first}/status", headers=officer | {"Accept-Language": language},
                           json={"status": "available", "disposition": "resolved", "note": "已处置"})
        assert idle.status_code == 422, idle.text
        error = idle.json()["error"]
        assert error["message"].startswith("disposition: ") and words in error["message"]
