"""The case sweep: reminders before a legal deadline and the breaches of those that pass.

Incremental, as the incidents' deadline sweep: each run reads the open deadlines whose reminder
time came (not yet reminded) and those that fell due (not yet breached), from partial indexes,
in batches; everything it needs is in the database, so a server that was down catches up on its
first run, and several may sweep at once (PostgreSQL skips the rows another holds; a deadline's
breach is unique). Each reminder and breach is an event of the case and an audited, live event
(``case_deadline`` on ``GET /stream``) for the station's board; their texts give the due time
in the city's local time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from precinct.audit import service as audit_service
from precinct.cases.limit_models import CaseBreach, CaseDeadline, CaseRule
from precinct.cases.messages import text
from precinct.cases.models import Case, CaseEvent
from precinct.core.db import utcnow
from precinct.core.jobs import BackgroundLoop
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.live import hooks as live

logger = logging.getLogger("precinct.cases")
SWEEPER = "case-sweep"
BATCH = 500
LIVE_KIND = "case_deadline"
SWEEP_ACTOR = Actor(username=SWEEPER, role=Role.SUPERVISOR, ip="local")
DEFAULT_ZONE = ZoneInfo(str(Settings.model_fields["local_timezone"].default))


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: how many deadlines it reminded about and how many it recorded as breached."""

    reminded: int
    breached: int


def _names(session: Session, deadlines: list[CaseDeadline]) -> tuple[dict[int, Case], dict[int, tuple[str, str]]]:
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_({d.case_id for d in deadlines})))}
    rules = {r.id: (r.name_zh, r.name_en) for r in session.scalars(
        select(CaseRule).where(CaseRule.id.in_({d.rule_id for d in deadlines})))}
    return cases, rules


def _tell(session: Session, deadline: CaseDeadline, case: Case, rule: tuple[str, str], kind: str,
          now: datetime, zone: ZoneInfo) -> None:
    assert deadline.due_at is not None
    due = deadline.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    data = {"deadline_id": deadline.id, "rule": deadline.rule_code, "due_at": deadline.due_at.isoformat(),
            "zh": text(f"case.{kind}", "zh-CN", number=case.number, rule=rule[0], at=due),
            "en": text(f"case.{kind}", "en", number=case.number, rule=rule[1], at=due)}
    session.add(CaseEvent(case_id=case.id, at=now, actor=SWEEPER, kind=kind, data=data))
    audit_service.record(session, actor=SWEEP_ACTOR, action=f"case_deadline.{kind}", resource_type="case_deadline",
                         resource_id=deadline.id, detail={"case_id": case.id, "number": case.number,
                                                          "rule": deadline.rule_code, "due_at": data["due_at"]})
    live.publish(session, LIVE_KIND, f"{deadline.id}:{kind}", {
        "case_id": case.id, "number": case.number, "step": kind, "station_id": deadline.station_id,
        "district_id": deadline.district_id, "late_s": max(0, int((now - deadline.due_at).total_seconds())), **data})


def sweep(session: Session, *, now: datetime | None = None, batch: int = BATCH,
          zone: ZoneInfo | None = None) -> SweepResult:
    """Send the reminders due and record the breaches of deadlines passed by ``now`` (in ``session``, uncommitted).

    Each reminder and breach is an event of the case, an audit entry (``case_deadline.reminder``,
    ``case_deadline.breached``, by the sweep) and a live event; their texts give the due time in
    ``zone`` (default: the settings' default city time zone).
    """
    now, zone = now or utcnow(), zone or DEFAULT_ZONE
    d = CaseDeadline
    due = list(session.scalars(select(d).where(d.ended_at.is_(None), d.breached_at.is_(None), d.due_at <= now)
                               .order_by(d.due_at).limit(batch).with_for_update(skip_locked=True)))
    remind = list(session.scalars(select(d).where(d.ended_at.is_(None), d.reminded_at.is_(None), d.warn_at <= now,
                                                  d.due_at > now)
                                  .order_by(d.warn_at).limit(batch).with_for_update(skip_locked=True)))
    cases, rules = _names(session, due + remind)
    for deadline in remind:
        deadline.reminded_at = now
        _tell(session, deadline, cases[deadline.case_id], rules[deadline.rule_id], "reminder", now, zone)
    for deadline in due:
        assert deadline.due_at is not None
        deadline.breached_at = now
        deadline.reminded_at = deadline.reminded_at or now
        session.add(CaseBreach(deadline_id=deadline.id, case_id=deadline.case_id, rule_code=deadline.rule_code,
                               due_at=deadline.due_at, detected_at=now,
                               late_s=int((now - deadline.due_at).total_seconds()), station_id=deadline.station_id,
                               district_id=deadline.district_id))
        _tell(session, deadline, cases[deadline.case_id], rules[deadline.rule_id], "breached", now, zone)
    session.flush()
    return SweepResult(reminded=len(remind), breached=len(due))


def sweep_job(session_factory: sessionmaker[Session], *, every_s: float,
              zone: ZoneInfo | None = None) -> BackgroundLoop:
    """Return the background job that sweeps every ``every_s`` seconds (first at once, after a restart)."""

    def step() -> None:
        while True:
            with session_factory() as session:
                result = sweep(session, zone=zone)
                session.commit()
            if result.reminded or result.breached:
                logger.info("case sweep: %d reminders, %d breaches", result.reminded, result.breached)
            if result.reminded < BATCH and result.breached < BATCH:
                return

    return BackgroundLoop("case-sweep", step, every_s=every_s, first_at_once=True)
