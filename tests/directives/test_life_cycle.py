"""The directive life cycle: every step an event with actor and time, every refused move a conflict."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from directive_kit import NOW, build_world, issue

from precinct.core.errors import ConflictError
from precinct.directives import events as directive_events
from precinct.directives import lifecycle, service
from precinct.directives.models import DirectiveStatus
from precinct.directives.status import MOVES, Move

S = DirectiveStatus
MINUTE = timedelta(minutes=1)


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


def test_issued_signed_started_reported_returned_reported_accepted(session, world, monkeypatch):
    published = []
    monkeypatch.setattr(directive_events.live, "publish", lambda _s, kind, key, data: published.append((kind, data)))
    directive = issue(session, world)
    assert (directive.status, directive.station_id, directive.district_id) == (S.ISSUED, world.ids["west_station"],
                                                                               world.ids["west"])
    assert directive.issuer_org_unit_id == world.ids["west"] and directive.issued_by == "west-chief"
    desk, chief = world["west-desk"], world["west-chief"]
    lifecycle.sign(session, directive.id, actor=desk, note="收到", now=NOW + MINUTE)
    lifecycle.start(session, directive.id, actor=desk, unit_ids=[world.units["W-1"]], now=NOW + 2 * MINUTE)
    lifecycle.report(session, directive.id, actor=desk, text="巡逻完毕 patrolled", now=NOW + 130 * MINUTE)
    returned = lifecycle.check(session, directive.id, actor=chief, accepted=False, reason="no patrol seen on the log",
                               now=NOW + 140 * MINUTE)
    assert returned.status == S.IN_PROGRESS and returned.checked_by == "west-chief"
    lifecycle.report(session, directive.id, actor=desk, text="补充巡逻 patrolled again", now=NOW + 150 * MINUTE)
    closed = lifecycle.check(session, directive.id, actor=chief, accepted=True, now=NOW + 160 * MINUTE)
    session.commit()
    assert closed.status == S.CLOSED and closed.closed_at == NOW + 160 * MINUTE
    assert closed.report_text == "补充巡逻 patrolled again" and closed.patrol_seconds == 0.0
    log = [(e.kind, e.actor, e.from_status, e.to_status, e.at - NOW)
           for e in service.events_of(session, directive.id, actor=chief)]
    assert log == [
        ("issued", "west-chief", None, "issued", timedelta(0)),
        ("signed_for", "west-desk", "issued", "signed_for", MINUTE),
        ("units_named", "west-desk", None, None, 2 * MINUTE),
        ("started", "west-desk", "signed_for", "in_progress", 2 * MINUTE),
        ("reported", "west-desk", "in_progress", "reported", 130 * MINUTE),
        ("returned", "west-chief", "reported", "in_progress", 140 * MINUTE),
        ("reported", "west-desk", "in_progress", "reported", 150 * MINUTE),
        ("accepted", "west-chief", "reported", "closed", 160 * MINUTE),
    ]
    assert [data["step"] for kind, data in published if kind == "directive"] == [
        "issued", "signed_for", "units_named", "started", "reported", "returned", "reported", "accepted"]
    assert published[-1][1]["status"] == "closed" and published[-1][1]["step_zh"] == "检查通过"


def _drive(session, world, status):
    """A directive of West Station, brought to ``status``."""
    directive = issue(session, world)
    desk, chief = world["west-desk"], world["west-chief"]
    steps = {
        S.SIGNED_FOR: [lambda: lifecycle.sign(session, directive.id, actor=desk, now=NOW)],
        S.IN_PROGRESS: [lambda: lifecycle.sign(session, directive.id, actor=desk, now=NOW),
                        lambda: lifecycle.start(session, directive.id, actor=desk, unit_ids=[world.units["W-1"]],
                                                now=NOW)],
    }
    steps[S.REPORTED] = [*steps[S.IN_PROGRESS],
                         lambda: lifecycle.report(session, directive.id, actor=desk, text="done", now=NOW)]
    steps[S.CLOSED] = [*steps[S.REPORTED],
                       lambda: lifecycle.check(session, directive.id, actor=chief, accepted=True, now=NOW)]
    steps[S.CANCELLED] = [lambda: lifecycle.cancel(session, directive.id, actor=chief, reason="no longer needed",
                                                   now=NOW)]
    for step in steps.get(status, []):
        step()
    session.commit()
    assert directive.status == status
    return directive


def _make(session, world, directive_id, move):
    desk, chief = world["west-desk"], world["west-chief"]
    calls = {
        Move.SIGN: lambda: lifecycle.sign(session, directive_id, actor=desk, now=NOW),
        Move.START: lambda: lifecycle.start(session, directive_id, actor=desk, now=NOW),
        Move.REPORT: lambda: lifecycle.report(session, directive_id, actor=desk, text="done", now=NOW),
        Move.ACCEPT: lambda: lifecycle.check(session, directive_id, actor=chief, accepted=True, now=NOW),
        Move.RETURN: lambda: lifecycle.check(session, directive_id, actor=chief, accepted=False, reason="redo it",
                                             now=NOW),
        Move.CANCEL: lambda: lifecycle.cancel(session, directive_id, actor=chief, reason="withdrawn", now=NOW),
    }
    return calls[move]()


REFUSED = [(status, move) for status in S for move in Move if move not in MOVES[status]]


@pytest.mark.parametrize(("status", "move"), REFUSED, ids=[f"{s.value}-{m.value}" for s, m in REFUSED])
def test_every_move_the_status_does_not_allow_is_a_conflict_naming_the_allowed_ones(session, world, status, move):
    directive = _drive(session, world, status)
    before = len(service.events_of(session, directive.id, actor=world["west-chief"]))
    allowed = ", ".join(MOVES[status]) or "none (a final status)"
    with pytest.raises(ConflictError, match=re.escape(f"cannot {move.value}; allowed: {allowed}") + "$"):
        _make(session, world, directive.id, move)
    session.rollback()
    assert service.get(session, directive.id).status == status
    assert len(service.events_of(session, directive.id, actor=world["west-chief"])) == before


def test_the_allowed_moves_lead_where_the_table_says(session, world):
    for status, moves in MOVES.items():
        for move, target in moves.items():
            directive = _drive(session, world, status)
            assert _make(session, world, directive.id, move).status == target, (status, move)
            session.commit()


def test_a_return_needs_a_reason_and_a_cancel_too(session, world):
    reported = _drive(session, world, S.REPORTED)
    with pytest.raises(ValueError, match=r"^reason: "):
        lifecycle.check(session, reported.id, actor=world["west-chief"], accepted=False, reason="  ", now=NOW)
    issued = _drive(session, world, S.ISSUED)
    with pytest.raises(ValueError, match=r"^reason: "):
        lifecycle.cancel(session, issued.id, actor=world["west-chief"], reason="no", now=NOW)
