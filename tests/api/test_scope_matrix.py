"""Scope on every route: an account sees and acts on its organisation unit's subtree only.

Beside the role matrix: every route the API serves is classified here (a record route checked for
404 across the scope, a scoped listing, city-wide reference data, the caller's own, or a domain
with its own scope matrix), so a new route cannot arrive unclassified. Then a station account
(west), a district branch (east) and the city read and change a west and an east incident and unit;
a station's listings, analysis and live stream hold its own records; reinforcement across the
boundary lets a neighbouring station's unit help while the incident stays with its station, and
a unit is changed by its own scope or by the scope of the incident it is sent to; the targets a
body names (a unit's station, a district's duty level, the areas of a before/after) lie in scope.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from precinct.app import api_routes
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.dispatch import service as dispatch_service
from precinct.incidents import service as incident_service
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentCreate
from precinct.org import service as org_service
from precinct.org import stream as org_stream
from precinct.org.models import OrgTier
from precinct.units import service as unit_service
from precinct.units.models import Unit, UnitStatus, UnitType
from precinct.users import service as user_service
from precinct.users.models import User
from testkit import ADMIN_ACTOR, bearer_for

P = "/api/v1"
WEST, EAST, FAR = (114.05, 30.55), (114.15, 30.55), (114.17, 30.67)

#: routes on one incident or unit: another scope's record answers 404 (with the body each needs)
RECORD_ROUTES: dict[tuple[str, str], dict | None] = {
    ("GET", "/incidents/{incident_id}"): None,
    ("GET", "/incidents/{incident_id}/assignments"): None,
    ("GET", "/incidents/{incident_id}/events"): None,
    ("GET", "/incidents/{incident_id}/handoffs"): None,
    ("GET", "/incidents/{incident_id}/recommendations"): None,
    ("GET", "/incidents/{incident_id}/parties"): None,
    ("POST", "/incidents/{incident_id}/transitions"): {"status": "closed", "disposition": "resolved",
                                                       "note": "已处置完毕 / handled"},
    ("POST", "/incidents/{incident_id}/assignments"): {"unit_id": 0},
    ("POST", "/incidents/{incident_id}/duplicate-of"): {"original_id": 0},
    ("POST", "/incidents/{incident_id}/handoffs"): {"agency": "fire", "mode": "joint", "reason": "着火 / fire"},
    ("PATCH", "/incidents/{incident_id}"): {"priority": 3},
    ("GET", "/units/{unit_id}"): None,
    ("POST", "/units/{unit_id}/positions"): {"lon": 114.05, "lat": 30.55},
    ("POST", "/units/{unit_id}/status"): {"status": "off_duty"},
}
#: listings and analysis that answer with the caller's scope only (checked below by their content)
SCOPED_LISTINGS = {
    ("GET", "/incidents"), ("GET", "/incidents/duplicates"), ("GET", "/units"), ("POST", "/unit-positions"),
    ("GET", "/analysis/hotspots/forecast"), ("GET", "/analysis/repeat-places"), ("GET", "/analysis/spikes"),
    ("GET", "/stream"), ("GET", "/assignments/current"),
    ("GET", "/analysis/aggregates"), ("GET", "/analysis/trends"), ("GET", "/analysis/heat"),  # test_analyst_matrix.py
    ("GET", "/analysis/forecast-accuracy"),  # the scope's incidents and flagged cells: tests/forecasts/test_backfill.py
    ("GET", "/planning/staffing"),  # the scope's calls: tests/deployment/test_deployment_staffing_evaluation.py
}
#: the same for every account: code lists, the organisation, plans, the base map, the whole city's
#: planning models and drills (exercises run for the city), forecasts' summaries (no records)
CITYWIDE = {
    ("GET", "/health"), ("GET", "/meta"), ("GET", "/incident-types"), ("GET", "/org/units"),
    ("GET", "/org/units/{org_id}"), ("GET", "/beats"), ("GET", "/beats/{beat_id}"), ("GET", "/map/roads"),
    ("GET", "/map/route"), ("GET", "/map/labels"), ("GET", "/city"), ("GET", "/city/basemap"),
    ("GET", "/response-plans"), ("GET", "/response-plans/history"),
    ("GET", "/duty-levels"), ("POST", "/incidents"),
    ("POST", "/intake"), ("GET", "/analysis/forecasts"), ("POST", "/analysis/forecasts"),
    ("GET", "/planning/coverage"), ("GET", "/planning/posts"),
    ("GET", "/drills"), ("POST", "/drills"), ("GET", "/drills/scenarios"),
    ("GET", "/drills/{run_id}"), ("POST", "/drills/{run_id}/finish"), ("GET", "/drills/{run_id}/replay"),
    ("POST", "/drills/{run_id}/tick"),
}
#: writes whose body names an organisation unit that must lie in the caller's scope (checked below)
TARGET_IN_BODY = {("POST", "/units"), ("POST", "/duty-levels"), ("POST", "/planning/before-after"),
                  ("POST", "/response-plans")}
#: the caller's own account, unit or assignment; accounts and the audit log (administration, audit)
OWN_OR_ADMINISTRATION_PREFIXES = ("/auth/", "/officer/", "/users", "/role-grants", "/audit")
#: domains whose own matrix tests check scope route by route (tests/api/test_<domain>_matrix.py)
DOMAIN_MATRIX_PREFIXES = ("/supervision/", "/directives", "/cases", "/addresses", "/places/", "/disputes",
                          "/premises", "/operations", "/beat-log")


def _short(path: str) -> str:
    return path.removeprefix(P)


def test_every_route_is_classified_for_scope():
    unclassified = []
    for method, path, _ in api_routes():
        key = (method, _short(path))
        if method == "HEAD" or key in RECORD_ROUTES or key in SCOPED_LISTINGS or key in CITYWIDE:
            continue
        if key in TARGET_IN_BODY:
            continue
        if key[1].startswith(OWN_OR_ADMINISTRATION_PREFIXES + DOMAIN_MATRIX_PREFIXES):
            continue
        if "/incidents/{incident_id}/" in key[1] and _has_own_matrix(key[1]):
            continue
        unclassified.append(key)
    assert unclassified == [], "classify these routes for scope in tests/api/test_scope_matrix.py"


def _has_own_matrix(path: str) -> bool:
    return path.endswith(("/notes", "/fields", "/notes/{note_id}"))  # running notes: their matrix is their own


ACCOUNTS = {"west-desk": "west_station", "east-branch": "east", "city-desk": "city"}
SEES = {"west-desk": {"west"}, "east-branch": {"east", "far"}, "city-desk": {"west", "east", "far"}}
#: the stations bordering each account's scope: their units are the reinforcement it may call on
BORDERING = {"west-desk": {"east"}, "east-branch": {"west"}, "city-desk": set()}


def _post(session, username: str, org_unit_id: int) -> None:
    session.get(User, user_service.get_by_username(session, username).id).org_unit_id = org_unit_id
    session.commit()


@pytest.fixture
def world(session, ids):
    """West and east stations (bordering), a far station of the east branch that borders neither;
    an open incident and an available unit in each."""
    far = org_service.create_unit(session, code="S3", name_zh="远郊派出所", name_en="Far Station", tier=OrgTier.STATION,
                                  parent_id=ids["east"], lon=FAR[0], lat=FAR[1], boundary_geojson={
                                      "type": "Polygon", "coordinates": [[[114.16, 30.66], [114.18, 30.66],
                                                                          [114.18, 30.68], [114.16, 30.68],
                                                                          [114.16, 30.66]]]})
    made = {"far_station": far.id}
    for side, (lon, lat), station in (("west", WEST, ids["west_station"]), ("east", EAST, ids["east_station"]),
                                      ("far", FAR, far.id)):
        unit = unit_service.create(session, call_sign=f"{side}-1", unit_type=UnitType.PATROL_CAR,
                                   home_station_id=station, status=UnitStatus.AVAILABLE, lon=lon, lat=lat,
                                   actor=ADMIN_ACTOR)
        incident = incident_service.create(session, IncidentCreate(
            source="phone_110", type_code="theft", priority=2, lon=lon, lat=lat), actor=ADMIN_ACTOR)
        made |= {f"{side}_incident": incident.id, f"{side}_unit": unit.id}
    session.commit()
    return made


def _as(session, ids, world, account: str, role: Role = Role.DISPATCHER) -> dict[str, str]:
    """Headers of the seeded account of ``role``, posted to the account's org unit first."""
    org = ACCOUNTS[account]
    username = role.value.replace("_", "-")
    _post(session, username, world.get(org) or ids[org])
    return bearer_for(username, role)


