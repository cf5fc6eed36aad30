"""The community beat log: visits per beat (place, purpose, notes), counted per beat per local week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from places.places_kit import build_world
from precinct.places import beat_log
from precinct.places.models import BeatVisit, VisitPurpose

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


def test_visits_are_counted_per_beat_per_week(client, world, session, ids):
    officer = world.headers("west-officer")
    for purpose, days_ago in (("patrol", 0), ("community_meeting", 0), ("patrol", 7), ("publicity", 21)):
        response = client.post(f"/api/v1/places/beats/{ids['beat']}/visits", headers=officer, json={
            "place": "学府社区广场 community square", "purpose": purpose, "notes": "发放防诈骗宣传单",
            "visited_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()})
        assert response.status_code == 201, response.text
    assert response.json()["purpose_zh"] == "防范宣传"
    log = client.get(f"/api/v1/places/beats/{ids['beat']}/log", headers=world.headers("west-analyst"),
                     params={"weeks": 4}).json()
    assert [w["visits"] for w in log["weeks"]] == [1, 0, 1, 2]
    assert log["weeks"][-1]["by_purpose"] == {"community_meeting": 1, "patrol": 1}
    assert len(log["visits"]) == 4 and set(log["visits"][0]) >= {"place", "purpose", "notes"}
    counted = client.get("/api/v1/places/beat-weeks", headers=world.headers("west-chief"),
                         params={"station_id": ids["west_station"], "weeks": 4}).json()
    assert [(b["code"], [w["visits"] for w in b["weeks"]]) for b in counted] == [("B1", [1, 0, 1, 2])]


def test_weeks_run_monday_to_sunday_in_local_time(session, world, ids):
    monday_local = datetime(2025, 3, 3, 0, 30, tzinfo=SHANGHAI)  # Sunday 16:30 UTC
    for at in (monday_local, monday_local - timedelta(hours=1)):
        session.add(BeatVisit(beat_id=ids["beat"], station_id=ids["west_station"], visited_at=at.astimezone(UTC),
                              place="x", purpose=VisitPurpose.PATROL, recorded_by="west-officer"))
    session.commit()
    log = beat_log.log(session, ids["beat"], actor=world["west-officer"], zone=SHANGHAI, weeks=2,
                       now=monday_local + timedelta(days=1))
    assert [(w["week_start"], w["visits"]) for w in log["weeks"]] == [("2025-02-24", 1), ("2025-03-03", 1)]


def test_only_the_beats_station_records_and_the_scope_reads(client, world, ids):
    body = {"place": "市场 market", "purpose": "patrol"}
    assert client.post(f"/api/v1/places/beats/{ids['beat']}/visits", headers=world.headers("east-officer"),
                       json=body).status_code == 404
    assert client.post(f"/api/v1/places/beats/{ids['beat']}/visits", headers=world.headers("west-chief"),
                       json=body).status_code == 403
    assert client.post(f"/api/v1/places/beats/{ids['beat']}/visits", headers=world.headers("west-desk"),
                       json=body).status_code == 403
    assert client.get(f"/api/v1/places/beats/{ids['beat']}/log",
                      headers=world.headers("east-station-chief")).status_code == 404
    future = client.post(f"/api/v1/places/beats/{ids['beat']}/visits", headers=world.headers("west-officer"),
                         json=body | {"visited_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and future.json()["error"]["message"].startswith("visited_at: ")
    elsewhere = client.post(f"/api/v1/places/beats/{ids['beat']}/visits", headers=world.headers("west-officer"),
                            json=body | {"premises_id": world.premises["east"]})
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["message"].startswith("premises_id: ")
    at_premises = client.post(f"/api/v1/places/beats/{ids['beat']}/visits", headers=world.headers("west-officer"),
                              json=body | {"premises_id": world.premises["west"], "purpose": "premises_check"})
    assert (at_premises.json()["lon"], at_premises.json()["lat"]) == (114.02, 30.52)
