"""The deadline sweep: records newly breached deadlines and carries breaches up the escalation chain.

Incremental: each run reads only the open deadlines that fell due since the last run (a range on a
partial index of the deadlines not yet breached) and the breaches whose next escalation is due (a
partial index of those). Everything it knows is in the database, so a server that was down picks
up every deadline that passed meanwhile on its first run, and several servers may sweep at once
(PostgreSQL: the rows one takes are skipped by the others; the breach of a deadline is unique).

The chain: the breach notifies the responsible station; a breach still open ``district_after_s``
later goes to the district branch, and ``city_after_s`` after that to the city command centre.
Each step is an ``escalated`` event on the incident and an ``escalation`` event on the live stream.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from precinct.core.db import utcnow
from precinct.core.jobs import BackgroundLoop
from precinct.core.settings import Settings
from precinct.incidents.models import Assignment, IncidentEvent
from precinct.live import hooks as live
from precinct.org.models import OrgTier, OrgUnit
from precinct.supervision.deadlines import record_breach
from precinct.supervision.messages import text
from precinct.supervision.models import (
    LEVEL_NAMES,
    STAGE_NAMES,
    DeadlineBreach,
    EscalationLevel,
    IncidentDeadline,
)

logger = logging.getLogger("precinct.supervision")
SWEEPER = "deadline-sweep"
DISTRICT_AFTER_S = 600.0  # a breach still open 10 minutes after it was found goes to the district branch
CITY_AFTER_S = 1200.0  # and 20 minutes after that to the city command centre
BATCH = 500  # deadlines per transaction; a larger backlog is worked off in several


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: breaches recorded, escalations made (the breaches among them too)."""

    breached: int
    escalated: int


def sweep(session: Session, *, now: datetime | None = None, district_after_s: float = DISTRICT_AFTER_S,
          city_after_s: float = CITY_AFTER_S, batch: int = BATCH) -> SweepResult:
    """Record the deadlines that passed by ``now`` and make the escalations due (in ``session``, uncommitted)."""
    now = now or utcnow()
    due = list(session.scalars(
        select(IncidentDeadline)
        .where(IncidentDeadline.ended_at.is_(None), IncidentDeadline.breached_at.is_(None),
               IncidentDeadline.deadline_at <= now)
        .order_by(IncidentDeadline.deadline_at).limit(batch).with_for_update(skip_locked=True)))
    rising = list(session.scalars(
        select(IncidentDeadline)
        .where(IncidentDeadline.ended_at.is_(None), IncidentDeadline.next_escalation_at <= now)
        .order_by(IncidentDeadline.next_escalation_at).limit(batch).with_for_update(skip_locked=True)))
    return apply(session, due, rising, now=now, district_after_s=district_after_s, city_after_s=city_after_s)


def apply(session: Session, due: Sequence[IncidentDeadline], rising: Sequence[IncidentDeadline], *, now: datetime,
          district_after_s: float = DISTRICT_AFTER_S, city_after_s: float = CITY_AFTER_S) -> SweepResult:
    """Record the breaches of ``due`` and move ``rising`` one step up the chain (the sweep's writes)."""
    units = _assigned_units(session, {d.incident_id for d in due})
    breach_ids = _breach_ids(session, rising)
    breaches = [record_breach(session, d, detected_at=now, unit_id=units.get(d.incident_id), actor=SWEEPER)
                for d in due]
    session.flush()
    chain = _Chain(session, now, district_after_s=district_after_s, city_after_s=city_after_s)
    for deadline, breach in zip(due, breaches, strict=True):
        chain.escalate(deadline, breach.id, EscalationLevel.STATION)
    for deadline in rising:
        chain.escalate(deadline, breach_ids.get(deadline.id),
                       EscalationLevel(min(deadline.escalation_level + 1, EscalationLevel.CITY)))
    session.flush()
    return SweepResult(breached=len(due), escalated=len(due) + len(rising))


def _assigned_units(session: Session, incident_ids: set[int]) -> dict[int, int]:
    """Return the unit each incident was sent to last (the one responsible now), by incident."""
    if not incident_ids:
        return {}
    rows = session.execute(select(Assignment.incident_id, Assignment.unit_id)
                           .where(Assignment.incident_id.in_(incident_ids)).order_by(Assignment.id)).all()
    return {incident_id: unit_id for incident_id, unit_id in rows}


