"""Who may do what to disputes, operations and the address register over HTTP, beyond the places matrix.

Records in play, at West Station: a dispute opened by west-officer, an operation opened by the
station's chief and owned by the station, and two calls at its place (a repeat-call place). Another
scope's record answers 404; a readable record that is not one's own work answers 403; one's own
work passes to the domain rules (an operation too young to close, a dispute without agreement:
422). The address register is the city's: only a city-tier account imports it or lists its imports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from places.places_kit import WEST, build_world
from precinct.disputes import operations
from precinct.disputes import service as dispute_service
from precinct.disputes.schemas import DisputeCreate, OperationCreate
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR


@pytest.fixture
def world(session, ids):
    world = build_world(session, ids)
    dispute = dispute_service.create(session, DisputeCreate.model_validate({
        "kind": "neighbour", "summary": "噪音 noise", "place": "学府路 1 号", "lon": WEST[0], "lat": WEST[1]}),
        actor=world["west-officer"])
    operation = operations.create(session, OperationCreate.model_validate({
        "place_key": "1:1", "place": "夜市", "lon": WEST[0], "lat": WEST[1], "cause": "噪音", "actions": "巡逻",
        "owner_org_unit_id": ids["west_station"], "review_date": (date.today() + timedelta(days=9)).isoformat()}),
        actor=world["west-station-chief"], zone=UTC)
    for days_ago in (3, 10):
        incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=WEST[0],
                                                        lat=WEST[1],
                                                        received_at=datetime.now(UTC) - timedelta(days=days_ago)),
                                actor=ADMIN_ACTOR)
    session.commit()
    world.records = {"dispute": dispute.id, "operation": operation.id}
    return world


# (method, path, body) -> {account: status}, refusals first: 404 outside the scope, 403 on another's work
WORK = [
    ("POST", "/api/v1/disputes/{dispute}/failure", {"reason": "转法院 referred to court"},
     {"east-station-chief": 404, "east-officer": 404, "west-chief": 403, "west-officer-2": 200}),
    ("GET", "/api/v1/disputes/{dispute}/effect", None,
     {"east-station-chief": 404, "west-analyst": 422, "city-chief": 422}),
    ("POST", "/api/v1/operations/{operation}/close", {"result": "done"},
     {"east-station-chief": 404, "west-chief": 403, "city-chief": 403, "west-station-chief": 422}),
]


def test_working_on_disputes_and_operations_answers_404_outside_the_scope_and_403_on_anothers(client, world):
    for method, path, body, expected in WORK:
        for account, code in expected.items():
            response = client.request(method, path.format(**world.records), headers=world.headers(account),
                                      json=body)
            assert response.status_code == code, (method, path, account, response.text)
            if code == 422:  # past the scope and ownership checks, refused by the domain rule
                assert response.json()["error"]["message"].split(":")[0] in ("dispute_id", "operation_id")


def test_the_repeat_places_hold_only_the_scopes_places(client, world):
    def places(account):
        response = client.get("/api/v1/operations/repeat-places", headers=world.headers(account),
                              params={"min_calls": 2})
        assert response.status_code == 200, (account, response.text)
        return [(round(p["lon"], 2), round(p["lat"], 2)) for p in response.json()]

    for account in ("west-station-chief", "west-chief", "city-chief", "west-officer"):
        assert places(account) == [WEST], account
    for account in ("east-station-chief", "east-officer"):
        assert places(account) == [], account


REGISTER = "code,text,lon,lat\nW1,江汉区解放大道9号,114.02,30.52\n".encode()


def test_only_a_city_tier_account_imports_the_address_register_or_lists_its_imports(client, world):
    for account in ("west-station-chief", "west-chief"):
        headers = world.headers(account)
        loaded = client.post("/api/v1/addresses/imports", content=REGISTER,
                             headers=headers | {"Content-Type": "text/csv"})
        assert loaded.status_code == 403, (account, loaded.text)
        assert loaded.json()["error"]["message"] == (
            "标准地址库属于全市：只有市局账户可以导入或查看导入记录 / "
            "the address register is the city's: only a city-tier account imports it or reads its imports")
        assert client.get("/api/v1/addresses/imports", headers=headers).status_code == 403, account
    city = world.headers("city-chief")
    loaded = client.post("/api/v1/addresses/imports", content=REGISTER, headers=city | {"Content-Type": "text/csv"})
    assert (loaded.status_code, loaded.json()["imported"]) == (201, 1), loaded.text
    listed = client.get("/api/v1/addresses/imports", headers=city).json()
    assert [i["created_by"] for i in listed] == ["city-chief"]
