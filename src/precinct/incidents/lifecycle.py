"""An incident's life cycle: status changes, reopening, and sending units to it.

Every step writes the incident's event log and the audit log. Which incidents an account may
touch is the scope rule of :func:`precinct.incidents.service.visible_to`; a patrol officer moves
only the incidents their unit is assigned to now (:func:`check_own_incident`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from precinct.core.i18n import texts
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.incidents.models import Assignment, Disposition, Incident, IncidentEvent, IncidentStatus
from precinct.incidents.service import get_for_update, get_visible
from precinct.incidents.status import FINAL_STATUSES, check_feedback, check_reopen, check_transition
from precinct.org import service as org_service
from precinct.units import service as unit_service
from precinct.units.models import Unit, UnitStatus
from precinct.units.status import BUSY_STATUSES


def check_own_incident(session: Session, incident: Incident, actor: Actor) -> None:
    """Check that a patrol officer acts only on incidents their unit is assigned to now.

    Raises
    ------
    PermissionDeniedError
        If ``actor`` is a patrol officer whose unit has no open assignment on ``incident``.
    """
    if actor.role != Role.PATROL_OFFICER:
        return
    assigned = actor.unit_id is not None and session.scalar(select(Assignment.id).where(
        Assignment.incident_id == incident.id, Assignment.unit_id == actor.unit_id,
        Assignment.cleared_at.is_(None)).limit(1)) is not None
    if not assigned:
        raise PermissionDeniedError(texts.said("incident.not_your_unit", id=incident.id))


@conflicts_as_domain_errors
def transition(
    session: Session,
    incident_id: int,
    target: IncidentStatus,
    *,
    actor: Actor,
    disposition: Disposition | None = None,
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> Incident:
    """Move an incident along its status machine; closing or transferring frees its units.

    A patrol officer moves only their own unit's incidents (:func:`check_own_incident`). Closing
    needs a disposition and, in ``note``, a short feedback text (反馈). ``detail`` adds facts to the
    status event (the agency of a hand-off, the original of a duplicate) for the console to word.
    """
    incident = get_visible(session, incident_id, actor)
    check_own_incident(session, incident, actor)
    if target == IncidentStatus.DISPATCHED:
        raise ValidationError("an incident becomes dispatched by assigning a unit: POST /incidents/{id}/assignments")
    check_transition(incident.status, target, disposition)
    check_feedback(target, note)
    now = utcnow()
    previous = incident.status
    incident.status = target
    incident.updated_at = now
    if target in FINAL_STATUSES:
        incident.disposition = disposition
        incident.closed_at = now
        _release_units(session, incident, actor=actor, at=now)
    _event(session, incident, actor, "status", previous, target, at=now,
           data={"disposition": disposition.value if disposition else None, "note": note or None, **(detail or {})})
    flush_or_conflict(session, f"incident {incident.id}")
    audit_service.record(
        session, actor=actor, action="incident.transition", resource_type="incident", resource_id=incident.id,
        detail={"from": previous.value, "to": target.value, "disposition": disposition.value if disposition else None},
    )
    return incident


MIN_REOPEN_REASON_LENGTH = 2


@conflicts_as_domain_errors
def reopen(session: Session, incident_id: int, *, reason: str, actor: Actor) -> Incident:
    """Take a closed incident back to ``received`` (a supervisor's decision, with a reason); audited.

    The disposition and closing time are cleared (the ``reopened`` event keeps the old
    disposition and the reason); the incident waits for a unit again. Who may reopen, and which
    incidents (scope), is checked by the caller.

    Raises
    ------
    ValidationError
        Without a reason.
    ConflictError
        If the incident is not closed.
    """
    reason = reason.strip()
    if len(reason) < MIN_REOPEN_REASON_LENGTH:
        raise texts.field_error("reason", "incident.reopen_reason")
    incident = get_for_update(session, incident_id)
    check_reopen(incident.status)
    now = utcnow()
    previous, disposition = incident.status, incident.disposition
    incident.status = IncidentStatus.RECEIVED
    incident.disposition = None
    incident.closed_at = None
    incident.updated_at = now
    _event(session, incident, actor, "reopened", previous, IncidentStatus.RECEIVED, at=now,
           data={"reason": reason, "disposition": disposition.value if disposition else None})
    flush_or_conflict(session, f"incident {incident.id}")
    audit_service.record(session, actor=actor, action="incident.reopen", resource_type="incident",
                         resource_id=incident.id, detail={"reason": reason})
    return incident


@conflicts_as_domain_errors
def assign_unit(session: Session, incident_id: int, unit_id: int, *, actor: Actor) -> Assignment:
    """Send an available unit to an incident.

    Concurrent assignments take the incident's row lock, then the unit's (always in this order,
    as the units' status reports do), and check what they read under the locks. So several
    dispatchers sending different units to one incident at once all succeed (the first moves it
    from ``received`` to ``dispatched``), and of two sending the same unit exactly one wins: the
    other is told the unit is no longer available.

    A dispatcher sends the units of their scope, and as reinforcement across the boundary those of
    the stations bordering the incident's (:func:`may_send`).

    Raises
    ------
    NotFoundError
        If the incident or the unit does not exist or lies outside the actor's scope.
    ConflictError
        If the incident is closed or transferred, or the unit is not available.
    """
    incident = get_visible(session, incident_id, actor, for_update=True)
    if incident.status in FINAL_STATUSES:
        raise ConflictError(f"incident {incident.id} is {incident.status.value}; it takes no more units")
    unit = unit_service.get(session, unit_id, for_update=True)
    if not may_send(session, unit, incident, actor):
        raise NotFoundError(f"unit {unit_id} does not exist")
    if unit.status != UnitStatus.AVAILABLE:
        raise ConflictError(_not_available(session, unit, incident.id))
    now = utcnow()
    unit_service.apply_status(session, unit, UnitStatus.DISPATCHED, actor=actor, at=now, incident_id=incident.id)
    assignment = Assignment(incident_id=incident.id, unit_id=unit.id, dispatched_at=now, dispatched_by=actor.username)
    session.add(assignment)
    previous = incident.status
    if previous == IncidentStatus.RECEIVED:
        incident.status = IncidentStatus.DISPATCHED
    incident.updated_at = now
    _note_reinforcement(incident, unit)
    _event(session, incident, actor, "assigned", previous, incident.status, at=now,
           data={"unit_id": unit.id, "call_sign": unit.call_sign})
    flush_or_conflict(session, f"incident {incident.id} or unit {unit.call_sign}")
    audit_service.record(
        session, actor=actor, action="incident.assign", resource_type="incident", resource_id=incident.id,
        detail={"unit_id": unit.id},
    )
    return assignment


def _note_reinforcement(incident: Incident, unit: Unit) -> None:
    """Add the home station of ``unit`` to the incident's reinforcing stations, unless it is the incident's own.

    :func:`precinct.incidents.service.visible_to` lets such a station see the incident; the live
    stream and the station view find it by this list.
    """
    station = unit.home_station_id
    known = incident.reinforcing_station_ids or []
    if station is not None and station != incident.station_id and station not in known:
        incident.reinforcing_station_ids = sorted([*known, station])  # a new list: the JSON column sees the change


def may_send(session: Session, unit: Unit, incident: Incident, actor: Actor) -> bool:
    """Tell whether ``actor`` may send ``unit`` to ``incident``.

    A unit of the actor's scope, or one from a station bordering the incident's station: the
    reinforcement a neighbouring station lends. City-wide accounts send any unit.
    """
    scope = org_service.scope_for(session, actor)
    if scope.citywide or scope.holds(unit.home_station_id):
        return True
    return unit.home_station_id in org_service.neighbouring_stations(session, incident.station_id)


def _not_available(session: Session, unit: Unit, incident_id: int) -> str:
    """Say why ``unit`` cannot be sent to incident ``incident_id`` (its status, and where it is sent)."""
    sent_to = session.scalar(select(Assignment.incident_id).where(
        Assignment.unit_id == unit.id, Assignment.cleared_at.is_(None)).order_by(Assignment.id.desc()).limit(1))
    if sent_to == incident_id:
        return f"unit {unit.call_sign} is not available: it is already assigned to incident {incident_id}"
    where = f" (assigned to incident {sent_to})" if sent_to is not None else ""
    return f"unit {unit.call_sign} is not available: it is {unit.status.value}{where}; choose another unit"


def _release_units(session: Session, incident: Incident, *, actor: Actor, at: datetime) -> None:
    active = session.scalars(
        select(Assignment).where(Assignment.incident_id == incident.id, Assignment.cleared_at.is_(None))
    ).all()
    for assignment in active:
        assignment.cleared_at = at
        unit = session.get(Unit, assignment.unit_id)
        if unit is not None and unit.status in BUSY_STATUSES:
            unit_service.apply_status(session, unit, UnitStatus.AVAILABLE, actor=actor, at=at, incident_id=incident.id)


def _event(
    session: Session, incident: Incident, actor: Actor, kind: str, from_status: IncidentStatus | None,
    to_status: IncidentStatus | None, *, at: datetime, data: dict[str, Any] | None = None,
) -> None:
    session.add(
        IncidentEvent(
            incident_id=incident.id, at=at, actor=actor.username, kind=kind,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value if to_status else None,
            data=data,
        )
    )
