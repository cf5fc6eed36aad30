r"""Hazards (隐患) found at premises: rectification, re-inspection, closing, and the overdue escalation.

    open --re-inspection passed--> verified --close--> closed
      ^  \\--re-inspection failed (new deadline)--/

A hazard is the premises' to rectify (the responsible party is the premises, never a person).
It closes only after a passed re-inspection; any other move answers 409 with the moves its status
allows. While a hazard is open past its deadline it is **overdue**: the breach is recorded once
(an ``overdue`` event, level 1: its station), then every ``escalate_after_s`` it climbs one level,
district branch (2) then city command centre (3), as overdue incidents do. A passed re-inspection
stops the climb. Scope as for premises: a hazard outside the caller's scope answers 404.

Closed premises take no inspection, so no re-inspection either (409), and their hazards neither
become overdue nor climb (premises with hazards not closed cannot be closed; the rule covers those
closed before it); closing a verified hazard stays possible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from precinct.audit import service as audit_service
from precinct.core.db import flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError
from precinct.core.jobs import BackgroundLoop
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.places.escalation import HazardAlerts
from precinct.places.inspection_models import Hazard, HazardEvent, HazardStatus, Inspection, InspectionResult
from precinct.places.messages import field_error, said
from precinct.places.models import Premises, PremisesStatus

logger = logging.getLogger("precinct.places")

STATION, DISTRICT, CITY = 1, 2, 3
LEVEL_NAMES = {0: ("未超期", "not overdue"), STATION: ("派出所", "station"), DISTRICT: ("分局", "district branch"),
               CITY: ("市局指挥中心", "city command centre")}
"""The escalation chain's levels, numbered as the incidents' (supervision's ``EscalationLevel``)."""
MOVES = {HazardStatus.OPEN: ("reinspect",), HazardStatus.VERIFIED: ("close",), HazardStatus.CLOSED: ()}
SWEEP_ACTOR = Actor(username="hazard-sweep", role=Role.SUPERVISOR, ip="local")
DEFAULT_ESCALATE_AFTER_S = 86400.0
DEFAULT_SWEEP_EVERY_S = 60.0


def _event(session: Session, hazard: Hazard, kind: str, *, actor: Actor, at: datetime,
           data: dict[str, Any] | None = None) -> None:
    session.add(HazardEvent(hazard_id=hazard.id, at=at, actor=actor.username, kind=kind, data=data))


def open_(session: Session, premises: Premises, inspection: Inspection, *, item_code: str, description: str,
          deadline: datetime, actor: Actor, now: datetime) -> Hazard:
    """Open a hazard on ``premises`` for the failed item of ``inspection``, to be rectified by ``deadline``."""
    if deadline <= now:
        raise field_error("deadline_days", "hazard.deadline_past")
    hazard = Hazard(premises_id=premises.id, inspection_id=inspection.id, item_code=item_code,
                    description=description[:2000], status=HazardStatus.OPEN, deadline=deadline,
                    station_id=premises.station_id, district_id=premises.district_id, opened_at=now,
                    opened_by=actor.username, escalation_level=0)
    session.add(hazard)
    session.flush()
    _event(session, hazard, "opened", actor=actor, at=now, data={"deadline": deadline.isoformat(),
                                                                 "inspection_id": inspection.id})
    return hazard


def get_visible(session: Session, hazard_id: int, actor: Actor, *, for_update: bool = False) -> Hazard:
    """Return a hazard in ``actor``'s scope; NotFoundError for any other."""
    hazard = session.get(Hazard, hazard_id, with_for_update=for_update or None, populate_existing=for_update)
    if hazard is None or not org_service.scope_of(session, actor.org_unit_id).holds(hazard.station_id,
                                                                                    hazard.district_id):
        raise NotFoundError(said("hazard.not_found", id=hazard_id))
    return hazard


def _allow(hazard: Hazard, move: str) -> None:
    if move in MOVES[hazard.status]:
        return
    allowed = ", ".join(MOVES[hazard.status])
    raise ConflictError(said("hazard.move_refused" if allowed else "hazard.move_refused_final",
                             status=hazard.status.value, move=move, allowed=allowed))


def reinspect(session: Session, hazard_id: int, *, passed: bool, actor: Actor, note: str = "",
              deadline_days: int | None = None, now: datetime | None = None) -> tuple[Hazard, Inspection]:
    """Record a re-inspection of a hazard's item: passed, it is verified; failed, it stays open (new deadline optional).

    Raises
    ------
    ConflictError
        If the hazard is not open (409 with the allowed moves), or its premises are closed.
    ValidationError
        For a new deadline that does not lie ahead.
    """
    now = now or utcnow()
    hazard = get_visible(session, hazard_id, actor, for_update=True)
    _allow(hazard, "reinspect")
    premises = session.get(Premises, hazard.premises_id)
    if premises is not None and premises.status == PremisesStatus.CLOSED:
        raise ConflictError(said("premises.closed_no_reinspection", id=premises.id))
    inspection = Inspection(premises_id=hazard.premises_id, hazard_id=hazard.id, inspected_at=now,
                            inspected_by=actor.username, station_id=hazard.station_id, district_id=hazard.district_id,
                            passed=passed, notes=note)
    session.add(inspection)
    session.flush()
    session.add(InspectionResult(inspection_id=inspection.id, item_code=hazard.item_code, passed=passed, note=note))
    data: dict[str, Any] = {"inspection_id": inspection.id, "passed": passed}
    if passed:
        hazard.status, hazard.verified_at = HazardStatus.VERIFIED, now
    elif deadline_days is not None:
        if deadline_days <= 0:
            raise field_error("deadline_days", "hazard.deadline_past")
        hazard.deadline = now + timedelta(days=deadline_days)
        hazard.overdue_at, hazard.escalation_level, hazard.escalated_at = None, 0, None
        data["deadline"] = hazard.deadline.isoformat()
    _event(session, hazard, "reinspected", actor=actor, at=now, data=data)
    audit_service.record(session, actor=actor, action="hazard.reinspect", resource_type="hazard",
                         resource_id=hazard.id, detail={"passed": passed})
    flush_or_conflict(session, f"hazard {hazard.id}")
    return hazard, inspection


def close(session: Session, hazard_id: int, *, actor: Actor, note: str = "", now: datetime | None = None) -> Hazard:
    """Close (销号) a hazard whose re-inspection passed; 409 with the allowed moves otherwise."""
    now = now or utcnow()
    hazard = get_visible(session, hazard_id, actor, for_update=True)
    _allow(hazard, "close")
    hazard.status, hazard.closed_at, hazard.closed_by = HazardStatus.CLOSED, now, actor.username
    _event(session, hazard, "closed", actor=actor, at=now, data={"note": note or None})
    audit_service.record(session, actor=actor, action="hazard.close", resource_type="hazard", resource_id=hazard.id)
    flush_or_conflict(session, f"hazard {hazard.id}")
    return hazard


def _readable(session: Session, actor: Actor) -> ColumnElement[bool] | None:
    scope = org_service.scope_of(session, actor.org_unit_id)
    if scope.units is None:
        return None
    return or_(Hazard.station_id.in_(scope.units), Hazard.district_id.in_(scope.units))


def _of_open_premises() -> ColumnElement[bool]:
    return Hazard.premises_id.in_(select(Premises.id).where(Premises.status == PremisesStatus.OPEN))


def list_(session: Session, *, actor: Actor, status: HazardStatus | None = None, premises_id: int | None = None,
          station_id: int | None = None, overdue: bool = False, now: datetime | None = None,
          limit: int = 500) -> list[Hazard]:
    """Return the hazards in ``actor``'s scope (of one status, premises or station if given).

    ``overdue``: open past their deadline, at open premises. Latest opened first; the overdue ones
    most late first; at most ``limit``, counted after every filter.
    """
    query = select(Hazard)
    condition = _readable(session, actor)
    if condition is not None:
        query = query.where(condition)
    for column, value in ((Hazard.status, status), (Hazard.premises_id, premises_id),
                          (Hazard.station_id, station_id)):
        if value is not None:
            query = query.where(column == value)
    if overdue:
        query = query.where(Hazard.status == HazardStatus.OPEN, Hazard.deadline < (now or utcnow()),
                            _of_open_premises())
        order: tuple[Any, ...] = (Hazard.deadline.asc(), Hazard.id.asc())
    else:
        order = (Hazard.opened_at.desc(), Hazard.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def events_of(session: Session, hazard_id: int, *, actor: Actor) -> list[HazardEvent]:
    """Return a hazard's history, oldest first (NotFoundError as :func:`get_visible`)."""
    get_visible(session, hazard_id, actor)
    return list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                                .order_by(HazardEvent.id)))