def _url(path: str, world: dict, side: str) -> str:
    return P + path.replace("{incident_id}", str(world[f"{side}_incident"])).replace(
        "{unit_id}", str(world[f"{side}_unit"]))


def _body(body: dict | None, world: dict, side: str, own: str) -> dict | None:
    """The route's body: the unit of the record's side; for a duplicate, an original of the caller's own."""
    if body is None:
        return None
    if "unit_id" in body:
        return {"unit_id": world[f"{side}_unit"]}
    if "original_id" in body:
        return {"original_id": world[f"{own}_incident"]}
    return body


@pytest.mark.parametrize(("method", "path"), sorted(RECORD_ROUTES), ids=[f"{m} {p}" for m, p in sorted(RECORD_ROUTES)])
@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_another_scopes_record_answers_404(client, session, ids, world, account, method, path):
    headers = _as(session, ids, world, account)
    params = {"purpose": "incident_handling", "reason": "核实警情 / checking"} if path.endswith("/parties") else None
    for side in ("west", "east", "far"):
        if side in SEES[account]:
            continue
        before = _state(session, world, side)
        response = client.request(method, _url(path, world, side), headers=headers, params=params,
                                  json=_body(RECORD_ROUTES[(method, path)], world, side, min(SEES[account])))
        if method == "GET" and path.startswith("/units/") and side in BORDERING[account]:
            # a bordering station's unit is the reinforcement the account may call on: it sees it, and
            # changes it only once sent to one of its incidents (test_a_unit_is_changed_by_...)
            assert response.status_code == 200, (side, response.text)
            continue
        assert response.status_code == 404, (account, side, response.status_code, response.text)
        assert response.json()["error"]["code"] == "not_found"
        session.expire_all()
        assert _state(session, world, side) == before


