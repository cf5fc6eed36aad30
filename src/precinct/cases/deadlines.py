"""Each case's deadlines: started and stopped by the case's events, computed by :mod:`precinct.cases.clock`.

A case event (its receipt, a move, a milestone such as a detention) first ends the open deadlines
whose rule it stops (met, or late when it comes after the deadline; a party's detention limits end
with that party's events only), then starts a deadline for each rule of the version in force that
it triggers for the case's kind. A final move ends the rest as moot. Pauses and extensions change
a deadline's terms: :func:`recompute_case` computes the case's open deadlines again, and
:func:`recompute_all` every open deadline (after a change of the working calendar, say).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import BigInteger, ColumnElement, and_, bindparam, cast, func, select, text, update
from sqlalchemy import case as when
from sqlalchemy.orm import InstrumentedAttribute, Session

from precinct.cases import rules as rule_table
from precinct.cases.clock import (
    NO_TIME,
    Computation,
    Pause,
    PauseUs,
    compute,
    compute_many,
    instant,
    working_calendar,
)
from precinct.cases.limit_models import CaseDeadline, CasePause, CaseRule, DeadlineOutcome
from precinct.cases.models import Case

FINAL_EVENTS = frozenset({"not_opened", "withdrawn", "closed"})


def pauses_of(session: Session, case_ids: Iterable[int]) -> dict[int, list[Pause]]:
    """Return the pauses of each of ``case_ids`` (one query)."""
    found: dict[int, list[Pause]] = defaultdict(list)
    ids = list(case_ids)
    if ids:
        for case_id, kind, started_at, ended_at in session.execute(
                select(CasePause.case_id, CasePause.kind, CasePause.started_at, CasePause.ended_at)
                .where(CasePause.case_id.in_(ids))):
            found[case_id].append(Pause(str(kind), started_at, ended_at))
    return found


def computed(deadline: CaseDeadline, rule: rule_table.Rule, pauses: Sequence[Pause], *, zone: ZoneInfo,
             explain: bool = False) -> Computation:
    """Return the computation of ``deadline`` under ``rule`` with the case's ``pauses``."""
    return compute(rule.terms, deadline.started_at, zone=zone, extended_to=deadline.extended_to, pauses=pauses,
                   calendar=working_calendar(), explain=explain)


def outcome_at(deadline: CaseDeadline, at: datetime) -> DeadlineOutcome:
    """Return how a deadline ending at ``at`` ends: late once a breach was recorded or after it fell due, else met.

    A breach stays a breach: a pause or an extension recorded after it never turns it into a deadline met.
    """
    late = deadline.breached_at is not None or (deadline.due_at is not None and at > deadline.due_at)
    return DeadlineOutcome.LATE if late else DeadlineOutcome.MET


def _end(deadline: CaseDeadline, at: datetime, outcome: DeadlineOutcome | None = None) -> None:
    deadline.ended_at = at
    deadline.outcome = outcome or outcome_at(deadline, at)


def on_event(session: Session, case: Case, kind: str, *, at: datetime, zone: ZoneInfo,
             party_id: int | None = None) -> list[CaseDeadline]:
    """End the deadlines ``kind`` stops and start those it triggers; return the new ones (flushed)."""
    open_deadlines = list(session.scalars(select(CaseDeadline).where(
        CaseDeadline.case_id == case.id, CaseDeadline.ended_at.is_(None)).order_by(CaseDeadline.id)))
    stops = {row.id: row.stops for row in session.scalars(
        select(CaseRule).where(CaseRule.id.in_({d.rule_id for d in open_deadlines})))} if open_deadlines else {}
    for deadline in open_deadlines:
        if kind in stops[deadline.rule_id] and (deadline.party_id is None or party_id is None
                                                or deadline.party_id == party_id):
            _end(deadline, at)
        elif kind in FINAL_EVENTS:
            _end(deadline, at, DeadlineOutcome.MOOT)
    started = []
    table = rule_table.current(session)
    pauses = pauses_of(session, [case.id]).get(case.id, [])
    for rule in table.rules.values():
        if rule.trigger != kind or not rule.applies_to(case.kind):
            continue
        deadline = CaseDeadline(case_id=case.id, rule_id=rule.id, rule_code=rule.code, party_id=party_id,
                                started_at=at, station_id=case.station_id, district_id=case.district_id)
        result = computed(deadline, rule, pauses, zone=zone)
        deadline.due_at, deadline.warn_at = result.due_at, result.warn_at
        session.add(deadline)
        started.append(deadline)
    session.flush()
    return started


