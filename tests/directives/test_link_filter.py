"""The directives list filtered by what prompted them: `link_kind` and `link_ref_id` (one premises' directives)."""

from __future__ import annotations

import pytest
from directive_kit import NOW, build_world, issue

from precinct.places import service as places_service
from precinct.places.models import PremisesCategory
from testkit import ADMIN_ACTOR, bearer_for


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


def _premises(session, name, lon, lat):
    return places_service.create(session, name=name, category=PremisesCategory.SCHOOL, lon=lon, lat=lat,
                                 actor=ADMIN_ACTOR).id


def _link(premises_id):
    return {"kind": "premises", "premises_id": premises_id}


def test_the_list_selects_the_directives_linked_to_one_record(client, session, world):
    school, bank = _premises(session, "第一中学", 114.03, 30.53), _premises(session, "西区银行", 114.035, 30.535)
    east_school = _premises(session, "东区中学", 114.15, 30.55)
    session.commit()
    first = issue(session, world, links=[_link(school)]).id
    second = issue(session, world, links=[{"kind": "spike", "area": "West Branch"}, _link(school)],
                   at=NOW.replace(hour=9)).id
    issue(session, world, links=[_link(bank)])
    spike = issue(session, world, links=[{"kind": "spike", "area": "West Branch"}]).id
    issue(session, world, by="east-chief", to="east_station", links=[_link(east_school)])

    def listed(account, **query):
        response = client.get("/api/v1/directives", params=query, headers=bearer_for(account, world[account].role))
        assert response.status_code == 200, response.text
        page = response.json()
        return [d["id"] for d in page["items"]], page["total"]

    assert listed("west-desk", link_kind="premises", link_ref_id=school) == ([second, first], 2)
    assert listed("west-desk", link_kind="premises", link_ref_id=school, page_size=1) == ([second], 2)
    assert listed("west-desk", link_kind="spike") == ([second, spike], 2)
    assert listed("west-desk", link_kind="premises", link_ref_id=east_school) == ([], 0)  # outside the scope
    assert listed("east-desk", link_kind="premises", link_ref_id=east_school)[1] == 1
    assert listed("city-desk", link_kind="premises")[1] == 4
    refused = client.get("/api/v1/directives", params={"link_kind": "castle"},
                         headers=bearer_for("west-desk", world["west-desk"].role))
    assert refused.status_code == 422
