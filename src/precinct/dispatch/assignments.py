"""Working an assignment.

Units' status reports (which stamp their assignment and move its incident forward), the officer's
own assignment and acknowledgement, and the escalation of assignments nobody acknowledged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.messages import field_error, said
from precinct.incidents.models import Assignment, Disposition, Incident, IncidentEvent, IncidentStatus
from precinct.incidents.status import OPEN_STATUSES, PROGRESS_RANK
from precinct.live import hooks as live
from precinct.units import service as unit_service
from precinct.units.models import Unit, UnitStatus
from precinct.units.status import BUSY_STATUSES
from precinct.users.models import User

_INCIDENT_STATUS_FOR_UNIT = {UnitStatus.EN_ROUTE: IncidentStatus.EN_ROUTE, UnitStatus.ON_SCENE: IncidentStatus.ON_SCENE}


@conflicts_as_domain_errors
def set_unit_status(session: Session, unit_id: int, target: UnitStatus, *, actor: Actor,
                    disposition: Disposition | None = None, note: str = "") -> Unit:
    """Change a unit's status as reported by the unit or a dispatcher.

    ``en_route`` and ``on_scene`` need an active assignment; they stamp it and move its incident
    forward. ``available`` from a busy status clears the assignment. ``dispatched`` is reached only
    by assigning the unit to an incident. A patrol officer reports for their own unit only.

    A report with a ``disposition`` (and the feedback ``note`` closing needs) clears and closes: it
    closes the unit's incident, which frees its units; with no incident to close it is refused.
    Without one, the last unit of an open incident never leaves it open without a unit: on scene
    the report is refused (ConflictError naming what to do); before arriving (dispatched, en route:
    stood down, diverted) the incident goes back to ``received``, in the queue to be sent again.

    The report locks the row of the unit's incident, then the unit's (the order assignments take
    them), and works on what it read under the locks: units of one incident reporting at once all
    land, and two reports of one unit apply one after the other.
    """
    if target == UnitStatus.DISPATCHED:
        raise ValidationError("a unit becomes dispatched by being assigned to an incident")
    unit_service.check_own_unit(actor, [unit_id])
    unit_service.check_in_scope(session, actor, [unit_id])
    unit = _lock_unit_and_its_incident(session, unit_id)
    now = utcnow()
    assignment = current_assignment(session, unit.id) if unit.status in BUSY_STATUSES else None
    if disposition is not None and (target != UnitStatus.AVAILABLE or assignment is None):
        raise field_error("disposition", "clear.no_incident", unit=unit.call_sign)
    back_to_queue = None
    if target == UnitStatus.AVAILABLE and assignment is not None:
        if disposition is not None:
            incident_lifecycle.transition(session, assignment.incident_id, IncidentStatus.CLOSED, actor=actor,
                                          disposition=disposition, note=note)
            flush_or_conflict(session, f"unit {unit.call_sign}")
            audit_service.record(session, actor=actor, action="unit.status", resource_type="unit",
                                 resource_id=unit.id, detail={"status": target.value,
                                                              "incident_id": assignment.incident_id})
            return unit
        back_to_queue = _left_without_a_unit(session, assignment)
        if back_to_queue is not None and back_to_queue.status == IncidentStatus.ON_SCENE:
            raise ConflictError(said("clear.last_on_scene", unit=unit.call_sign, id=assignment.incident_id))
    unit_service.apply_status(session, unit, target, actor=actor, at=now,
                              incident_id=assignment.incident_id if assignment else None)
    if back_to_queue is not None:
        _back_to_queue(session, back_to_queue, unit, actor=actor, at=now)
    if assignment is not None:
        if target == UnitStatus.EN_ROUTE:
            assignment.en_route_at = now
        elif target == UnitStatus.ON_SCENE:
            assignment.on_scene_at = now
        elif target == UnitStatus.AVAILABLE:
            assignment.cleared_at = now
        if target in _INCIDENT_STATUS_FOR_UNIT:
            _advance_incident(session, assignment.incident_id, _INCIDENT_STATUS_FOR_UNIT[target], actor=actor, at=now,
                              unit=unit)
    flush_or_conflict(session, f"unit {unit.call_sign}")
    audit_service.record(
        session, actor=actor, action="unit.status", resource_type="unit", resource_id=unit.id,
        detail={"status": target.value, "incident_id": assignment.incident_id if assignment else None},
    )
    return unit


def _left_without_a_unit(session: Session, assignment: Assignment) -> Incident | None:
    """Return the incident of ``assignment`` if it is open and no other unit is still on it, else None."""
    incident = session.get(Incident, assignment.incident_id)
    if incident is None or incident.status not in OPEN_STATUSES:
        return None
    other = session.scalar(select(Assignment.id).where(
        Assignment.incident_id == incident.id, Assignment.cleared_at.is_(None), Assignment.id != assignment.id)
        .limit(1))
    return incident if other is None else None


def _back_to_queue(session: Session, incident: Incident, unit: Unit, *, actor: Actor, at: datetime) -> None:
    """Put an incident whose last unit cleared before arriving back in the queue (``received``)."""
    session.add(IncidentEvent(
        incident_id=incident.id, at=at, actor=actor.username, kind="status", from_status=incident.status.value,
        to_status=IncidentStatus.RECEIVED.value,
        data={"unit_id": unit.id, "call_sign": unit.call_sign, "reason": "last_unit_cleared"}))
    incident.status = IncidentStatus.RECEIVED
    incident.updated_at = at


def _lock_unit_and_its_incident(session: Session, unit_id: int) -> Unit:
    """Lock the incident the unit is assigned to (if any), then the unit; return the unit, freshly read."""
    before = current_assignment(session, unit_id)
    locked = incident_service.get_for_update(session, before.incident_id).id if before is not None else None
    unit = unit_service.get(session, unit_id, for_update=True)
    now_assigned = current_assignment(session, unit_id)
    if now_assigned is not None and now_assigned.incident_id != locked:  # sent elsewhere while waiting
        incident_service.get_for_update(session, now_assigned.incident_id)
    return unit


def _advance_incident(
    session: Session, incident_id: int, target: IncidentStatus, *, actor: Actor, at: datetime, unit: Unit
) -> None:
    incident = session.get(Incident, incident_id)
    if incident is None or incident.status not in OPEN_STATUSES:
        return
    if PROGRESS_RANK.get(incident.status, 99) >= PROGRESS_RANK[target]:
        return
    session.add(
        IncidentEvent(
            incident_id=incident.id, at=at, actor=actor.username, kind="status",
            from_status=incident.status.value, to_status=target.value,
            data={"unit_id": unit.id, "call_sign": unit.call_sign},
        )
    )
    incident.status = target
    incident.updated_at = at


def officer_unit(session: Session, actor: Actor) -> Unit:
    """Return the unit the officer's account is linked to; NotFoundError if there is none."""
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None or user.unit_id is None:
        raise NotFoundError("your account is not linked to a unit; ask a supervisor to link it")
    unit = session.get(Unit, user.unit_id)
    if unit is None:
        raise NotFoundError(f"unit {user.unit_id} does not exist")
    return unit


