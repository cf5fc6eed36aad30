"""Every legal and illegal transition of the incident status machine, pure and through the API."""

from __future__ import annotations

import itertools

import pytest

from precinct.core.errors import ConflictError, ValidationError
from precinct.core.permissions import Role
from precinct.incidents.models import Disposition, IncidentStatus
from precinct.incidents.status import check_transition, is_allowed

S = IncidentStatus
LEGAL = {
    (S.RECEIVED, S.DISPATCHED), (S.RECEIVED, S.CLOSED), (S.RECEIVED, S.TRANSFERRED),
    (S.DISPATCHED, S.EN_ROUTE), (S.DISPATCHED, S.ON_SCENE), (S.DISPATCHED, S.CLOSED), (S.DISPATCHED, S.TRANSFERRED),
    (S.EN_ROUTE, S.ON_SCENE), (S.EN_ROUTE, S.CLOSED), (S.EN_ROUTE, S.TRANSFERRED),
    (S.ON_SCENE, S.CLOSED), (S.ON_SCENE, S.TRANSFERRED),
}
ALL_PAIRS = list(itertools.product(IncidentStatus, IncidentStatus))


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=lambda s: s.value)
def test_pure_table(current, target):
    assert is_allowed(current, target) == ((current, target) in LEGAL)
    disposition = Disposition.RESOLVED if target == S.CLOSED else None
    if (current, target) in LEGAL:
        check_transition(current, target, disposition)
    else:
        with pytest.raises(ConflictError, match=f"cannot move an incident from {current.value} to {target.value}"):
            check_transition(current, target, disposition)


def test_closing_needs_a_disposition_and_only_closing_takes_one():
    with pytest.raises(ValidationError, match="needs a disposition"):
        check_transition(S.ON_SCENE, S.CLOSED, None)
    with pytest.raises(ValidationError, match="only when closing"):
        check_transition(S.DISPATCHED, S.EN_ROUTE, Disposition.RESOLVED)


# ---- through the API: drive an incident to `current`, then ask for `target` -------------------

PATH_TO = {
    S.RECEIVED: [],
    S.DISPATCHED: ["assign"],
    S.EN_ROUTE: ["assign", S.EN_ROUTE],
    S.ON_SCENE: ["assign", S.EN_ROUTE, S.ON_SCENE],
    S.CLOSED: [S.CLOSED],
    S.TRANSFERRED: [S.TRANSFERRED],
}


def _new_incident(client, headers):
    response = client.post("/api/v1/incidents", headers=headers, json={
        "source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52, "description": "bike stolen"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _new_unit(client, auth, call_sign):
    response = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
        "call_sign": call_sign, "unit_type": "patrol_car", "status": "available", "lon": 114.03, "lat": 30.53})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _move(client, headers, incident_id, target, unit_id):
    if target == "assign":
        return client.post(f"/api/v1/incidents/{incident_id}/assignments", headers=headers, json={"unit_id": unit_id})
    body = {"status": target.value}
    if target == S.CLOSED:
        body["disposition"] = "resolved"
        body["note"] = "已处置 / handled"
    return client.post(f"/api/v1/incidents/{incident_id}/transitions", headers=headers, json=body)


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=lambda s: s.value)
def test_api_transition(client, auth, current, target):
    headers = auth(Role.DISPATCHER)
    incident_id = _new_incident(client, headers)
    unit_id = _new_unit(client, auth, f"T-{current.value}-{target.value}"[:32])
    for step in PATH_TO[current]:
        assert _move(client, headers, incident_id, step, unit_id).status_code in (200, 201)
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()["status"] == current.value
    history_before = len(client.get(f"/api/v1/incidents/{incident_id}/events", headers=headers).json())

    response = _move(client, headers, incident_id, "assign" if target == S.DISPATCHED else target, unit_id)
    if (current, target) in LEGAL and not (target == S.DISPATCHED and current != S.RECEIVED):
        assert response.status_code in (200, 201), response.text
        incident = client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()
        assert incident["status"] == target.value
        events = client.get(f"/api/v1/incidents/{incident_id}/events", headers=headers).json()
        assert len(events) == history_before + 1
        assert events[-1]["to_status"] == target.value and events[-1]["actor"] == "dispatcher"
    else:
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "conflict"
        assert client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()["status"] == current.value
        events = client.get(f"/api/v1/incidents/{incident_id}/events", headers=headers).json()
        assert len(events) == history_before


def test_direct_transition_to_dispatched_is_refused(client, auth):
    headers = auth(Role.DISPATCHER)
    incident_id = _new_incident(client, headers)
    response = client.post(f"/api/v1/incidents/{incident_id}/transitions", headers=headers,
                           json={"status": "dispatched"})
    assert response.status_code == 422
    assert "assigning a unit" in response.json()["error"]["message"]
