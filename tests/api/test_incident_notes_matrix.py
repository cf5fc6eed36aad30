"""Who may read and write an incident's running notes and correct its facts: roles, scope (404) and ownership.

A west and an east incident; a unit of each station; the patrol officer crews the west unit, which
is sent to the west incident. Accounts of the west station, the east branch and the city read and
write; the officer writes only on their unit's call while the unit is on it.
"""

from __future__ import annotations

import pytest

from precinct.api.deps import RoleChecker
from precinct.app import api_routes
from precinct.core.permissions import Role
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from precinct.users import service as user_service
from precinct.users.models import User
from testkit import ADMIN_ACTOR, bearer_for, crew

R = Role
READ = {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.ANALYST, R.SUPERVISOR, R.ADMIN}
NOTES = {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR, R.ADMIN}
EDIT = {R.CALL_TAKER, R.DISPATCHER, R.SUPERVISOR, R.ADMIN}
ROUTES = {
    ("GET", "/api/v1/incidents/{incident_id}/notes"): READ,
    ("POST", "/api/v1/incidents/{incident_id}/notes"): NOTES,
    ("PATCH", "/api/v1/incidents/{incident_id}"): EDIT,
    ("GET", "/api/v1/assignments/current"): READ,
}
WEST, EAST = (114.05, 30.55), (114.15, 30.55)


def _declared(route):
    for sub in route.dependant.dependencies:
        if isinstance(sub.call, RoleChecker):
            return set(sub.call.roles)
    return None


def test_the_routes_declare_these_roles():
    served = {(m, p): r for m, p, r in api_routes() if (m, p) in ROUTES}
    assert set(served) == set(ROUTES)
    for key, route in served.items():
        assert _declared(route) == ROUTES[key], key


def test_calling_each_route_as_each_role(client, auth):
    incident = client.post("/api/v1/incidents", headers=auth(R.CALL_TAKER), json={
        "source": "phone_110", "type_code": "theft", "lon": WEST[0], "lat": WEST[1]}).json()
    bodies = {"GET": None, "POST": {"text": "备注"}, "PATCH": {"description": "更正"}}
    for (method, path), allowed in ROUTES.items():
        url = path.replace("{incident_id}", str(incident["id"]))
        for role in Role:
            response = client.request(method, url, headers=auth(role), json=bodies[method])
            if role in allowed and (role != R.PATROL_OFFICER or "{incident_id}" not in path):
                assert response.status_code in (200, 201), (method, path, role, response.text)
            elif role in allowed:  # an officer whose unit is not on this call
                assert response.status_code == 404, (method, path, role, response.text)
            else:
                assert response.status_code == 403, (method, path, role, response.text)
                assert response.json()["error"]["code"] == "permission_denied"


@pytest.fixture
def world(session, ids):
    made = {}
    for side, (lon, lat), station in (("west", WEST, ids["west_station"]), ("east", EAST, ids["east_station"])):
        unit = unit_service.create(session, call_sign=f"N-{side}", unit_type=UnitType.PATROL_CAR,
                                   home_station_id=station, status=UnitStatus.AVAILABLE, lon=lon, lat=lat,
                                   actor=ADMIN_ACTOR)
        incident = incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=lon,
                                                                   lat=lat), actor=ADMIN_ACTOR)
        made |= {side: incident.id, f"{side}_unit": unit.id}
    incident_lifecycle.assign_unit(session, made["west"], made["west_unit"], actor=ADMIN_ACTOR)
    crew(session, "patrol-officer", made["west_unit"])
    session.commit()
    return made


ACCOUNTS = {"west-desk": ("dispatcher", "west_station"), "east-branch": ("dispatcher", "east"),
            "city-desk": ("dispatcher", "city")}
SEES = {"west-desk": {"west"}, "east-branch": {"east"}, "city-desk": {"west", "east"}}


def _as(session, ids, name):
    username, org = ACCOUNTS[name]
    session.get(User, user_service.get_by_username(session, username).id).org_unit_id = ids[org]
    session.commit()
    return bearer_for(username, R.DISPATCHER)


