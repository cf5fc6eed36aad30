"""Directive routes under /api/v1/directives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from precinct.api.deps import SessionDep, require
from precinct.api.inputs import Id
from precinct.core.db import utcnow
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.directives import evaluation, lifecycle, service
from precinct.directives.models import Directive, DirectiveKind, DirectiveStatus, LinkKind
from precinct.directives.schemas import (
    DirectiveCancel,
    DirectiveCheck,
    DirectiveCreate,
    DirectiveEffectRead,
    DirectiveEventRead,
    DirectivePage,
    DirectiveRead,
    DirectiveReport,
    DirectiveSign,
    DirectiveStart,
    PatrolMinutesRead,
    UnitPatrolRead,
    directive_read,
    event_read,
)

router = APIRouter(prefix="/directives", tags=["directives"])
Reader = Annotated[Actor, require(Permission.READ_INCIDENTS)]
Worker = Annotated[Actor, require(Permission.WORK_DIRECTIVES)]
Issuer = Annotated[Actor, require(Permission.ISSUE_DIRECTIVES)]


def _read(session: Session, directives: list[Directive]) -> list[DirectiveRead]:
    links, units = service.details(session, [d.id for d in directives])
    now = utcnow()
    return [directive_read(d, links=links.get(d.id, []), unit_ids=units.get(d.id, []), now=now) for d in directives]


def _one(session: Session, directive: Directive) -> DirectiveRead:
    return _read(session, [directive])[0]


@router.post("", response_model=DirectiveRead, status_code=status.HTTP_201_CREATED)
def issue_directive(body: DirectiveCreate, session: SessionDep, actor: Issuer) -> DirectiveRead:
    """下达指令 / issue a directive to a district branch, a station or a unit in your scope."""
    directive = service.create(session, body, actor=actor)
    session.commit()
    return _one(session, directive)


@router.get("", response_model=DirectivePage)
def list_directives(
    session: SessionDep, actor: Reader,
    status_: Annotated[list[DirectiveStatus] | None, Query(alias="status")] = None,
    kind: DirectiveKind | None = None,
    target_org_unit_id: Id | None = None,
    target_unit_id: Id | None = None,
    station_id: Id | None = None,
    district_id: Id | None = None,
    issued_by_me: Annotated[bool, Query(description="only those you issued")] = False,
    for_me: Annotated[bool, Query(description="only those your own unit signs for, works on and reports")] = False,
    link_kind: Annotated[LinkKind | None, Query(description="only those with a link of this kind")] = None,
    link_ref_id: Annotated[Id | None, Query(description="only those linked to this record (with link_kind)")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DirectivePage:
    """Return one page of the directives you may read, latest issued first."""
    filters = service.DirectiveFilter(status=tuple(status_ or ()), kind=kind, target_org_unit_id=target_org_unit_id,
                                      target_unit_id=target_unit_id, station_id=station_id, district_id=district_id,
                                      issued_by_me=issued_by_me, for_me=for_me, link_kind=link_kind,
                                      link_ref_id=link_ref_id)
    items, total = service.list_(session, filters, actor=actor, page=page, page_size=page_size)
    return DirectivePage(items=_read(session, items), total=total, page=page, page_size=page_size)


@router.get("/overdue", response_model=DirectivePage)
def list_overdue_directives(
    session: SessionDep, actor: Reader,
    for_me: Annotated[bool, Query(description="only those your own unit works on")] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DirectivePage:
    """超期指令 / the open directives past their deadline in your scope, most late first."""
    filters = service.DirectiveFilter(overdue=True, for_me=for_me)
    items, total = service.list_(session, filters, actor=actor, page=page, page_size=page_size)
    return DirectivePage(items=_read(session, items), total=total, page=page, page_size=page_size)


@router.get("/{directive_id}", response_model=DirectiveRead)
def get_directive(directive_id: Id, session: SessionDep, actor: Reader) -> DirectiveRead:
    """Return a directive with its links and named units."""
    return _one(session, service.get_visible(session, directive_id, actor))


@router.get("/{directive_id}/events", response_model=list[DirectiveEventRead])
def list_directive_events(directive_id: Id, session: SessionDep, actor: Reader) -> list[DirectiveEventRead]:
    """Return a directive's event log (every step with actor and time), oldest first."""
    return [event_read(event) for event in service.events_of(session, directive_id, actor=actor)]