def recompute_case(session: Session, case_id: int, *, zone: ZoneInfo) -> int:
    """Compute a case's open deadlines again (after a pause or an extension); return how many changed."""
    deadlines = list(session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case_id,
                                                                CaseDeadline.ended_at.is_(None))))
    pauses = pauses_of(session, [case_id]).get(case_id, [])
    changed = 0
    for deadline in deadlines:
        result = computed(deadline, rule_table.rule_of(session.get_one(CaseRule, deadline.rule_id)), pauses, zone=zone)
        if (result.due_at, result.warn_at) != (deadline.due_at, deadline.warn_at):
            deadline.due_at, deadline.warn_at = result.due_at, result.warn_at
            reminded = deadline.reminded_at
            if reminded is not None and result.warn_at is not None and result.warn_at > reminded:
                deadline.reminded_at = None  # the reminder comes again at the new time
            changed += 1
    session.flush()
    return changed


@dataclass(frozen=True)
class Recomputed:
    """What :func:`recompute_all` did: deadlines computed and deadlines whose times changed."""

    computed: int
    changed: int


def epoch_us(session: Session, column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
             ) -> ColumnElement[int]:
    """Return the SQL of a stored UTC time as whole microseconds since the epoch (:data:`NO_TIME` for none).

    Read as plain integers, the times of a bulk read cost no datetime objects. On PostgreSQL,
    ``date_part`` (a double, twice as fast to compute as the exact numeric of ``extract``) holds
    the seconds to within a quarter of a microsecond until 2106, so rounding its microseconds gives
    them exactly; SQLite keeps naive UTC text with six decimals.
    """
    if session.get_bind().dialect.name == "postgresql":
        us: ColumnElement[int] = cast(func.date_part("epoch", column) * 1_000_000, BigInteger)  # rounds
    else:
        us = (cast(func.strftime("%s", column), BigInteger) * 1_000_000
              + cast(func.substr(column, 21, 6), BigInteger))
    return func.coalesce(us, NO_TIME)


def _pauses_us(session: Session) -> dict[int, list[PauseUs]]:
    """Return every pause in microseconds, by case (a case's are few, the cases many: one read)."""
    found: dict[int, list[PauseUs]] = defaultdict(list)
    p = CasePause
    for case_id, kind, started_us, ended_us in session.connection().execute(
            select(p.case_id, p.kind, epoch_us(session, p.started_at), epoch_us(session, p.ended_at))).all():
        found[case_id].append((str(kind), started_us, ended_us))
    return found


_PAGE_POSTGRESQL = text("""
    SELECT string_agg(int4send(id) || int4send(case_id) || int4send(rule_id) || timestamptz_send(started_at)
                      || int4send(coalesce(extended_to, 0)) || timestamptz_send(coalesce(due_at, '-infinity'))
                      || timestamptz_send(coalesce(warn_at, '-infinity')), '')
      FROM case_deadlines
     WHERE ended_at IS NULL AND id > :after AND id <= :through""")
"""PostgreSQL: a page of open deadlines as one value, each row 40 bytes in the server's binary format."""

_PAGE_COLUMNS = ("id", "case_id", "rule_id", "started", "extended", "due", "warn")
_PAGE_ROW = np.dtype(list(zip(_PAGE_COLUMNS, (">i4", ">i4", ">i4", ">i8", ">i4", ">i8", ">i8"), strict=True)))
"""A row of :data:`_PAGE_POSTGRESQL`: big-endian integers, the times microseconds since 2000-01-01 UTC."""
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in microseconds since 1970-01-01
_PG_NO_TIME = np.iinfo(np.int64).min  # -infinity, the stand-in for no time


def _page(session: Session, after: int, through: int) -> npt.NDArray[np.int64]:
    """Return the open deadlines whose id lies in (``after``, ``through``] as seven rows of integers.

    The rows: ids, case ids, rule ids, starts, approved durations (0: the rule's), due and reminder
    times (microseconds since the epoch, :data:`NO_TIME` for none). PostgreSQL sends the page as
    one binary value (no row objects); SQLite gives plain rows of integers (no ORM loading, no
    datetimes).
    """
    if session.get_bind().dialect.name == "postgresql":
        packed = session.connection().execute(_PAGE_POSTGRESQL, {"after": after, "through": through}).scalar_one()
        rows = np.frombuffer(packed or b"", dtype=_PAGE_ROW)
        page = np.stack([rows[name].astype(np.int64) for name in _PAGE_COLUMNS])
        for n in (3, 5, 6):  # the times
            page[n] = np.where(page[n] == _PG_NO_TIME, NO_TIME, page[n] + _PG_EPOCH_US)
        return page
    d = CaseDeadline
    found = session.connection().execute(
        select(d.id, d.case_id, d.rule_id, epoch_us(session, d.started_at), func.coalesce(d.extended_to, 0),
               epoch_us(session, d.due_at), epoch_us(session, d.warn_at))
        .where(d.ended_at.is_(None), d.id > after, d.id <= through)).all()
    return np.fromiter(chain.from_iterable(found), dtype=np.int64, count=7 * len(found)).reshape(-1, 7).T


