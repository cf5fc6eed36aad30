"""The bulk recomputation page by page, and the overdue board's counts, page and scope, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cases.case_kit import ZONE, build_world, open_case
from precinct.cases import board, deadlines, service, timing
from precinct.cases.limit_models import CaseDeadline, DeadlineOutcome, PauseKind


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


def _open(session):
    d = CaseDeadline
    return session.scalars(select(d).where(d.ended_at.is_(None)).order_by(d.id)).all()


def test_recompute_all_in_pages_of_a_few_ids_writes_back_what_one_page_does(session, world):
    received = datetime.now(UTC) - timedelta(days=8)
    cases = [open_case(session, world, kind="criminal" if n % 2 else "administrative",
                       now=received + timedelta(hours=n)) for n in range(5)]
    service.record_milestone(session, cases[1].id, "detained", actor=world["west-officer"], zone=ZONE,
                             occurred_at=received + timedelta(hours=5))
    timing.add_pause(session, cases[0].id, PauseKind.EXPERT_EXAMINATION, received + timedelta(days=1),
                     received + timedelta(days=2), "伤情鉴定 injury", actor=world["west-officer"], zone=ZONE)
    first = _open(session)[0]  # an ended deadline leaves a gap in the ids of the open ones
    first.ended_at, first.outcome = datetime.now(UTC), DeadlineOutcome.MET
    session.commit()
    truth = {row.id: (row.due_at, row.warn_at) for row in _open(session)}
    assert len(truth) >= 6
    for row in _open(session):
        row.due_at, row.warn_at = row.due_at + timedelta(hours=2), row.warn_at + timedelta(hours=2)
    session.commit()
    assert deadlines.recompute_all(session, zone=ZONE, batch=2) == deadlines.Recomputed(len(truth), len(truth))
    session.commit()
    session.expire_all()
    assert {row.id: (row.due_at, row.warn_at) for row in _open(session)} == truth
    assert deadlines.recompute_all(session, zone=ZONE, batch=1) == deadlines.Recomputed(len(truth), 0)
    assert deadlines.recompute_all(session, zone=ZONE) == deadlines.Recomputed(len(truth), 0)


def test_the_board_counts_every_late_deadline_and_shows_the_most_late_first(session, world):
    now = datetime.now(UTC)
    west = [open_case(session, world, kind="administrative", now=now - timedelta(days=1)) for _ in range(4)]
    east = open_case(session, world, kind="administrative", by="east-officer", station_id=world.ids["east_station"],
                     now=now - timedelta(days=1))
    times = {west[0].id: (-5, -3), west[1].id: (-4, -1), west[2].id: (-2, 6), west[3].id: (2, 9), east.id: (-9, -8)}
    for row in _open(session):  # (reminder, due) in hours from now: red, red, amber, not yet, red elsewhere
        warn_h, due_h = times[row.case_id]
        row.warn_at, row.due_at = now + timedelta(hours=warn_h), now + timedelta(hours=due_h)
    session.commit()
    ids = {row.case_id: row.id for row in _open(session)}

    found = board.board(session, world["west-station-chief"], limit=2, now=now)
    assert (found.red, found.amber, found.truncated) == (2, 1, True)
    assert [(row.deadline_id, row.state, row.late_s) for row in found.rows] == [
        (ids[west[0].id], "red", 3 * 3600), (ids[west[1].id], "red", 3600)]
    whole = board.board(session, world["west-station-chief"], now=now)
    assert (whole.red, whole.amber, whole.truncated) == (2, 1, False)
    assert [row.deadline_id for row in whole.rows] == [ids[west[0].id], ids[west[1].id], ids[west[2].id]]
    assert whole.rows[2].state == "amber" and whole.rows[2].number == west[2].number
    city = board.board(session, world["city-chief"], now=now)
    assert (city.red, city.amber) == (3, 1) and city.rows[0].deadline_id == ids[east.id]
    east_only = board.board(session, world["city-chief"], station_id=world.ids["east_station"], now=now)
    assert (east_only.red, east_only.amber, [row.deadline_id for row in east_only.rows]) == (1, 0, [ids[east.id]])
    nothing = board.board(session, world["west-station-chief"], now=now - timedelta(days=1))
    assert (nothing.red, nothing.amber, nothing.rows, nothing.truncated) == (0, 0, [], False)
