"""Disputes: opened at a place (from a call, a repeat-call place or directly), mediated, agreed, followed up.

The parties are personal data (role, scope, purpose, audit); success is measured on the place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from places.places_kit import EAST, WEST, build_world
from precinct.audit.models import AuditEntry
from precinct.disputes import service
from precinct.disputes.schemas import DisputeCreate
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR

DAY = timedelta(days=1)
NEAR = (WEST[0] + 0.0003, WEST[1])  # ~29 m east of the place
ELSEWHERE_IN_STATION = (114.07, 30.57)
BODY = {"kind": "neighbour", "summary": "楼上漏水 water from upstairs", "place": "学府路 1 号 3 栋",
        "lon": WEST[0], "lat": WEST[1], "partner_body": "community_committee", "partner_name": "学府社区居委会",
        "parties": [{"side": "a", "name": "张某", "contact": "138****0000"}, {"side": "b", "name": "李某"}]}


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


def _open(client, world, who="west-officer", **changes):
    return client.post("/api/v1/disputes", headers=world.headers(who), json=BODY | changes)


def test_the_life_of_a_dispute(client, world, ids):
    opened = _open(client, world)
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert (body["status"], body["station_id"], body["parties"], body["allowed_moves"]) == (
        "open", ids["west_station"], 2, ["session", "agree", "fail"])
    assert "张某" not in opened.text
    dispute_id = body["id"]
    officer = world.headers("west-officer-2")  # of the station: works on it though another opened it
    held = client.post(f"/api/v1/disputes/{dispute_id}/sessions", headers=officer, json={
        "held_at": datetime.now(UTC).isoformat(), "outcome": "progress", "notes": "双方同意维修"})
    assert held.status_code == 201, held.text
    agreed = client.post(f"/api/v1/disputes/{dispute_id}/agreement", headers=officer, json={
        "agreement": "楼上负责维修，费用平摊", "follow_up_due": (date.today() + timedelta(days=14)).isoformat()})
    assert (agreed.json()["status"], agreed.json()["allowed_moves"]) == ("agreed", ["session", "follow_up"])
    twice = client.post(f"/api/v1/disputes/{dispute_id}/agreement", headers=officer, json={
        "agreement": "again", "follow_up_due": date.today().isoformat()})
    assert twice.status_code == 409 and "allowed: session, follow_up" in twice.json()["error"]["message"]
    closed = client.post(f"/api/v1/disputes/{dispute_id}/follow-up", headers=officer,
                         json={"result": "已修好，无新纠纷 fixed"})
    assert closed.json()["status"] == "closed"
    events = client.get(f"/api/v1/disputes/{dispute_id}/events", headers=officer).json()
    assert [e["kind"] for e in events] == ["opened", "session", "agreed", "followed_up"]


def test_a_dispute_needs_a_place(client, world):
    no_place = client.post("/api/v1/disputes", headers=world.headers("west-officer"),
                           json={k: v for k, v in BODY.items() if k not in ("place", "lon", "lat")})
    assert no_place.status_code == 422 and no_place.json()["error"]["message"].startswith("place: ")
    no_point = _open(client, world, lon=None, lat=None)
    assert no_point.json()["error"]["message"].startswith("place: ")
    outside = _open(client, world, lon=EAST[0], lat=EAST[1])
    assert outside.status_code == 422
    assert outside.json()["error"]["message"] == (
        "lon: 地点 (114.150000, 30.550000) 不在你的辖区内 / the place (114.150000, 30.550000) lies outside your area")
    beijing = _open(client, world, lon=116.40, lat=39.90)
    assert beijing.status_code == 422
    assert beijing.json()["error"]["message"] == (
        "lon: 地点 (116.400000, 39.900000) 不在本市任何分局辖区内 / "
        "the place (116.400000, 39.900000) lies outside every district of the city")
    repeat = _open(client, world, source="repeat_place")
    assert repeat.json()["error"]["message"].startswith("place_key: ")


def test_a_dispute_from_a_call_takes_the_calls_place(client, world, session):
    incident = incident_service.create(session, IncidentCreate(
        source="phone_110", type_code="theft", lon=NEAR[0], lat=NEAR[1], address="学府路 3 号"), actor=ADMIN_ACTOR)
    east = incident_service.create(session, IncidentCreate(
        source="phone_110", type_code="theft", lon=EAST[0], lat=EAST[1]), actor=ADMIN_ACTOR)
    session.commit()
    opened = _open(client, world, source="call", incident_id=incident.id, place=None, lon=None, lat=None)
    assert (opened.json()["place"], opened.json()["lon"], opened.json()["incident_id"]) == (
        "学府路 3 号", NEAR[0], incident.id)
    hidden = _open(client, world, source="call", incident_id=east.id, place=None, lon=None, lat=None)
    assert hidden.status_code == 422 and hidden.json()["error"]["message"].startswith("incident_id: ")


def test_parties_are_read_with_a_purpose_and_audited(client, world, session):
    dispute_id = _open(client, world).json()["id"]
    params = {"purpose": "mediation", "reason": "安排调解 arrange a session"}
    read = client.get(f"/api/v1/disputes/{dispute_id}/parties", headers=world.headers("west-officer"), params=params)
    assert [(p["side"], p["name"]) for p in read.json()] == [("a", "张某"), ("b", "李某")]
    entry = session.query(AuditEntry).filter_by(action="personal_data.read", resource_type="dispute").one()
    assert (entry.actor, entry.purpose, entry.resource_id) == ("west-officer", "mediation", str(dispute_id))
    assert client.get(f"/api/v1/disputes/{dispute_id}/parties", headers=world.headers("east-officer"),
                      params=params).status_code == 404
    assert client.get(f"/api/v1/disputes/{dispute_id}/parties", headers=world.headers("west-analyst"),
                      params=params).status_code == 403
    short = client.get(f"/api/v1/disputes/{dispute_id}/parties", headers=world.headers("west-officer"),
                       params={"purpose": "mediation", "reason": "x"})
    assert short.status_code == 422 and short.json()["error"]["message"].startswith("reason: ")
    assert client.get(f"/api/v1/disputes/{dispute_id}/parties", headers=world.headers("west-officer"),
                      params={"purpose": "curiosity", "reason": "just looking"}).status_code == 422


def _calls(session, place, days, *, around):
    for day in days:
        incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=place[0],
                                                        lat=place[1], received_at=around + day * DAY),
                                actor=ADMIN_ACTOR)


def test_success_is_measured_on_the_place(session, world):
    agreed_at = datetime.now(UTC) - 40 * DAY
    dispute = service.create(session, DisputeCreate.model_validate(BODY), actor=world["west-officer"],
                             now=agreed_at - 30 * DAY)
    service.agree(session, dispute.id, agreement="和解", follow_up_due=date.today(), actor=world["west-officer"],
                  now=agreed_at, today=agreed_at.date())
    _calls(session, NEAR, [-25, -20, -15, -10, -5, -2], around=agreed_at)  # 6 at the place before
    _calls(session, NEAR, [3], around=agreed_at)  # 1 after
    _calls(session, ELSEWHERE_IN_STATION, [-20, -10, -5, 4, 12, 25], around=agreed_at)  # 3 and 3 in the rest
    _calls(session, EAST, [-5, 5], around=agreed_at)  # another station
    session.commit()
    result = service.effect(session, dispute.id, actor=world["west-analyst"], period_days=28, radius_m=100)
    assert result["counts"] == {"treated_before": 6, "treated_after": 1, "comparison_before": 3,
                                "comparison_after": 3}
    assert result["series"]["treated_before"] == [1, 2, 1, 2]
    assert result["rate_ratio"] == pytest.approx((1 / 6) / (3 / 3))
    assert result["comparison"] == {"station_id": world.ids["west_station"]}


def test_the_effect_waits_for_an_agreement_and_the_end_of_the_period(client, world, session):
    dispute_id = _open(client, world).json()["id"]
    analyst = world.headers("west-analyst")
    early = client.get(f"/api/v1/disputes/{dispute_id}/effect", headers=analyst)
    assert early.status_code == 422 and early.json()["error"]["message"].startswith("dispute_id: ")
    client.post(f"/api/v1/disputes/{dispute_id}/agreement", headers=world.headers("west-officer"), json={
        "agreement": "和解", "follow_up_due": date.today().isoformat()})
    waiting = client.get(f"/api/v1/disputes/{dispute_id}/effect", headers=analyst)
    assert waiting.status_code == 422 and waiting.json()["error"]["message"].startswith("period_days: ")
