"""The case sweep's amber path and recomputing every deadline.

A summons starts the 8-hour questioning limit, reminded an hour before it is due: swept inside
that hour, the deadline is reminded once (a case event, an audit entry and a live event, the due
time in local time) and shows amber on the board; swept after it is due, it is breached once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from cases.case_kit import ZONE, build_world, decide, open_case
from precinct.audit.models import AuditEntry
from precinct.cases import deadlines, service, sweep
from precinct.cases.limit_models import CaseBreach, CaseDeadline, CasePause, PauseKind
from precinct.cases.models import CaseEvent
from precinct.cases.status import Move
from precinct.core.permissions import Role
from testkit import bearer_for


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


@pytest.fixture
def published(monkeypatch):
    """The sweep's live events queued, as (kind, data); they are still queued for real."""
    found: list[tuple[str, dict]] = []
    real = sweep.live.publish

    def publish(session, kind, key, data):
        if kind == sweep.LIVE_KIND:
            found.append((kind, data))
        real(session, kind, key, data)

    monkeypatch.setattr(sweep.live, "publish", publish)
    return found


def _summoned(session, world):
    now = datetime.now(UTC)
    case = open_case(session, world, kind="administrative", now=now - timedelta(days=1))
    service.record_milestone(session, case.id, "summoned", actor=world["west-officer"], zone=ZONE,
                             occurred_at=now - timedelta(hours=7, minutes=30))
    session.commit()
    deadline = session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id,
                                                          CaseDeadline.rule_code == "summons_questioning")).one()
    return case, deadline


def _kinds(session, case_id):
    return [e.kind for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                            .order_by(CaseEvent.id))]


def test_a_deadline_is_reminded_once_in_its_amber_hour_then_breached_once(client, session, world, published):
    case, deadline = _summoned(session, world)
    assert deadline.warn_at == deadline.due_at - timedelta(hours=1) < datetime.now(UTC) < deadline.due_at
    assert sweep.sweep(session) == sweep.SweepResult(reminded=1, breached=0)
    session.commit()
    [event] = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "reminder"))
    local = deadline.due_at.astimezone(ZONE).strftime("%H:%M")
    assert case.number in event.data["zh"] and "传唤询问查证时限" in event.data["zh"] and local in event.data["zh"]
    assert "questioning after a summons" in event.data["en"] and local in event.data["en"]
    assert [(kind, data["step"], data["case_id"], data["station_id"]) for kind, data in published] == [
        ("case_deadline", "reminder", case.id, world.ids["west_station"])]
    board = client.get("/api/v1/cases/overdue", headers=bearer_for("west-station-chief", Role.SUPERVISOR)).json()
    assert [(row["deadline_id"], row["state"]) for row in board["items"]] == [(deadline.id, "amber")]
    assert (board["amber"], board["red"]) == (1, 0)

    assert sweep.sweep(session) == sweep.SweepResult(reminded=0, breached=0)  # nothing twice
    session.commit()
    assert _kinds(session, case.id).count("reminder") == 1 and len(published) == 1

    late = deadline.due_at + timedelta(minutes=1)
    assert sweep.sweep(session, now=late) == sweep.SweepResult(reminded=0, breached=1)
    session.commit()
    assert sweep.sweep(session, now=late + timedelta(minutes=5)) == sweep.SweepResult(reminded=0, breached=0)
    session.commit()
    [breach] = session.scalars(select(CaseBreach).where(CaseBreach.case_id == case.id))
    assert (breach.deadline_id, breach.rule_code, breach.late_s) == (deadline.id, "summons_questioning", 60)
    assert [data["step"] for _, data in published] == ["reminder", "breached"]
    assert published[-1][1]["late_s"] == 60
    assert _kinds(session, case.id).count("breached") == 1
    session.refresh(deadline)
    assert deadline.reminded_at is not None and deadline.reminded_at < late  # the first reminder's time


def test_reminders_and_breaches_are_audited(session, world):
    case, deadline = _summoned(session, world)
    sweep.sweep(session)
    session.commit()
    sweep.sweep(session, now=deadline.due_at + timedelta(minutes=1))
    session.commit()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.actor == sweep.SWEEPER).order_by(AuditEntry.id))
    assert [(e.action.rsplit(".", 1)[-1], e.detail["case_id"]) for e in entries] == [("reminder", case.id),
                                                                                    ("breached", case.id)]


def test_recomputing_every_deadline_puts_back_stale_times_and_reads_the_pauses(session, world):
    now = datetime.now(UTC)
    administrative = open_case(session, world, kind="administrative", now=now - timedelta(days=5))
    waiting = open_case(session, world, now=now - timedelta(hours=1))
    decided = open_case(session, world)
    decide(session, world, decided.id, Move.OPEN)  # its decision-to-open limit ended: not computed again
    d = CaseDeadline
    truth = dict(session.execute(select(d.id, d.due_at).where(d.ended_at.is_(None))).all())
    assert len(truth) == 2
    assert deadlines.recompute_all(session, zone=ZONE) == deadlines.Recomputed(computed=2, changed=0)
    for deadline_id, due_at in truth.items():  # as if the working calendar had changed since
        session.execute(update(d).where(d.id == deadline_id).values(due_at=due_at + timedelta(days=1)))
    session.commit()
    assert deadlines.recompute_all(session, zone=ZONE) == deadlines.Recomputed(computed=2, changed=2)
    session.commit()
    session.expire_all()
    assert dict(session.execute(select(d.id, d.due_at).where(d.ended_at.is_(None))).all()) == truth

    start = now - timedelta(days=4)
    session.add(CasePause(case_id=administrative.id, kind=PauseKind.EXPERT_EXAMINATION, started_at=start,
                          ended_at=start + timedelta(days=2), reason="伤情鉴定 injury", created_by="tester",
                          created_at=now))
    session.commit()
    assert deadlines.recompute_all(session, zone=ZONE) == deadlines.Recomputed(computed=2, changed=1)
    session.commit()
    session.expire_all()
    moved = dict(session.execute(select(d.id, d.due_at).where(d.ended_at.is_(None))).all())
    [limit] = session.scalars(select(d.id).where(d.case_id == administrative.id))
    [other] = session.scalars(select(d.id).where(d.case_id == waiting.id))
    assert (moved[limit] - truth[limit], moved[other]) == (timedelta(days=2), truth[other])
