"""Who may do what to which directive, over HTTP: the role, the scope and the ownership matrix.

Directives in play: one from the West Branch's supervisor to West Station, one from the same to
West Station's unit W-1, and one from the city to the West Branch itself. Reading another scope's
directive answers 404 (its existence does not leak); acting on a readable directive that is not
one's own work answers 403; a role without the permission answers 403 before anything is looked up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directives.directive_kit import AREA, build_world
from precinct.core.permissions import Role
from precinct.directives import service
from precinct.directives.schemas import DirectiveCreate
from testkit import bearer_for


def _create(session, world, by, **target):
    now = datetime.now(UTC)
    body = DirectiveCreate.model_validate({
        "kind": "patrol", "title": "巡逻 patrol", "geometry": AREA, "window_start": now,
        "window_end": now + timedelta(hours=1), "deadline": now + timedelta(hours=2)} | target)
    directive = service.create(session, body, actor=world[by])
    session.commit()
    return directive.id


@pytest.fixture
def world(session, ids):
    world = build_world(session, ids, accounts=True)
    world.directives = {
        "station": _create(session, world, "west-chief", target_org_unit_id=ids["west_station"]),
        "unit": _create(session, world, "west-chief", target_unit_id=world.units["W-1"]),
        "branch": _create(session, world, "city-chief", target_org_unit_id=ids["west"]),
    }
    return world


def call(client, world, account, method, path, json=None):
    role = world[account].role if account in world.actors else Role(account.replace("-", "_"))  # a seed account
    return client.request(method, path, headers=bearer_for(account, role), json=json)


# account -> status of GET /directives/{id} for the station, unit and branch directives
READ = {
    "city-chief": (200, 200, 200),
    "city-desk": (200, 200, 200),
    "west-chief": (200, 200, 200),
    "west-branch-desk": (200, 200, 200),
    "west-station-chief": (200, 200, 404),
    "west-desk": (200, 200, 404),
    "west-analyst": (200, 200, 404),
    "east-chief": (404, 404, 404),
    "east-desk": (404, 404, 404),
    "west-officer": (404, 200, 404),
    "other-officer": (404, 404, 404),
    "east-officer": (404, 404, 404),
}
WHICH = ("station", "unit", "branch")


def test_reading_answers_404_outside_the_scope(client, world):
    for account, codes in READ.items():
        for which, code in zip(WHICH, codes, strict=True):
            directive_id = world.directives[which]
            for suffix in ("", "/events", "/patrol-minutes"):
                response = call(client, world, account, "GET", f"/api/v1/directives/{directive_id}{suffix}")
                assert response.status_code == code, (account, which, suffix, response.text)
        listed = call(client, world, account, "GET", "/api/v1/directives").json()
        assert {d["id"] for d in listed["items"]} == {world.directives[w] for w, c in zip(WHICH, codes, strict=True)
                                                      if c == 200}, account


# account -> status of POST /directives/{id}/sign for the station, unit and branch directives
SIGN = {
    "west-desk": (200, 200, 404),  # the station's accounts: its own and its unit's
    "west-station-chief": (200, 200, 404),
    "west-officer": (404, 200, 404),  # an officer: their own unit's only
    "other-officer": (404, 404, 404),
    "west-branch-desk": (403, 403, 200),  # the branch reads its stations' but works its own only
    "west-chief": (403, 403, 200),
    "city-desk": (403, 403, 403),
    "east-desk": (404, 404, 404),
    "west-analyst": (403, 403, 403),  # no WORK_DIRECTIVES: refused before any lookup
    "call-taker": (403, 403, 403),
}


def test_signing_is_the_targets_work(client, session, world):
    targets = {"station": {"target_org_unit_id": world.ids["west_station"]},
               "unit": {"target_unit_id": world.units["W-1"]}, "branch": {"target_org_unit_id": world.ids["west"]}}
    for account, codes in SIGN.items():
        for which, code in zip(WHICH, codes, strict=True):
            fresh = _create(session, world, "city-chief", **targets[which])  # each account signs one of its own
            response = call(client, world, account, "POST", f"/api/v1/directives/{fresh}/sign", {})
            assert response.status_code == code, (account, which, response.text)


def _reported(client, world):
    base = f"/api/v1/directives/{world.directives['station']}"
    for step, body in (("sign", {}), ("start", {"unit_ids": [world.units["W-1"]]}), ("report", {"text": "done"})):
        assert call(client, world, "west-desk", "POST", f"{base}/{step}", body).status_code == 200
    return base


CHECK = {
    "west-station-chief": 403,  # the target's supervisor does not check its own station's work
    "east-chief": 404,  # another branch does not see it
    "west-desk": 403,  # no ISSUE_DIRECTIVES
    "west-officer": 403,
    "west-chief": 200,  # the issuer
    "city-chief": 200,  # a supervisor above the issuer
}


def test_checking_is_the_issuing_sides(client, world):
    base = _reported(client, world)
    for account, code in CHECK.items():
        response = call(client, world, account, "POST", f"{base}/check", {"outcome": "returned", "reason": "redo it"})
        assert response.status_code == code, (account, response.text)
        if code == 200:  # back in progress: report it again for the next
            assert call(client, world, "west-desk", "POST", f"{base}/report", {"text": "again"}).status_code == 200


def test_an_officer_of_a_unit_named_to_carry_it_out_reads_and_reports_it(client, world):
    """The station's directive names W-2 when the station starts it: W-2's officer reads it (lists it, also
    as their own work) and reports it; W-1's officer, whose unit is not named, still gets 404."""
    base = f"/api/v1/directives/{world.directives['station']}"
    for step, body in (("sign", {}), ("start", {"unit_ids": [world.units["W-2"]]})):
        assert call(client, world, "west-desk", "POST", f"{base}/{step}", body).status_code == 200
    for account, code in (("other-officer", 200), ("west-officer", 404), ("east-officer", 404)):
        for suffix in ("", "/events", "/patrol-minutes"):
            assert call(client, world, account, "GET", f"{base}{suffix}").status_code == code, (account, suffix)
    for path in ("/api/v1/directives", "/api/v1/directives?for_me=true"):
        listed = call(client, world, "other-officer", "GET", path).json()
        assert [d["id"] for d in listed["items"]] == [world.directives["station"]], path
    assert call(client, world, "west-officer", "POST", f"{base}/report", {"text": "巡完 done"}).status_code == 404
    reported = call(client, world, "other-officer", "POST", f"{base}/report", {"text": "巡完 done"})
    assert reported.status_code == 200, reported.text
    assert (reported.json()["status"], reported.json()["reported_by"]) == ("reported", "other-officer")