@router.post("/{directive_id}/sign", response_model=DirectiveRead)
def sign_directive(directive_id: Id, body: DirectiveSign, session: SessionDep, actor: Worker) -> DirectiveRead:
    """签收 / sign for a directive sent to your unit (409 with the allowed moves when its status does not allow it)."""
    directive = lifecycle.sign(session, directive_id, actor=actor, note=body.note)
    session.commit()
    return _one(session, directive)


@router.post("/{directive_id}/start", response_model=DirectiveRead)
def start_directive(directive_id: Id, body: DirectiveStart, session: SessionDep, actor: Worker) -> DirectiveRead:
    """Start the work on a signed directive, naming the units that carry it out."""
    directive = lifecycle.start(session, directive_id, actor=actor, unit_ids=body.unit_ids, note=body.note)
    session.commit()
    return _one(session, directive)


@router.post("/{directive_id}/report", response_model=DirectiveRead)
def report_directive(directive_id: Id, body: DirectiveReport, session: SessionDep, actor: Worker) -> DirectiveRead:
    """反馈 / report a directive done; a patrol's minutes in its area are measured from the position log."""
    directive = lifecycle.report(session, directive_id, actor=actor, text=body.text, unit_ids=body.unit_ids)
    session.commit()
    return _one(session, directive)


@router.post("/{directive_id}/check", response_model=DirectiveRead)
def check_directive(directive_id: Id, body: DirectiveCheck, session: SessionDep, actor: Issuer) -> DirectiveRead:
    """检查 / accept a report (closed) or return it with a reason (back in progress): the issuing side."""
    directive = lifecycle.check(session, directive_id, actor=actor, accepted=body.outcome == "accepted",
                                reason=body.reason)
    session.commit()
    return _one(session, directive)


@router.post("/{directive_id}/cancel", response_model=DirectiveRead)
def cancel_directive(directive_id: Id, body: DirectiveCancel, session: SessionDep, actor: Issuer) -> DirectiveRead:
    """撤销 / withdraw a directive not yet reported done, with a reason: the issuing side."""
    directive = lifecycle.cancel(session, directive_id, actor=actor, reason=body.reason)
    session.commit()
    return _one(session, directive)


@router.get("/{directive_id}/patrol-minutes", response_model=PatrolMinutesRead)
def directive_patrol_minutes(directive_id: Id, session: SessionDep, actor: Reader) -> PatrolMinutesRead:
    """巡逻时长 / the minutes the directive's units spent in its area during its window so far."""
    directive = service.get_visible(session, directive_id, actor)
    measure = evaluation.patrol_minutes(session, directive, unit_ids=service.unit_ids_of(session, directive.id))
    return PatrolMinutesRead(
        directive_id=directive.id, minutes=round(measure.seconds / 60.0, 2), window_start=measure.window_start,
        window_end=measure.window_end, measured_until=measure.measured_until, gap_cap_s=measure.gap_cap_s,
        units=[UnitPatrolRead(unit_id=u.unit_id, call_sign=u.call_sign, minutes=round(u.seconds / 60.0, 2),
                              fixes=u.fixes, fixes_inside=u.fixes_inside) for u in measure.units],
        method=evaluation.METHOD)


@router.get("/{directive_id}/effect", response_model=DirectiveEffectRead)
def directive_effect(
    directive_id: Id, session: SessionDep,
    actor: Annotated[Actor, require(Permission.RUN_ANALYSIS)],
    period_days: Annotated[int | None, Query(ge=1, le=365, description=(
        "both periods this many days from the window's start (default: the window, against as long before "
        "it)"))] = None,
    type_codes: Annotated[list[str] | None, Query(max_length=50)] = None,
    confidence: Annotated[float, Query(gt=0, lt=1)] = 0.95,
) -> DirectiveEffectRead:
    """效果评估 / incidents in the directive's area before and after, against the rest of its station.

    Difference-in-differences, as ``POST /planning/before-after``.
    """
    directive = service.get_visible(session, directive_id, actor)
    return DirectiveEffectRead.model_validate(evaluation.effect(
        session, directive, period_days=period_days, type_codes=type_codes, confidence=confidence))
