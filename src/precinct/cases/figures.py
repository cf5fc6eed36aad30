"""Clearance and timeliness, counted from the records (never reported by hand), per station and month.

- **opened** (立案): cases opened in the month; **cleared** (破案 / 查处): criminal cases marked
  cleared or transferred, administrative cases decided; **closed**: cases that reached a final
  state (closed, not opened, withdrawn);
- **decisions within their limit**: of the legal deadlines that ended in the month by the event
  they wait for (not those made moot), the share that ended in time;
- **open cases by age**: cases not final, by days since receipt.

Months are the bureau's local calendar months. Counts only: no person is named, scored or ranked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from precinct.cases.board import in_scope, narrowed
from precinct.cases.limit_models import CaseDeadline, DeadlineOutcome
from precinct.cases.messages import field_error
from precinct.cases.models import Case
from precinct.cases.status import OPEN_STATUSES
from precinct.core.db import utcnow
from precinct.core.security import Actor

AGE_BUCKETS_DAYS = (30, 60, 90, 180, 365)
"""Upper bounds (inclusive) of the age bands of open cases; the last band is everything older."""


@dataclass(frozen=True)
class MonthFigures:
    """One station's cases opened, cleared and closed in one month, and its decisions within their limit."""

    station_id: int
    month: str  # YYYY-MM
    opened: int
    cleared: int
    closed: int
    decisions: int  # deadlines ended by their event in the month
    within_limit: int
    within_limit_share: float | None


@dataclass(frozen=True)
class AgeBand:
    """How many of a station's open cases fall in one age band."""

    station_id: int
    band: str  # "0-30", ..., ">365"
    open_cases: int


@dataclass(frozen=True)
class Figures:
    """The case figures of a period: per station and month, and the open cases by age as of ``now``."""

    since: date
    until: date
    months: list[MonthFigures]
    ages: list[AgeBand]
    now: datetime


def _month(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).strftime("%Y-%m") if value is not None else None


def _band(days: int) -> str:
    lower = 0
    for upper in AGE_BUCKETS_DAYS:
        if days <= upper:
            return f"{lower}-{upper}"
        lower = upper + 1
    return f">{AGE_BUCKETS_DAYS[-1]}"


def figures(session: Session, actor: Actor, *, since: date, until: date, zone: ZoneInfo, station_id: int | None = None,
            now: datetime | None = None) -> Figures:
    """Return the monthly figures of [``since``, ``until``) and the ages of open cases in the actor's scope.

    Raises
    ------
    ValidationError
        If ``until`` is not after ``since``, or the period is over five years.
    """
    now = now or utcnow()
    if until <= since:
        raise field_error("until", "case.period_order")
    if (until - since).days > 5 * 366:
        raise field_error("until", "case.period_long")
    start = datetime.combine(since, time(0), tzinfo=zone)
    end = datetime.combine(until, time(0), tzinfo=zone)
    scope = narrowed(session, actor, station_id)
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    query = select(Case.station_id, Case.opened_at, Case.cleared_at, Case.closed_at).where(or_(
        Case.opened_at.between(start, end), Case.cleared_at.between(start, end), Case.closed_at.between(start, end)))
    if (where := in_scope(scope, Case.station_id, Case.district_id)) is not None:
        query = query.where(where)
    for station, *moments in session.execute(query):
        for index, moment in enumerate(moments):
            if moment is not None and start <= moment < end:
                counts[(station, _month(moment, zone) or "")][index] += 1
    d = CaseDeadline
    deadlines = select(d.station_id, d.ended_at, d.outcome).where(
        d.ended_at >= start, d.ended_at < end, d.outcome.in_([DeadlineOutcome.MET, DeadlineOutcome.LATE]))
    if (where := in_scope(scope, d.station_id, d.district_id)) is not None:
        deadlines = deadlines.where(where)
    for deadline_station, ended_at, outcome in session.execute(deadlines):
        row = counts[(deadline_station or 0, _month(ended_at, zone) or "")]
        row[3] += 1
        row[4] += outcome == DeadlineOutcome.MET
    months = [MonthFigures(station, month, opened=v[0], cleared=v[1], closed=v[2], decisions=v[3], within_limit=v[4],
                           within_limit_share=round(v[4] / v[3], 4) if v[3] else None)
              for (station, month), v in sorted(counts.items())]
    ages: dict[tuple[int, str], int] = defaultdict(int)
    open_query = select(Case.station_id, Case.received_at).where(Case.status.in_(OPEN_STATUSES))
    if (where := in_scope(scope, Case.station_id, Case.district_id)) is not None:
        open_query = open_query.where(where)
    for station, received_at in session.execute(open_query):
        ages[(station, _band((now - received_at).days))] += 1
    order = [_band(0), *(_band(upper + 1) for upper in AGE_BUCKETS_DAYS)]
    bands = [AgeBand(station, band, n)
             for (station, band), n in sorted(ages.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1])))]
    return Figures(since, until, months, bands, now)
