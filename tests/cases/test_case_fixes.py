"""Case numbers that always move on, the live stream's case events, breaches that stay late, the returned inbox,
the city's rule table, retention, the sweep's audit and local times, size limits, the bulk recomputation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pydantic
import pytest
from sqlalchemy import func, select

from cases.case_kit import ZONE, build_world, decide, open_case
from precinct.audit.models import AuditEntry
from precinct.cases import custody, deadlines, documents, review, rules, service, sweep, timing
from precinct.cases.clock import NO_TIME, Pause, Terms, compute, compute_many, microseconds
from precinct.cases.custody_models import CaseItem
from precinct.cases.limit_models import CaseDeadline, CaseExtension, DeadlineOutcome, DurationUnit, PauseKind
from precinct.cases.models import CaseEvent
from precinct.cases.schemas import CaseCreate
from precinct.cases.status import Move
from precinct.core.errors import ConfigurationError, ConflictError, PayloadTooLargeError, PermissionDeniedError
from precinct.core.errors import ValidationError as DomainValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.org import stream as org_stream


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


def _deadline(session, case_id, code):
    return session.scalar(select(CaseDeadline).where(CaseDeadline.case_id == case_id, CaseDeadline.rule_code == code))


# ---- case numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["{station}-{kind}-{year}", "{station}-{seq:05d}-{bogus}", "{station}-{seq:q}"])
def test_a_case_number_pattern_without_a_sequence_or_with_a_bad_field_is_refused(pattern):
    with pytest.raises(pydantic.ValidationError, match="case_number_pattern"):
        Settings(case_number_pattern=pattern)
    fine = "{year}/{station}{kind}{seq}"
    assert Settings(case_number_pattern=fine).case_number_pattern == fine


def test_a_pattern_that_repeats_one_number_gives_up_instead_of_hanging(session, world):
    body = CaseCreate.model_validate({"kind": "criminal", "type_code": "XS-DQ", "summary": "x",
                                      "station_id": world.ids["west_station"]})
    first = service.create(session, body, actor=world["west-officer"], number_pattern="{station}-{kind}-{year}",
                           zone=ZONE)
    session.commit()
    with pytest.raises(ConfigurationError, match=r"\{seq\}"):
        service.create(session, body, actor=world["west-officer"], number_pattern="{station}-{kind}-{year}", zone=ZONE)
    session.rollback()
    assert first.number.startswith("S1-XS-")


# ---- the live stream ----------------------------------------------------------------------------


def test_case_events_reach_only_roles_that_read_cases_whatever_the_scope(session, ids, world):
    west, east = ids["west_station"], ids["east_station"]
    case_event = {"station_id": west, "district_id": ids["west"]}
    for role in (Role.DISPATCHER, Role.ANALYST, Role.ADMIN):
        citywide = org_stream.stream_filter(session, Actor(username="x", role=role, org_unit_id=None))
        assert citywide is not None
        assert citywide("incident", case_event) and citywide("duty_level", {})
        assert not citywide("case", case_event) and not citywide("case_deadline", case_event)
    desk = org_stream.stream_filter(session, world["west-desk"])
    assert desk is not None and desk("incident", case_event) and not desk("case", case_event)
    chief = org_stream.stream_filter(session, world["west-station-chief"])
    assert chief is not None and chief("case", case_event) and chief("case_deadline", case_event)
    assert not chief("case", {"station_id": east, "district_id": ids["east"]})
    supervisor = Actor(username="y", role=Role.SUPERVISOR, org_unit_id=None)
    assert org_stream.stream_filter(session, supervisor) is None  # a citywide supervisor: everything


# ---- breaches stay late -------------------------------------------------------------------------


#: long enough ago that the decision to open (3 days, a last day on a rest day rolled to the next working day) has
#: passed whatever the date: the longest run of rest days, the National Day holiday, is 8 days
DECISION_PASSED = timedelta(days=12)


def test_a_deadline_past_due_cannot_be_extended_and_nothing_is_stored(session, world):
    case = open_case(session, world, now=datetime.now(UTC) - DECISION_PASSED)
    deadline = _deadline(session, case.id, "open_decision")
    with pytest.raises(ConflictError, match="before"):
        timing.extend(session, case.id, deadline.id, 7, "补办延期 late approval", actor=world["west-station-chief"],
                      zone=ZONE)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CaseExtension)) == 0
    session.refresh(deadline)
    assert deadline.extended_to is None


def test_a_breach_stays_late_when_a_later_pause_moves_the_deadline_past_the_decision(session, world):
    received = datetime.now(UTC) - timedelta(days=40)  # the 30-day public-order limit passed ten days ago
    case = open_case(session, world, kind="administrative", now=received)
    deadline = _deadline(session, case.id, "administrative_case")
    assert sweep.sweep(session, zone=ZONE).breached == 1
    session.commit()
    start = received + timedelta(days=1)
    timing.add_pause(session, case.id, PauseKind.EXPERT_EXAMINATION, start, start + timedelta(days=20),
                     "补录鉴定 examination recorded late", actor=world["west-officer"], zone=ZONE)
    session.commit()
    session.refresh(deadline)
    assert deadline.due_at > datetime.now(UTC)  # the clock now says in time ...
    decide(session, world, case.id, Move.OPEN)
    decide(session, world, case.id, Move.DECIDE)
    session.refresh(deadline)
    assert (deadline.outcome, deadline.breached_at is not None) == (DeadlineOutcome.LATE, True)  # ... it was not


# ---- the returned side of the inbox -------------------------------------------------------------


def _returned(session, world, case_id, note="补充证据 add evidence"):
    submitted = review.submit(session, case_id, Move.OPEN, "证据充分 grounds", actor=world["west-officer"], zone=ZONE)
    review.return_(session, submitted.id, actor=world["west-station-chief"], zone=ZONE, note=note)
    session.commit()
    return submitted


def test_the_inbox_holds_the_latest_return_of_each_case_newest_kept_oldest_first(session, world):
    first, second, third = (open_case(session, world) for _ in range(3))
    _returned(session, world, first.id)  # answered by the next submission, itself returned
    latest_of_first = _returned(session, world, first.id)
    of_second = _returned(session, world, second.id)
    of_third = _returned(session, world, third.id)
    returned, _ = review.inbox(session, actor=world["west-officer"], limit=2)
    assert [r.id for r in returned] == [of_second.id, of_third.id]  # the two most recent, oldest first
    returned, _ = review.inbox(session, actor=world["west-officer"])
    assert [r.id for r in returned] == [latest_of_first.id, of_second.id, of_third.id]
    review.submit(session, second.id, Move.OPEN, "已补充 added", actor=world["west-officer"], zone=ZONE)
    third.team_unit_id, third.lead_officer = world.units["W-2"], "other-officer"  # no longer theirs to work
    session.commit()
    returned, _ = review.inbox(session, actor=world["west-officer"])
    assert [r.id for r in returned] == [latest_of_first.id]


# ---- the rule table is the city's ---------------------------------------------------------------


@pytest.mark.parametrize("account", ["west-station-chief", "west-chief"])
def test_only_a_city_supervisor_changes_the_rule_table(session, world, account):
    version = rules.current(session).version.id
    lowered = [rules.RuleChange(code="open_decision", extensions=((7, "station"), (30, "station")))]
    with pytest.raises(PermissionDeniedError, match="city"):
        rules.update(session, lowered, reason="自己批 approve it myself", actor=world[account])
    assert rules.current(session).version.id == version  # (the city's change: test_case_rules_api.py)


# ---- retention ----------------------------------------------------------------------------------


def test_retention_must_end_after_today_and_items_past_it_are_listed(session, world):
    case = open_case(session, world)
    today = datetime.now(UTC).astimezone(ZONE).date()

    def add(label, until):
        return custody.add_item(session, case.id, label_number=label, description="电动车 e-bike",
                                storage_location="A-1", retention_until=until, actor=world["west-officer"], zone=ZONE)

    with pytest.raises(DomainValidationError, match=r"^retention_until: "):
        add("L-0", today)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CaseItem)) == 0
    kept = add("L-1", today + timedelta(days=30))
    add("L-2", today + timedelta(days=90))
    add("L-3", None)
    session.commit()
    later = today + timedelta(days=60)
    assert custody.is_past_retention(kept, later) and not custody.is_past_retention(kept, today)
    found = custody.past_retention(session, actor=world["west-station-chief"], today=later)
    assert [(item.label_number, c.number) for item, c in found] == [("L-1", case.number)]
    assert custody.past_retention(session, actor=world["east-chief"], today=later) == []


# ---- the sweep: audited, in local time ----------------------------------------------------------


def test_reminders_and_breaches_are_audited_and_say_the_local_due_time(session, world):
    case = open_case(session, world, now=datetime.now(UTC) - DECISION_PASSED)
    deadline = _deadline(session, case.id, "open_decision")
    assert sweep.sweep(session, zone=ZONE) == sweep.SweepResult(reminded=0, breached=1)
    session.commit()
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "breached"))
    local = deadline.due_at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
    assert local in event.data["zh"] and local in event.data["en"]
    assert deadline.due_at.isoformat(timespec="minutes") not in event.data["en"]  # not the UTC instant
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "case_deadline.breached")).all()
    assert [(e.actor, e.resource_id, e.detail["case_id"]) for e in entries] == [
        (sweep.SWEEPER, str(deadline.id), case.id)]


# ---- the size limit -----------------------------------------------------------------------------


def test_a_size_limit_below_one_mebibyte_is_said_in_kibibytes(session, world, tmp_path):
    assert [documents.size_text(n) for n in (1024, 1536, 2**20, 20 * 2**20, 3 * 2**19)] == [
        "1 KiB", "1.5 KiB", "1 MiB", "20 MiB", "1.5 MiB"]
    case = open_case(session, world)
    store = documents.Store(tmp_path, max_bytes=1536)
    with pytest.raises(PayloadTooLargeError, match=r"^content: .*1\.5 KiB"):
        documents.add(session, case.id, content=b"x" * 2000, content_type="text/plain", filename="a.txt",
                      title="笔录", store=store, actor=world["west-officer"], zone=ZONE)


# ---- the bulk recomputation ---------------------------------------------------------------------


@pytest.mark.parametrize("zone_name", ["Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_many_at_once_count_as_one_by_one(zone_name):
    zone = ZoneInfo(zone_name)
    rng = np.random.default_rng(7)
    terms = [Terms(3, DurationUnit.CALENDAR_DAYS, roll_past_holidays=True),
             Terms(30, DurationUnit.CALENDAR_DAYS, remind_before_h=72, pauses=frozenset({"expert_examination"})),
             Terms(5, DurationUnit.WORKING_DAYS), Terms(24, DurationUnit.HOURS, remind_before_h=1)]
    base = datetime(2025, 3, 20, tzinfo=UTC)  # across the spring change of clocks and the May holidays
    n = 400
    started = [base + timedelta(seconds=float(s)) for s in rng.uniform(0, 60 * 86400, n)]
    rule = rng.integers(0, len(terms), n)
    extended = np.where(rng.random(n) < 0.2, 7, 0) * (rule == 0) + np.where(rng.random(n) < 0.2, 48, 0) * (rule == 3)
    pauses = {}
    for i in range(0, n, 5):
        start = started[i] + timedelta(days=1)
        pauses[i] = [Pause("expert_examination", start, None if i % 25 == 0 else start + timedelta(hours=70)),
                     Pause("other", start + timedelta(days=10), start + timedelta(days=11))]
    pauses_us = {i: [(p.kind, microseconds(p.started_at), microseconds(p.ended_at) if p.ended_at else NO_TIME)
                     for p in listed] for i, listed in pauses.items()}
    due, warn = compute_many(terms, rule.astype(np.int64), np.array([microseconds(s) for s in started]),
                             extended.astype(np.int64), zone=zone, pauses=pauses_us)
    for i in range(n):
        one = compute(terms[rule[i]], started[i], zone=zone, extended_to=int(extended[i]) or None,
                      pauses=pauses.get(i, ()))
        assert (due[i], warn[i]) == ((microseconds(one.due_at), microseconds(one.warn_at)) if one.due_at
                                     else (NO_TIME, NO_TIME)), i


def test_recompute_all_writes_back_what_the_per_case_path_computes(session, world):
    received = datetime.now(UTC) - timedelta(days=8)
    admin = open_case(session, world, kind="administrative", now=received)
    criminal = open_case(session, world, now=received + timedelta(hours=3))
    paused = open_case(session, world, kind="administrative", now=received)
    service.record_milestone(session, criminal.id, "detained", actor=world["west-officer"], zone=ZONE,
                             occurred_at=received + timedelta(hours=5))
    timing.add_pause(session, admin.id, PauseKind.EXPERT_EXAMINATION, received + timedelta(days=1),
                     received + timedelta(days=3, hours=5), "伤情鉴定 injury", actor=world["west-officer"], zone=ZONE)
    timing.add_pause(session, paused.id, PauseKind.EXPERT_EXAMINATION, received + timedelta(days=2), None,
                     "价格鉴定 valuation", actor=world["west-officer"], zone=ZONE)
    session.commit()
    d = CaseDeadline
    truth = {row.id: (row.due_at, row.warn_at) for row in session.scalars(select(d).where(d.ended_at.is_(None)))}
    assert len(truth) >= 5 and any(due is None for due, _ in truth.values())
    reminded = datetime.now(UTC)
    for row in session.scalars(select(d).where(d.ended_at.is_(None), d.due_at.is_not(None))):
        row.due_at, row.warn_at, row.reminded_at = row.due_at - timedelta(hours=30), row.warn_at - timedelta(
            hours=30), reminded  # stale, and reminded already: the reminder comes again at the later time
    session.commit()
    stale = sum(due is not None for due, _ in truth.values())
    assert deadlines.recompute_all(session, zone=ZONE) == deadlines.Recomputed(computed=len(truth), changed=stale)
    session.commit()
    session.expire_all()
    rows = session.scalars(select(d).where(d.ended_at.is_(None))).all()
    assert {row.id: (row.due_at, row.warn_at) for row in rows} == truth
    assert all(row.reminded_at is None for row in rows if row.warn_at is not None and row.warn_at > reminded)
    assert deadlines.recompute_all(session, zone=ZONE).changed == 0


def test_an_unreadable_calendar_date_is_said_in_both_languages():
    from precinct.cases.clock import working_calendar

    with pytest.raises(DomainValidationError, match=r"^date: .*1990-01-01 .*工作日历.* / .*working calendar"):
        working_calendar().is_working(date(1990, 1, 1))
