"""The live stream's scope test: a station sees the calls its units reinforce, and every escalation of its
scope whichever level it went to (the console alerts only at the account's own level)."""

from __future__ import annotations

from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.org import stream as org_stream


def _passes(session, org_unit_id):
    passes = org_stream.stream_filter(session, Actor(username="desk", role=Role.DISPATCHER, org_unit_id=org_unit_id))
    assert passes is not None
    return passes


def test_a_station_gets_the_events_of_a_call_its_unit_reinforces(session, ids):
    west, east = ids["west_station"], ids["east_station"]
    passes = _passes(session, east)
    call = {"id": 1, "station_id": west, "district_id": ids["west"], "reinforcing_station_ids": []}
    assert not passes("incident", call)
    assert passes("incident", call | {"reinforcing_station_ids": [east]})
    assert not _passes(session, ids["west"])("incident", {**call, "station_id": east, "district_id": ids["east"],
                                                         "reinforcing_station_ids": [east]})
    assert _passes(session, ids["east"])("incident", call | {"reinforcing_station_ids": [east]})  # its district
    assert not passes("incident", {"id": 2, "station_id": west, "district_id": ids["west"]})  # older payloads


def test_every_level_of_a_scope_escalation_reaches_the_district(session, ids):
    passes = _passes(session, ids["west"])
    for level, org_unit_id in ((1, ids["west_station"]), (2, ids["west"]), (3, ids["city"])):
        assert passes("escalation", {"source": "deadline", "level_number": level, "org_unit_id": org_unit_id,
                                     "station_id": ids["west_station"], "district_id": ids["west"]})
    assert not passes("escalation", {"source": "deadline", "level_number": 1, "org_unit_id": ids["east_station"],
                                     "station_id": ids["east_station"], "district_id": ids["east"]})
