"""Checklists, inspections with files, hazards from failed items, re-inspection, closing, the board and the sweep."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from places.places_kit import build_world
from precinct.live.hooks import _events
from precinct.org import stream as org_stream
from precinct.places import escalation, hazards, inspections
from precinct.places.inspection_models import Hazard, HazardEvent, HazardStatus

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALL_PASS = [{"code": "exit", "passed": True}, {"code": "extinguisher", "passed": True}]
ONE_FAILS = [{"code": "exit", "passed": False, "note": "堵塞 blocked", "deadline_days": 7},
             {"code": "extinguisher", "passed": True}]


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


@pytest.fixture
def files(app, tmp_path):
    app.state.settings.attachment_dir = tmp_path / "files"
    return tmp_path / "files"


def _inspect(client, world, results, *, who="west-officer", premises="west"):
    return client.post("/api/v1/places/inspections", headers=world.headers(who),
                       json={"premises_id": world.premises[premises], "results": results})


def test_late_words():
    assert escalation.late_words(1800) == ("不到 1 小时", "under an hour")
    assert escalation.late_words(3600) == ("1 小时", "1 hour")
    assert escalation.late_words(2 * 86400 + 5 * 3600 + 59) == ("2 天 5 小时", "2 days 5 hours")


def test_checklists_are_versioned(client, world):
    headers = world.headers("city-chief")
    added = client.post("/api/v1/places/checklists", headers=headers, json={
        "category": "school", "title": "v2",
        "items": [{"code": "gate", "text_zh": "门卫在岗", "text_en": "gate guarded"}]})
    assert (added.status_code, added.json()["version"]) == (201, 2)
    versions = client.get("/api/v1/places/checklists", headers=headers, params={"category": "school"}).json()
    assert [(v["version"], [i["code"] for i in v["items"]]) for v in versions] == [
        (1, ["exit", "extinguisher"]), (2, ["gate"])]
    twice = client.post("/api/v1/places/checklists", headers=headers, json={
        "category": "school", "title": "bad", "items": [{"code": "a", "text_zh": "甲", "text_en": "a"},
                                                          {"code": "a", "text_zh": "乙", "text_en": "b"}]})
    assert twice.status_code == 422 and twice.json()["error"]["message"].startswith("items: ")


def test_a_failed_item_opens_a_hazard_that_closes_only_after_a_passed_reinspection(client, world, files):
    recorded = _inspect(client, world, ONE_FAILS)
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert body["passed"] is False and len(body["hazards_opened"]) == 1
    hazard_id = body["hazards_opened"][0]
    hazard = client.get(f"/api/v1/places/hazards/{hazard_id}", headers=world.headers("west-desk")).json()
    assert (hazard["status"], hazard["responsible"], hazard["allowed_moves"]) == (
        "open", f"premises {world.premises['west']}", ["reinspect"])
    assert hazard["description"] == "安全出口畅通 / emergency exits clear: 堵塞 blocked"
    chief = world.headers("west-station-chief")
    early = client.post(f"/api/v1/places/hazards/{hazard_id}/close", headers=chief, json={})
    assert early.status_code == 409 and "allowed: reinspect" in early.json()["error"]["message"]
    failed = client.post(f"/api/v1/places/hazards/{hazard_id}/reinspect", headers=world.headers("west-officer"),
                         json={"passed": False, "note": "仍堵塞", "deadline_days": 3})
    assert failed.json()["status"] == "open"
    passed = client.post(f"/api/v1/places/hazards/{hazard_id}/reinspect", headers=world.headers("west-officer"),
                         json={"passed": True, "note": "已清理 cleared"})
    assert (passed.json()["status"], passed.json()["allowed_moves"]) == ("verified", ["close"])
    again = client.post(f"/api/v1/places/hazards/{hazard_id}/reinspect", headers=world.headers("west-officer"),
                        json={"passed": True})
    assert again.status_code == 409
    closed = client.post(f"/api/v1/places/hazards/{hazard_id}/close", headers=chief, json={"note": "销号"})
    assert (closed.status_code, closed.json()["status"], closed.json()["closed_by"]) == (
        200, "closed", "west-station-chief")
    final = client.post(f"/api/v1/places/hazards/{hazard_id}/close", headers=chief, json={})
    assert final.status_code == 409
    events = client.get(f"/api/v1/places/hazards/{hazard_id}/events", headers=chief).json()
    assert [e["kind"] for e in events] == ["opened", "reinspected", "reinspected", "closed"]
    listed = client.get(f"/api/v1/places/premises/{world.premises['west']}/inspections", headers=chief).json()
    assert [(i["hazard_id"], i["passed"]) for i in listed] == [(hazard_id, True), (hazard_id, False), (None, False)]


def test_bad_inspections_are_refused_naming_the_field(client, world):
    missing = _inspect(client, world, [{"code": "exit", "passed": True}])
    assert missing.status_code == 422 and missing.json()["error"]["message"].startswith("results: ")
    unknown = _inspect(client, world, [*ALL_PASS, {"code": "moat", "passed": True}])
    assert unknown.json()["error"]["message"].startswith("results.2.code: ")
    no_deadline = _inspect(client, world, [{"code": "exit", "passed": False}, {"code": "extinguisher", "passed": True}])
    assert no_deadline.json()["error"]["message"].startswith("results.0.deadline_days: ")
    elsewhere = _inspect(client, world, ALL_PASS, premises="east")
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["message"].startswith("premises_id: ")
    client.post(f"/api/v1/places/premises/{world.premises['west']}/close", headers=world.headers("city-chief"),
                json={"reason": "停办 shut"})
    closed = _inspect(client, world, ALL_PASS)
    assert closed.status_code == 409


def test_files_are_stored_under_their_hash_and_only_the_inspector_attaches(client, world, files):
    inspection_id = _inspect(client, world, ALL_PASS).json()["id"]
    params = {"inspection_id": inspection_id, "filename": "门口.png", "content_type": "image/png"}
    stored = client.post("/api/v1/places/attachments", params=params, content=PNG,
                         headers=world.headers("west-officer"))
    assert stored.status_code == 201, stored.text
    digest = hashlib.sha256(PNG).hexdigest()
    assert (stored.json()["sha256"], stored.json()["size_bytes"]) == (digest, len(PNG))
    assert (files / digest[:2] / digest).read_bytes() == PNG
    other = client.post("/api/v1/places/attachments", params=params, content=PNG,
                        headers=world.headers("west-officer-2"))
    assert other.status_code == 403
    lying = client.post("/api/v1/places/attachments", params=params | {"content_type": "image/jpeg"}, content=PNG,
                        headers=world.headers("west-officer"))
    assert lying.status_code == 422 and lying.json()["error"]["message"].startswith("content_type: ")
    script = client.post("/api/v1/places/attachments", params=params | {"content_type": "text/html"},
                         content=b"<script>", headers=world.headers("west-officer"))
    assert script.status_code == 422
    downloaded = client.get(f"/api/v1/places/attachments/{stored.json()['id']}", headers=world.headers("west-desk"))
    assert (downloaded.content, downloaded.headers["x-content-sha256"]) == (PNG, digest)
    assert client.get(f"/api/v1/places/attachments/{stored.json()['id']}",
                      headers=world.headers("east-officer")).status_code == 404
    (files / digest[:2] / digest).write_bytes(PNG + b"tampered")
    assert client.get(f"/api/v1/places/attachments/{stored.json()['id']}",
                      headers=world.headers("west-desk")).status_code == 404


def test_a_file_over_the_limit_is_refused(client, world, files, app):
    app.state.settings.attachment_max_bytes = 1024
    inspection_id = _inspect(client, world, ALL_PASS).json()["id"]
    response = client.post("/api/v1/places/attachments", content=PNG + b"\x00" * 2000,
                           params={"inspection_id": inspection_id, "filename": "a.png", "content_type": "image/png"},
                           headers=world.headers("west-officer"))
    assert response.status_code == 422 and "1024" in response.json()["error"]["message"]


def test_the_schedule_puts_premises_on_the_overdue_board(client, world, session):
    chief = world.headers("west-station-chief")
    board = client.get("/api/v1/places/board", headers=chief).json()
    assert board == {"overdue_inspections": [], "overdue_hazards": []}
    due = inspections.overdue(session, actor=world["west-station-chief"], now=datetime.now(UTC) + timedelta(days=31))
    assert [(d.premises.id, d.interval_days) for d in due] == [(world.premises["west"], 30)]
    schedule = client.put("/api/v1/places/inspection-schedule", headers=world.headers("city-chief"),
                          json={"category": "school", "risk_grade": "high", "interval_days": 60})
    assert schedule.json()["interval_days"] == 60
    assert inspections.overdue(session, actor=world["west-station-chief"],
                               now=datetime.now(UTC) + timedelta(days=31)) == []
    city = inspections.overdue(session, actor=world["city-chief"], now=datetime.now(UTC) + timedelta(days=61))
    assert sorted(d.premises.id for d in city) == sorted(world.premises.values())


def _live(session, hazard_id):
    """The hazard's escalation events queued on the live stream, by level number."""
    return {data["level_number"]: data for (kind, key), event in _events(session).items()
            if kind == "escalation" and (data := event["data"]).get("hazard_id") == hazard_id}


