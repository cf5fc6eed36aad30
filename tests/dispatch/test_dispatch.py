"""Unit recommendation on real Wuhan roads, intake, duplicates, plans, duty levels, hand-offs, officers."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from precinct.core.db import utcnow
from precinct.core.errors import (
    ConflictError,
    ValidationError,
)
from precinct.core.permissions import Role
from precinct.core.settings import BUNDLED_ROADS
from precinct.dispatch import assignments, plans, service
from precinct.dispatch.ranking import DispatchPolicy
from precinct.geo import travel_times_to
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Disposition, IncidentStatus
from precinct.incidents.schemas import IncidentCreate
from precinct.roads.graph import road_graph
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from testkit import ADMIN_ACTOR

# Points on real roads in the test city (west district, Wuhan's Hanyang/Caidian side).
SCENE = (114.05, 30.55)


@pytest.fixture(scope="module")
def graph():
    return road_graph(BUNDLED_ROADS)


def _unit(session, call_sign, lon, lat, *, station=None, unit_type=UnitType.PATROL_CAR, status=UnitStatus.AVAILABLE):
    return unit_service.create(session, call_sign=call_sign, unit_type=unit_type, home_station_id=station,
                               status=status, lon=lon, lat=lat, actor=ADMIN_ACTOR)


def _incident(session, type_code="theft", lon=SCENE[0], lat=SCENE[1]):
    return incident_service.create(session, IncidentCreate(source="phone_110", type_code=type_code, lon=lon, lat=lat),
                                   actor=ADMIN_ACTOR)


def test_ranks_by_road_time_and_explains(session, ids, graph):
    near = _unit(session, "N-1", 114.052, 30.552, station=ids["west_station"])
    far = _unit(session, "F-1", 114.09, 30.58, station=ids["west_station"])
    busy = _unit(session, "B-1", 114.0505, 30.5505)
    busy.status = UnitStatus.ON_SCENE
    stale = _unit(session, "S-1", 114.0502, 30.5502)
    stale.position_at = utcnow() - timedelta(hours=2)
    moto = _unit(session, "M-1", 114.058, 30.556, unit_type=UnitType.MOTORCYCLE)
    incident = _incident(session)
    session.flush()
    result = service.recommend(session, incident.id, graph=graph)
    ranked = [c.call_sign for c in result.items]
    assert ranked[0] == "N-1" and set(ranked) == {"N-1", "M-1", "F-1"}
    first = next(c for c in result.items if c.call_sign == "N-1")
    assert 0 < first.travel_time_s < next(c for c in result.items if c.call_sign == "F-1").travel_time_s
    assert all(c.reasons for c in result.items)
    assert "by road" in result.items[0].reasons[0].en and "道路行程" in result.items[0].reasons[0].zh
    passed = {p.call_sign: p.en for p in result.excluded}
    assert "on scene" in passed["B-1"] and "position is 120 min old" in passed["S-1"]
    assert {near.id, far.id, moto.id} >= {c.unit_id for c in result.items}

    # robbery's plan sends patrol cars and rapid-response teams, not motorcycles
    robbery = _incident(session, "robbery")
    session.flush()
    by_plan = service.recommend(session, robbery.id, graph=graph)
    assert "M-1" not in [c.call_sign for c in by_plan.items]
    assert next(c.call_sign for c in by_plan.items) == "N-1"


def test_move_up_when_a_station_would_be_empty(session, ids, graph):
    _unit(session, "W-1", 114.052, 30.552, station=ids["west_station"])
    _unit(session, "E-1", 114.15, 30.55, station=ids["east_station"])
    _unit(session, "E-2", 114.16, 30.56, station=ids["east_station"])
    incident = _incident(session)
    session.flush()
    result = service.recommend(session, incident.id, graph=graph)
    assert result.items[0].call_sign == "W-1"
    assert [(m.call_sign, m.to_station_id) for m in result.move_ups] in ([("E-1", ids["west_station"])],
                                                                         [("E-2", ids["west_station"])])
    assert "move" in result.move_ups[0].en


def test_recommendation_without_eligible_units_says_so(session, graph):
    incident = _incident(session)
    session.flush()
    result = service.recommend(session, incident.id, graph=graph)
    assert result.items == [] and result.warnings


def test_intake_in_one_round_trip_and_dispatch_in_one_step(client, auth, ids):
    supervisor, dispatcher = auth(Role.SUPERVISOR), auth(Role.DISPATCHER)
    for sign, lon, lat in (("A-1", 114.052, 30.552), ("A-2", 114.08, 30.57)):
        created = client.post("/api/v1/units", headers=supervisor, json={
            "call_sign": sign, "unit_type": "patrol_car", "status": "available", "lon": lon, "lat": lat,
            "home_station_id": ids["west_station"]})
        assert created.status_code == 201, created.text
    body = {"source": "phone_110", "type_code": "theft", "lon": SCENE[0], "lat": SCENE[1]}
    first = client.post("/api/v1/intake", headers=dispatcher, json=body)
    assert first.status_code == 201, first.text
    data = first.json()
    assert data["incident"]["status"] == "received" and data["duplicates"] == []
    assert [c["call_sign"] for c in data["recommendations"]["items"]] == ["A-1", "A-2"]
    assert data["response_plan"]["checklist"]

    second = client.post("/api/v1/intake", headers=dispatcher, json={**body, "lon": SCENE[0] + 0.001}).json()
    assert [d["incident"]["id"] for d in second["duplicates"]] == [data["incident"]["id"]]
    attached = client.post(f"/api/v1/incidents/{second['incident']['id']}/duplicate-of", headers=dispatcher,
                           json={"original_id": data["incident"]["id"]})
    assert attached.status_code == 200 and attached.json()["disposition"] == "duplicate"
    closing = [e["data"] for e in client.get(f"/api/v1/incidents/{second['incident']['id']}/events",
                                             headers=dispatcher).json() if e["to_status"] == "closed"]
    original = data["incident"]["id"]
    assert [(d["duplicate_of"], d["note"]) for d in closing] == [  # the console words it from duplicate_of
        (original, f"与警情 {original} 重复 / duplicate of incident {original}")]

    best = data["recommendations"]["items"][0]["unit_id"]
    dispatched = client.post(f"/api/v1/incidents/{data['incident']['id']}/assignments", headers=dispatcher,
                             json={"unit_id": best})
    assert dispatched.status_code == 201
    again = client.get(f"/api/v1/incidents/{data['incident']['id']}/recommendations", headers=dispatcher).json()
    assert [c["call_sign"] for c in again["items"]] == ["A-2"]
    assert any("A-1" in p["en"] for p in again["excluded"]) or again["excluded"] == []

    # errors still reach the caller from the intake writer: an unknown type is refused, nothing stored
    before = client.get("/api/v1/incidents", headers=dispatcher).json()["total"]
    unknown = client.post("/api/v1/intake", headers=dispatcher, json={**body, "type_code": "no_such_type"})
    assert unknown.status_code == 422 and "no_such_type" in unknown.json()["error"]["message"], unknown.text
    assert client.post("/api/v1/intake", headers=dispatcher, json={**body, "lat": 91}).status_code == 422
    assert client.get("/api/v1/incidents", headers=dispatcher).json()["total"] == before


def test_duplicates_respect_type_distance_and_time(session):
    original = _incident(session, "theft")
    session.flush()
    lon, lat = SCENE
    assert [d.incident.id for d in service.find_duplicates(session, lon=lon + 0.001, lat=lat,
                                                           type_code="pickpocket")] == [original.id]
    assert service.find_duplicates(session, lon=lon + 0.01, lat=lat, type_code="theft") == []  # ~950 m away
    assert service.find_duplicates(session, lon=lon, lat=lat, type_code="assault") == []      # other category
    later = utcnow() + timedelta(minutes=45)
    assert service.find_duplicates(session, lon=lon, lat=lat, type_code="theft", now=later) == []


def test_response_plans_are_versioned(client, auth, ids):
    supervisor = auth(Role.SUPERVISOR)
    built_in = client.get("/api/v1/response-plans", headers=supervisor, params={"type_code": "fire"}).json()
    assert built_in["built_in"] and "fire" in built_in["notify"]
    body = {"type_code": "fire", "unit_types": [{"unit_type": "patrol_car", "count": 2}],
            "checklist": [{"zh": "疏散", "en": "evacuate"}], "notify": ["fire", "ambulance"]}
    v1 = client.post("/api/v1/response-plans", headers=supervisor, json=body).json()
    v2 = client.post("/api/v1/response-plans", headers=supervisor,
                     json={**body, "unit_types": [{"unit_type": "patrol_car", "count": 3}]}).json()
    assert (v1["version"], v2["version"]) == (1, 2)
    local = client.post("/api/v1/response-plans", headers=supervisor, json={**body, "district_id": ids["east"]}).json()
    assert local["version"] == 1
    current = client.get("/api/v1/response-plans", headers=supervisor, params={"type_code": "fire"}).json()
    assert current["unit_types"] == [{"unit_type": "patrol_car", "count": 3}] and not current["built_in"]
    east = client.get("/api/v1/response-plans", headers=supervisor,
                      params={"type_code": "fire", "district_id": ids["east"]}).json()
    assert east["district_id"] == ids["east"]
    history = client.get("/api/v1/response-plans/history", headers=supervisor, params={"type_code": "fire"}).json()
    assert len(history) == 3
    bad = client.post("/api/v1/response-plans", headers=supervisor,
                      json={**body, "unit_types": [{"unit_type": "tank", "count": 1}]})
    assert bad.status_code == 422
    assert client.post("/api/v1/response-plans", headers=auth(Role.DISPATCHER), json=body).status_code == 403


def test_duty_levels_are_recorded_and_raise_minimums(client, auth, ids, session):
    for n in range(4):
        _unit(session, f"DL-{n}", 114.05 + n * 0.001, 30.55, station=ids["west_station"])
    session.commit()
    supervisor = auth(Role.SUPERVISOR)
    levels = {v["district_id"]: v for v in client.get("/api/v1/duty-levels", headers=auth(Role.ANALYST)).json()}
    assert levels[ids["west"]]["level"] == 4 and levels[ids["west"]]["min_available_units"] == 1
    raised = client.post("/api/v1/duty-levels", headers=supervisor,
                         json={"district_id": ids["west"], "level": 1, "reason": "major event"})
    assert raised.status_code == 201
    assert raised.json()["level"] == 1 and raised.json()["min_available_units"] == 3
    assert raised.json()["set_by"] == "supervisor" and raised.json()["zh"].startswith("I级")
    assert client.post("/api/v1/duty-levels", headers=supervisor, json={"district_id": ids["west_station"], "level": 2,
                                                                       "reason": "x" * 3}).status_code == 422
    incident = _incident(session)
    session.commit()
    result = client.get(f"/api/v1/incidents/{incident.id}/recommendations", headers=supervisor).json()
    assert result["items"]
    levels_now = client.get("/api/v1/duty-levels", headers=supervisor).json()
    assert next(v for v in levels_now if v["district_id"] == ids["west"])["available_units"] == 4


def test_handoffs_transfer_or_join(client, auth, session):
    first, second = _incident(session, "fire"), _incident(session, "medical")
    session.commit()
    headers = auth(Role.DISPATCHER)
    joint = client.post(f"/api/v1/incidents/{second.id}/handoffs", headers=headers,
                        json={"agency": "ambulance", "mode": "joint", "reason": "injured person"})
    assert joint.status_code == 201
    assert client.get(f"/api/v1/incidents/{second.id}", headers=headers).json()["status"] == "received"
    transfer = client.post(f"/api/v1/incidents/{first.id}/handoffs", headers=headers,
                           json={"agency": "fire", "mode": "transfer", "reason": "building fire"})
    assert transfer.status_code == 201
    assert client.get(f"/api/v1/incidents/{first.id}", headers=headers).json()["status"] == "transferred"
    moved = [e["data"] for e in client.get(f"/api/v1/incidents/{first.id}/events", headers=headers).json()
             if e["to_status"] == "transferred"]
    assert [(d["agency"], d["note"]) for d in moved] == [("fire", "building fire")]  # the note is the reason as given
    assert [h["agency"] for h in client.get(f"/api/v1/incidents/{first.id}/handoffs",
                                            headers=headers).json()] == ["fire"]
    again = client.post(f"/api/v1/incidents/{first.id}/handoffs", headers=headers,
                        json={"agency": "hotline_12345", "mode": "transfer", "reason": "again"})
    assert again.status_code == 409
    kinds = [e["kind"] for e in client.get(f"/api/v1/incidents/{second.id}/events", headers=headers).json()]
    assert "joint_handling" in kinds


def test_officer_acknowledges_and_unacknowledged_assignments_escalate(client, auth, session):
    from precinct.users import service as user_service

    unit = _unit(session, "O-1", 114.052, 30.552)
    officer = user_service.get_by_username(session, "patrol-officer")
    officer.unit_id = unit.id
    incident = _incident(session)
    session.commit()
    headers = auth(Role.PATROL_OFFICER)
    assert client.get("/api/v1/officer/assignment", headers=headers).status_code == 204
    assert client.post(f"/api/v1/incidents/{incident.id}/assignments", headers=auth(Role.DISPATCHER),
                       json={"unit_id": unit.id}).status_code == 201
    mine = client.get("/api/v1/officer/assignment", headers=headers).json()
    assert mine["incident"]["id"] == incident.id and mine["assignment"]["acknowledged_at"] is None

    escalated = assignments.escalate_unacknowledged(session, timeout_s=60, actor=ADMIN_ACTOR,
                                                    now=utcnow() + timedelta(seconds=61))
    assert [a.incident_id for a in escalated] == [incident.id]
    assert assignments.escalate_unacknowledged(session, timeout_s=60, actor=ADMIN_ACTOR,
                                               now=utcnow() + timedelta(seconds=90)) == []
    session.commit()
    acked = client.post("/api/v1/officer/assignment/ack", headers=headers)
    assert acked.status_code == 200 and acked.json()["acknowledged_at"] is not None
    kinds = [e["kind"] for e in client.get(f"/api/v1/incidents/{incident.id}/events", headers=headers).json()]
    assert kinds.count("escalated") == 1 and "acknowledged" in kinds
    said = next(e["data"] for e in client.get(f"/api/v1/incidents/{incident.id}/events", headers=headers).json()
                if e["kind"] == "escalated")
    assert (said["zh"], said["en"]) == ("派警60秒未确认", "assignment not acknowledged within 60 s")  # both languages
    unlinked = client.get("/api/v1/officer/assignment", headers=headers)
    assert unlinked.status_code == 200


def test_officer_without_a_unit_gets_a_clear_error(client, auth):
    response = client.get("/api/v1/officer/assignment", headers=auth(Role.PATROL_OFFICER))
    assert response.status_code == 404 and "not linked to a unit" in response.json()["error"]["message"]


def test_plan_and_level_validation(session, ids):
    with pytest.raises(ValidationError, match="level must be"):
        plans.set_level(session, district_id=ids["west"], level=7, reason="test", actor=ADMIN_ACTOR)
    with pytest.raises(ValidationError, match="at least one unit type"):
        plans.save_plan(session, type_code="theft", district_id=None, unit_types=[], checklist=[], notify=[],
                        actor=ADMIN_ACTOR)
    incident = _incident(session)
    session.flush()
    with pytest.raises(ValidationError, match="cannot duplicate itself"):
        service.attach_duplicate(session, incident.id, incident.id, actor=ADMIN_ACTOR)
    closed = _incident(session)
    session.flush()
    incident_lifecycle.transition(session, closed.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                  disposition=Disposition.RESOLVED, note="已处置")
    with pytest.raises(ConflictError, match="attach to an open incident"):
        service.attach_duplicate(session, incident.id, closed.id, actor=ADMIN_ACTOR)


def test_unit_snapshot_cache_follows_unit_changes(session, graph):
    unit = _unit(session, "C-1", 114.052, 30.552)
    incident = _incident(session)
    session.flush()
    assert [c.call_sign for c in service.recommend(session, incident.id, graph=graph).items] == ["C-1"]
    assignments.set_unit_status(session, unit.id, UnitStatus.OFF_DUTY, actor=ADMIN_ACTOR)
    assert service.recommend(session, incident.id, graph=graph).items == []
    assignments.set_unit_status(session, unit.id, UnitStatus.AVAILABLE, actor=ADMIN_ACTOR)
    unit_service.report_position(session, unit.id, lon=114.09, lat=30.58, actor=ADMIN_ACTOR)
    moved = service.recommend(session, incident.id, graph=graph).items
    assert moved[0].distance_m > 3000  # the position report reached the cached snapshot


def test_top_k_matches_full_travel_times_and_units_are_snapped_once_per_snapshot(session, graph, monkeypatch):
    from precinct.demo.calls import road_points
    from precinct.geo.graph import RoadGraph

    points = road_points()
    scene = (float(np.median(points.lon)), float(np.median(points.lat)))
    nearest = np.argsort(np.hypot(points.lon - scene[0], points.lat - scene[1]))[:60:3][:18]  # pool = all units
    units = [_unit(session, f"K-{i}", float(points.lon[j]), float(points.lat[j])) for i, j in enumerate(nearest)]
    incident = _incident(session, lon=scene[0], lat=scene[1])
    session.flush()
    snapped_counts = []
    original = RoadGraph.snap
    monkeypatch.setattr(RoadGraph, "snap", lambda self, lon, lat, **kw: snapped_counts.append(np.size(lon)) or
                        original(self, lon, lat, **kw))
    snapshot = service.unit_snapshot(session)
    first = service.recommend(session, incident.id, graph=graph, units=snapshot)
    again = service.recommend(session, incident.id, graph=graph, units=snapshot)
    assert snapped_counts == [len(units), 1, 1]  # the units once, the incident on each call
    assert [(c.unit_id, c.travel_time_s) for c in again.items] == [(c.unit_id, c.travel_time_s) for c in first.items]

    hour = utcnow().astimezone(DispatchPolicy().zone).hour
    full = travel_times_to(graph, scene, np.array([[u.lon, u.lat] for u in units]), hour=hour)
    expected = sorted(zip(full, [u.id for u in units], strict=True))[:5]
    assert [c.unit_id for c in first.items] == [unit_id for _, unit_id in expected]
    np.testing.assert_allclose([c.travel_time_s for c in first.items], [t for t, _ in expected], rtol=1e-6)

    unit_service.report_position(session, units[0].id, lon=units[0].lon + 0.0005, lat=units[0].lat, actor=ADMIN_ACTOR)
    snapped_counts.clear()
    moved = service.recommend(session, incident.id, graph=graph, units=service.unit_snapshot(session))
    assert snapped_counts == [1, 1]  # a new snapshot: only the unit that moved is snapped again
    assert [c.unit_id for c in moved.items] == [c.unit_id for c in first.items]


def test_a_stored_call_is_answered_201_even_when_ranking_or_the_duplicate_search_fails(client, auth, monkeypatch):
    dispatcher = auth(Role.DISPATCHER)
    body = {"source": "phone_110", "type_code": "theft", "lon": SCENE[0], "lat": SCENE[1]}

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(service, "recommend", broken)
    monkeypatch.setattr(service, "find_duplicates", broken)
    answered = client.post("/api/v1/intake", headers=dispatcher, json=body)
    assert answered.status_code == 201, answered.text
    data = answered.json()
    assert {w["code"] for w in data["recommendations"]["warnings"]} == {"duplicates_unavailable",
                                                                         "recommendation_unavailable"}
    assert data["recommendations"]["items"] == [] and data["response_plan"]["type_code"] == "theft"
    stored = client.get(f"/api/v1/incidents/{data['incident']['id']}", headers=dispatcher)
    assert stored.status_code == 200 and stored.json()["status"] == "received"


def test_attaching_a_duplicate_is_audited_with_both_ids(client, auth):
    headers = auth(Role.DISPATCHER)
    body = {"source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52}
    first = client.post("/api/v1/incidents", headers=headers, json=body).json()
    second = client.post("/api/v1/incidents", headers=headers, json=body).json()
    assert client.post(f"/api/v1/incidents/{second['id']}/duplicate-of", headers=headers,
                       json={"original_id": first["id"]}).status_code == 200
    log = client.get("/api/v1/audit", headers=auth(Role.AUDITOR), params={"action": "incident.duplicate_of"}).json()
    assert [(e["resource_id"], e["detail"]["original_id"]) for e in log["items"]] == [(str(second["id"]), first["id"])]
