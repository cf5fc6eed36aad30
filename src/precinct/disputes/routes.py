"""Dispute routes under /api/v1/disputes and repeat-place operation routes under /api/v1/operations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from precinct.api.deps import SessionDep, SettingsDep, WriteSessionDep, require
from precinct.api.inputs import Id
from precinct.core.db import utcnow
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.disputes import operations, service
from precinct.disputes.models import (
    DisputeKind,
    DisputeParty,
    DisputeStatus,
    OperationStatus,
    RepeatPlaceOperation,
)
from precinct.disputes.schemas import (
    AgreementCreate,
    DisputeCreate,
    DisputePurpose,
    DisputeRead,
    EventRead,
    FailureCreate,
    FollowUpCreate,
    OperationClose,
    OperationCreate,
    OperationLinkCreate,
    OperationLinkRead,
    OperationRead,
    PartyRead,
    PlaceEffectRead,
    RepeatPlaceWithOperation,
    SessionCreate,
    SessionRead,
)

router = APIRouter(tags=["disputes"])
Reader = Annotated[Actor, require(Permission.READ_INCIDENTS)]
Mediator = Annotated[Actor, require(Permission.MEDIATE)]
Commander = Annotated[Actor, require(Permission.COMMAND)]


def _one(session: Session, dispute_id: int, actor: Actor) -> DisputeRead:
    return service.to_read(session, [service.get_visible(session, dispute_id, actor)])[0]


@router.post("/disputes", response_model=DisputeRead, status_code=status.HTTP_201_CREATED)
def open_dispute(body: DisputeCreate, session: SessionDep, actor: Mediator) -> DisputeRead:
    """受理纠纷 / open a dispute case at a place in your scope: from a call, a repeat-call place or directly."""
    dispute = service.create(session, body, actor=actor)
    session.commit()
    return _one(session, dispute.id, actor)


@router.get("/disputes", response_model=list[DisputeRead])
def list_disputes(session: SessionDep, actor: Reader, status_: Annotated[DisputeStatus | None, Query(alias="status")]
                  = None, kind: DisputeKind | None = None, station_id: Id | None = None,
                  place_key: Annotated[str | None, Query(max_length=64)] = None,
                  follow_up_due: Annotated[bool, Query(description="agreed, the follow-up date reached")] = False,
                  ) -> list[DisputeRead]:
    """Return the disputes in your scope, latest opened first (no party is named here)."""
    filters = service.DisputeFilter(status=status_, kind=kind, station_id=station_id, place_key=place_key,
                                    follow_up_due=follow_up_due)
    return service.to_read(session, service.list_(session, filters, actor=actor))


@router.get("/disputes/{dispute_id}", response_model=DisputeRead)
def get_dispute(dispute_id: Id, session: SessionDep, actor: Reader) -> DisputeRead:
    """Return a dispute in your scope (404 outside it)."""
    return _one(session, dispute_id, actor)


@router.get("/disputes/{dispute_id}/sessions", response_model=list[SessionRead])
def list_sessions(dispute_id: Id, session: SessionDep, actor: Reader) -> list[SessionRead]:
    """Return a dispute's mediation sessions, earliest first."""
    return [SessionRead.model_validate(s) for s in service.sessions_of(session, dispute_id, actor=actor)]


@router.get("/disputes/{dispute_id}/events", response_model=list[EventRead])
def dispute_events(dispute_id: Id, session: SessionDep, actor: Reader) -> list[EventRead]:
    """Return a dispute's history, oldest first."""
    return [EventRead.model_validate(e) for e in service.events_of(session, dispute_id, actor=actor)]


@router.get("/disputes/{dispute_id}/parties", response_model=list[PartyRead])
def dispute_parties(
    dispute_id: Id, session: WriteSessionDep, actor: Annotated[Actor, require(Permission.PERSONAL_DATA)],
    purpose: Annotated[DisputePurpose, Query(description="why: mediation, follow_up or court")],
    reason: Annotated[str, Query(min_length=1, max_length=500, description="in a few words, for the audit log")],
) -> list[DisputeParty]:
    """Return a dispute's parties for a stated purpose and reason (personal data: audited; 404 outside your scope)."""
    parties = service.parties_of(session, dispute_id, actor=actor, purpose=purpose, reason=reason)
    session.commit()
    return parties


@router.post("/disputes/{dispute_id}/sessions", response_model=SessionRead, status_code=status.HTTP_201_CREATED)
def add_session(dispute_id: Id, body: SessionCreate, session: SessionDep, actor: Mediator) -> SessionRead:
    """调解 / record a mediation session: its date, outcome and notes (the handling station or the opener)."""
    row = service.add_session(session, dispute_id, held_at=body.held_at, outcome=body.outcome, notes=body.notes,
                              actor=actor)
    session.commit()
    return SessionRead.model_validate(row)


@router.post("/disputes/{dispute_id}/agreement", response_model=DisputeRead)
def agree(dispute_id: Id, body: AgreementCreate, session: SessionDep, actor: Mediator) -> DisputeRead:
    """达成协议 / record the agreement and the follow-up date (409 with the allowed moves unless open)."""
    service.agree(session, dispute_id, agreement=body.agreement, follow_up_due=body.follow_up_due, actor=actor)
    session.commit()
    return _one(session, dispute_id, actor)