def test_overdue_hazards_escalate_station_district_city(client, world, session, ids):
    hazard_id = _inspect(client, world, ONE_FAILS).json()["hazards_opened"][0]
    deadline = session.get(Hazard, hazard_id).deadline
    later = datetime.now(UTC) + timedelta(days=8)
    assert hazards.sweep(session, now=later, escalate_after_s=3600).breached == [hazard_id]
    assert session.get(Hazard, hazard_id).escalation_level == hazards.STATION
    station = _live(session, hazard_id)[1]
    late_s = int((later - deadline).total_seconds())
    assert station == {
        "source": "hazard", "step": "overdue", "hazard_id": hazard_id, "premises_id": world.premises["west"],
        "premises_name": "west school", "level": "station", "level_number": 1, "org_unit_id": ids["west_station"],
        "station_id": ids["west_station"], "district_id": ids["west"], "deadline_at": deadline.isoformat(),
        "late_s": late_s, "lon": 114.02, "lat": 30.52,
        "zh": "隐患整改超期：west school（安全出口畅通）已超期 1 天，已通报派出所",
        "en": "hazard overdue: west school (emergency exits clear), 1 day past its rectification deadline; "
              "the station notified"}
    assert hazards.sweep(session, now=later + timedelta(minutes=30), escalate_after_s=3600).escalated == []
    assert set(_live(session, hazard_id)) == {1}  # nothing new while the hazard waits at its level
    assert hazards.sweep(session, now=later + timedelta(hours=1), escalate_after_s=3600).escalated == [hazard_id]
    assert hazards.sweep(session, now=later + timedelta(hours=2), escalate_after_s=3600).escalated == [hazard_id]
    assert hazards.sweep(session, now=later + timedelta(hours=3), escalate_after_s=3600).escalated == []
    live = _live(session, hazard_id)
    assert sorted(live) == [1, 2, 3]
    assert [(live[n]["step"], live[n]["level"], live[n]["org_unit_id"]) for n in (2, 3)] == [
        ("escalated", "district", ids["west"]), ("escalated", "city", ids["city"])]
    assert live[2]["zh"].endswith("已超期 1 天 1 小时，已通报分局")
    assert live[3]["en"].endswith("1 day 2 hours past its rectification deadline; the city command centre notified")
    # the stream carries them to the hazard's station, district and the city, not to the other station
    for account, sees in (("west-station-chief", True), ("west-chief", True), ("east-station-chief", False)):
        passes = org_stream.stream_filter(session, world[account])
        assert all(passes(kind, event["data"]) for (kind, _), event in _events(session).items()
                   if kind == "escalation") is sees, account
    assert org_stream.stream_filter(session, world["city-chief"]) is None
    session.commit()
    assert session.get(Hazard, hazard_id).escalation_level == hazards.CITY
    kinds = [e.kind for e in session.query(HazardEvent).filter_by(hazard_id=hazard_id).order_by(HazardEvent.id)]
    assert kinds == ["opened", "overdue", "escalated", "escalated"]
    hazards.reinspect(session, hazard_id, passed=True, actor=world["west-officer"])
    session.commit()
    assert session.get(Hazard, hazard_id).status == HazardStatus.VERIFIED
    assert hazards.sweep(session, now=later + timedelta(hours=9), escalate_after_s=3600).escalated == []


