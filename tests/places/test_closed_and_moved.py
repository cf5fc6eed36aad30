"""Premises that close or move take their hazards and inspections with them.

Closing premises waits until their hazards are closed (409 naming them); closed premises take no
re-inspection and their hazards neither become overdue nor climb; a move to another station hands
the premises' hazards, inspections and files to it, and the old station no longer sees them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from places.places_kit import EAST, build_world
from precinct.places import hazards
from precinct.places.inspection_models import Hazard, HazardEvent
from precinct.places.models import Premises, PremisesStatus

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ONE_FAILS = [{"code": "exit", "passed": False, "note": "堵塞 blocked", "deadline_days": 7},
             {"code": "extinguisher", "passed": True}]


@pytest.fixture
def world(session, ids, app, tmp_path):
    app.state.settings.attachment_dir = tmp_path / "files"
    return build_world(session, ids)


def _hazard(client, world, premises="west", who="west-officer"):
    """Record an inspection with one failed item at the premises; return the inspection's and the hazard's ids."""
    response = client.post("/api/v1/places/inspections", headers=world.headers(who),
                           json={"premises_id": world.premises[premises], "results": ONE_FAILS})
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["hazards_opened"][0]


def _close(client, world, who="west-station-chief"):
    return client.post(f"/api/v1/places/premises/{world.premises['west']}/close", headers=world.headers(who),
                       json={"reason": "停办 shut down"})


def test_premises_close_only_once_their_hazards_are_closed(client, world):
    _, first = _hazard(client, world)
    _, second = _hazard(client, world)
    refused = _close(client, world)
    assert refused.status_code == 409
    message = refused.json()["error"]["message"]
    assert f"还有未销号的隐患：#{first} exit, #{second} exit" in message
    assert f"still have hazards that are not closed: #{first} exit, #{second} exit" in message
    officer, chief = world.headers("west-officer"), world.headers("west-station-chief")
    for hazard_id in (first, second):
        client.post(f"/api/v1/places/hazards/{hazard_id}/reinspect", headers=officer, json={"passed": True})
    verified = _close(client, world)  # re-inspected but not yet closed (销号): still refused
    assert verified.status_code == 409 and f"#{first} exit, #{second} exit" in verified.json()["error"]["message"]
    client.post(f"/api/v1/places/hazards/{first}/close", headers=chief, json={})
    assert f"#{second} exit" in _close(client, world).json()["error"]["message"]
    client.post(f"/api/v1/places/hazards/{second}/close", headers=chief, json={})
    closed = _close(client, world)
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")


def _closed_with_an_open_hazard(client, world, session):
    """Premises closed while a hazard was open (as before closing waited for them): the hazard's id."""
    _, hazard_id = _hazard(client, world)
    premises = session.get(Premises, world.premises["west"])
    premises.status = PremisesStatus.CLOSED
    session.commit()
    return hazard_id


def test_closed_premises_take_no_reinspection(client, world, session):
    hazard_id = _closed_with_an_open_hazard(client, world, session)
    refused = client.post(f"/api/v1/places/hazards/{hazard_id}/reinspect", headers=world.headers("west-officer"),
                          json={"passed": True})
    assert refused.status_code == 409
    premises_id = world.premises["west"]
    assert refused.json()["error"]["message"] == (
        f"重点场所 {premises_id} 已注销，其隐患不能复查；请先恢复该场所 / premises {premises_id} are closed: their "
        "hazards take no re-inspection; reopen the premises first")
    session.expire_all()
    assert session.get(Hazard, hazard_id).status == "open"


