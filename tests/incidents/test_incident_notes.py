"""Running notes on a call and corrections of its facts, over HTTP on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from precinct.audit.models import AuditEntry
from precinct.core.permissions import Role
from precinct.incidents.models import IncidentNote

BODY = {"source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52, "description": "wallet taken",
        "address": "解放大道 1 号"}


def _incident(client, auth, **overrides):
    response = client.post("/api/v1/incidents", headers=auth(Role.CALL_TAKER), json=BODY | overrides)
    assert response.status_code == 201, response.text
    return response.json()


def test_notes_are_appended_with_time_author_and_role_and_logged(client, auth, session):
    incident = _incident(client, auth)
    url = f"/api/v1/incidents/{incident['id']}/notes"
    first = client.post(url, headers=auth(Role.CALL_TAKER), json={"text": "  报警人称嫌疑人穿红色外套  "})
    assert first.status_code == 201, first.text
    second = client.post(url, headers=auth(Role.DISPATCHER), json={"text": "已通知巡逻车注意"})
    assert second.status_code == 201, second.text
    notes = client.get(url, headers=auth(Role.ANALYST)).json()
    assert [(n["author"], n["author_role"], n["text"]) for n in notes] == [
        ("call-taker", "call_taker", "报警人称嫌疑人穿红色外套"), ("dispatcher", "dispatcher", "已通知巡逻车注意")]
    assert notes[0]["at"] <= notes[1]["at"]
    events = client.get(f"/api/v1/incidents/{incident['id']}/events", headers=auth(Role.DISPATCHER)).json()
    assert [e["data"]["note_id"] for e in events if e["kind"] == "note_added"] == [notes[0]["id"], notes[1]["id"]]
    audited = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "incident.note", AuditEntry.resource_id == str(incident["id"])))
    assert audited == 2


def test_notes_cannot_be_changed_or_removed(client, auth):
    incident = _incident(client, auth)
    url = f"/api/v1/incidents/{incident['id']}/notes"
    note = client.post(url, headers=auth(Role.DISPATCHER), json={"text": "first"}).json()
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, f"{url}/{note['id']}", headers=auth(Role.ADMIN)).status_code in (404, 405)
    assert [n["text"] for n in client.get(url, headers=auth(Role.DISPATCHER)).json()] == ["first"]


def test_a_blank_or_overlong_note_is_a_422_naming_text_and_nothing_is_stored(client, auth, session):
    incident = _incident(client, auth)
    url = f"/api/v1/incidents/{incident['id']}/notes"
    for body in ({"text": "   "}, {"text": ""}, {"text": "x" * 4001}, {}):
        response = client.post(url, headers=auth(Role.DISPATCHER), json=body)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert "text" in ([f["field"] for f in error.get("fields", [])] or [error["message"].split(":")[0]])
    assert session.scalar(select(func.count()).select_from(IncidentNote).where(
        IncidentNote.incident_id == incident["id"])) == 0
    assert client.post("/api/v1/incidents/999999/notes", headers=auth(Role.DISPATCHER),
                       json={"text": "x"}).status_code == 404


def test_editing_type_priority_address_and_description_logs_each_change(client, auth):
    incident = _incident(client, auth)
    url = f"/api/v1/incidents/{incident['id']}"
    edited = client.patch(url, headers=auth(Role.DISPATCHER), json={
        "type_code": "robbery", "priority": 1, "address": "解放大道 3 号", "description": "wallet taken by force"})
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["type_code"], body["priority"], body["address"], body["description"]) == (
        "robbery", 1, "解放大道 3 号", "wallet taken by force")
    assert body["version"] == incident["version"] + 1
    events = client.get(f"{url}/events", headers=auth(Role.DISPATCHER)).json()
    changes = [e for e in events if e["kind"] == "edited"]
    assert len(changes) == 1 and changes[0]["actor"] == "dispatcher"
    assert changes[0]["data"]["changes"] == {
        "type_code": {"from": "theft", "to": "robbery"}, "priority": {"from": 3, "to": 1},
        "address": {"from": "解放大道 1 号", "to": "解放大道 3 号"},
        "description": {"from": "wallet taken", "to": "wallet taken by force"}}
    same = client.patch(url, headers=auth(Role.DISPATCHER), json={"priority": 1})
    assert same.status_code == 200 and same.json()["version"] == body["version"]  # no change, no event
    assert len([e for e in client.get(f"{url}/events", headers=auth(Role.DISPATCHER)).json()
                if e["kind"] == "edited"]) == 1


def test_bad_edits_name_the_field_and_change_nothing(client, auth):
    incident = _incident(client, auth)
    url = f"/api/v1/incidents/{incident['id']}"
    for body, field in (({"priority": 0}, "priority"), ({"priority": 5}, "priority"),
                        ({"address": "x" * 257}, "address"), ({"type_code": ""}, "type_code"),
                        ({"status": "closed"}, "status")):
        response = client.patch(url, headers=auth(Role.DISPATCHER), json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in [f["field"] for f in response.json()["error"]["fields"]], response.text
    unknown = client.patch(url, headers=auth(Role.DISPATCHER), json={"type_code": "no_such_type"})
    assert unknown.status_code == 422 and unknown.json()["error"]["message"].startswith("type_code: ")
    empty = client.patch(url, headers=auth(Role.DISPATCHER), json={})
    assert empty.status_code == 422 and empty.json()["error"]["message"].startswith("body: ")
    after = client.get(url, headers=auth(Role.DISPATCHER)).json()
    assert (after["type_code"], after["priority"], after["version"]) == ("theft", 3, incident["version"])


def test_a_closed_incident_is_not_edited_but_takes_notes(client, auth):
    incident = _incident(client, auth)
    url = f"/api/v1/incidents/{incident['id']}"
    closed = client.post(f"{url}/transitions", headers=auth(Role.DISPATCHER),
                         json={"status": "closed", "disposition": "false_alarm", "note": "误报 / false alarm"})
    assert closed.status_code == 200, closed.text
    refused = client.patch(url, headers=auth(Role.DISPATCHER), json={"priority": 1})
    assert refused.status_code == 409 and "reopen it first" in refused.json()["error"]["message"]
    assert client.post(f"{url}/notes", headers=auth(Role.DISPATCHER), json={"text": "回访：报警人确认误报"}
                       ).status_code == 201