def _state(session, world: dict, side: str) -> tuple:
    """What a write to a side's incident or unit would change: the incident's status, the unit's status and place."""
    incident = session.scalar(select(Incident.status).where(Incident.id == world[f"{side}_incident"]))
    unit = session.execute(select(Unit.status, Unit.lon, Unit.lat, Unit.position_at)
                           .where(Unit.id == world[f"{side}_unit"])).one()
    return incident, tuple(unit)


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_own_scopes_records_are_readable(client, session, ids, world, account):
    headers = _as(session, ids, world, account)
    for side in SEES[account]:
        for path in ("/incidents/{incident_id}", "/incidents/{incident_id}/events", "/units/{unit_id}"):
            response = client.get(_url(path, world, side), headers=headers)
            assert response.status_code == 200, (account, side, path, response.text)


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_listings_hold_the_scope_only(client, session, ids, world, account):
    headers = _as(session, ids, world, account)
    incidents = client.get(f"{P}/incidents", headers=headers, params={"page_size": 500}).json()
    assert {i["id"] for i in incidents["items"]} == {world[f"{s}_incident"] for s in SEES[account]}
    assert incidents["total"] == len(SEES[account])
    units = client.get(f"{P}/units", headers=headers).json()
    assert {u["id"] for u in units} == {world[f"{s}_unit"] for s in SEES[account]}
    for side, (lon, lat) in (("west", WEST), ("east", EAST)):
        near = client.get(f"{P}/incidents/duplicates", headers=headers,
                          params={"lon": lon, "lat": lat, "type_code": "theft"}).json()
        assert [d["incident"]["id"] for d in near] == ([world[f"{side}_incident"]] if side in SEES[account] else [])


def test_repeat_places_count_the_scopes_incidents_only(client, session, ids, world):
    for days_ago in range(1, 6):  # repeat places count the complete days before today
        call = incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", priority=3,
                                                               lon=EAST[0], lat=EAST[1], address="东区某路1号"),
                                       actor=ADMIN_ACTOR)
        call.received_at = call.received_at - timedelta(days=days_ago)
    session.commit()
    city = client.get(f"{P}/analysis/repeat-places", headers=_as(session, ids, world, "city-desk")).json()
    assert [p["n_calls"] for p in city] == [5]
    west = client.get(f"{P}/analysis/repeat-places", headers=_as(session, ids, world, "west-desk")).json()
    assert west == []
    east = client.get(f"{P}/analysis/repeat-places", headers=_as(session, ids, world, "east-branch")).json()
    assert [p["n_calls"] for p in east] == [5]


