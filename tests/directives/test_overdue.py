"""Overdue directives: the breach is recorded once and kept, escalates station -> branch -> city, and is listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from directive_kit import NOW, build_world, issue

from precinct.directives import lifecycle, service, sweep
from precinct.supervision.models import EscalationLevel

DUE = NOW + timedelta(hours=3)  # the deadline of the kit's patrol directive
MINUTE = timedelta(minutes=1)
INTERVAL = 1800.0


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


def _log(session, world, directive_id):
    return [(e.kind, e.data.get("level") if e.data else None, e.data.get("org_unit_id") if e.data else None)
            for e in service.events_of(session, directive_id, actor=world["city-chief"])]


def test_a_breach_is_recorded_once_and_climbs_one_level_per_interval(session, world):
    directive = issue(session, world)
    assert sweep.sweep(session, now=DUE, escalate_after_s=INTERVAL).breached == []  # due, not yet late
    result = sweep.sweep(session, now=DUE + MINUTE, escalate_after_s=INTERVAL)
    session.commit()
    assert (result.breached, result.escalated) == ([directive.id], [])
    assert directive.overdue_at == DUE + MINUTE and directive.escalation_level == EscalationLevel.STATION
    [breach] = [e for e in service.events_of(session, directive.id, actor=world["west-chief"]) if e.kind == "overdue"]
    assert breach.data["late_s"] == 60.0 and breach.actor == "directive-sweep" and breach.to_status is None
    assert sweep.sweep(session, now=DUE + 2 * MINUTE, escalate_after_s=INTERVAL).breached == []  # once only
    assert sweep.sweep(session, now=DUE + 30 * MINUTE, escalate_after_s=INTERVAL).escalated == []  # not yet
    assert sweep.sweep(session, now=DUE + 31 * MINUTE, escalate_after_s=INTERVAL).escalated == [directive.id]
    assert sweep.sweep(session, now=DUE + 61 * MINUTE, escalate_after_s=INTERVAL).escalated == [directive.id]
    assert sweep.sweep(session, now=DUE + 200 * MINUTE, escalate_after_s=INTERVAL).escalated == []  # the top
    session.commit()
    ids = world.ids
    assert _log(session, world, directive.id) == [
        ("issued", None, None), ("overdue", 1, ids["west_station"]), ("escalated", 2, ids["west"]),
        ("escalated", 3, ids["city"])]


def test_a_branch_directive_notifies_the_branch_first(session, world):
    directive = issue(session, world, by="city-chief", to="west")
    sweep.sweep(session, now=DUE + MINUTE)
    assert directive.escalation_level == EscalationLevel.DISTRICT
    sweep.sweep(session, now=DUE + 40 * MINUTE)
    assert directive.escalation_level == EscalationLevel.CITY


def test_a_report_in_time_is_never_overdue_and_a_late_one_keeps_its_breach(session, world):
    desk = world["west-desk"]
    in_time, late = issue(session, world), issue(session, world)
    for directive, reported_at in ((in_time, DUE - MINUTE), (late, DUE + 10 * MINUTE)):
        lifecycle.sign(session, directive.id, actor=desk, now=NOW)
        lifecycle.start(session, directive.id, actor=desk, unit_ids=[world.units["W-1"]], now=NOW)
        lifecycle.report(session, directive.id, actor=desk, text="done", now=reported_at)
    session.commit()
    assert sweep.sweep(session, now=DUE + 60 * MINUTE).breached == []  # reported: the clock stopped
    assert in_time.overdue_at is None
    kinds = [kind for kind, *_ in _log(session, world, late.id)]
    assert kinds[-2:] == ["overdue", "reported"]  # recorded by the late report itself, before it
    [report] = [e for e in service.events_of(session, late.id, actor=desk) if e.kind == "reported"]
    assert report.data["late_s"] == 600.0
    lifecycle.check(session, late.id, actor=world["west-chief"], accepted=True, now=DUE + 70 * MINUTE)
    session.commit()
    assert "overdue" in [kind for kind, *_ in _log(session, world, late.id)]  # kept after closing


def test_a_report_returned_after_the_deadline_goes_back_on_the_board(session, world):
    desk, chief = world["west-desk"], world["west-chief"]
    directive = issue(session, world)
    lifecycle.sign(session, directive.id, actor=desk, now=NOW)
    lifecycle.start(session, directive.id, actor=desk, unit_ids=[world.units["W-1"]], now=NOW)
    lifecycle.report(session, directive.id, actor=desk, text="done", now=DUE - MINUTE)
    lifecycle.check(session, directive.id, actor=chief, accepted=False, reason="not enough", now=DUE + MINUTE)
    session.commit()
    assert sweep.sweep(session, now=DUE + 2 * MINUTE).breached == [directive.id]
    board, _ = service.list_(session, service.DirectiveFilter(overdue=True), actor=desk, now=DUE + 2 * MINUTE)
    assert [d.id for d in board] == [directive.id]


def test_the_overdue_board_lists_the_late_open_directives_of_the_scope_most_late_first(session, world):
    west_late = issue(session, world)
    west_later = issue(session, world, deadline=DUE - 30 * MINUTE)
    east_late = issue(session, world, by="east-chief", to="east_station")
    issue(session, world, deadline=DUE + 5 * MINUTE)  # not late yet
    cancelled = issue(session, world)
    lifecycle.cancel(session, cancelled.id, actor=world["west-chief"], reason="withdrawn", now=NOW)
    session.commit()
    at = DUE + MINUTE

    def board(account):
        items, total = service.list_(session, service.DirectiveFilter(overdue=True), actor=world[account], now=at)
        assert total == len(items)
        return [d.id for d in items]

    assert board("west-desk") == [west_later.id, west_late.id]
    assert board("east-desk") == [east_late.id]
    assert board("city-chief") == [west_later.id, west_late.id, east_late.id]
    assert board("west-officer") == []


def test_the_sweep_job_runs_the_sweep_in_its_own_transaction(session_factory, session, world):
    directive = issue(session, world, deadline=NOW + timedelta(hours=3))
    job = sweep.sweep_job(session_factory, every_s=3600)
    job.step()  # the real clock is long past the kit's deadline
    session.expire_all()
    assert service.get(session, directive.id).overdue_at is not None