# ---- the overdue sweep --------------------------------------------------------------------------


@dataclass
class SweepResult:
    """The ids of the hazards one sweep found newly overdue, and of those it escalated."""

    breached: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def _next_level(hazard: Hazard) -> int:
    level = hazard.escalation_level + 1
    if level == STATION and hazard.station_id is None:
        level = DISTRICT
    if level == DISTRICT and hazard.district_id is None:
        level = CITY
    return min(level, CITY)


def sweep(session: Session, *, now: datetime | None = None, escalate_after_s: float = DEFAULT_ESCALATE_AFTER_S,
          actor: Actor = SWEEP_ACTOR) -> SweepResult:
    """Record the hazards newly past their deadline and climb those due for it one level; the caller commits.

    Only hazards of open premises are swept: those of closed premises stay where they stand.

    Each breach and each step up is a history event on the hazard and an ``escalation`` event on the
    live stream (:mod:`precinct.places.escalation`), sent when the caller commits.
    """
    if escalate_after_s <= 0:
        raise ValueError(f"escalate_after_s must be positive, got {escalate_after_s}")
    now = now or utcnow()
    result = SweepResult()
    alerts = HazardAlerts(session, now)
    late = session.scalars(select(Hazard).where(Hazard.status == HazardStatus.OPEN, Hazard.deadline < now,
                                                Hazard.overdue_at.is_(None), _of_open_premises())
                           .order_by(Hazard.deadline).with_for_update(skip_locked=True)).all()
    for hazard in late:
        hazard.overdue_at, hazard.escalated_at = now, now
        hazard.escalation_level = _next_level(hazard)
        _event(session, hazard, "overdue", actor=actor, at=now, data={
            "late_s": (now - hazard.deadline).total_seconds(), "level": hazard.escalation_level})
        alerts.publish(hazard, step="overdue")
        result.breached.append(hazard.id)
    due = session.scalars(select(Hazard).where(
        Hazard.status == HazardStatus.OPEN, Hazard.overdue_at.is_not(None), Hazard.escalation_level < CITY,
        Hazard.escalated_at <= now - timedelta(seconds=escalate_after_s), _of_open_premises(),
    ).order_by(Hazard.deadline).with_for_update(skip_locked=True)).all()
    for hazard in due:
        if hazard.id in result.breached:
            continue
        hazard.escalation_level, hazard.escalated_at = _next_level(hazard), now
        _event(session, hazard, "escalated", actor=actor, at=now, data={
            "late_s": (now - hazard.deadline).total_seconds(), "level": hazard.escalation_level})
        alerts.publish(hazard, step="escalated")
        result.escalated.append(hazard.id)
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
            logger.info("hazards: %d newly overdue, %d escalated", len(result.breached), len(result.escalated))

    return BackgroundLoop("hazard-sweep", step, every_s=every_s, first_at_once=True)