def test_the_hazards_of_closed_premises_neither_become_overdue_nor_climb(client, world, session):
    _, climbing = _hazard(client, world, premises="east", who="east-officer")
    hazard_id = _closed_with_an_open_hazard(client, world, session)
    later = datetime.now(UTC) + timedelta(days=8)
    assert hazards.sweep(session, now=later, escalate_after_s=3600).breached == [climbing]
    assert hazards.sweep(session, now=later + timedelta(hours=1), escalate_after_s=3600).escalated == [climbing]
    assert [h.id for h in hazards.list_(session, actor=world["city-chief"], overdue=True, now=later)] == [climbing]
    assert session.get(Hazard, hazard_id).escalation_level == 0
    # an overdue hazard whose premises close (before the rule) stops where it stands
    session.get(Premises, world.premises["east"]).status = PremisesStatus.CLOSED
    session.flush()
    result = hazards.sweep(session, now=later + timedelta(hours=2), escalate_after_s=3600)
    assert (result.breached, result.escalated) == ([], [])
    assert session.get(Hazard, climbing).escalation_level == hazards.DISTRICT
    assert hazards.list_(session, actor=world["city-chief"], overdue=True, now=later) == []
    # reopened, the premises' hazards are swept again
    session.get(Premises, world.premises["west"]).status = PremisesStatus.OPEN
    session.flush()
    assert hazards.sweep(session, now=later + timedelta(hours=3), escalate_after_s=3600).breached == [hazard_id]


def test_a_move_hands_the_hazards_inspections_and_files_to_the_new_station(client, world, session, ids):
    inspection_id, hazard_id = _hazard(client, world)
    stored = client.post("/api/v1/places/attachments", content=PNG, headers=world.headers("west-officer"),
                         params={"inspection_id": inspection_id, "filename": "门口.png", "content_type": "image/png"})
    assert stored.status_code == 201, stored.text
    premises_id = world.premises["west"]
    reads = {"hazard": f"/api/v1/places/hazards/{hazard_id}",
             "events": f"/api/v1/places/hazards/{hazard_id}/events",
             "file": f"/api/v1/places/attachments/{stored.json()['id']}",
             "premises": f"/api/v1/places/premises/{premises_id}",
             "inspections": f"/api/v1/places/premises/{premises_id}/inspections"}

    def seen(account):
        headers = world.headers(account)
        codes = {name: client.get(path, headers=headers).status_code for name, path in reads.items()}
        listed = [h["id"] for h in client.get("/api/v1/places/hazards", headers=headers).json()]
        return codes, listed

    everything = {name: 200 for name in reads}
    nothing = {name: 404 for name in reads}
    assert seen("west-station-chief") == (everything, [hazard_id])
    assert seen("east-station-chief") == (nothing, [])
    moved = client.patch(f"/api/v1/places/premises/{premises_id}", headers=world.headers("city-chief"),
                         json={"lon": EAST[0], "lat": EAST[1]})
    assert moved.status_code == 200, moved.text
    assert seen("east-station-chief") == (everything, [hazard_id])
    assert seen("east-officer") == (everything, [hazard_id])
    assert seen("west-station-chief") == (nothing, [])
    assert seen("west-chief") == (nothing, [])  # the old district branch too
    session.expire_all()
    hazard = session.get(Hazard, hazard_id)
    assert (hazard.station_id, hazard.district_id) == (ids["east_station"], ids["east"])
    event = session.query(HazardEvent).filter_by(hazard_id=hazard_id, kind="moved").one()
    assert event.data == {"from": {"station_id": ids["west_station"], "district_id": ids["west"]},
                          "to": {"station_id": ids["east_station"], "district_id": ids["east"]}}
    # the new station's board and overdue list carry the hazard once it is late; the old one's do not
    hazard.deadline = datetime.now(UTC) - timedelta(days=1)
    session.commit()
    boards = {account: client.get("/api/v1/places/board", headers=world.headers(account)).json()["overdue_hazards"]
              for account in ("east-station-chief", "west-station-chief")}
    assert ([h["id"] for h in boards["east-station-chief"]], boards["west-station-chief"]) == ([hazard_id], [])
    # the new station works it: re-inspection and closing
    reinspected = client.post(f"/api/v1/places/hazards/{hazard_id}/reinspect", headers=world.headers("east-officer"),
                              json={"passed": True})
    assert reinspected.json()["status"] == "verified"
    assert client.post(f"/api/v1/places/hazards/{hazard_id}/close", headers=world.headers("west-station-chief"),
                       json={}).status_code == 404
    assert client.post(f"/api/v1/places/hazards/{hazard_id}/close", headers=world.headers("east-station-chief"),
                       json={}).json()["status"] == "closed"
