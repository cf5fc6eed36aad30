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
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from precinct.cases import rules as rule_table
from precinct.cases.clock import Computation, Pause, compute, working_calendar
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


def _end(deadline: CaseDeadline, at: datetime, outcome: DeadlineOutcome | None = None) -> None:
    deadline.ended_at = at
    deadline.outcome = outcome or (DeadlineOutcome.LATE if deadline.due_at is not None and at > deadline.due_at
                                   else DeadlineOutcome.MET)


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


def recompute_all(session: Session, *, zone: ZoneInfo, batch: int = 50_000) -> Recomputed:
    """Compute every open deadline again, in a few bulk reads, and write back those that changed.

    The rules and the pauses are read once, the deadlines page by page of ``batch``
    (by id); the changed ones are written with one executemany per page.
    """
    terms = {row.id: rule_table.rule_of(row).terms for row in session.scalars(select(CaseRule))}
    calendar = working_calendar()
    pauses: dict[int, list[Pause]] = defaultdict(list)
    if any(t.pauses for t in terms.values()):  # every pause at once: a case's are few, the cases many
        for case_id, kind, started_at, ended_at in session.execute(
                select(CasePause.case_id, CasePause.kind, CasePause.started_at, CasePause.ended_at)):
            pauses[case_id].append(Pause(str(kind), started_at, ended_at))
    total = changed_total = 0
    last_id = 0
    d = CaseDeadline
    none: tuple[Pause, ...] = ()
    while True:
        rows = session.execute(select(d.id, d.case_id, d.rule_id, d.started_at, d.extended_to, d.due_at, d.warn_at)
                               .where(d.ended_at.is_(None), d.id > last_id).order_by(d.id).limit(batch)).all()
        if not rows:
            break
        last_id = rows[-1][0]
        changes = []
        for deadline_id, case_id, rule_id, started_at, extended_to, due_at, warn_at in rows:
            result = compute(terms[rule_id], started_at, zone=zone, extended_to=extended_to,
                             pauses=pauses.get(case_id, none), calendar=calendar)
            if result.due_at != due_at or result.warn_at != warn_at:
                changes.append({"id": deadline_id, "due_at": result.due_at, "warn_at": result.warn_at})
        if changes:
            session.execute(update(CaseDeadline), changes)
        total += len(rows)
        changed_total += len(changes)
    return Recomputed(total, changed_total)