def test_a_bordering_stations_unit_reinforces_and_both_stations_see_the_incident(client, session, ids, world):
    west = _as(session, ids, world, "west-desk")
    ranked = client.get(f"{P}/incidents/{world['west_incident']}/recommendations", headers=west).json()
    offered = {item["unit_id"] for item in ranked["items"]}
    assert world["east_unit"] in offered and world["west_unit"] in offered
    assert world["far_unit"] not in offered  # not the west desk's to send: it borders neither
    far = client.post(f"{P}/incidents/{world['west_incident']}/assignments", headers=west,
                      json={"unit_id": world["far_unit"]})
    assert far.status_code == 404, far.text
    sent = client.post(f"{P}/incidents/{world['west_incident']}/assignments", headers=west,
                       json={"unit_id": world["east_unit"]})
    assert sent.status_code == 201, sent.text
    # The incident stays with the west station; the east station now sees it too (its unit is there)
    _post(session, "dispatcher", ids["east_station"])
    east = bearer_for("dispatcher", Role.DISPATCHER)
    seen = client.get(f"{P}/incidents/{world['west_incident']}", headers=east)
    assert seen.status_code == 200 and seen.json()["station_id"] == ids["west_station"]
    listed = client.get(f"{P}/incidents", headers=east).json()["items"]
    assert {i["id"] for i in listed} == {world["east_incident"], world["west_incident"]}


def test_the_live_stream_carries_the_scopes_events_only(session, ids, world):
    def actor(org: int | None) -> Actor:
        return Actor(username="dispatcher", role=Role.DISPATCHER, org_unit_id=org)

    citywide = org_stream.stream_filter(session, actor(None))  # every place, but cases only to who reads them
    assert citywide is None or (citywide("incident", {"station_id": ids["west_station"], "district_id": ids["west"]})
                                and not citywide("case", {"station_id": ids["west_station"],
                                                          "district_id": ids["west"]}))
    passes = org_stream.stream_filter(session, actor(ids["west_station"]))
    assert passes is not None
    west, east, far = ids["west_station"], ids["east_station"], world["far_station"]
    assert passes("incident", {"station_id": west, "district_id": ids["west"]})
    assert not passes("incident", {"station_id": east, "district_id": ids["east"]})
    assert passes("unit", {"id": world["east_unit"], "home_station_id": east})  # a neighbour: reinforcement
    assert not passes("unit", {"id": world["far_unit"], "home_station_id": far})
    assert passes("escalation", {"station_id": west, "district_id": ids["west"], "unit_station_id": west})
    assert not passes("escalation", {"station_id": far, "district_id": ids["east"], "unit_station_id": far,
                                     "org_unit_id": ids["east"]})
    assert passes("directive", {"station_id": None, "district_id": None, "target_org_unit_id": west})
    assert not passes("directive", {"station_id": east, "district_id": ids["east"], "target_org_unit_id": east})
    assert passes("duty_level", {"district_id": ids["east"]})  # reference data: every account


def test_a_scoped_recommendation_through_the_service_ranks_sendable_units_only(session, ids, world):
    west = Actor(username="dispatcher", role=Role.DISPATCHER, org_unit_id=ids["west_station"])
    ranked = dispatch_service.recommend(session, world["east_incident"], graph=None, actor=Actor(
        username="dispatcher", role=Role.DISPATCHER, org_unit_id=ids["east_station"]))
    assert world["far_unit"] not in {c.unit_id for c in ranked.items}
    assert [c.rank for c in ranked.items] == list(range(1, len(ranked.items) + 1))
    with pytest.raises(Exception, match="does not exist"):
        dispatch_service.recommend(session, world["far_incident"], graph=None, actor=west)


def _status(client, headers: dict, world: dict, side: str, status: str):
    return client.post(f"{P}/units/{world[f'{side}_unit']}/status", headers=headers, json={"status": status})