def _breach_ids(session: Session, deadlines: Sequence[IncidentDeadline]) -> dict[int, int]:
    if not deadlines:
        return {}
    rows = session.execute(select(DeadlineBreach.deadline_id, DeadlineBreach.id)
                           .where(DeadlineBreach.deadline_id.in_([d.id for d in deadlines]))).all()
    return {deadline_id: breach_id for deadline_id, breach_id in rows}


class _Chain:
    """Escalation steps of one sweep (the city unit is looked up once)."""

    def __init__(self, session: Session, now: datetime, *, district_after_s: float, city_after_s: float) -> None:
        self.session = session
        self.now = now
        self.after_s = {EscalationLevel.STATION: district_after_s, EscalationLevel.DISTRICT: city_after_s}
        self._city_id: int | None = None
        self._city_read = False

    def city_id(self) -> int | None:
        if not self._city_read:
            self._city_id = self.session.scalar(select(OrgUnit.id).where(OrgUnit.tier == OrgTier.CITY)
                                                .order_by(OrgUnit.id).limit(1))
            self._city_read = True
        return self._city_id

    def escalate(self, deadline: IncidentDeadline, breach_id: int | None, level: EscalationLevel) -> None:
        org_unit_id = {EscalationLevel.STATION: deadline.station_id,
                       EscalationLevel.DISTRICT: deadline.district_id}.get(level) or (
            self.city_id() if level == EscalationLevel.CITY else deadline.district_id)
        deadline.escalation_level = int(level)
        after_s = self.after_s.get(level)
        deadline.next_escalation_at = self.now + timedelta(seconds=after_s) if after_s is not None else None
        data = escalation_data(deadline, breach_id, level, org_unit_id, self.now)
        self.session.add(IncidentEvent(incident_id=deadline.incident_id, at=self.now, actor=SWEEPER,
                                       kind="escalated", data=data))
        live.publish(self.session, "escalation", f"deadline-{deadline.id}-{int(level)}",
                     {"incident_id": deadline.incident_id, **data})


def escalation_data(deadline: IncidentDeadline, breach_id: int | None, level: EscalationLevel,
                    org_unit_id: int | None, now: datetime) -> dict[str, Any]:
    """Return what an escalation says, on the incident's history and on the live stream (bilingual)."""
    late_s = max(0, int((now - deadline.deadline_at).total_seconds()))
    stage_zh, stage_en = STAGE_NAMES[deadline.stage]
    level_zh, level_en = LEVEL_NAMES[level]
    return {
        "source": "deadline", "breach_id": breach_id, "deadline_id": deadline.id, "stage": deadline.stage.value,
        "level": level.name.lower(), "level_number": int(level),
        "org_unit_id": org_unit_id, "station_id": deadline.station_id, "district_id": deadline.district_id,
        "deadline_at": deadline.deadline_at.isoformat(), "late_s": late_s,
        "zh": text("supervision.escalated", "zh-CN", stage=stage_zh, level=level_zh, minutes=late_s // 60),
        "en": text("supervision.escalated", "en", stage=stage_en, level=level_en, minutes=late_s // 60),
    }


def sweep_job(session_factory: sessionmaker[Session], settings: Settings) -> BackgroundLoop:
    """Return the background job that sweeps every ``deadline_sweep_interval_s`` (first at once, after a restart).

    A backlog larger than one batch is worked off in several transactions in the same step.
    """
    every_s = settings.deadline_sweep_interval_s
    district_after_s, city_after_s = settings.escalate_district_after_s, settings.escalate_city_after_s

    def step() -> None:
        while True:
            with session_factory() as session:
                result = sweep(session, district_after_s=district_after_s, city_after_s=city_after_s)
                session.commit()
            if result.breached or result.escalated:
                logger.info("deadline sweep: %d breaches recorded, %d escalations", result.breached,
                            result.escalated)
            if result.breached < BATCH and result.escalated - result.breached < BATCH:
                return

    return BackgroundLoop("deadline-sweep", step, every_s=every_s, first_at_once=True)
