"""Incident routes under /api/v1."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime

from precinct.api.deps import SessionDep, WriteSessionDep, require
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.incidents import lifecycle, service
from precinct.incidents import parties as incident_parties
from precinct.incidents.models import (
    Assignment,
    Incident,
    IncidentEvent,
    IncidentParty,
    IncidentSource,
    IncidentStatus,
    IncidentType,
    ReadPurpose,
)
from precinct.incidents.schemas import (
    AssignmentRead,
    AssignUnit,
    IncidentCreate,
    IncidentEventRead,
    IncidentPage,
    IncidentRead,
    IncidentTransition,
    IncidentTypeRead,
    PartyRead,
)
from precinct.org import service as org_service

router = APIRouter(tags=["incidents"])


@router.get("/incident-types", response_model=list[IncidentTypeRead])
def list_incident_types(session: SessionDep, _: Annotated[Actor, require(Permission.ANY)]) -> list[IncidentType]:
    """Return the incident-type code list."""
    return service.list_types(session)


@router.post("/incidents", response_model=IncidentRead, status_code=status.HTTP_201_CREATED)
def create_incident(
    body: IncidentCreate, session: SessionDep, actor: Annotated[Actor, require(Permission.INTAKE)],
) -> Incident:
    """Take a call: store the incident with its parties (jurisdiction resolved from its position)."""
    incident = service.create(session, body, actor=actor)
    session.commit()
    return incident


@router.get("/incidents", response_model=IncidentPage)
def list_incidents(
    session: SessionDep,
    actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    status_: Annotated[list[IncidentStatus] | None, Query(alias="status")] = None,
    source: Annotated[list[IncidentSource] | None, Query()] = None,
    type_code: str | None = None,
    priority: Annotated[int | None, Query(ge=1, le=4)] = None,
    district_id: int | None = None,
    station_id: int | None = None,
    beat_id: int | None = None,
    simulated: bool | None = None,
    received_from: AwareDatetime | None = None,
    received_to: AwareDatetime | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> IncidentPage:
    """Return one page of incidents matching the filters, latest received first."""
    filters = service.IncidentFilter(
        status=tuple(status_ or ()), source=tuple(source or ()), type_code=type_code, priority=priority,
        district_id=district_id, station_id=station_id, beat_id=beat_id, simulated=simulated,
        received_from=received_from, received_to=received_to,
    )
    items, total = service.list_(session, filters, page=page, page_size=page_size,
                                 scope=org_service.scope_for(session, actor))
    return IncidentPage(
        items=[IncidentRead.model_validate(i) for i in items], total=total, page=page, page_size=page_size
    )


@router.get("/incidents/{incident_id}", response_model=IncidentRead)
def get_incident(
    incident_id: int, session: SessionDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
) -> Incident:
    """Return an incident in the caller's scope."""
    return service.get_visible(session, incident_id, actor)


@router.post("/incidents/{incident_id}/transitions", response_model=IncidentRead)
def transition_incident(
    incident_id: int, body: IncidentTransition, session: SessionDep,
    actor: Annotated[Actor, require(Permission.FIELD_STATUS)],
) -> Incident:
    """Move an incident along its status machine (409 with the allowed moves for an illegal one)."""
    incident = lifecycle.transition(
        session, incident_id, body.status, actor=actor, disposition=body.disposition, note=body.note
    )
    session.commit()
    return incident


@router.post(
    "/incidents/{incident_id}/assignments", response_model=AssignmentRead, status_code=status.HTTP_201_CREATED
)
def assign_unit(
    incident_id: int, body: AssignUnit, session: SessionDep, actor: Annotated[Actor, require(Permission.DISPATCH)]
) -> Assignment:
    """Send an available unit to an incident."""
    assignment = lifecycle.assign_unit(session, incident_id, body.unit_id, actor=actor)
    session.commit()
    return assignment


@router.get("/incidents/{incident_id}/assignments", response_model=list[AssignmentRead])
def list_assignments(
    incident_id: int, session: SessionDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
) -> list[Assignment]:
    """Return the units assigned to an incident."""
    return service.assignments(session, incident_id, actor=actor)


@router.get("/incidents/{incident_id}/events", response_model=list[IncidentEventRead])
def list_events(
    incident_id: int, session: SessionDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
) -> list[IncidentEvent]:
    """Return an incident's event log."""
    return service.events(session, incident_id, actor=actor)


@router.get("/incidents/{incident_id}/parties", response_model=list[PartyRead])
def list_parties(
    incident_id: int,
    session: WriteSessionDep,
    actor: Annotated[Actor, require(Permission.PERSONAL_DATA)],
    purpose: Annotated[ReadPurpose, Query(description="why: incident_handling, follow_up, case_work or court")],
    reason: Annotated[str, Query(min_length=1, max_length=500, description="in a few words, for the audit log")],
) -> list[IncidentParty]:
    """Return the callers, victims and witnesses of an incident, for a stated purpose and reason (audited).

    A patrol officer reads only incidents their unit was sent to; anyone else only incidents in
    their scope; another incident answers 404.
    """
    parties = incident_parties.list_parties(session, incident_id, actor=actor, purpose=purpose, reason=reason)
    session.commit()
    return parties


__all__ = ["datetime", "router"]