def _position(client, headers: dict, world: dict, side: str):
    return client.post(f"{P}/units/{world[f'{side}_unit']}/positions", headers=headers,
                       json={"lon": WEST[0], "lat": WEST[1]})


def _send(client, headers: dict, world: dict, side: str) -> None:
    sent = client.post(f"{P}/incidents/{world['west_incident']}/assignments", headers=headers,
                       json={"unit_id": world[f"{side}_unit"]})
    assert sent.status_code == 201, sent.text


def test_a_unit_is_changed_by_its_own_scope_or_the_scope_of_the_incident_it_is_sent_to(client, session, ids, world):
    west = _as(session, ids, world, "west-desk")
    assert _status(client, west, world, "east", "off_duty").status_code == 404  # bordering, but not sent
    assert _position(client, west, world, "east").status_code == 404
    _send(client, west, world, "east")
    _send(client, west, world, "west")
    moving = _status(client, west, world, "east", "en_route")
    assert moving.status_code == 200 and moving.json()["status"] == "en_route", moving.text
    assert _position(client, west, world, "east").status_code == 204
    batch = client.post(f"{P}/unit-positions", headers=west, json={"reports": [
        {"unit_id": world["east_unit"], "lon": WEST[0], "lat": WEST[1]}]})
    assert batch.status_code == 200 and batch.json() == {"recorded": 1}, batch.text
    # The east branch sees the west incident (its unit is there) and changes its own unit, not the west's
    east = _as(session, ids, world, "east-branch")
    assert client.get(f"{P}/incidents/{world['west_incident']}", headers=east).status_code == 200
    assert _position(client, east, world, "east").status_code == 204
    assert _status(client, east, world, "west", "en_route").status_code == 404
    mixed = client.post(f"{P}/unit-positions", headers=east, json={"reports": [
        {"unit_id": world["east_unit"], "lon": EAST[0], "lat": EAST[1]},
        {"unit_id": world["west_unit"], "lon": EAST[0], "lat": EAST[1]}]})
    assert mixed.status_code == 404, mixed.text  # refused whole
    session.expire_all()
    assert session.get(Unit, world["west_unit"]).status == UnitStatus.DISPATCHED
    # Cleared from the west incident, the east unit is the west desk's to see, no longer to change
    west = _as(session, ids, world, "west-desk")
    assert _status(client, west, world, "east", "available").status_code == 200
    assert _status(client, west, world, "east", "off_duty").status_code == 404
    assert _position(client, west, world, "east").status_code == 404
    assert client.get(f"{P}/units/{world['east_unit']}", headers=west).status_code == 200
    # A unit the city sends from further away is the west desk's to see and work while it is on the west's incident
    assert client.get(f"{P}/units/{world['far_unit']}", headers=west).status_code == 404
    _send(client, _as(session, ids, world, "city-desk"), world, "far")
    west = _as(session, ids, world, "west-desk")
    assert client.get(f"{P}/units/{world['far_unit']}", headers=west).status_code == 200
    assert _status(client, west, world, "far", "en_route").status_code == 200
    assert _status(client, west, world, "far", "available").status_code == 200  # cleared: no longer the west's
    assert client.get(f"{P}/units/{world['far_unit']}", headers=west).status_code == 404


def _station(ids: dict, world: dict, side: str) -> int:
    return world["far_station"] if side == "far" else ids[f"{side}_station"]


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_a_unit_is_registered_at_a_station_of_the_scope(client, session, ids, world, account):
    headers = _as(session, ids, world, account, Role.SUPERVISOR)
    for side in ("west", "east", "far"):
        response = client.post(f"{P}/units", headers=headers, json={
            "call_sign": f"new-{side}", "unit_type": "patrol_car", "home_station_id": _station(ids, world, side)})
        if side in SEES[account]:
            assert response.status_code == 201, (side, response.text)
            continue
        assert response.status_code == 422, (side, response.text)
        message = response.json()["error"]["message"]
        assert message.startswith("home_station_id: ") and "outside your scope" in message and "管辖范围" in message
        assert session.scalar(select(Unit.id).where(Unit.call_sign == f"new-{side}")) is None
    stationless = client.post(f"{P}/units", headers=headers, json={"call_sign": "new-none", "unit_type": "traffic"})
    assert stationless.status_code == (201 if account == "city-desk" else 422), stationless.text


