"""Checklists, inspections with files, hazards from failed items, re-inspection, closing, the board and the sweep."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from places.places_kit import build_world
from precinct.places import hazards, inspections
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


def test_overdue_hazards_escalate_station_district_city(client, world, session):
    hazard_id = _inspect(client, world, ONE_FAILS).json()["hazards_opened"][0]
    later = datetime.now(UTC) + timedelta(days=8)
    assert hazards.sweep(session, now=later, escalate_after_s=3600).breached == [hazard_id]
    assert session.get(Hazard, hazard_id).escalation_level == hazards.STATION
    assert hazards.sweep(session, now=later + timedelta(minutes=30), escalate_after_s=3600).escalated == []
    assert hazards.sweep(session, now=later + timedelta(hours=1), escalate_after_s=3600).escalated == [hazard_id]
    assert hazards.sweep(session, now=later + timedelta(hours=2), escalate_after_s=3600).escalated == [hazard_id]
    assert hazards.sweep(session, now=later + timedelta(hours=3), escalate_after_s=3600).escalated == []
    session.commit()
    assert session.get(Hazard, hazard_id).escalation_level == hazards.CITY
    kinds = [e.kind for e in session.query(HazardEvent).filter_by(hazard_id=hazard_id).order_by(HazardEvent.id)]
    assert kinds == ["opened", "overdue", "escalated", "escalated"]
    hazards.reinspect(session, hazard_id, passed=True, actor=world["west-officer"])
    session.commit()
    assert session.get(Hazard, hazard_id).status == HazardStatus.VERIFIED
    assert hazards.sweep(session, now=later + timedelta(hours=9), escalate_after_s=3600).escalated == []
