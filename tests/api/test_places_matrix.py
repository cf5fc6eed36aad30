"""Who may do what to which place record, over HTTP: the scope and ownership matrix of places and disputes.

Records in play, all at West Station: premises with an inspection (by west-officer, with a file)
and the hazard it opened, closed premises, a dispute opened by west-officer, an operation opened
by the station's chief and owned by the station, and the station's beat. Reading another scope's
record answers 404 (its existence does not leak); working on a readable record that is not one's
own answers 403; the role matrix (``test_role_matrix``) covers the roles. The overdue lists and
the board are checked with an overdue record in each station: a station sees its own, a district
branch its stations', the city all, and a station named outside the scope answers 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from places.places_kit import EAST, WEST, build_world
from precinct.disputes import operations
from precinct.disputes import service as dispute_service
from precinct.disputes.schemas import DisputeCreate, OperationCreate
from precinct.places import inspections
from precinct.places import service as premises_service
from precinct.places.inspection_models import Hazard, Inspection
from precinct.places.models import Premises, PremisesCategory
from testkit import ADMIN_ACTOR

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def world(session, ids, app, tmp_path):
    app.state.settings.attachment_dir = tmp_path / "files"
    world = build_world(session, ids)
    inspection, opened = inspections.record(
        session, premises_id=world.premises["west"], actor=world["west-officer"],
        results=[inspections.ItemResult("exit", False, "blocked", 7), inspections.ItemResult("extinguisher", True)])
    attachment = inspections.attach(session, inspection.id, PNG, filename="a.png", content_type="image/png",
                                    actor=world["west-officer"], directory=tmp_path / "files", max_bytes=1 << 20)
    dispute = dispute_service.create(session, DisputeCreate.model_validate({
        "kind": "neighbour", "summary": "噪音 noise", "place": "学府路 1 号", "lon": WEST[0], "lat": WEST[1],
        "parties": [{"side": "a", "name": "王某"}]}), actor=world["west-officer"])
    operation = operations.create(session, OperationCreate.model_validate({
        "place_key": "1:1", "place": "夜市", "lon": WEST[0], "lat": WEST[1], "cause": "噪音", "actions": "巡逻",
        "owner_org_unit_id": ids["west_station"], "review_date": (date.today() + timedelta(days=9)).isoformat()}),
        actor=world["west-station-chief"], zone=UTC)
    closed = premises_service.create(session, name="停办学校 closed school", category=PremisesCategory.SCHOOL,
                                     lon=WEST[0], lat=WEST[1], actor=ADMIN_ACTOR)
    premises_service.set_status(session, closed.id, closed=True, reason="停办 shut down", actor=ADMIN_ACTOR)
    session.commit()
    world.records = {"premises": world.premises["west"], "inspection": inspection.id, "hazard": opened[0],
                     "attachment": attachment.id, "dispute": dispute.id, "operation": operation.id,
                     "beat": ids["beat"], "closed_premises": closed.id}
    return world


READS = ("/api/v1/places/premises/{premises}", "/api/v1/places/premises/{premises}/history",
         "/api/v1/places/premises/{premises}/incidents", "/api/v1/places/premises/{premises}/inspections",
         "/api/v1/places/attachments/{attachment}", "/api/v1/places/hazards/{hazard}",
         "/api/v1/places/hazards/{hazard}/events", "/api/v1/places/beats/{beat}/log",
         "/api/v1/disputes/{dispute}", "/api/v1/disputes/{dispute}/sessions", "/api/v1/disputes/{dispute}/events",
         "/api/v1/operations/{operation}", "/api/v1/operations/{operation}/events")
# account -> the status of every read above
READERS = {"west-station-chief": 200, "west-chief": 200, "city-chief": 200, "west-analyst": 200,
           "east-station-chief": 404, "east-officer": 404}


def test_reading_answers_404_outside_the_scope(client, world):
    for account, code in READERS.items():
        for path in READS:
            response = client.get(path.format(**world.records), headers=world.headers(account))
            assert response.status_code == code, (account, path, response.text)


def test_lists_hold_only_the_scopes_records(client, world):
    lists = {"/api/v1/places/premises": ("premises", lambda body: [f["properties"]["id"] for f in body["features"]]),
             "/api/v1/places/hazards": ("hazard", lambda body: [h["id"] for h in body]),
             "/api/v1/disputes": ("dispute", lambda body: [d["id"] for d in body]),
             "/api/v1/operations": ("operation", lambda body: [o["id"] for o in body])}
    for path, (record, ids_of) in lists.items():
        west = ids_of(client.get(path, headers=world.headers("west-station-chief")).json())
        east = ids_of(client.get(path, headers=world.headers("east-station-chief")).json())
        assert (west, east) == ([world.records[record]], [world.premises["east"]] if record == "premises" else []), path


def test_parties_answer_404_outside_the_scope(client, world):
    params = {"purpose": "mediation", "reason": "安排调解 arrange"}
    path = f"/api/v1/disputes/{world.records['dispute']}/parties"
    assert client.get(path, headers=world.headers("west-officer"), params=params).status_code == 200
    assert client.get(path, headers=world.headers("east-officer"), params=params).status_code == 404


TODAY = date.today().isoformat()
# (method, path, body, query) -> {account: status}: 404 outside the scope, 403 in it but not one's own work
WRITES = [
    ("PATCH", "/api/v1/places/premises/{premises}", {"notes": "门卫 24 小时"}, None,
     {"east-station-chief": 404, "west-station-chief": 200}),
    ("POST", "/api/v1/places/premises/{closed_premises}/reopen", {"reason": "复办 open again"}, None,
     {"east-station-chief": 404, "west-station-chief": 200}),
    ("POST", "/api/v1/places/attachments", None, {"inspection_id": "{inspection}", "filename": "b.png",
                                                  "content_type": "image/png"},
     {"east-officer": 404, "west-officer-2": 403, "west-officer": 201}),
    ("POST", "/api/v1/places/hazards/{hazard}/reinspect", {"passed": True}, None,
     {"east-officer": 404, "west-officer-2": 200}),
    ("POST", "/api/v1/places/hazards/{hazard}/close", {}, None, {"east-station-chief": 404, "west-chief": 200}),
    ("POST", "/api/v1/places/premises/{premises}/close", {"reason": "停办 closed"}, None,  # its hazard closed above
     {"east-station-chief": 404, "west-chief": 200}),
    ("POST", "/api/v1/places/beats/{beat}/visits", {"place": "广场", "purpose": "patrol"}, None,
     {"east-officer": 404, "west-chief": 403, "west-officer": 201}),
    ("POST", "/api/v1/disputes/{dispute}/sessions", {"held_at": "2025-01-02T08:00:00Z", "outcome": "progress"}, None,
     {"east-station-chief": 404, "west-chief": 403, "west-station-chief": 201}),
    ("POST", "/api/v1/disputes/{dispute}/agreement", {"agreement": "和解", "follow_up_due": TODAY}, None,
     {"east-station-chief": 404, "west-chief": 403, "west-officer-2": 200}),
    ("POST", "/api/v1/disputes/{dispute}/follow-up", {"result": "无新纠纷"}, None,
     {"east-station-chief": 404, "west-chief": 403, "west-officer": 200}),
    ("POST", "/api/v1/operations/{operation}/links", {"kind": "dispute", "ref_id": "{dispute}"}, None,
     {"east-station-chief": 404, "west-chief": 403, "west-station-chief": 201}),
]


def _filled(value, records):
    if isinstance(value, dict):
        return {k: _filled(v, records) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return records[value[1:-1]]
    return value


def test_working_answers_404_outside_the_scope_and_403_on_anothers_work(client, world):
    for method, path, body, query, expected in WRITES:
        for account, code in expected.items():  # the refusals first, then the one that may
            kwargs = {"json": _filled(body, world.records)} if body is not None else {"content": PNG}
            response = client.request(method, path.format(**world.records), headers=world.headers(account),
                                      params=_filled(query, world.records), **kwargs)
            assert response.status_code == code, (method, path, account, response.text)


# account, position -> status: premises are registered only inside the account's own scope (422 naming lon)
REGISTRATIONS = [("east-station-chief", WEST, 422), ("west-station-chief", EAST, 422), ("west-chief", EAST, 422),
                 ("west-station-chief", WEST, 201), ("west-chief", WEST, 201), ("city-chief", EAST, 201)]


def test_premises_are_registered_only_inside_the_scope(client, world, session):
    for account, (lon, lat), code in REGISTRATIONS:
        response = client.post("/api/v1/places/premises", headers=world.headers(account),
                               json={"name": f"{account} 新场所", "category": "market", "lon": lon, "lat": lat})
        assert response.status_code == code, (account, response.text)
        if code == 422:
            assert response.json()["error"]["message"].startswith("lon: ")
    names = {p.name for p in session.query(Premises).filter(Premises.name.endswith("新场所"))}
    assert names == {f"{account} 新场所" for account, _, code in REGISTRATIONS if code == 201}


@pytest.fixture
def overdue(session, world):
    """An overdue inspection and an overdue hazard at each station's school."""
    inspections.record(
        session, premises_id=world.premises["east"], actor=world["east-officer"],
        results=[inspections.ItemResult("exit", False, "blocked", 7), inspections.ItemResult("extinguisher", True)])
    long_ago = datetime.now(UTC) - timedelta(days=100)
    for premises_id in world.premises.values():
        session.get(Premises, premises_id).created_at = long_ago
    for inspection in session.query(Inspection):
        inspection.inspected_at = long_ago
    for hazard in session.query(Hazard):
        hazard.deadline = datetime.now(UTC) - timedelta(days=2)
    session.commit()


