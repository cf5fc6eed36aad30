"""Link suggestions over HTTP: similar incidents of the investigator's scope, accepted (linked) or rejected (kept).

A case is registered from a theft at the market; a second theft 90 m away two hours later is
suggested, a theft 5 km away is not, nor one of East Station at the same corner (outside the
officer's scope), nor the case's own incident.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases.case_kit import build_world, incident, open_case
from precinct.core.permissions import Role
from testkit import bearer_for

P = "/api/v1/cases"


@pytest.fixture
def world(session, ids):
    world = build_world(session, ids, accounts=True)
    seen = datetime.now(UTC) - timedelta(days=2)
    world.incidents = {
        "first": incident(session, ids, at=seen),
        "near": incident(session, ids, lon=114.051, at=seen + timedelta(hours=2)),
        "far": incident(session, ids, lon=114.10, lat=30.59, at=seen + timedelta(hours=3)),
        "east": incident(session, ids, station="east_station", lon=114.0505, at=seen + timedelta(hours=1)),
    }
    world.case = open_case(session, world, incident_ids=[world.incidents["first"]], station_id=None).id
    return world


def post(client, account, path, json=None):
    return client.post(path, headers=bearer_for(account, Role.PATROL_OFFICER), json=json)


def get(client, account, path, **params):
    return client.get(path, headers=bearer_for(account, Role.PATROL_OFFICER), params=params)


def test_refreshing_suggests_similar_incidents_of_the_scope_once(client, world):
    url = f"{P}/{world.case}/suggestions"
    first = post(client, "west-officer", url)
    assert first.status_code == 200, first.text
    [suggestion] = first.json()
    assert (suggestion["incident_id"], suggestion["status"], suggestion["decided_at"]) == (
        world.incidents["near"], "pending", None)
    assert 80 < suggestion["distance_m"] < 110 and suggestion["gap_days"] == pytest.approx(2 / 24, abs=0.01)
    assert 0.3 <= suggestion["score"] <= 1
    again = post(client, "west-officer", url).json()
    assert [s["id"] for s in again] == [suggestion["id"]]  # not stored twice
    assert [s["id"] for s in get(client, "west-officer", url).json()] == [suggestion["id"]]


def test_accepting_links_the_incident_and_rejecting_keeps_it_out_for_good(client, session, world):
    url = f"{P}/{world.case}/suggestions"
    [suggestion] = post(client, "west-officer", url).json()
    accepted = post(client, "west-officer", f"{url}/{suggestion['id']}/accept", {"reason": "同一作案手法 same method"})
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["decided_by"], accepted.json()["reason"]) == (
        "accepted", "west-officer", "同一作案手法 same method")
    links = get(client, "west-officer", f"{P}/{world.case}/incidents").json()
    assert [(link["incident_id"], link["source"]) for link in links] == [
        (world.incidents["first"], "created_from"), (world.incidents["near"], "suggestion")]
    twice = post(client, "west-officer", f"{url}/{suggestion['id']}/reject", {"reason": "changed my mind"})
    assert twice.status_code == 409 and "accepted" in twice.json()["error"]["message"]

    later = incident(session, world.ids, lon=114.0515, at=datetime.now(UTC) - timedelta(days=1))
    session.commit()
    [fresh] = post(client, "west-officer", url).json()  # found next to the accepted one
    assert fresh["incident_id"] == later
    rejected = post(client, "west-officer", f"{url}/{fresh['id']}/reject", {"reason": "不是同一人 another person"})
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    assert post(client, "west-officer", url).json() == []  # never suggested again
    assert [s["incident_id"] for s in get(client, "west-officer", url, status="rejected").json()] == [later]
    assert later not in {link["incident_id"] for link in get(client, "west-officer", f"{P}/{world.case}/incidents"
                                                              ).json()}
    kinds = [e["kind"] for e in get(client, "west-officer", f"{P}/{world.case}/events").json()]
    assert kinds.count("incident_linked") == 1 and kinds.count("suggestion_rejected") == 1


def test_a_suggestion_of_another_case_and_a_case_without_incidents(client, session, world):
    [suggestion] = post(client, "west-officer", f"{P}/{world.case}/suggestions").json()
    other = open_case(session, world).id  # registered directly: nothing to start from
    refused = post(client, "west-officer", f"{P}/{other}/suggestions")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "validation_error"
    elsewhere = post(client, "west-officer", f"{P}/{other}/suggestions/{suggestion['id']}/accept", {})
    assert elsewhere.status_code == 404
    assert get(client, "west-officer", f"{P}/{world.case}/suggestions", status="pending").json()[0]["id"] == (
        suggestion["id"])
    assert post(client, "other-officer", f"{P}/{world.case}/suggestions/{suggestion['id']}/accept", {}
                ).status_code == 403  # another team's case
