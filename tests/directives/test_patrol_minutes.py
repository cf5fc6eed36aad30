"""Patrol minutes from the unit-position log: exact minutes on a constructed log, and the pure core's edges."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from directive_kit import NOW, build_world, issue
from shapely.geometry import shape

from precinct.directives import lifecycle
from precinct.directives.patrol import patrol_time
from precinct.units.models import UnitPosition

MIN = 60.0
IN, OUT, EDGE = (114.03, 30.53), (114.05, 30.55), (114.02, 30.53)  # AREA is 114.02-114.04 x 30.52-30.54
SQUARE = shape({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]})

# W-1 over the window [NOW, NOW + 120 min]: (minutes after NOW, where) -> what each pair adds
W1_LOG = [
    (-10, IN), (-4, IN),  # before the window: nothing
    (-2, IN), (1, IN),  # straddles the start: 1 min (from NOW to +1)
    (2, IN),  # 1
    (3, OUT),  # a pair with one fix outside: 0
    (4, IN),  # 0
    (5, IN),  # 1
    (20, IN),  # a 15-minute silence, both fixes inside: the cap, 5
    (20.5, EDGE),  # on the boundary counts as inside: 0.5
    (119, IN),  # 98.5 minutes of silence: 5
    (125, IN),  # straddles the end: 1 (from +119 to +120)
    (130, IN),  # after the window: nothing
]
W2_LOG = [(10, IN), (13, IN)]  # 3
E1_LOG = [(10, IN), (13, IN)]  # inside, but E-1 is not named: not counted


def _log(session, unit_id, log):
    for minutes, (lon, lat) in log:
        session.add(UnitPosition(unit_id=unit_id, at=NOW + timedelta(minutes=minutes), lon=lon, lat=lat,
                                 reported_by="avl"))


def test_the_report_measures_the_named_units_minutes_inside_the_area_during_the_window(session, ids):
    world = build_world(session, ids)
    for sign, log in (("W-1", W1_LOG), ("W-2", W2_LOG), ("E-1", E1_LOG)):
        _log(session, world.units[sign], log)
    directive = issue(session, world, at=NOW - timedelta(hours=1))
    desk = world["west-desk"]
    lifecycle.sign(session, directive.id, actor=desk, now=NOW)
    lifecycle.start(session, directive.id, actor=desk, unit_ids=[world.units["W-1"]], now=NOW)
    reported = lifecycle.report(session, directive.id, actor=desk, text="两车巡逻 two cars patrolled",
                                unit_ids=[world.units["W-2"]], now=NOW + timedelta(hours=3))
    session.commit()
    assert reported.patrol_seconds == pytest.approx(17.5 * MIN)
    detail = reported.patrol_detail
    assert detail["minutes"] == 17.5 and detail["gap_cap_s"] == 300.0
    assert [(u["call_sign"], u["minutes"], u["fixes"], u["fixes_inside"]) for u in detail["units"]] == [
        ("W-1", 14.5, 11, 10), ("W-2", 3.0, 2, 2)]  # W-1: the fixes from NOW - 5 min to the first after the window


def test_a_report_before_the_window_ends_measures_up_to_now(session, ids):
    world = build_world(session, ids)
    _log(session, world.units["W-1"], W1_LOG)
    directive = issue(session, world, unit="W-1", at=NOW - timedelta(hours=1))
    officer = world["west-officer"]
    lifecycle.sign(session, directive.id, actor=officer, now=NOW)
    lifecycle.start(session, directive.id, actor=officer, now=NOW)
    reported = lifecycle.report(session, directive.id, actor=officer, text="early", now=NOW + timedelta(minutes=5))
    assert reported.patrol_seconds == pytest.approx(3 * MIN)  # +0..1, +1..2, +4..5
    assert reported.patrol_detail["measured_until"] == (NOW + timedelta(minutes=5)).isoformat()


def test_a_patrol_report_needs_a_unit(session, ids):
    world = build_world(session, ids)
    directive = issue(session, world, at=NOW - timedelta(hours=1))
    lifecycle.sign(session, directive.id, actor=world["west-desk"], now=NOW)
    lifecycle.start(session, directive.id, actor=world["west-desk"], now=NOW)
    with pytest.raises(ValueError, match=r"^unit_ids: "):
        lifecycle.report(session, directive.id, actor=world["west-desk"], text="done", now=NOW)


@pytest.mark.parametrize(("times", "points", "window", "cap", "expected"), [
    ([], [], (0, 100), 300, 0.0),
    ([10], [(0.5, 0.5)], (0, 100), 300, 0.0),  # one fix: no pair
    ([0, 60, 120], [(0.5, 0.5)] * 3, (0, 100), 300, 100.0),  # clipped at the window's end
    ([0, 60, 120], [(0.5, 0.5)] * 3, (30, 90), 300, 60.0),  # both ends clipped
    ([0, 1000], [(0.5, 0.5)] * 2, (0, 2000), 300, 300.0),  # the cap
    ([0, 1000], [(0.5, 0.5)] * 2, (0, 2000), 2000, 1000.0),  # a larger cap
    ([0, 60, 120], [(0.5, 0.5), (2, 2), (0.5, 0.5)], (0, 200), 300, 0.0),  # out in between
    ([0, 60], [(1.0, 0.5), (0.0, 0.0)], (0, 200), 300, 60.0),  # on the edge and at a corner: inside
    ([0, 0, 60], [(0.5, 0.5)] * 3, (0, 200), 300, 60.0),  # a repeated time adds nothing
])
def test_patrol_time_counts_pairs_inside_capped_and_clipped(times, points, window, cap, expected):
    lon = np.array([p[0] for p in points], float)
    lat = np.array([p[1] for p in points], float)
    result = patrol_time(np.array(times, float), lon, lat, SQUARE, window_s=window, gap_cap_s=cap)
    assert result.seconds == pytest.approx(expected)


def test_patrol_time_refuses_what_it_cannot_measure():
    one = np.array([0.0])
    with pytest.raises(ValueError, match="same length"):
        patrol_time(np.array([0.0, 1.0]), one, one, SQUARE, window_s=(0, 1))
    with pytest.raises(ValueError, match="ascending"):
        patrol_time(np.array([5.0, 1.0]), np.zeros(2), np.zeros(2), SQUARE, window_s=(0, 1))
    with pytest.raises(ValueError, match="gap_cap_s must be positive"):
        patrol_time(one, one, one, SQUARE, window_s=(0, 1), gap_cap_s=0)