@pytest.mark.parametrize("account", sorted(SEES))
def test_reads_and_writes_answer_404_across_the_scope_and_store_nothing(client, session, world, ids, account):
    headers = _as(session, ids, account)
    for side in ("west", "east"):
        url = f"/api/v1/incidents/{world[side]}"
        code = 200 if side in SEES[account] else 404
        assert client.get(f"{url}/notes", headers=headers).status_code == code, side
        written = client.post(f"{url}/notes", headers=headers, json={"text": f"{account} 备注"})
        assert written.status_code == (201 if code == 200 else 404), (side, written.text)
        edited = client.patch(url, headers=headers, json={"address": f"{account} 更正"})
        assert edited.status_code == code, (side, edited.text)
    city = _as(session, ids, "city-desk")
    for side in ("west", "east"):
        notes = client.get(f"/api/v1/incidents/{world[side]}/notes", headers=city).json()
        expected = [f"{account} 备注"] if side in SEES[account] else []
        assert [n["text"] for n in notes if n["text"] != "city-desk 备注" or account == "city-desk"] == expected
        address = client.get(f"/api/v1/incidents/{world[side]}", headers=city).json()["address"]
        assert (address == f"{account} 更正") == (side in SEES[account])


def test_an_officer_writes_notes_on_their_own_units_call_only(client, session, world):
    officer = bearer_for("patrol-officer", R.PATROL_OFFICER)
    own = f"/api/v1/incidents/{world['west']}/notes"
    assert client.post(own, headers=officer, json={"text": "现场已控制"}).status_code == 201
    assert [n["author_role"] for n in client.get(own, headers=officer).json()] == ["patrol_officer"]
    other = f"/api/v1/incidents/{world['east']}/notes"
    assert client.get(other, headers=officer).status_code == 404
    assert client.post(other, headers=officer, json={"text": "x"}).status_code == 404
    assert client.patch(f"/api/v1/incidents/{world['west']}", headers=officer,
                        json={"priority": 1}).status_code == 403  # the role may not correct a call's facts
    cleared = client.post(f"/api/v1/units/{world['west_unit']}/status", headers=officer, json={"status": "available"})
    assert cleared.status_code == 200, cleared.text  # not on scene yet: clearing leaves it for another unit
    assert client.get(own, headers=officer).status_code == 200  # the unit was on it: the notes stay readable
    late = client.post(own, headers=officer, json={"text": "补记"})
    assert late.status_code == 403 and "not your unit's" in late.json()["error"]["message"]


@pytest.mark.parametrize("account", sorted(SEES))
def test_current_assignments_are_those_in_the_scope(client, session, world, ids, account):
    incident_lifecycle.assign_unit(session, world["east"], world["east_unit"], actor=ADMIN_ACTOR)
    session.commit()
    current = client.get("/api/v1/assignments/current", headers=_as(session, ids, account)).json()
    mine = {(a["incident_id"], a["unit_id"]) for a in current} & {(world["west"], world["west_unit"]),
                                                                  (world["east"], world["east_unit"])}
    assert mine == {(world[side], world[f"{side}_unit"]) for side in SEES[account]}


def test_a_station_sees_its_unit_reinforcing_a_neighbour_as_the_listings_do(client, session, world, ids):
    lent = unit_service.create(session, call_sign="N-west-2", unit_type=UnitType.PATROL_CAR,
                               home_station_id=ids["west_station"], status=UnitStatus.AVAILABLE,
                               lon=WEST[0], lat=WEST[1], actor=ADMIN_ACTOR)
    incident_lifecycle.assign_unit(session, world["east"], lent.id, actor=ADMIN_ACTOR)  # across the border
    unrelated = incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=EAST[0],
                                                                lat=EAST[1]), actor=ADMIN_ACTOR)
    incident_lifecycle.assign_unit(session, unrelated.id, world["east_unit"], actor=ADMIN_ACTOR)
    session.commit()
    headers = _as(session, ids, "west-desk")
    current = {(a["incident_id"], a["unit_id"]) for a in
               client.get("/api/v1/assignments/current", headers=headers).json()}
    assert (world["east"], lent.id) in current and (world["west"], world["west_unit"]) in current
    assert (unrelated.id, world["east_unit"]) not in current
    listed = {i["id"] for i in client.get("/api/v1/incidents", headers=headers,
                                          params={"page_size": 100}).json()["items"]}
    assert {world["west"], world["east"]} <= listed and unrelated.id not in listed
    east = _as(session, ids, "east-branch")
    seen = {(a["incident_id"], a["unit_id"]) for a in client.get("/api/v1/assignments/current", headers=east).json()}
    assert {(world["east"], lent.id), (unrelated.id, world["east_unit"])} <= seen
    assert (world["west"], world["west_unit"]) not in seen
