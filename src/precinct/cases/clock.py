"""Counting a legal time limit (pure): calendar days, working days or hours, extensions, rest days, pauses.

How a deadline is reached, in order (each step is kept when asked, for the case page's explanation):

1. **start**: the trigger's instant (a detention, the receipt of the case, ...);
2. **count** the duration, the extended one if approved: *hours* from the start instant; *calendar
   days* and *working days* do not count the starting day (《刑事诉讼法》第一百零五条：期间开始的时和日
   不算在期间以内) and end at midnight, local time, after the last day; working days follow the
   mainland calendar of the ``holidays`` package (public holidays off, make-up working weekends on);
3. **roll**: for rules that say so, a last day that is a rest day moves to the next working day
   (同条：期间的最后一日为节假日的，以节假日后的第一日为期满日期; custody limits do not roll);
4. **pauses**: each period of a kind the rule names (鉴定, ...) that starts before the deadline
   moves it later by the part of the period after the start; while such a period is open the
   clock stands and there is no deadline.

Hours are counted from the exact instant (the stricter reading of "the starting hour does not
count"), so a computed deadline is never later than the law's.

:func:`compute` counts one deadline (with its explanation); :func:`compute_many` counts many at
once, the same way, on arrays of microseconds since the epoch (a bulk recomputation).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from precinct.cases.limit_models import DurationUnit
from precinct.cases.messages import field_error

FIRST_YEAR, LAST_YEAR = 2000, 2045


class WorkingCalendar:
    """The working days of mainland China from ``first_year`` to ``last_year`` (the ``holidays`` package)."""

    def __init__(self, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> None:
        import holidays

        calendar = holidays.country_holidays("CN", years=range(first_year, last_year + 1))
        self.first, self.last = date(first_year, 1, 1), date(last_year, 12, 31)
        days = (self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1))
        self._working = [day.toordinal() for day in days if calendar.is_working_day(day)]

    def _check(self, day: date) -> None:
        if not self.first <= day <= self.last - timedelta(days=60):
            raise field_error("date", "case.calendar_outside", day=day.isoformat(), first=self.first.year,
                              last=self.last.year)

    def is_working(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        self._check(day)
        index = bisect_left(self._working, day.toordinal())
        return index < len(self._working) and self._working[index] == day.toordinal()

    def next_working(self, day: date) -> date:
        """Return ``day`` if it is a working day, else the first working day after it."""
        self._check(day)
        return date.fromordinal(self._working[bisect_left(self._working, day.toordinal())])

    def nth_working_after(self, day: date, n: int) -> date:
        """Return the ``n``-th working day after ``day`` (``day`` itself not counted; ``n`` ≥ 1)."""
        self._check(day)
        return date.fromordinal(self._working[bisect_right(self._working, day.toordinal()) + n - 1])


@lru_cache(maxsize=1)
def working_calendar() -> WorkingCalendar:
    """Return the process's working calendar (built once, in about a quarter of a second)."""
    return WorkingCalendar()