def current_assignment(session: Session, unit_id: int) -> Assignment | None:
    """Return the unit's assignment that is not cleared yet (the latest, should there be two)."""
    return session.scalar(select(Assignment).where(Assignment.unit_id == unit_id, Assignment.cleared_at.is_(None))
                          .order_by(Assignment.id.desc()))


def acknowledge(session: Session, actor: Actor) -> Assignment:
    """Confirm the officer's current assignment (idempotent); NotFoundError if there is none."""
    unit = officer_unit(session, actor)
    assignment = current_assignment(session, unit.id)
    if assignment is None:
        raise NotFoundError("there is no assignment to acknowledge")
    acknowledge_assignment(session, assignment, unit, actor=actor)
    return assignment


def acknowledge_assignment(session: Session, assignment: Assignment, unit: Unit, *, actor: Actor) -> None:
    """Stamp ``assignment`` acknowledged by ``unit`` (once), with an incident event and an audit entry."""
    if assignment.acknowledged_at is not None:
        return
    assignment.acknowledged_at = utcnow()
    session.add(IncidentEvent(incident_id=assignment.incident_id, at=assignment.acknowledged_at, actor=actor.username,
                              kind="acknowledged", data={"unit_id": unit.id, "call_sign": unit.call_sign}))
    audit_service.record(session, actor=actor, action="assignment.acknowledge", resource_type="assignment",
                         resource_id=assignment.id)


def escalate_unacknowledged(
    session: Session, *, timeout_s: float, actor: Actor, now: datetime | None = None,
) -> list[Assignment]:
    """Flag assignments not acknowledged within ``timeout_s``; each is escalated once."""
    now = now or utcnow()
    overdue = list(session.scalars(select(Assignment).where(
        Assignment.cleared_at.is_(None), Assignment.acknowledged_at.is_(None), Assignment.escalated_at.is_(None),
        Assignment.dispatched_at <= now - timedelta(seconds=timeout_s))))
    for assignment in overdue:
        assignment.escalated_at = now
        session.add(IncidentEvent(incident_id=assignment.incident_id, at=now, actor=actor.username, kind="escalated",
                                  data={"unit_id": assignment.unit_id,
                                        "reason": f"not acknowledged within {int(timeout_s)} s",
                                        "zh": f"派警{int(timeout_s)}秒未确认",
                                        "en": f"assignment not acknowledged within {int(timeout_s)} s"}))
        placed = session.execute(select(Incident.station_id, Incident.district_id)
                                 .where(Incident.id == assignment.incident_id)).one()
        unit_station = session.scalar(select(Unit.home_station_id).where(Unit.id == assignment.unit_id))
        live.publish(session, "escalation", assignment.id, {
            "source": "acknowledgement", "assignment_id": assignment.id, "incident_id": assignment.incident_id,
            "unit_id": assignment.unit_id, "station_id": placed.station_id, "district_id": placed.district_id,
            "unit_station_id": unit_station,
            "zh": f"派警{int(timeout_s)}秒未确认", "en": f"assignment not acknowledged within {int(timeout_s)} s"})
        audit_service.record(session, actor=actor, action="assignment.escalate", resource_type="assignment",
                             resource_id=assignment.id)
    return overdue