@router.post("/disputes/{dispute_id}/failure", response_model=DisputeRead)
def fail(dispute_id: Id, body: FailureCreate, session: SessionDep, actor: Mediator) -> DisputeRead:
    """End the mediation without agreement, with the reason (e.g. referred to a court)."""
    service.fail(session, dispute_id, reason=body.reason, actor=actor)
    session.commit()
    return _one(session, dispute_id, actor)


@router.post("/disputes/{dispute_id}/follow-up", response_model=DisputeRead)
def follow_up(dispute_id: Id, body: FollowUpCreate, session: SessionDep, actor: Mediator) -> DisputeRead:
    """回访 / record the follow-up's result; the dispute is closed."""
    service.follow_up(session, dispute_id, result=body.result, actor=actor)
    session.commit()
    return _one(session, dispute_id, actor)


@router.get("/disputes/{dispute_id}/effect", response_model=PlaceEffectRead)
def dispute_effect(
    dispute_id: Id, session: SessionDep, actor: Annotated[Actor, require(Permission.RUN_ANALYSIS)],
    period_days: Annotated[int, Query(ge=7, le=365)] = 30,
    radius_m: Annotated[float, Query(gt=0, le=500)] = 100.0,
    confidence: Annotated[float, Query(gt=0, lt=1)] = 0.95,
) -> PlaceEffectRead:
    """效果评估 / calls at the place before and after the agreement, against the rest of its station."""
    return PlaceEffectRead.model_validate(service.effect(session, dispute_id, actor=actor, period_days=period_days,
                                                         radius_m=radius_m, confidence=confidence))


# ---- repeat-place operations (拔钉) --------------------------------------------------------------


def _operations_read(session: Session, rows: list[RepeatPlaceOperation]) -> list[OperationRead]:
    links = operations.links_of(session, [o.id for o in rows])
    today = utcnow().date()
    return [OperationRead.model_validate(o).model_copy(update={
        "links": [OperationLinkRead.model_validate(link) for link in links[o.id]],
        "review_due": operations.review_due(o, today)}) for o in rows]


@router.get("/operations/repeat-places", response_model=list[RepeatPlaceWithOperation])
def repeat_places(session: SessionDep, settings: SettingsDep, actor: Reader,
                  window_days: Annotated[int, Query(ge=7, le=365)] = 90,
                  min_calls: Annotated[int, Query(ge=2, le=1000)] = 5) -> list[RepeatPlaceWithOperation]:
    """钉子警情 / the repeat-call places in your scope, each with its operation's id and state (if any)."""
    return [RepeatPlaceWithOperation.model_validate(row) for row in operations.repeat_places(
        session, actor=actor, zone=settings.zone, window_days=window_days, min_calls=min_calls)]


@router.post("/operations", response_model=OperationRead, status_code=status.HTTP_201_CREATED)
def open_operation(body: OperationCreate, session: SessionDep, settings: SettingsDep, actor: Commander,
                   ) -> OperationRead:
    """拔钉 / open an operation on a repeat-call place: cause, actions, owner unit, review date."""
    operation = operations.create(session, body, actor=actor, zone=settings.zone)
    session.commit()
    return _operations_read(session, [operation])[0]


@router.get("/operations", response_model=list[OperationRead])
def list_operations(session: SessionDep, actor: Reader,
                    status_: Annotated[OperationStatus | None, Query(alias="status")] = None) -> list[OperationRead]:
    """Return the operations in your scope, latest opened first."""
    return _operations_read(session, operations.list_(session, actor=actor, status=status_))


@router.get("/operations/{operation_id}", response_model=OperationRead)
def get_operation(operation_id: Id, session: SessionDep, actor: Reader) -> OperationRead:
    """Return an operation in your scope with its links."""
    return _operations_read(session, [operations.get_visible(session, operation_id, actor)])[0]


@router.get("/operations/{operation_id}/events", response_model=list[EventRead])
def operation_events(operation_id: Id, session: SessionDep, actor: Reader) -> list[EventRead]:
    """Return an operation's history, oldest first."""
    return [EventRead.model_validate(e) for e in operations.events_of(session, operation_id, actor=actor)]


@router.post("/operations/{operation_id}/links", response_model=OperationLinkRead,
             status_code=status.HTTP_201_CREATED)
def link_operation(operation_id: Id, body: OperationLinkCreate, session: SessionDep, actor: Commander,
                   ) -> OperationLinkRead:
    """Link a dispute, hazard or directive you can see to the operation (the owner unit or the opener)."""
    row = operations.link(session, operation_id, kind=body.kind, ref_id=body.ref_id, actor=actor)
    session.commit()
    return OperationLinkRead.model_validate(row)


@router.post("/operations/{operation_id}/close", response_model=OperationRead)
def close_operation(operation_id: Id, body: OperationClose, session: SessionDep, actor: Commander,
                    ) -> OperationRead:
    """Close the operation with its result and the before/after against the comparable places."""
    operation = operations.close(session, operation_id, result=body.result, actor=actor)
    session.commit()
    return _operations_read(session, [operation])[0]