_WRITE_POSTGRESQL = text("""
    UPDATE case_deadlines AS d
       SET due_at = timestamptz 'epoch' + v.due_us * interval '1 microsecond',
           warn_at = timestamptz 'epoch' + v.warn_us * interval '1 microsecond',
           reminded_at = CASE WHEN d.reminded_at IS NOT NULL
                               AND timestamptz 'epoch' + v.warn_us * interval '1 microsecond' > d.reminded_at
                              THEN NULL ELSE d.reminded_at END
      FROM unnest(CAST(:ids AS integer[]), CAST(:due_us AS bigint[]), CAST(:warn_us AS bigint[]))
           AS v(id, due_us, warn_us)
     WHERE d.id = v.id AND d.id = ANY(CAST(:ids AS integer[]))""")
"""PostgreSQL: the changed deadlines in one statement (the times as microseconds since the epoch).

The second test of the id keeps the join small: without it the planner hashes every row of the
table to match the list (a sequential scan and a spill to disk). The lists travel as array
literals: building them costs a fraction of what the driver spends sending lists of integers."""


def _array_literal(values: npt.NDArray[np.int64]) -> str:
    """Return the PostgreSQL array literal of ``values`` (:data:`NO_TIME` as NULL)."""
    return "{" + ",".join("NULL" if v == NO_TIME else str(v) for v in values.tolist()) + "}"


def _write(session: Session, ids: npt.NDArray[np.int64], due_us: npt.NDArray[np.int64],
           warn_us: npt.NDArray[np.int64]) -> None:
    """Write the new times of the deadlines ``ids``; a reminder already sent comes again if its time moved later."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_WRITE_POSTGRESQL, {"ids": _array_literal(ids), "due_us": _array_literal(due_us),
                                                         "warn_us": _array_literal(warn_us)})
        return
    d = CaseDeadline
    write = (update(d).where(d.id == bindparam("b_id"))
             .values(due_at=bindparam("b_due"), warn_at=bindparam("b_warn"),
                     reminded_at=when((and_(d.reminded_at.is_not(None), bindparam("b_warn") > d.reminded_at), None),
                                      else_=d.reminded_at)))
    session.connection().execute(write, [  # Core executemany: the WHERE names the row
        {"b_id": i, "b_due": None if due == NO_TIME else instant(due), "b_warn": None if warn == NO_TIME
         else instant(warn)} for i, due, warn in zip(ids.tolist(), due_us.tolist(), warn_us.tolist(), strict=True)])


def recompute_all(session: Session, *, zone: ZoneInfo, batch: int = 200_000) -> Recomputed:
    """Compute every open deadline again, in a few bulk reads, and write back those that changed.

    The rules and the pauses are read once, the deadlines in pages of ``batch`` ids (one page
    reads the table through once), their times as integers (:func:`_page`);
    :func:`precinct.cases.clock.compute_many` counts a page at once. The changed ones are written
    at the end, in one statement (PostgreSQL; an executemany on SQLite); a reminder already sent
    comes again if its time moved later (as :func:`recompute_case`).
    """
    rows_of_rules = list(session.scalars(select(CaseRule).order_by(CaseRule.id)))
    terms = [rule_table.rule_of(row).terms for row in rows_of_rules]
    rule_ids = np.array([row.id for row in rows_of_rules], dtype=np.int64)
    pauses = _pauses_us(session) if any(t.pauses for t in terms) else {}
    with_pauses = np.fromiter(pauses, dtype=np.int64, count=len(pauses))
    calendar = working_calendar()
    last_id = session.scalar(select(func.max(CaseDeadline.id))) or 0
    total = 0
    changed = [np.empty((3, 0), dtype=np.int64)]
    for after in range(0, last_id, batch):
        ids, case_ids, rules, started, extended, due_was, warn_was = _page(session, after, after + batch)
        at = np.flatnonzero(np.isin(case_ids, with_pauses))  # the few limits whose case has pauses
        paused = {i: pauses[c] for i, c in zip(at.tolist(), case_ids[at].tolist(), strict=True)}
        due, warn = compute_many(terms, np.searchsorted(rule_ids, rules), started, extended, zone=zone,
                                 pauses=paused, calendar=calendar)
        moved = np.flatnonzero((due != due_was) | (warn != warn_was))
        changed.append(np.stack([ids[moved], due[moved], warn[moved]]))
        total += len(ids)
    ids, due, warn = np.concatenate(changed, axis=1)
    if len(ids):
        _write(session, ids, due, warn)
    return Recomputed(total, len(ids))
