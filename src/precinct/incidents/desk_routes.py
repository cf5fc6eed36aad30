"""The dispatch desk's routes on incidents: running notes, corrections of a call's facts, current assignments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from precinct.api.deps import SessionDep, require
from precinct.api.inputs import Id
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.incidents import notes
from precinct.incidents.models import Assignment, Incident, IncidentNote
from precinct.incidents.schemas import (
    AssignmentRead,
    IncidentNoteCreate,
    IncidentNoteRead,
    IncidentRead,
    IncidentUpdate,
)

router = APIRouter(tags=["incidents"])


@router.get("/incidents/{incident_id}/notes", response_model=list[IncidentNoteRead])
def list_notes(incident_id: Id, session: SessionDep,
               actor: Annotated[Actor, require(Permission.READ_INCIDENTS)]) -> list[IncidentNote]:
    """Return the running notes of an incident in the caller's scope, oldest first."""
    return notes.list_notes(session, incident_id, actor=actor)


@router.post("/incidents/{incident_id}/notes", response_model=IncidentNoteRead, status_code=status.HTTP_201_CREATED)
def add_note(incident_id: Id, body: IncidentNoteCreate, session: SessionDep,
             actor: Annotated[Actor, require(Permission.INCIDENT_NOTES)]) -> IncidentNote:
    """Append a timestamped note to an incident (never edited or removed); a patrol officer: their unit's call."""
    note = notes.add_note(session, incident_id, body.text, actor=actor)
    session.commit()
    return note


@router.patch("/incidents/{incident_id}", response_model=IncidentRead)
def update_incident(incident_id: Id, body: IncidentUpdate, session: SessionDep,
                    actor: Annotated[Actor, require(Permission.EDIT_INCIDENTS)]) -> Incident:
    """Correct an open incident's type, priority, address or description; the change goes to its event log."""
    incident = notes.update(session, incident_id, body.model_dump(exclude_unset=True), actor=actor)
    session.commit()
    return incident


@router.get("/assignments/current", response_model=list[AssignmentRead])
def current_assignments(session: SessionDep,
                        actor: Annotated[Actor, require(Permission.READ_INCIDENTS)]) -> list[Assignment]:
    """Return the assignments not yet cleared (which unit works which incident) in the caller's scope."""
    return notes.current_assignments(session, actor=actor)