CITY_ONLY = [("POST", "/api/v1/places/checklists", {"category": "school", "title": "v2", "items": [
                 {"code": "gate", "text_zh": "门卫在岗", "text_en": "gate guarded"}]}, 201,
              "检查表是全市统一的，只能由市局的账户修改 / the checklists are the city's: only an account of the "
              "city bureau may change them"),
             ("PUT", "/api/v1/places/inspection-schedule", {"category": "school", "risk_grade": "high",
                                                            "interval_days": 60}, 200,
              "检查周期是全市统一的，只能由市局的账户设置 / the inspection schedule is the city's: only an account "
              "of the city bureau may set it")]


@pytest.mark.parametrize(("method", "path", "body", "code", "refusal"), CITY_ONLY, ids=["checklists", "schedule"])
def test_only_city_tier_accounts_change_the_checklists_and_the_schedule(client, world, method, path, body, code,
                                                                        refusal):
    for account in ("west-station-chief", "west-chief"):  # a station's and a district branch's supervisor
        refused = client.request(method, path, headers=world.headers(account), json=body)
        assert refused.status_code == 403, (account, refused.text)
        assert refused.json()["error"]["message"] == refusal
    assert [v["version"] for v in client.get("/api/v1/places/checklists", headers=world.headers("city-chief"),
                                             params={"category": "school"}).json()] == [1]
    intervals = {(r["category"], r["risk_grade"]): r["interval_days"] for r in client.get(
        "/api/v1/places/inspection-schedule", headers=world.headers("city-chief")).json()}
    assert intervals[("school", "high")] == 30
    for account in ("city-chief", "city-admin"):  # at the city tier, or without an organisation unit
        assert client.request(method, path, headers=world.headers(account), json=body).status_code == code


def test_the_station_filter_applies_before_the_limit(client, world, session):
    west = [_inspect(client, world, ONE_FAILS).json()["hazards_opened"][0] for _ in range(3)]
    east = _inspect(client, world, ONE_FAILS, who="east-officer", premises="east").json()["hazards_opened"][0]
    for hazard_id, days_late in ((west[0], 5), (west[1], 4), (west[2], 3), (east, 1)):  # the east one least late
        session.get(Hazard, hazard_id).deadline = datetime.now(UTC) - timedelta(days=days_late)
    session.commit()
    city = world["city-chief"]
    assert [h.id for h in hazards.list_(session, actor=city, overdue=True, limit=2)] == west[:2]
    assert [h.id for h in hazards.list_(session, actor=city, overdue=True, limit=2,
                                        station_id=world.ids["east_station"])] == [east]
    assert [h.id for h in hazards.list_(session, actor=city, limit=1, station_id=world.ids["east_station"])] == [east]
    board = client.get("/api/v1/places/board", headers=world.headers("city-chief"),
                       params={"station_id": world.ids["east_station"]}).json()
    assert [h["id"] for h in board["overdue_hazards"]] == [east]
