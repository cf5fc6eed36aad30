"""Overdue directives: the breach when a deadline passes before the report, and its escalation.

A directive still open (issued, signed for or in progress) when its deadline passes is **overdue**:
the breach is recorded once, as an ``overdue`` event with how late it was, and notifies the station
it was sent to (a district branch's own directive notifies the branch). While it stays open, every
``escalate_after_s`` (default 30 minutes) it climbs one level: station -> district branch -> city
command centre, each an ``escalated`` event and a live event. Reporting it done stops the climb; a
report returned after the deadline puts it back on the board where it was. Breaches stay in the
log whatever happens to the directive later.

The sweep is incremental: it reads only open directives past their deadline (the
``(status, deadline)`` index) and, on PostgreSQL, skips rows another sweep has locked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from precinct.core.db import utcnow
from precinct.core.jobs import BackgroundLoop
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.directives import events
from precinct.directives.models import Directive
from precinct.directives.status import OPEN_STATUSES
from precinct.org.models import OrgTier, OrgUnit
from precinct.supervision.models import EscalationLevel

logger = logging.getLogger("precinct.directives")

SWEEP_ACTOR = Actor(username="directive-sweep", role=Role.SUPERVISOR, ip="local")
DEFAULT_ESCALATE_AFTER_S = 1800.0
"""How long a breach stays at one level before it climbs to the next (seconds)."""
DEFAULT_SWEEP_EVERY_S = 30.0


@dataclass
class SweepResult:
    """The ids of the directives one sweep found newly overdue, and of those it escalated."""

    breached: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def first_level(directive: Directive) -> EscalationLevel:
    """Return the level a breach of ``directive`` notifies first: its station, else its district branch."""
    if directive.station_id is not None:
        return EscalationLevel.STATION
    return EscalationLevel.DISTRICT if directive.district_id is not None else EscalationLevel.CITY


def _notified(session: Session, directive: Directive, level: EscalationLevel) -> int | None:
    if level == EscalationLevel.STATION:
        return directive.station_id
    if level == EscalationLevel.DISTRICT:
        return directive.district_id
    return session.scalar(select(OrgUnit.id).where(OrgUnit.tier == OrgTier.CITY).order_by(OrgUnit.id).limit(1))


def record_breach(session: Session, directive: Directive, *, at: datetime, actor: Actor = SWEEP_ACTOR) -> bool:
    """Record that ``directive`` missed its deadline, once; return whether this call recorded it.

    Nothing happens for a directive that is reported, closed or cancelled, whose deadline has not
    passed at ``at``, or whose breach is already recorded.
    """
    if directive.overdue_at is not None or directive.status not in OPEN_STATUSES or directive.deadline >= at:
        return False
    level = first_level(directive)
    directive.overdue_at = at
    directive.escalation_level = int(level)
    directive.escalated_at = at
    directive.updated_at = at
    events.record(session, directive, "overdue", actor=actor, at=at, data={
        "deadline": directive.deadline.isoformat(), "late_s": (at - directive.deadline).total_seconds(),
        "level": int(level), "org_unit_id": _notified(session, directive, level)})
    return True


def escalate(session: Session, directive: Directive, *, at: datetime, actor: Actor = SWEEP_ACTOR) -> bool:
    """Move an overdue, still open ``directive`` one level up the chain; return whether it moved.

    It stays at the city command centre once there.
    """
    if directive.overdue_at is None or directive.status not in OPEN_STATUSES:
        return False
    if directive.escalation_level >= EscalationLevel.CITY:
        return False
    level = EscalationLevel(directive.escalation_level + 1)
    if level == EscalationLevel.DISTRICT and directive.district_id is None:
        level = EscalationLevel.CITY
    directive.escalation_level = int(level)
    directive.escalated_at = at
    directive.updated_at = at
    events.record(session, directive, "escalated", actor=actor, at=at, data={
        "late_s": (at - directive.deadline).total_seconds(), "level": int(level),
        "org_unit_id": _notified(session, directive, level)})
    return True


def sweep(session: Session, *, now: datetime | None = None, escalate_after_s: float = DEFAULT_ESCALATE_AFTER_S,
          actor: Actor = SWEEP_ACTOR) -> SweepResult:
    """Record the new breaches and escalate the breaches due for it; the caller commits.

    Parameters
    ----------
    now
        The time of the sweep (default: the clock).
    escalate_after_s
        How long a breach stays at one level before it climbs to the next, in seconds (> 0).
    """
    if escalate_after_s <= 0:
        raise ValueError(f"escalate_after_s must be positive, got {escalate_after_s}")
    now = now or utcnow()
    result = SweepResult()
    late = session.scalars(select(Directive).where(
        Directive.status.in_(OPEN_STATUSES), Directive.deadline < now, Directive.overdue_at.is_(None),
    ).order_by(Directive.deadline).with_for_update(skip_locked=True)).all()
    for directive in late:
        if record_breach(session, directive, at=now, actor=actor):
            result.breached.append(directive.id)
    due = session.scalars(select(Directive).where(
        Directive.status.in_(OPEN_STATUSES), Directive.overdue_at.is_not(None),
        Directive.escalation_level < int(EscalationLevel.CITY),
        Directive.escalated_at <= now - timedelta(seconds=escalate_after_s),
    ).order_by(Directive.deadline).with_for_update(skip_locked=True)).all()
    for directive in due:
        if directive.id not in result.breached and escalate(session, directive, at=now, actor=actor):
            result.escalated.append(directive.id)
    session.flush()
    return result


def sweep_job(session_factory: sessionmaker[Session], *, every_s: float = DEFAULT_SWEEP_EVERY_S,
              escalate_after_s: float = DEFAULT_ESCALATE_AFTER_S) -> BackgroundLoop:
    """Return the background job that runs :func:`sweep` every ``every_s`` seconds, each in its own transaction."""

    def step() -> None:
        with session_factory() as session:
            result = sweep(session, escalate_after_s=escalate_after_s)
            session.commit()
        if result.breached or result.escalated:
            logger.info("directives: %d newly overdue, %d escalated", len(result.breached), len(result.escalated))

    return BackgroundLoop("directive-sweep", step, every_s=every_s, first_at_once=True)
