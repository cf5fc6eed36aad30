"""Dispatch routes: intake, recommendations, duplicates, plans, duty levels, hand-offs, officer."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.dispatch import assignments, plans, service
from precinct.dispatch.models import Handoff, ResponsePlan
from precinct.dispatch.schemas import (
    DuplicateOf,
    DuplicateRead,
    DutyLevelRead,
    DutyLevelWrite,
    HandoffRead,
    HandoffWrite,
    IntakeRead,
    OfficerAssignmentRead,
    PlanRead,
    PlanWrite,
    RecommendationRead,
    UnitStatusReport,
)
from precinct.incidents import service as incident_service
from precinct.incidents.models import Assignment, Incident
from precinct.incidents.schemas import AssignmentRead, IncidentCreate, IncidentRead
from precinct.roads.graph import RoadGraphDep
from precinct.units.models import Unit
from precinct.units.schemas import UnitRead

logger = logging.getLogger(__name__)
router = APIRouter(tags=["dispatch"])


@router.post("/intake", response_model=IntakeRead, status_code=status.HTTP_201_CREATED)
async def intake(body: IncidentCreate, request: Request, actor: Annotated[Actor, require(Permission.INTAKE)],
                 k: Annotated[int, Query(ge=1, le=20)] = 5) -> Response:
    """Take a call in one round trip: store it, then return duplicates, ranked units and the plan.

    The process's intake writer stores the call (calls arriving together share one transaction),
    then its answer thread answers it with :func:`intake_answers`; this coroutine only waits.
    """
    answer = await request.app.state.intake_writer.take(body, actor=actor, context=k)
    return Response(answer, status_code=status.HTTP_201_CREATED, media_type="application/json")


@router.get("/incidents/duplicates", response_model=list[DuplicateRead])
def duplicates(
    session: SessionDep, settings: SettingsDep, actor: Annotated[Actor, require(Permission.INTAKE_DESK)],
    lon: Annotated[float, Query(ge=-180, le=180)], lat: Annotated[float, Query(ge=-90, le=90)], type_code: str,
) -> list[DuplicateRead]:
    """Return the open incidents of the same category nearby and recent (in the caller's scope)."""
    found = service.find_duplicates(session, lon=lon, lat=lat, type_code=type_code,
                                    radius_m=settings.duplicate_radius_m, window_min=settings.duplicate_window_min,
                                    actor=actor)
    return [DuplicateRead(incident=IncidentRead.model_validate(d.incident), distance_m=d.distance_m,
                          minutes_ago=d.minutes_ago) for d in found]


@router.get("/incidents/{incident_id}/recommendations", response_model=RecommendationRead)
def recommendations(incident_id: int, session: SessionDep, settings: SettingsDep, graph: RoadGraphDep,
                    actor: Annotated[Actor, require(Permission.INTAKE_DESK)],
                    k: Annotated[int, Query(ge=1, le=20)] = 5) -> service.Recommendation:
    """Rank the units for an incident by road travel time, with reasons, move-ups and duty warnings.

    Only the units the caller may send are ranked: their scope's and the neighbouring stations'.
    """
    return service.recommend(session, incident_id, graph=graph, policy=service.policy_for(settings, k), actor=actor)


@router.post("/incidents/{incident_id}/duplicate-of", response_model=IncidentRead)
def duplicate_of(
    incident_id: int, body: DuplicateOf, session: SessionDep, actor: Annotated[Actor, require(Permission.INTAKE_DESK)],
) -> Incident:
    """Close a new call as a duplicate of an open incident, linking both histories."""
    incident = service.attach_duplicate(session, incident_id, body.original_id, actor=actor)
    session.commit()
    return incident


@router.post("/incidents/{incident_id}/handoffs", response_model=HandoffRead, status_code=status.HTTP_201_CREATED)
def hand_off(
    incident_id: int, body: HandoffWrite, session: SessionDep, actor: Annotated[Actor, require(Permission.INTAKE_DESK)],
) -> Handoff:
    """Transfer an incident to, or handle it jointly with, fire, ambulance or the 12345 hotline."""
    handoff = service.hand_off(session, incident_id, agency=body.agency, mode=body.mode, reason=body.reason,
                               actor=actor)
    session.commit()
    return handoff


@router.get("/incidents/{incident_id}/handoffs", response_model=list[HandoffRead])
def list_handoffs(
    incident_id: int, session: SessionDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
) -> list[Handoff]:
    """Return an incident's hand-offs to other agencies."""
    return service.list_handoffs(session, incident_id, actor=actor)


@router.get("/response-plans", response_model=PlanRead)
def get_plan(
    session: SessionDep, _: Annotated[Actor, require(Permission.ANY)], type_code: str, district_id: int | None = None,
) -> plans.PlanView:
    """Return the active response plan for a type: the district's own, else the citywide one, else built-in."""
    return plans.get_plan(session, type_code, district_id)


@router.get("/response-plans/history", response_model=list[PlanRead])
def plan_history(
    session: SessionDep, _: Annotated[Actor, require(Permission.ANY)], type_code: str,
) -> list[ResponsePlan]:
    """Return every version of the response plans for a type."""
    return plans.plan_history(session, type_code)


@router.post("/response-plans", response_model=PlanRead, status_code=status.HTTP_201_CREATED)
def save_plan(
    body: PlanWrite, session: SessionDep, actor: Annotated[Actor, require(Permission.COMMAND)],
) -> ResponsePlan:
    """Save a new version of a type's response plan (citywide, or for one district)."""
    plan = plans.save_plan(session, type_code=body.type_code, district_id=body.district_id,
                           unit_types=[{"unit_type": u.unit_type.value, "count": u.count} for u in body.unit_types],
                           checklist=body.checklist, notify=[a.value for a in body.notify], actor=actor)
    session.commit()
    return plan


@router.get("/duty-levels", response_model=list[DutyLevelRead])
def duty_levels(session: SessionDep, _: Annotated[Actor, require(Permission.ANY)]) -> list[plans.DutyLevelView]:
    """Return every district's current duty level (IV unless raised) with its minimum available units."""
    return plans.current_levels(session)


@router.post("/duty-levels", response_model=DutyLevelRead, status_code=status.HTTP_201_CREATED)
def set_duty_level(
    body: DutyLevelWrite, session: SessionDep, actor: Annotated[Actor, require(Permission.COMMAND)],
) -> plans.DutyLevelView:
    """Set a district's duty level, with the reason."""
    plans.set_level(session, district_id=body.district_id, level=body.level, reason=body.reason, actor=actor)
    session.commit()
    return next(v for v in plans.current_levels(session) if v.district_id == body.district_id)


NOT_LINKED: dict[int | str, dict[str, Any]] = {
    404: {"description": "账户未关联警组 / the account is not linked to a unit"}}


@router.get("/officer/assignment", response_model=OfficerAssignmentRead,
            responses={204: {"description": "no current assignment"}, **NOT_LINKED})
def officer_assignment(
    session: SessionDep, actor: Annotated[Actor, require(Permission.OFFICER)],
) -> OfficerAssignmentRead | Response:
    """Return the officer's current assignment with its incident and unit (204 without one)."""
    unit = assignments.officer_unit(session, actor)
    assignment = assignments.current_assignment(session, unit.id)
    if assignment is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    incident = incident_service.get(session, assignment.incident_id)
    return OfficerAssignmentRead(assignment=AssignmentRead.model_validate(assignment),
                                 incident=IncidentRead.model_validate(incident), unit=UnitRead.model_validate(unit))


@router.post("/officer/assignment/ack", response_model=AssignmentRead, responses=NOT_LINKED)
def acknowledge(session: SessionDep, actor: Annotated[Actor, require(Permission.OFFICER)]) -> Assignment:
    """Confirm the officer's current assignment (idempotent)."""
    assignment = assignments.acknowledge(session, actor)
    session.commit()
    return assignment


@router.post("/units/{unit_id}/status", response_model=UnitRead)
def set_unit_status(
    unit_id: int, body: UnitStatusReport, session: SessionDep, actor: Annotated[Actor, require(Permission.FIELD_STATUS)]
) -> Unit:
    """Report a unit's status; it stamps the unit's assignment and moves its incident forward.

    The last unit on scene clears only with a disposition and feedback note, which close the incident
    (409 naming what to do without them).
    """
    unit = assignments.set_unit_status(session, unit_id, body.status, actor=actor, disposition=body.disposition,
                                       note=body.note)
    session.commit()
    return unit