@dataclass(frozen=True)
class Terms:
    """What a computation needs of a rule."""

    duration: int
    unit: DurationUnit
    roll_past_holidays: bool = False
    remind_before_h: int = 24
    pauses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Pause:
    """A period that may stop the clock (``ended_at`` ``None``: still running)."""

    kind: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class Step:
    """One step of the explanation: a code (see the module) and its values."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Computation:
    """A computed deadline (``None`` while a pause stops the clock), its reminder time, and how it was reached."""

    due_at: datetime | None
    warn_at: datetime | None
    steps: tuple[Step, ...] = ()


def _midnight_after(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


@lru_cache(maxsize=65_536)
def _day_deadline(first: date, duration: int, unit: DurationUnit, roll: bool, zone: ZoneInfo,
                  calendar: WorkingCalendar | None) -> tuple[datetime, date, date]:
    """Return the deadline of a count of days from ``first``, its last day, and the last day before any roll.

    Kept per process: a bulk recomputation meets the same few hundred (day, rule) pairs again and again.
    """
    calendar = calendar or working_calendar()
    if unit == DurationUnit.WORKING_DAYS:
        last = calendar.nth_working_after(first, duration)
    else:
        last = first + timedelta(days=duration)
    unrolled = last
    if roll and unit == DurationUnit.CALENDAR_DAYS:
        last = calendar.next_working(last)
    return _midnight_after(last, zone), last, unrolled


def compute(terms: Terms, started_at: datetime, *, zone: ZoneInfo, extended_to: int | None = None,
            pauses: Sequence[Pause] = (), calendar: WorkingCalendar | None = None, explain: bool = False,
            ) -> Computation:
    """Return the deadline of a limit of ``terms`` started at ``started_at`` (see the module for the steps).

    Parameters
    ----------
    terms
        The rule's duration, unit, rest-day roll, reminder lead (hours) and pausing kinds.
    started_at
        The trigger's instant (UTC).
    zone
        Where days are counted (the bureau's time zone).
    extended_to
        The approved total duration, in the rule's unit (``None``: the rule's own).
    pauses
        The case's pauses, in any order, not overlapping; those of kinds the rule does not name are ignored.
    explain
        Keep the steps (the explanation); off for bulk recomputation.
    """
    steps: list[Step] = []
    duration = extended_to or terms.duration
    if explain:
        steps.append(Step("start", {"at": started_at}))
        if extended_to:
            steps.append(Step("extended", {"from": terms.duration, "to": extended_to, "unit": terms.unit.value}))
    if terms.unit == DurationUnit.HOURS:
        due = started_at + timedelta(hours=duration)
        if explain:
            steps.append(Step("count", {"n": duration, "unit": terms.unit.value, "at": due}))
    else:
        due, last, unrolled = _day_deadline(started_at.astimezone(zone).date(), duration, terms.unit,
                                            terms.roll_past_holidays, zone, calendar)
        if explain:
            steps.append(Step("count", {"n": duration, "unit": terms.unit.value, "last_day": unrolled}))
            if unrolled != last:
                steps.append(Step("rolled", {"from_day": unrolled, "to_day": last}))
    listed = pauses if isinstance(pauses, list | tuple) else tuple(pauses)
    due_or_none = _paused(due, started_at, listed, terms.pauses, steps if explain else None)
    warn = None
    if due_or_none is not None:
        warn = max(started_at, due_or_none - timedelta(hours=terms.remind_before_h))
        if explain:
            steps.append(Step("due", {"at": due_or_none, "warn_at": warn}))
    return Computation(due_or_none, warn, tuple(steps))


def _paused(due: datetime, started_at: datetime, pauses: Sequence[Pause], kinds: frozenset[str],
            steps: list[Step] | None) -> datetime | None:
    """Move ``due`` later by the pauses of ``kinds``; ``None`` while one of them is open."""
    if not kinds or not pauses:
        return due
    for pause in sorted((p for p in pauses if p.kind in kinds), key=lambda p: p.started_at):
        if pause.started_at >= due:
            break
        if pause.ended_at is None:
            if steps is not None:
                steps.append(Step("paused_open", {"kind": pause.kind, "since": pause.started_at}))
            return None
        counted = pause.ended_at - max(pause.started_at, started_at)
        if counted <= timedelta(0):
            continue
        due += counted
        if steps is not None:
            steps.append(Step("paused", {"kind": pause.kind, "from": pause.started_at, "to": pause.ended_at,
                                         "seconds": int(counted.total_seconds()), "at": due}))
    return due


def overlapping(pauses: Sequence[Pause], candidate: Pause) -> Pause | None:
    """Return a pause of ``pauses`` that overlaps ``candidate`` (an open one runs for ever), or ``None``."""
    far = datetime.max.replace(tzinfo=UTC)
    end = candidate.ended_at or far
    for pause in pauses:
        if pause.started_at < end and candidate.started_at < (pause.ended_at or far):
            return pause
    return None


# ---- many at once -------------------------------------------------------------------------------

NO_TIME = -1
"""The microseconds of "no time" in the arrays of :func:`compute_many` (a deadline a pause stops)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US_PER_H, _US_PER_DAY = 3_600_000_000, 86_400_000_000


def microseconds(value: datetime) -> int:
    """Return an aware instant as whole microseconds since the epoch (exact, no float)."""
    return (value - _EPOCH) // timedelta(microseconds=1)


