"""Repeat-place operations (拔钉): opened from the repeat-call places, linked, closed against comparable places."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from places.places_kit import build_world
from precinct.disputes import operations
from precinct.disputes.models import OperationStatus, RepeatPlaceOperation
from precinct.disputes.schemas import OperationCreate
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR

DAY = timedelta(days=1)
PLACE, LIKE_1, LIKE_2 = (114.03, 30.53), (114.06, 30.56), (114.08, 30.52)  # all in West Station
OPENED = datetime.now(UTC) - 30 * DAY


def _calls(session, place, days):
    for day in days:
        incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=place[0],
                                                        lat=place[1], received_at=OPENED + day * DAY),
                                actor=ADMIN_ACTOR)


@pytest.fixture
def world(session, ids):
    world = build_world(session, ids)
    _calls(session, PLACE, [-27, -22, -16, -12, -8, -3])  # 6 in the four weeks before the opening
    _calls(session, PLACE, [10])  # 1 in the four weeks after
    _calls(session, LIKE_1, [-20, -10, 5, 15])  # the comparable places: 2 + 2 before, 2 + 2 after
    _calls(session, LIKE_2, [-18, -6, 8, 20])
    session.commit()
    return world


def _key_of(session, world, point, now):
    places = operations.forecast_service.repeat_places(session, zone=UTC, min_calls=2, now=now)
    return next(p["place"] for p in places if abs(p["lon"] - point[0]) < 1e-6)


def _body(key, world, **changes):
    return {"place_key": key, "place": "学府路夜市 night market", "lon": PLACE[0], "lat": PLACE[1],
            "cause": "夜市噪音与醉酒 noise and drunkenness", "actions": "联合城管错时管理；增设巡逻",
            "owner_org_unit_id": world.ids["west_station"],
            "review_date": (date.today() + timedelta(days=30)).isoformat()} | changes


def test_open_link_and_close_with_a_before_after_against_comparable_places(session, world):
    key = _key_of(session, world, PLACE, OPENED)
    operation = operations.create(session, OperationCreate.model_validate(_body(key, world)),
                                  actor=world["west-station-chief"], zone=UTC, now=OPENED)
    session.commit()
    assert operation.calls_at_opening == 6
    assert sorted((round(p["lon"], 2), round(p["lat"], 2)) for p in operation.comparison) == [LIKE_1, LIKE_2]
    closed = operations.close(session, operation.id, result="夜市规范后报警明显减少", actor=world["west-station-chief"])
    effect = closed.effect
    assert effect["counts"] == {"treated_before": 6, "treated_after": 1, "comparison_before": 4,
                                "comparison_after": 4}
    assert effect["rate_ratio"] == pytest.approx((1 / 6) / (4 / 4))
    assert effect["comparison"] == {"places": 2}


def test_the_repeat_places_table_shows_the_operation(client, world, session):
    key = _key_of(session, world, PLACE, datetime.now(UTC))
    chief = world.headers("west-station-chief")
    table = client.get("/api/v1/operations/repeat-places", headers=chief, params={"min_calls": 5}).json()
    assert [(row["place"], row["operation_id"]) for row in table] == [(key, None)]
    opened = client.post("/api/v1/operations", headers=chief, json=_body(key, world))
    assert opened.status_code == 201, opened.text
    table = client.get("/api/v1/operations/repeat-places", headers=chief, params={"min_calls": 5}).json()
    assert [(row["operation_id"], row["operation_status"], row["operation_status_zh"]) for row in table] == [
        (opened.json()["id"], "open", "进行中")]
    second = client.post("/api/v1/operations", headers=chief, json=_body(key, world))
    assert second.status_code == 409
    east = client.get("/api/v1/operations/repeat-places", headers=world.headers("east-station-chief"),
                      params={"min_calls": 5}).json()
    assert east == []


def test_links_must_be_visible_and_the_owner_works_on_it(client, world, session, ids):
    key = _key_of(session, world, PLACE, datetime.now(UTC))
    operation_id = client.post("/api/v1/operations", headers=world.headers("west-station-chief"),
                               json=_body(key, world)).json()["id"]
    dispute = client.post("/api/v1/disputes", headers=world.headers("west-officer"), json={
        "kind": "commercial", "summary": "摊位纠纷", "place": "夜市", "lon": PLACE[0], "lat": PLACE[1]}).json()
    linked = client.post(f"/api/v1/operations/{operation_id}/links", headers=world.headers("west-station-chief"),
                         json={"kind": "dispute", "ref_id": dispute["id"]})
    assert linked.status_code == 201, linked.text
    again = client.post(f"/api/v1/operations/{operation_id}/links", headers=world.headers("west-station-chief"),
                        json={"kind": "dispute", "ref_id": dispute["id"]})
    assert again.status_code == 409
    unknown = client.post(f"/api/v1/operations/{operation_id}/links", headers=world.headers("west-station-chief"),
                          json={"kind": "hazard", "ref_id": 999999})
    assert unknown.status_code == 422 and unknown.json()["error"]["message"].startswith("ref_id: ")
    branch = client.post(f"/api/v1/operations/{operation_id}/links", headers=world.headers("west-chief"),
                         json={"kind": "directive", "ref_id": 1})
    assert branch.status_code == 403
    read = client.get(f"/api/v1/operations/{operation_id}", headers=world.headers("west-chief")).json()
    assert [(link["kind"], link["ref_id"]) for link in read["links"]] == [("dispute", dispute["id"])]
    too_soon = client.post(f"/api/v1/operations/{operation_id}/close", headers=world.headers("west-station-chief"),
                           json={"result": "done"})
    assert too_soon.status_code == 422 and too_soon.json()["error"]["message"].startswith("operation_id: ")


def test_bad_operations_are_refused_naming_the_field(client, world, session, ids):
    chief = world.headers("west-station-chief")
    past = client.post("/api/v1/operations", headers=chief, json=_body("1:2", world, review_date="2020-01-01"))
    assert past.status_code == 422 and past.json()["error"]["message"].startswith("review_date: ")
    owner = client.post("/api/v1/operations", headers=chief,
                        json=_body("1:2", world, owner_org_unit_id=ids["east_station"]))
    assert owner.json()["error"]["message"].startswith("owner_org_unit_id: ")
    place = client.post("/api/v1/operations", headers=chief, json=_body("1:2", world, lon=114.15, lat=30.55))
    assert place.json()["error"]["message"].startswith("lon: 地点 (114.150000, 30.550000) 不在你的辖区内 / ")
    assert place.json()["error"]["message"].endswith(" / the place (114.150000, 30.550000) lies outside your area")
    city = client.post("/api/v1/operations", headers=world.headers("city-chief"),
                       json=_body("1:2", world, lon=116.4, lat=39.9))
    assert city.status_code == 422
    assert city.json()["error"]["message"].endswith("the place (116.400000, 39.900000) lies outside every district "
                                                    "of the city")


def test_two_openings_at_once_on_one_place_give_one_operation_and_a_409(client, world, session, monkeypatch):
    key = _key_of(session, world, PLACE, datetime.now(UTC))
    chief = world.headers("west-station-chief")
    first = client.post("/api/v1/operations", headers=chief, json=_body(key, world))
    assert first.status_code == 201, first.text
    # the second request checked before the first one's commit: it finds no open operation, and inserts
    real, raced = operations.open_operation_on, []

    def checked_before_the_other_commit(s, place_key):
        if not raced:
            raced.append(place_key)
            return None
        return real(s, place_key)

    monkeypatch.setattr(operations, "open_operation_on", checked_before_the_other_commit)
    second = client.post("/api/v1/operations", headers=chief, json=_body(key, world))
    assert second.status_code == 409, second.text
    assert second.json()["error"]["message"] == (
        f"地点 {key} 已有进行中的拔钉行动 {first.json()['id']} / place {key} already has an open operation "
        f"({first.json()['id']})")
    listed = client.get("/api/v1/operations", headers=chief, params={"status": "open"}).json()
    assert [o["id"] for o in listed] == [first.json()["id"]]


def test_the_database_holds_one_open_operation_per_place(session, world):
    opened = operations.create(session, OperationCreate.model_validate(_body("9:9", world)),
                               actor=world["west-station-chief"], zone=UTC)
    session.commit()
    twin = RepeatPlaceOperation(**{c: getattr(opened, c) for c in (
        "place_key", "place", "lon", "lat", "radius_m", "cause", "actions", "owner_org_unit_id", "station_id",
        "district_id", "review_date", "status", "comparison", "opened_at", "opened_by")})
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(twin)
        session.flush()
    opened.status = OperationStatus.CLOSED
    session.flush()
    again = operations.create(session, OperationCreate.model_validate(_body("9:9", world)),
                              actor=world["west-station-chief"], zone=UTC)
    assert again.id != opened.id  # a closed operation leaves the place free for the next one
