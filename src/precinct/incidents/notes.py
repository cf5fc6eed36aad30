"""Running notes on a call and corrections of its facts, each in the incident's event log.

Notes are append-only: written with time, author and role, never changed or removed. A field
edit (type, priority, address, description) records what changed from what to what. Who may
touch which incident: an account sees the incidents of its scope (its organisation unit's
subtree; another incident answers 404), a patrol officer those their unit was sent to, and an
officer writes notes only on the call their unit works now (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import parties as incident_parties
from precinct.incidents import service as incident_service
from precinct.incidents.messages import field_error, said
from precinct.incidents.models import Assignment, Incident, IncidentEvent, IncidentNote
from precinct.incidents.status import FINAL_STATUSES
from precinct.live import hooks as live
from precinct.org import service as org_service
from precinct.units.models import Unit

EDITABLE = ("type_code", "priority", "address", "description")


def visible_incident(session: Session, incident_id: int, actor: Actor) -> Incident:
    """Return the incident if ``actor`` may see it (scope, or an officer's own unit's), else NotFoundError.

    Raises
    ------
    NotFoundError
        If there is no such incident or it is not the actor's to see (its existence does not leak).
    """
    incident = incident_service.get(session, incident_id)
    if incident_parties.may_read_personal_data(session, incident, actor):  # the same rule: own unit's, or in scope
        return incident
    raise NotFoundError(f"incident {incident_id} does not exist")


def list_notes(session: Session, incident_id: int, *, actor: Actor) -> list[IncidentNote]:
    """Return the running notes of an incident the actor may see, oldest first."""
    visible_incident(session, incident_id, actor)
    return list(session.scalars(select(IncidentNote).where(IncidentNote.incident_id == incident_id)
                                .order_by(IncidentNote.id)))


def add_note(session: Session, incident_id: int, text: str, *, actor: Actor) -> IncidentNote:
    """Append a note to an incident (open or closed), with an event and an audit entry.

    Raises
    ------
    ValidationError
        If ``text`` is blank (the message names ``text``).
    NotFoundError
        If the incident is not the actor's to see.
    PermissionDeniedError
        If a patrol officer's unit is no longer on the call.
    """
    text = text.strip()
    if not text:
        raise field_error("text", "note.blank")
    incident = visible_incident(session, incident_id, actor)
    incident_lifecycle.check_own_incident(session, incident, actor)
    note = IncidentNote(incident_id=incident.id, at=utcnow(), author=actor.username,
                        author_role=actor.role.value if actor.role else "", text=text)
    session.add(note)
    session.flush()
    session.add(IncidentEvent(incident_id=incident.id, at=note.at, actor=actor.username, kind="note_added",
                              data={"note_id": note.id}))
    audit_service.record(session, actor=actor, action="incident.note", resource_type="incident",
                         resource_id=incident.id, detail={"note_id": note.id})
    live.publish(session, "incident_note", note.id, {"incident_id": incident.id, "note_id": note.id})
    return note


@conflicts_as_domain_errors
def update(session: Session, incident_id: int, changes: dict[str, Any], *, actor: Actor) -> Incident:
    """Correct an open incident's type, priority, address or description; the change goes to the event log.

    ``changes`` holds only the fields to change. Values equal to the stored ones are no change.

    Raises
    ------
    ValidationError
        With nothing to change, or an unknown or retired ``type_code`` (the message names the field).
    NotFoundError
        If the incident is not the actor's to see.
    ConflictError
        If the incident is closed or transferred (reopen it first), or changed meanwhile.
    """
    given = {key: value for key, value in changes.items() if key in EDITABLE and value is not None}
    if not given:
        raise field_error("body", "edit.nothing")
    incident = visible_incident(session, incident_id, actor)
    if incident.status in FINAL_STATUSES:
        raise ConflictError(said("edit.final", id=incident.id, status=incident.status.value))
    if "type_code" in given:
        try:
            incident_service.get_type(session, given["type_code"])
        except ValidationError as exc:
            raise field_error("type_code", "edit.type_unknown", code=given["type_code"]) from exc
    diff = {key: {"from": getattr(incident, key), "to": value} for key, value in given.items()
            if getattr(incident, key) != value}
    if not diff:
        return incident
    now = utcnow()
    for key, change in diff.items():
        setattr(incident, key, change["to"])
    incident.updated_at = now
    session.add(IncidentEvent(incident_id=incident.id, at=now, actor=actor.username, kind="edited",
                              data={"changes": diff}))
    flush_or_conflict(session, f"incident {incident.id}")
    audit_service.record(session, actor=actor, action="incident.edit", resource_type="incident",
                         resource_id=incident.id, detail={"fields": sorted(diff)})
    return incident


def current_assignments(session: Session, *, actor: Actor) -> list[Assignment]:
    """Return the assignments not cleared yet whose incident or unit the actor's listings show, oldest first.

    What the unit board shows as each unit's current incident. The incident follows the incident
    listing's scope (:func:`precinct.incidents.service.scope_filter`: its place, or a unit of the
    scope sent to it across the border), the unit the unit listing's (its home station).
    """
    query = (select(Assignment).join(Incident, Incident.id == Assignment.incident_id)
             .join(Unit, Unit.id == Assignment.unit_id).where(Assignment.cleared_at.is_(None)))
    scope = org_service.scope_for(session, actor)
    incidents = incident_service.scope_filter(scope)
    units = org_service.where_in_scope(scope, Unit.home_station_id)
    if incidents is not None and units is not None:
        query = query.where(or_(incidents, units))
    return list(session.scalars(query.order_by(Assignment.id)))