def instant(us: int) -> datetime:
    """Return the UTC instant of ``us`` microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=int(us))


def _local_days(started_us: npt.NDArray[np.int64], zone: ZoneInfo) -> npt.NDArray[np.int64]:
    """Return the local day (proleptic ordinal) of each instant: the zone's offset read once per UTC hour."""
    hours, where = np.unique(started_us // _US_PER_H, return_inverse=True)
    offsets = np.empty(len(hours), dtype=np.int64)
    exact: list[int] = []
    for n, hour in enumerate(hours.tolist()):
        start = instant(hour * _US_PER_H)
        offset = start.astimezone(zone).utcoffset()
        if offset != (start + timedelta(hours=1)).astimezone(zone).utcoffset():
            exact.append(n)  # the offset changes within this hour: each instant on its own
        offsets[n] = (offset or timedelta(0)) // timedelta(microseconds=1)
    days = (started_us + offsets[where]) // _US_PER_DAY + date(1970, 1, 1).toordinal()
    for n in exact:
        for i in np.flatnonzero(where == n).tolist():
            days[i] = instant(started_us[i]).astimezone(zone).date().toordinal()
    return days


PauseUs = tuple[str, int, int]
"""A pause as :func:`compute_many` takes it: kind, start and end in microseconds (end :data:`NO_TIME`: running)."""


def _paused_us(due: int, started: int, pauses: Sequence[PauseUs], kinds: frozenset[str]) -> int:
    """As :func:`_paused`, on microseconds (no explanation): :data:`NO_TIME` while a pause of ``kinds`` is open."""
    listed = [p for p in pauses if p[0] in kinds]
    if len(listed) > 1:  # most limits have one pause at most
        listed.sort(key=itemgetter(1))
    for _kind, start, end in listed:
        if start >= due:
            break
        if end == NO_TIME:
            return NO_TIME
        due += max(0, end - max(start, started))
    return due


def compute_many(terms: Sequence[Terms], rule_index: npt.NDArray[np.int64], started_us: npt.NDArray[np.int64],
                 extended_to: npt.NDArray[np.int64], *, zone: ZoneInfo,
                 pauses: Mapping[int, Sequence[PauseUs]] | None = None, calendar: WorkingCalendar | None = None,
                 ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return the deadlines and reminder times of many limits, as :func:`compute` gives them one by one.

    Parameters
    ----------
    terms
        The rules' terms; ``rule_index[i]`` names the one of limit ``i``.
    rule_index, started_us, extended_to
        Per limit: its rule, its start (microseconds since the epoch, UTC) and its approved total
        duration in the rule's unit (0: the rule's own).
    pauses
        The pauses of the limits that have any, by the limit's position, as (kind, start, end)
        in microseconds (end :data:`NO_TIME`: still running); kinds the rule does not name are ignored.

    Returns
    -------
    (due_us, warn_us)
        Microseconds since the epoch; :data:`NO_TIME` while a pause stops the clock.
    """
    calendar = calendar or working_calendar()
    duration_of = np.array([t.duration for t in terms], dtype=np.int64)
    hourly = np.array([t.unit == DurationUnit.HOURS for t in terms], dtype=bool)[rule_index]
    duration = np.where(extended_to > 0, extended_to, duration_of[rule_index])
    due = np.where(hourly, started_us + duration * _US_PER_H, NO_TIME)
    daily = np.flatnonzero(~hourly)
    if len(daily):
        days = _local_days(started_us[daily], zone)
        counts, rules = duration[daily], rule_index[daily]
        first, spans = int(days.min()), (int(counts.max()) + 1, len(terms))  # one integer per (day, count, rule)
        keys, where = np.unique(((days - first) * spans[0] + counts) * spans[1] + rules, return_inverse=True)
        dues = np.empty(len(keys), dtype=np.int64)
        for n, key in enumerate(keys.tolist()):
            rest, rule = divmod(key, spans[1])
            day, count = divmod(rest, spans[0])
            t = terms[rule]
            day += first
            dues[n] = microseconds(_day_deadline(date.fromordinal(day), count, t.unit, t.roll_past_holidays, zone,
                                                 calendar)[0])
        due[daily] = dues[where.reshape(-1)]
    if pauses:  # one pass over plain integers, written back at once
        at = np.fromiter(pauses, dtype=np.int64, count=len(pauses))
        kinds_of = [terms[rule].pauses for rule in rule_index[at].tolist()]
        due[at] = [_paused_us(due_i, started_i, pauses[i], kinds) if kinds else due_i for i, kinds, due_i, started_i
                   in zip(at.tolist(), kinds_of, due[at].tolist(), started_us[at].tolist(), strict=True)]
    remind_us = np.array([t.remind_before_h for t in terms], dtype=np.int64)[rule_index] * _US_PER_H
    warn = np.where(due == NO_TIME, NO_TIME, np.maximum(started_us, due - remind_us))
    return due, warn
