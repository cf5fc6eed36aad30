"""Drills: start -> tick injects due steps only -> dispatch via the API -> finish -> score -> replay."""

from __future__ import annotations

from datetime import timedelta

from precinct.core.permissions import Role
from precinct.core.settings import BUNDLED_ROADS
from precinct.drills import service as drill_service
from precinct.drills.models import DrillRun
from precinct.incidents.models import Incident
from precinct.roads.graph import road_graph
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from testkit import ADMIN_ACTOR

SCENARIO = {
    "code": "test_two_calls", "name_zh": "测试", "name_en": "Test",
    "places": {"east": [114.1505, 30.5502]},
    "steps": [
        {"offset_s": 0, "type_code": "theft", "place": "east", "description_zh": "被盗", "description_en": "theft"},
        {"offset_s": 600, "type_code": "fight", "lon": 114.1510, "lat": 30.5505, "priority": 1,
         "description_zh": "斗殴", "description_en": "fight"},
    ],
}


def _units(session, ids):
    near = unit_service.create(session, call_sign="E-1", unit_type=UnitType.PATROL_CAR,
                               home_station_id=ids["east_station"], actor=ADMIN_ACTOR, status=UnitStatus.AVAILABLE,
                               lon=114.15, lat=30.55)
    far = unit_service.create(session, call_sign="E-2", unit_type=UnitType.PATROL_CAR,
                              home_station_id=ids["east_station"], actor=ADMIN_ACTOR, status=UnitStatus.AVAILABLE,
                              lon=114.17, lat=30.57)
    session.commit()
    return near, far


def test_drill_round_trip(client, session, ids, auth):
    near, _ = _units(session, ids)
    started = client.post("/api/v1/drills", json={"scenario": SCENARIO, "speed": 1, "auto_tick": False},
                          headers=auth(Role.SUPERVISOR))
    assert started.status_code == 201, started.text
    run = started.json()
    assert run["status"] == "running" and run["score"]["injected"] == [0]     # offset 0 arrives at once

    db_run = session.get(DrillRun, run["id"])
    graph = road_graph(BUNDLED_ROADS)
    db_run.started_at -= timedelta(seconds=30)          # 30 s into the run: step 1 (600 s) is not due
    assert drill_service.tick(session, graph=graph) == []
    db_run.started_at -= timedelta(seconds=571)         # 601 s in
    second = drill_service.tick(session, graph=graph)
    assert [i.extra["drill_step"] for i in second] == [1]
    session.commit()
    assert drill_service.tick(session, graph=graph) == []

    incidents = drill_service.incidents_of(session, db_run)
    assert [i.extra["drill_step"] for i in incidents] == [0, 1]
    first = incidents[0]
    assert first.simulated and first.description.startswith("[演练 DRILL]")
    assert first.extra["recommended_unit_id"] == near.id and first.extra["recommended_travel_time_s"] > 0

    sent = client.post(f"/api/v1/incidents/{first.id}/assignments", json={"unit_id": near.id},
                       headers=auth(Role.DISPATCHER))
    assert sent.status_code == 201, sent.text
    live = client.get(f"/api/v1/drills/{run['id']}", headers=auth(Role.ANALYST)).json()
    assert live["result"]["dispatched"] == 1

    finished = client.post(f"/api/v1/drills/{run['id']}/finish", headers=auth(Role.SUPERVISOR))
    assert finished.status_code == 200 and finished.json()["status"] == "finished"
    again = client.post(f"/api/v1/drills/{run['id']}/finish", headers=auth(Role.SUPERVISOR))
    assert again.status_code == 409
    result = client.get(f"/api/v1/drills/{run['id']}", headers=auth(Role.DISPATCHER)).json()["result"]
    counts = (result["steps"], result["injected"], result["dispatched"], result["dispatched_to_recommended"])
    assert counts == (2, 2, 1, 1)
    assert result["share_dispatched_to_recommended"] == 1.0
    step0 = result["incidents"][0]
    assert step0["dispatched_call_sign"] == "E-1" and step0["followed_recommendation"] and step0["to_dispatch_s"] >= 0
    assert result["incidents"][1]["dispatched_unit_id"] is None

    timeline = client.get(f"/api/v1/drills/{run['id']}/replay", headers=auth(Role.SUPERVISOR)).json()
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    kinds = [e["kind"] for e in timeline]
    assert kinds.count("incident.created") == 2
    assert "assignment.dispatched" in kinds and "unit.status" in kinds
    assert kinds.index("incident.created") < kinds.index("assignment.dispatched")
    assert [e["seq"] for e in timeline] == list(range(1, len(timeline) + 1))


def test_scenarios_listing_and_roles(client, session, ids, auth):
    listed = client.get("/api/v1/drills/scenarios", headers=auth(Role.DISPATCHER)).json()
    assert {"simultaneous_calls", "armed_assault", "event_crowd_surge"} <= {s["code"] for s in listed}
    assert all(s["steps"] and "offset_s" in s["steps"][0] for s in listed)
    body = {"scenario_code": "armed_assault", "auto_tick": False}
    for role in (Role.ANALYST, Role.DISPATCHER, Role.CALL_TAKER):
        assert client.post("/api/v1/drills", json=body, headers=auth(role)).status_code == 403
    assert client.get("/api/v1/drills/1/replay", headers=auth(Role.AUDITOR)).status_code == 403
    assert client.post("/api/v1/drills", json=body | {"speed": 0}, headers=auth(Role.ADMIN)).status_code == 422
    assert client.post("/api/v1/drills", json={"scenario_code": "nope", "auto_tick": False},
                       headers=auth(Role.ADMIN)).status_code == 404
    bad = SCENARIO | {"steps": [{"offset_s": 0, "type_code": "no_such_type", "lon": 114.15, "lat": 30.55}]}
    assert client.post("/api/v1/drills", json={"scenario": bad, "auto_tick": False},
                       headers=auth(Role.ADMIN)).status_code == 422
    standard = client.post("/api/v1/drills", json=body | {"speed": 10, "at": [114.15, 30.55]}, headers=auth(Role.ADMIN))
    assert standard.status_code == 201
    run = standard.json()
    assert run["score"]["injected"] == [0] and run["score"]["scenario"]["anchor"] == [114.15, 30.55]
    incident = session.query(Incident).order_by(Incident.id.desc()).first()
    assert incident.district_id == ids["east"] and incident.extra["drill_run_id"] == run["id"]
    assert client.get("/api/v1/drills/99999", headers=auth(Role.ADMIN)).status_code == 404
