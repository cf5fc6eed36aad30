"""Counting legal limits (pure): calendar days from the day after, rest-day roll, working days, hours, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from precinct.cases.clock import Pause, Terms, compute, overlapping, working_calendar
from precinct.cases.limit_models import DurationUnit
from precinct.core.errors import ValidationError

ZONE = ZoneInfo("Asia/Shanghai")


def local(y, m, d, h=0, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=ZONE).astimezone(UTC)


def test_calendar_days_do_not_count_the_starting_day_and_end_at_midnight():
    result = compute(Terms(3, DurationUnit.CALENDAR_DAYS), local(2025, 3, 4, 10, 25), zone=ZONE)
    assert result.due_at == local(2025, 3, 8)  # 5th, 6th, 7th; due at the end of the 7th
    assert result.warn_at == local(2025, 3, 7)  # 24 hours before


def test_a_last_day_that_is_a_rest_day_rolls_to_the_next_working_day():
    started = local(2025, 9, 28, 9)  # 28 Sept + 3 days = 1 Oct, National Day
    plain = compute(Terms(3, DurationUnit.CALENDAR_DAYS), started, zone=ZONE)
    rolled = compute(Terms(3, DurationUnit.CALENDAR_DAYS, roll_past_holidays=True), started, zone=ZONE, explain=True)
    assert plain.due_at == local(2025, 10, 2)
    assert rolled.due_at == local(2025, 10, 10)  # the holiday runs to 8 Oct; 9 Oct is the first working day
    assert [s.code for s in rolled.steps] == ["start", "count", "rolled", "due"]
    assert rolled.steps[2].values == {"from_day": date(2025, 10, 1), "to_day": date(2025, 10, 9)}


def test_working_days_skip_holidays_and_count_make_up_weekends():
    calendar = working_calendar()
    assert calendar.is_working(date(2025, 1, 26))  # a Sunday worked before the Spring Festival
    assert not calendar.is_working(date(2025, 1, 29))
    result = compute(Terms(3, DurationUnit.WORKING_DAYS), local(2025, 1, 24, 15), zone=ZONE)
    assert result.due_at == local(2025, 2, 6)  # 26 Jan, 27 Jan, then 5 Feb after the holiday


def test_hours_count_from_the_instant_and_an_extension_replaces_the_duration():
    started = local(2025, 3, 4, 10, 25)
    assert compute(Terms(24, DurationUnit.HOURS, remind_before_h=4), started, zone=ZONE).due_at == started + timedelta(
        hours=24)
    assert compute(Terms(8, DurationUnit.HOURS), started, zone=ZONE, extended_to=24).due_at == started + timedelta(
        hours=24)


def test_pauses_of_named_kinds_move_the_deadline_and_an_open_one_stops_it():
    started = local(2025, 3, 1, 9)
    terms = Terms(30, DurationUnit.CALENDAR_DAYS, pauses=frozenset({"expert_examination"}))
    base = compute(terms, started, zone=ZONE).due_at
    closed = Pause("expert_examination", local(2025, 3, 5), local(2025, 3, 8, 12))
    other = Pause("other", local(2025, 3, 10), local(2025, 3, 20))
    result = compute(terms, started, zone=ZONE, pauses=[other, closed], explain=True)
    assert result.due_at == base + timedelta(days=3, hours=12)
    assert [s.code for s in result.steps] == ["start", "count", "paused", "due"]
    after = Pause("expert_examination", base + timedelta(days=1), None)  # after the deadline: does not count
    assert compute(terms, started, zone=ZONE, pauses=[after]).due_at == base
    still = Pause("expert_examination", local(2025, 3, 12), None)
    assert compute(terms, started, zone=ZONE, pauses=[closed, still]) .due_at is None


def test_overlapping_finds_a_clash_with_closed_and_open_pauses():
    a = Pause("other", local(2025, 3, 1), local(2025, 3, 3))
    b = Pause("other", local(2025, 3, 10), None)
    assert overlapping([a, b], Pause("other", local(2025, 3, 2), local(2025, 3, 4))) == a
    assert overlapping([a, b], Pause("other", local(2025, 4, 1), None)) == b
    assert overlapping([a, b], Pause("other", local(2025, 3, 3), local(2025, 3, 9))) is None


def test_dates_outside_the_calendar_are_refused():
    with pytest.raises(ValidationError, match=r"^date: "):
        compute(Terms(3, DurationUnit.WORKING_DAYS), local(1990, 1, 1), zone=ZONE)
