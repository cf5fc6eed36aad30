"""`precinct simulate`: the live stream without replay options, a road-network replay with --json."""

from __future__ import annotations

import json


def test_simulate_json_replays_generated_calls_on_the_road_network(fresh_database_url, cli, tmp_path):
    posts = tmp_path / "posts.csv"
    posts.write_text("lon,lat,units\n114.30,30.58,3\n114.27,30.55,2\n", encoding="utf-8")
    result = cli("simulate", "--json", "--generate", "300", "--posts", str(posts), "--seed", "4")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    overall = report["overall"]
    assert overall["calls"] > 250 and overall["served"] == overall["calls"]
    assert 0 < overall["p50_response_s"] <= overall["p90_response_s"]
    assert report["targets_s"] == [60.0, 180.0, 300.0]


def test_simulate_replay_needs_one_source(fresh_database_url, cli):
    result = cli("simulate", "--day", "2026-11-21", "--generate", "10")
    assert result.exit_code == 2 and "exactly one of" in result.output


def test_replaying_a_stored_day_counts_reported_demand_only(fresh_database_url, cli, tmp_path):
    """Drill incidents and officer-initiated ones are not demand: the replay of a day leaves them out
    (the replay's own store read once lacked the drill filter)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from precinct.app import session_factory
    from precinct.drills.models import DrillRun
    from precinct.incidents import service as incident_service
    from precinct.incidents.schemas import IncidentCreate
    from testkit import ADMIN_ACTOR

    factory = session_factory(fresh_database_url)
    noon = datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with factory() as session:
        drill = DrillRun(scenario_code="test", name="test", speed=1.0, status="finished", started_at=noon,
                         created_by="tester", score={})
        session.add(drill)
        session.flush()
        calls = [("phone_110", None), ("online_report", None), ("officer_initiated", None), ("phone_110", drill.id)]
        for minute, (source, drill_run_id) in enumerate(calls):
            incident = incident_service.create(session, IncidentCreate(
                source=source, type_code="theft", lon=114.30 + minute * 0.001, lat=30.58,
                received_at=noon.replace(minute=minute)), actor=ADMIN_ACTOR)
            incident.drill_run_id = drill_run_id
        session.commit()
    factory.kw["bind"].dispose()
    posts = tmp_path / "posts.csv"
    posts.write_text("lon,lat,units\n114.30,30.58,3\n", encoding="utf-8")
    result = cli("plan", "simulate", "--day", "2026-11-21", "--posts", str(posts), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["incidents"] == 2
    assert cli("plan", "simulate", "--day", "2026-11-22", "--posts", str(posts), "--json").exit_code == 2