#: the district branches whose duty level each account sets: a station's account none (the level
#: holds for every station of the branch)
SETS_LEVEL = {"west-desk": set(), "east-branch": {"east"}, "city-desk": {"west", "east"}}


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_a_duty_level_is_set_for_a_district_of_the_scope(client, session, ids, world, account):
    headers = _as(session, ids, world, account, Role.SUPERVISOR)
    for district in ("west", "east"):
        response = client.post(f"{P}/duty-levels", headers=headers,
                               json={"district_id": ids[district], "level": 2, "reason": "节日安保 / holiday"})
        levels = {v["district_id"]: v["level"] for v in client.get(f"{P}/duty-levels", headers=headers).json()}
        if district in SETS_LEVEL[account]:
            assert response.status_code == 201 and levels[ids[district]] == 2, (district, response.text)
            continue
        assert response.status_code == 422, (district, response.text)
        message = response.json()["error"]["message"]
        assert message.startswith("district_id: ") and "outside your scope" in message and "管辖范围" in message
        assert levels[ids[district]] == 4


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_a_response_plan_is_saved_for_a_district_of_the_scope(client, session, ids, world, account):
    headers = _as(session, ids, world, account, Role.SUPERVISOR)
    body = {"type_code": "fire", "unit_types": [{"unit_type": "patrol_car", "count": 2}],
            "checklist": [{"zh": "疏散", "en": "evacuate"}], "notify": ["fire"]}
    for district in ("west", "east", None):  # None: the city-wide plan, the city bureau's alone
        response = client.post(f"{P}/response-plans", headers=headers, json=body | {"district_id": ids.get(district)})
        saved = client.get(f"{P}/response-plans/history", headers=headers, params={"type_code": "fire"}).json()
        if district in SETS_LEVEL[account] or (district is None and account == "city-desk"):
            assert response.status_code == 201, (district, response.text)
            continue
        assert response.status_code == 422, (district, response.text)
        error = response.json()["error"]
        assert [f["field"] for f in error["fields"]] == ["district_id"] and "市局" in error["message"]
        assert saved == [] or all(p["district_id"] != ids.get(district) for p in saved)


def _areas(ids: dict, world: dict) -> dict[str, dict[str, int]]:
    return {"west-district": {"district_id": ids["west"]}, "east-district": {"district_id": ids["east"]},
            "west-station": {"station_id": ids["west_station"]}, "east-station": {"station_id": ids["east_station"]},
            "far-station": {"station_id": world["far_station"]}, "west-beat": {"beat_id": ids["beat"]}}


#: the areas of a before/after each account may compare: its station and beats, its branch's, or all
COMPARES = {"west-desk": {"west-station", "west-beat"},
            "east-branch": {"east-district", "east-station", "far-station"},
            "city-desk": {"west-district", "east-district", "west-station", "east-station", "far-station",
                          "west-beat"}}


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_a_before_after_compares_areas_of_the_scope_only(client, session, ids, world, account):
    headers = _as(session, ids, world, account, Role.SUPERVISOR)
    areas = _areas(ids, world)
    now = incident_service.get(session, world["west_incident"]).received_at
    periods = {"before": [(now - timedelta(days=8)).isoformat(), (now - timedelta(hours=1)).isoformat()],
               "after": [(now - timedelta(hours=1)).isoformat(), (now + timedelta(hours=1)).isoformat()]}
    own = sorted(COMPARES[account])
    for treated, comparison in ((own[0], own[1]), (own[1], own[0])):
        body = {"treated": areas[treated], "comparison": areas[comparison]} | periods
        response = client.post(f"{P}/planning/before-after", headers=headers, json=body)
        assert response.status_code == 200, (treated, comparison, response.text)
        assert sum(response.json()["counts"].values()) >= 1
    for outside in sorted(set(areas) - COMPARES[account]):
        for roles in ({"treated": areas[outside], "comparison": areas[own[0]]},
                      {"treated": areas[own[0]], "comparison": areas[outside]}):
            response = client.post(f"{P}/planning/before-after", headers=headers, json=roles | periods)
            assert response.status_code == 404, (outside, response.text)
            error = response.json()["error"]
            assert error["code"] == "not_found" and "not found (or outside your scope)" in error["message"]