ISSUE = [
    ("west-chief", ("org", "west_station"), 201),
    ("west-chief", ("org", "west"), 201),
    ("west-chief", ("unit", "W-2"), 201),
    ("west-chief", ("org", "east_station"), 422),
    ("west-chief", ("org", "east"), 422),
    ("west-chief", ("unit", "E-1"), 422),
    ("west-station-chief", ("org", "west_station"), 201),
    ("west-station-chief", ("unit", "W-1"), 201),
    ("west-station-chief", ("org", "west"), 422),
    ("city-chief", ("org", "east_station"), 201),
    ("west-desk", ("org", "west_station"), 403),
    ("west-officer", ("unit", "W-1"), 403),
]


def test_issuing_is_for_supervisors_inside_their_scope(client, world):
    deadline = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    for account, (kind, name), code in ISSUE:
        body = {"kind": "other", "title": "检查 check", "deadline": deadline}
        body |= {"target_org_unit_id": world.ids[name]} if kind == "org" else {"target_unit_id": world.units[name]}
        response = call(client, world, account, "POST", "/api/v1/directives", body)
        assert response.status_code == code, (account, name, response.text)
        if code == 422:
            field = "target_org_unit_id" if kind == "org" else "target_unit_id"
            assert response.json()["error"]["message"].startswith(f"{field}: ")


def test_the_effect_needs_run_analysis_and_the_scope(client, world):
    path = f"/api/v1/directives/{world.directives['station']}/effect"
    assert call(client, world, "west-desk", "GET", path).status_code == 403  # no RUN_ANALYSIS
    assert call(client, world, "east-chief", "GET", path).status_code == 404
    assert call(client, world, "west-analyst", "GET", path).status_code == 422  # its window has not ended
