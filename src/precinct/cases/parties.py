"""A case's parties (victim, witness, suspect, reporting person): personal data, one case at a time.

Recorded and read by ``Permission.CASE_PARTIES`` only, on a case the reader works (a patrol
officer: their team's or their own; a supervisor: any in their scope); every read states a
purpose and a reason and is written to the audit log with the ids read, like an incident's
parties. There is no listing or search of parties across cases.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.cases import events
from precinct.cases.messages import field_error
from precinct.cases.models import CaseParty
from precinct.cases.schemas import PartyCreate
from precinct.cases.service import MIN_REASON_LENGTH, get_workable, touch
from precinct.core.db import utcnow
from precinct.core.security import Actor
from precinct.incidents.models import ReadPurpose


def add(session: Session, case_id: int, data: PartyCreate, *, actor: Actor, zone: ZoneInfo,
        now: datetime | None = None) -> CaseParty:
    """Record a party of a case the actor works (the write is audited, without the personal data)."""
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    party = CaseParty(case_id=case.id, role=data.role, name=data.name.strip(), id_number=data.id_number.strip(),
                      phone=data.phone.strip(), notes=data.notes.strip(), created_at=now, created_by=actor.username)
    session.add(party)
    touch(case, now)
    session.flush()
    events.record(session, case, "party_added", actor=actor, at=now, zone=zone,
                  data={"party_id": party.id, "role": data.role.value})
    return party


def list_(session: Session, case_id: int, *, actor: Actor, purpose: ReadPurpose, reason: str) -> list[CaseParty]:
    """Read a case's parties for a stated purpose and reason (audited: who, when, why, which ids).

    Raises
    ------
    ValidationError
        Without a reason of at least :data:`MIN_REASON_LENGTH` characters.
    NotFoundError
        The case does not exist or lies outside the reader's scope.
    PermissionDeniedError
        A patrol officer reading another team's case.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise field_error("reason", "case.reason_needed", n=MIN_REASON_LENGTH)
    case = get_workable(session, case_id, actor, for_update=False)
    parties = list(session.scalars(select(CaseParty).where(CaseParty.case_id == case.id).order_by(CaseParty.id)))
    audit_service.record(session, actor=actor, action="personal_data.read", resource_type="case", resource_id=case.id,
                         purpose=purpose.value, detail={"party_ids": [p.id for p in parties], "reason": reason})
    return parties