# account -> the stations whose overdue records it lists (its scope)
OVERDUE_READERS = {"west-station-chief": {"west"}, "west-officer": {"west"}, "west-chief": {"west"},
                   "east-station-chief": {"east"}, "east-officer": {"east"}, "city-chief": {"west", "east"},
                   "city-admin": {"west", "east"}}


def _overdue_lists(client, world, account, station=None):
    """The overdue inspections' premises and the overdue hazards of the three lists, each as station keys."""
    params = {"station_id": world.ids[f"{station}_station"]} if station else None
    headers = world.headers(account)
    responses = [client.get(f"/api/v1/places/{path}", headers=headers, params=params)
                 for path in ("inspections/overdue", "hazards/overdue", "board")]
    codes = {r.status_code for r in responses}
    if codes != {200}:
        return codes
    by_premises = {v: k for k, v in world.premises.items()}
    board = responses[2].json()
    return ({by_premises[d["premises_id"]] for d in responses[0].json()},
            {by_premises[h["premises_id"]] for h in responses[1].json()},
            {by_premises[d["premises_id"]] for d in board["overdue_inspections"]},
            {by_premises[h["premises_id"]] for h in board["overdue_hazards"]})


def test_the_overdue_lists_and_the_board_hold_only_the_scopes_stations(client, world, overdue):
    for account, stations in OVERDUE_READERS.items():
        assert _overdue_lists(client, world, account) == (stations,) * 4, account
        for station in ("west", "east"):
            expected = ({station},) * 4 if station in stations else {404}
            assert _overdue_lists(client, world, account, station) == expected, (account, station)


def test_records_named_in_a_body_outside_the_scope_read_as_unknown(client, world):
    east_chief = world.headers("east-station-chief")
    inspection = client.post("/api/v1/places/inspections", headers=world.headers("east-officer"), json={
        "premises_id": world.premises["west"], "results": [{"code": "exit", "passed": True}]})
    assert inspection.status_code == 422 and inspection.json()["error"]["message"].startswith("premises_id: ")
    dispute = client.post("/api/v1/disputes", headers=world.headers("east-officer"), json={
        "kind": "family", "summary": "x", "place": "y", "lon": WEST[0], "lat": WEST[1]})
    assert dispute.status_code == 422 and dispute.json()["error"]["message"].startswith("lon: ")
    operation = client.post("/api/v1/operations", headers=east_chief, json={
        "place_key": "2:2", "place": "p", "lon": WEST[0], "lat": WEST[1], "cause": "c", "actions": "a",
        "owner_org_unit_id": world.ids["east_station"], "review_date": TODAY})
    assert operation.status_code == 422 and operation.json()["error"]["message"].startswith("lon: ")
    weeks = client.get("/api/v1/places/beat-weeks", headers=east_chief,
                       params={"station_id": world.ids["west_station"]})
    assert weeks.status_code == 404
