"""Who may act on what, beside the role matrix: a patrol officer acts on their own unit and its
assignments only, a call taker files no officer-initiated incident, and personal data is read
only where the reader works (ownership for officers, scope for everyone else)."""

from __future__ import annotations

import pytest

from precinct.core.permissions import Role
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate, PartyCreate
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from precinct.users import service as user_service
from precinct.users.models import User
from testkit import ADMIN_ACTOR, PASSWORD, bearer_for, crew

WEST, EAST = (114.05, 30.55), (114.15, 30.55)


@pytest.fixture
def world(session, ids):
    """Two units, each sent to an incident; an officer crewing the first; accounts of a station,
    a district and the city."""
    units = []
    for sign, (lon, lat), station in (("OWN-1", WEST, ids["west_station"]), ("OTHER-1", EAST, ids["east_station"])):
        unit = unit_service.create(session, call_sign=sign, unit_type=UnitType.PATROL_CAR, home_station_id=station,
                                   actor=ADMIN_ACTOR, status=UnitStatus.AVAILABLE, lon=lon, lat=lat)
        units.append(unit)
    incidents = []
    for unit, (lon, lat) in zip(units, (WEST, EAST), strict=True):
        incident = incident_service.create(session, IncidentCreate(
            source="phone_110", type_code="theft", lon=lon, lat=lat,
            parties=[PartyCreate(kind="caller", name="王五", phone="13800000000")]), actor=ADMIN_ACTOR)
        incident_lifecycle.assign_unit(session, incident.id, unit.id, actor=ADMIN_ACTOR)
        incidents.append(incident)
    crew(session, "patrol-officer", units[0].id)
    for name, org in (("west-desk", ids["west_station"]), ("east-branch", ids["east"]), ("city-desk", ids["city"])):
        user_service.create(session, username=name, password=PASSWORD, role=Role.DISPATCHER, actor=ADMIN_ACTOR,
                            org_unit_id=org, direct=True)
    session.commit()
    return {"own_unit": units[0].id, "other_unit": units[1].id, "own_incident": incidents[0].id,
            "other_incident": incidents[1].id}


OFFICER = "patrol-officer"


def as_officer():
    return bearer_for(OFFICER, Role.PATROL_OFFICER)


# (what, method, path, body) -> the status an officer gets on their own unit's record and on another's
UNIT_ACTIONS = [
    ("status", "POST", "/api/v1/units/{unit}/status", {"status": "en_route"}, 200),
    ("position", "POST", "/api/v1/units/{unit}/positions", {"lon": 114.06, "lat": 30.56}, 204),
    ("batch", "POST", "/api/v1/unit-positions", {"reports": [{"unit_id": "{unit}", "lon": 114.06, "lat": 30.56}]}, 200),
]


def _fill(value, unit):
    if isinstance(value, dict):
        return {k: _fill(v, unit) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, unit) for v in value]
    return unit if value == "{unit}" else value


@pytest.mark.parametrize(("what", "method", "path", "body", "ok"), UNIT_ACTIONS, ids=[a[0] for a in UNIT_ACTIONS])
@pytest.mark.parametrize("whose", ["own", "other"])
def test_an_officer_reports_for_their_own_unit_only(client, auth, world, what, method, path, body, ok, whose):
    unit = world[f"{whose}_unit"]
    response = client.request(method, path.format(unit=unit), headers=as_officer(), json=_fill(body, unit))
    if whose == "own":
        assert response.status_code == ok, response.text
    else:
        assert response.status_code == 403 and "not yours" in response.json()["error"]["message"]
    dispatcher = client.request(method, path.format(unit=unit), headers=auth(Role.DISPATCHER), json=_fill(body, unit))
    assert dispatcher.status_code in (ok, 409), dispatcher.text  # dispatchers act on any unit


@pytest.mark.parametrize("whose", ["own", "other"])
def test_an_officer_moves_only_their_own_units_incidents(client, auth, world, whose):
    incident = world[f"{whose}_incident"]
    body = {"status": "closed", "disposition": "false_alarm", "note": "误报"}
    response = client.post(f"/api/v1/incidents/{incident}/transitions", headers=as_officer(), json=body)
    assert response.status_code == (200 if whose == "own" else 403), response.text


def test_an_officer_without_a_unit_acts_on_no_unit(client, session, world):
    session.get(User, user_service.get_by_username(session, OFFICER).id).unit_id = None
    session.commit()
    for what, method, path, body, _ in UNIT_ACTIONS:
        unit = world["own_unit"]
        response = client.request(method, path.format(unit=unit), headers=as_officer(), json=_fill(body, unit))
        assert response.status_code == 403 and "crews none" in response.json()["error"]["message"], what
    closing = client.post(f"/api/v1/incidents/{world['own_incident']}/transitions", headers=as_officer(),
                          json={"status": "closed", "disposition": "resolved", "note": "已处置"})
    assert closing.status_code == 403


@pytest.mark.parametrize(("role", "source", "allowed"), [
    (Role.CALL_TAKER, "phone_110", True), (Role.CALL_TAKER, "officer_initiated", False),
    (Role.PATROL_OFFICER, "officer_initiated", True), (Role.PATROL_OFFICER, "phone_110", False),
    (Role.DISPATCHER, "officer_initiated", True),
])
@pytest.mark.parametrize("route", ["/api/v1/incidents", "/api/v1/intake"])
def test_who_files_which_source(client, auth, route, role, source, allowed):
    response = client.post(route, headers=auth(role), json={"source": source, "type_code": "theft",
                                                            "lon": WEST[0], "lat": WEST[1]})
    assert response.status_code == (201 if allowed else 403), response.text


def _parties(client, incident, headers, **params):
    return client.get(f"/api/v1/incidents/{incident}/parties", headers=headers,
                      params={"purpose": "incident_handling", "reason": "calling the caller back"} | params)


@pytest.mark.parametrize(("reader", "own", "other"), [
    ("west-desk", 200, 404),  # a station account: its station only
    ("east-branch", 404, 200),  # a district account: its district's stations
    ("city-desk", 200, 200),  # the city: everything
    ("dispatcher", 200, 200),  # an account without an organisation unit is citywide
])
def test_personal_data_is_read_only_in_the_readers_scope(client, world, reader, own, other):
    headers = bearer_for(reader, Role.DISPATCHER)
    assert _parties(client, world["own_incident"], headers).status_code == own
    assert _parties(client, world["other_incident"], headers).status_code == other


def test_an_officer_reads_the_personal_data_of_their_own_incidents_only(client, world):
    assert _parties(client, world["own_incident"], as_officer()).status_code == 200
    assert _parties(client, world["other_incident"], as_officer()).status_code == 404


def test_a_personal_data_read_needs_a_listed_purpose_and_a_reason_both_audited(client, auth, world):
    headers = auth(Role.DISPATCHER)
    assert _parties(client, world["own_incident"], headers, purpose="curiosity").status_code == 422
    assert _parties(client, world["own_incident"], headers, purpose="aaaa").status_code == 422
    assert _parties(client, world["own_incident"], headers, reason=" ").status_code == 422
    read = _parties(client, world["own_incident"], headers, purpose="follow_up", reason="informing the victim")
    assert read.status_code == 200 and read.json()[0]["name"] == "王五"
    [entry] = client.get("/api/v1/audit", headers=auth(Role.AUDITOR), params={"action": "personal_data.read"}
                         ).json()["items"]
    assert entry["purpose"] == "follow_up" and entry["detail"]["reason"] == "informing the victim"
