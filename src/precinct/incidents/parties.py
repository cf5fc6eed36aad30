"""The personal data of an incident (its callers, victims and witnesses): who may read it, and the audited read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.incidents.models import Assignment, Incident, IncidentParty, ReadPurpose
from precinct.incidents.service import get, visible_to

MIN_REASON_LENGTH = 4


def list_parties(session: Session, incident_id: int, *, actor: Actor, purpose: ReadPurpose,
                 reason: str) -> list[IncidentParty]:
    """Read an incident's callers, victims and witnesses for a stated purpose (audited).

    The reader's role is checked by the route (``Permission.PERSONAL_DATA``). Here: a patrol
    officer reads only incidents their unit was sent to; anyone else only incidents in their scope
    (their organisation unit's subtree). Another incident answers as if it did not exist.

    Raises
    ------
    ValidationError
        Without a reason of at least :data:`MIN_REASON_LENGTH` characters.
    NotFoundError
        If the incident does not exist or is not the reader's to read.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(f"reason: say in a few words why you read this personal data (at least "
                              f"{MIN_REASON_LENGTH} characters); it is written to the audit log with the purpose")
    incident = get(session, incident_id)
    if not may_read_personal_data(session, incident, actor):
        raise NotFoundError(f"incident {incident_id} does not exist")
    parties = list(session.scalars(
        select(IncidentParty).where(IncidentParty.incident_id == incident_id).order_by(IncidentParty.id)
    ))
    audit_service.record(
        session, actor=actor, action="personal_data.read", resource_type="incident",
        resource_id=incident_id, purpose=purpose.value, detail={"party_ids": [p.id for p in parties],
                                                                 "reason": reason},
    )
    return parties


def may_read_personal_data(session: Session, incident: Incident, actor: Actor) -> bool:
    """Tell whether ``actor`` may read ``incident``'s parties.

    A patrol officer may when their unit was sent to it; anyone else when it lies in their scope.
    """
    if actor.role == Role.PATROL_OFFICER:
        return actor.unit_id is not None and session.scalar(select(Assignment.id).where(
            Assignment.incident_id == incident.id, Assignment.unit_id == actor.unit_id).limit(1)) is not None
    return visible_to(session, incident, actor)
