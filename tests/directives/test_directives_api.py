"""The directives API end to end: issue, read, every step, the codes of bad input and refused moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from directive_kit import AREA, build_world

from precinct.units.models import UnitPosition
from testkit import bearer_for


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


def as_(world, name):
    return bearer_for(name, world[name].role)


def _body(world, **changes):
    now = datetime.now(UTC)
    return {"kind": "patrol", "title": "夜巡 night patrol", "target_org_unit_id": world.ids["west_station"],
            "geometry": AREA, "window_start": (now - timedelta(minutes=30)).isoformat(),
            "window_end": (now + timedelta(hours=1)).isoformat(), "deadline": (now + timedelta(hours=2)).isoformat(),
            "links": [{"kind": "spike", "area": "West Branch"}]} | changes


def test_a_directive_through_its_whole_life_over_http(client, session, world):
    chief, desk = as_(world, "west-chief"), as_(world, "west-desk")
    now = datetime.now(UTC)
    for minutes, lon in ((-20, 114.03), (-18, 114.03), (-16, 114.03)):  # 4 minutes inside the area
        session.add(UnitPosition(unit_id=world.units["W-1"], at=now + timedelta(minutes=minutes), lon=lon, lat=30.53,
                                 reported_by="avl"))
    session.commit()
    issued = client.post("/api/v1/directives", headers=chief, json=_body(world))
    assert issued.status_code == 201, issued.text
    directive = issued.json()
    assert directive["status"] == "issued" and directive["status_zh"] == "已下达"
    assert directive["kind_zh"] == "巡逻防控" and directive["allowed_moves"] == ["sign", "cancel"]
    assert directive["links"][0]["kind"] == "spike" and directive["links"][0]["ref_key"] == "West Branch"
    assert directive["geometry"]["type"] == "Polygon" and directive["overdue"] is False
    base = f"/api/v1/directives/{directive['id']}"
    assert client.post(f"{base}/sign", headers=desk, json={"note": "收到"}).json()["status"] == "signed_for"
    started = client.post(f"{base}/start", headers=desk, json={"unit_ids": [world.units["W-1"]]}).json()
    assert started["status"] == "in_progress" and started["unit_ids"] == [world.units["W-1"]]
    preview = client.get(f"{base}/patrol-minutes", headers=desk).json()
    assert preview["minutes"] == 4.0 and preview["units"][0]["call_sign"] == "W-1"
    reported = client.post(f"{base}/report", headers=desk, json={"text": "完成 done"}).json()
    assert reported["status"] == "reported" and reported["patrol_minutes"] == 4.0
    refused = client.post(f"{base}/sign", headers=desk, json={})
    assert refused.status_code == 409 and refused.json()["error"]["message"].endswith("allowed: accept, return")
    returned = client.post(f"{base}/check", headers=chief, json={"outcome": "returned", "reason": "patrol longer"})
    assert returned.json()["status"] == "in_progress"
    client.post(f"{base}/report", headers=desk, json={"text": "又巡了 again"})
    closed = client.post(f"{base}/check", headers=chief, json={"outcome": "accepted"}).json()
    assert closed["status"] == "closed" and closed["allowed_moves"] == []
    log = client.get(f"{base}/events", headers=desk).json()
    assert [(e["kind"], e["actor"]) for e in log] == [
        ("issued", "west-chief"), ("signed_for", "west-desk"), ("units_named", "west-desk"), ("started", "west-desk"),
        ("reported", "west-desk"), ("returned", "west-chief"), ("reported", "west-desk"), ("accepted", "west-chief")]
    assert log[1]["kind_zh"] == "签收" and log[1]["data"]["note"] == "收到"
    listed = client.get("/api/v1/directives", headers=desk, params={"status": "closed", "for_me": True}).json()
    assert [d["id"] for d in listed["items"]] == [directive["id"]] and listed["total"] == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"deadline": "2020-01-01T00:00:00Z"}, "deadline"),
    ({"window_end": "2020-01-01T00:00:00Z"}, "window_end"),
    ({"target_org_unit_id": 99_999}, "target_org_unit_id"),
    ({"geometry": {"type": "Polygon", "coordinates": [[[115.0, 31.0], [115.1, 31.0], [115.1, 31.1], [115.0, 31.0]]]}},
     "geometry"),
])
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_stored(client, world, changes, field):
    chief = as_(world, "west-chief")
    response = client.post("/api/v1/directives", headers=chief, json=_body(world, **changes),
                           params={}, )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"].startswith(f"{field}: ")
    assert client.get("/api/v1/directives", headers=chief).json()["total"] == 0


def test_a_target_outside_the_issuers_scope_is_a_422_naming_it(client, world):
    response = client.post("/api/v1/directives", headers=as_(world, "west-chief"),
                           json=_body(world, target_org_unit_id=world.ids["east_station"]))
    assert response.status_code == 422 and response.json()["error"]["message"].startswith("target_org_unit_id: ")
    assert "outside your scope" in response.json()["error"]["message"]


def test_malformed_shapes_are_refused_by_the_schema_with_their_fields(client, world):
    response = client.post("/api/v1/directives", headers=as_(world, "west-chief"), json=_body(
        world, geometry={"type": "LineString", "coordinates": [[114.0, 30.5], [114.1, 30.6]]}, kind="sweep",
        links=[{"kind": "premises"}]))
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["error"]["fields"]} == {"kind", "geometry.type",
                                                                        "links.0.premises.premises_id"}


def test_the_overdue_board_and_an_unknown_directive(client, session, world):
    chief = as_(world, "west-chief")
    issued = client.post("/api/v1/directives", headers=chief, json=_body(world, kind="other", geometry=None,
                                                                          window_start=None, window_end=None)).json()
    from precinct.directives.models import Directive

    session.get(Directive, issued["id"]).deadline = datetime.now(UTC) - timedelta(minutes=5)  # as if time passed
    session.commit()
    board = client.get("/api/v1/directives/overdue", headers=as_(world, "west-desk")).json()
    assert [d["id"] for d in board["items"]] == [issued["id"]] and board["items"][0]["late_s"] >= 300
    assert client.get("/api/v1/directives/overdue", headers=as_(world, "east-desk")).json()["total"] == 0
    missing = client.get("/api/v1/directives/99999", headers=chief)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    effect = client.get(f"/api/v1/directives/{issued['id']}/effect", headers=chief)
    assert effect.status_code == 422 and "has no area" in effect.json()["error"]["message"]
