"""Dispatch routes: intake, recommendations, duplicates, plans, duty levels, hand-offs, officer."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.dispatch import assignments, plans, service
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
)
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import AssignmentRead, IncidentCreate, IncidentRead
from precinct.roads.graph import RoadGraphDep
from precinct.units.schemas import UnitRead, UnitStatusUpdate

logger = logging.getLogger(__name__)
router = APIRouter(tags=["dispatch"])


@router.post("/intake", response_model=IntakeRead, status_code=status.HTTP_201_CREATED)
async def intake(body: IncidentCreate, request: Request, actor: Annotated[Actor, require(Permission.INTAKE)],
                 k: Annotated[int, Query(ge=1, le=20)] = 5):
    """Take a call in one round trip: store it, then return duplicates, ranked units and the plan.

    The process's intake writer stores the call (calls arriving together share one transaction),
    then its answer thread answers it with :func:`intake_answers`; this coroutine only waits.
    """
    answer = await request.app.state.intake_writer.take(body, actor=actor, context=k)
    return Response(answer, status_code=status.HTTP_201_CREATED, media_type="application/json")


@router.get("/incidents/duplicates", response_model=list[DuplicateRead])
def duplicates(session: SessionDep, settings: SettingsDep, _: Annotated[Actor, require(Permission.INTAKE_DESK)],
               lon: Annotated[float, Query(ge=-180, le=180)], lat: Annotated[float, Query(ge=-90, le=90)], type_code: str):
    found = service.find_duplicates(session, lon=lon, lat=lat, type_code=type_code, radius_m=settings.duplicate_radius_m,
                                    window_min=settings.duplicate_window_min)
    return [DuplicateRead(incident=IncidentRead.model_validate(d.incident), distance_m=d.distance_m,
                          minutes_ago=d.minutes_ago) for d in found]


@router.get("/incidents/{incident_id}/recommendations", response_model=RecommendationRead)
def recommendations(incident_id: int, session: SessionDep, settings: SettingsDep, graph: RoadGraphDep,
                    _: Annotated[Actor, require(Permission.INTAKE_DESK)], k: Annotated[int, Query(ge=1, le=20)] = 5):
    return service.recommend(session, incident_id, graph=graph, policy=service.policy_for(settings, k))


@router.post("/incidents/{incident_id}/duplicate-of", response_model=IncidentRead)
def duplicate_of(incident_id: int, body: DuplicateOf, session: SessionDep, actor: Annotated[Actor, require(Permission.INTAKE_DESK)]):
    incident = service.attach_duplicate(session, incident_id, body.original_id, actor=actor)
    session.commit()
    return incident


@router.post("/incidents/{incident_id}/handoffs", response_model=HandoffRead, status_code=status.HTTP_201_CREATED)
def hand_off(incident_id: int, body: HandoffWrite, session: SessionDep, actor: Annotated[Actor, require(Permission.INTAKE_DESK)]):
    handoff = service.hand_off(session, incident_id, agency=body.agency, mode=body.mode, reason=body.reason, actor=actor)
    session.commit()
    return handoff


@router.get("/incidents/{incident_id}/handoffs", response_model=list[HandoffRead])
def list_handoffs(incident_id: int, session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)]):
    return service.list_handoffs(session, incident_id)


@router.get("/response-plans", response_model=PlanRead)
def get_plan(session: SessionDep, _: Annotated[Actor, require(Permission.ANY)], type_code: str, district_id: int | None = None):
    return plans.get_plan(session, type_code, district_id)


@router.get("/response-plans/history", response_model=list[PlanRead])
def plan_history(session: SessionDep, _: Annotated[Actor, require(Permission.ANY)], type_code: str):
    return plans.plan_history(session, type_code)


@router.post("/response-plans", response_model=PlanRead, status_code=status.HTTP_201_CREATED)
def save_plan(body: PlanWrite, session: SessionDep, actor: Annotated[Actor, require(Permission.COMMAND)]):
    plan = plans.save_plan(session, type_code=body.type_code, district_id=body.district_id,
                           unit_types=[{"unit_type": u.unit_type.value, "count": u.count} for u in body.unit_types],
                           checklist=body.checklist, notify=[a.value for a in body.notify], actor=actor)
    session.commit()
    return plan


@router.get("/duty-levels", response_model=list[DutyLevelRead])
def duty_levels(session: SessionDep, _: Annotated[Actor, require(Permission.ANY)]):
    return plans.current_levels(session)


@router.post("/duty-levels", response_model=DutyLevelRead, status_code=status.HTTP_201_CREATED)
def set_duty_level(body: DutyLevelWrite, session: SessionDep, actor: Annotated[Actor, require(Permission.COMMAND)]):
    plans.set_level(session, district_id=body.district_id, level=body.level, reason=body.reason, actor=actor)
    session.commit()
    return next(v for v in plans.current_levels(session) if v.district_id == body.district_id)


@router.get("/officer/assignment", response_model=OfficerAssignmentRead,
            responses={204: {"description": "no current assignment"}})
def officer_assignment(session: SessionDep, actor: Annotated[Actor, require(Permission.OFFICER)]):
    unit = assignments.officer_unit(session, actor)
    assignment = assignments.current_assignment(session, unit.id)
    if assignment is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return OfficerAssignmentRead(assignment=AssignmentRead.model_validate(assignment),
                                 incident=IncidentRead.model_validate(incident_service.get(session, assignment.incident_id)),
                                 unit=UnitRead.model_validate(unit))


@router.post("/officer/assignment/ack", response_model=AssignmentRead)
def acknowledge(session: SessionDep, actor: Annotated[Actor, require(Permission.OFFICER)]):
    assignment = assignments.acknowledge(session, actor)
    session.commit()
    return assignment


@router.post("/units/{unit_id}/status", response_model=UnitRead)
def set_unit_status(
    unit_id: int, body: UnitStatusUpdate, session: SessionDep, actor: Annotated[Actor, require(Permission.FIELD_STATUS)]
):
    unit = assignments.set_unit_status(session, unit_id, body.status, actor=actor)
    session.commit()
    return unit
