"""Supervision routes under /api/v1/supervision: time limits, the overdue board, breaches, follow-ups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from precinct.api.deps import SessionDep, require
from precinct.api.inputs import Instant
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentRead
from precinct.supervision import limits, service
from precinct.supervision.models import STAGE_NAMES, IncidentDeadline, Stage, TimeLimitVersion
from precinct.supervision.schemas import (
    BreachPage,
    BreachRead,
    CallbackCreate,
    DeadlineRead,
    FeedbackCreate,
    FollowUpRead,
    IncidentDeadlines,
    OverdueBoard,
    ReopenRequest,
    StageName,
    TimeLimitCell,
    TimeLimitTableRead,
    TimeLimitUpdate,
    TimeLimitVersionRead,
)

router = APIRouter(prefix="/supervision", tags=["supervision"])
SeeDeadlines = Annotated[Actor, require(Permission.SEE_DEADLINES)]


def _table(version: TimeLimitVersion, table: limits.LimitTable) -> TimeLimitTableRead:
    return TimeLimitTableRead(
        version=TimeLimitVersionRead.model_validate(version),
        limits=[TimeLimitCell(priority=p, stage=s, limit_s=v) for (p, s), v in sorted(table.limits.items())],
        stages=[StageName(code=stage, zh=zh, en=en) for stage, (zh, en) in STAGE_NAMES.items()])


@router.get("/time-limits", response_model=TimeLimitTableRead)
def get_time_limits(session: SessionDep, _: SeeDeadlines) -> TimeLimitTableRead:
    """Return the time-limit table in force: seconds per priority and stage, with its version."""
    return _table(*limits.get_version(session, limits.current(session).version_id))


@router.get("/time-limits/versions", response_model=list[TimeLimitVersionRead])
def list_time_limit_versions(session: SessionDep, _: SeeDeadlines) -> list[TimeLimitVersion]:
    """Return every version of the time-limit table, the latest first."""
    return limits.list_versions(session)


@router.get("/time-limits/versions/{version_id}", response_model=TimeLimitTableRead)
def get_time_limit_version(version_id: int, session: SessionDep, _: SeeDeadlines) -> TimeLimitTableRead:
    """Return one version of the time-limit table."""
    return _table(*limits.get_version(session, version_id))


@router.post("/time-limits", response_model=TimeLimitTableRead, status_code=status.HTTP_201_CREATED)
def update_time_limits(body: TimeLimitUpdate, session: SessionDep,
                       actor: Annotated[Actor, require(Permission.SET_TIME_LIMITS)]) -> TimeLimitTableRead:
    """Store a new version of the table: the one in force with the given cells changed (audited).

    Deadlines already set keep their limits; stages entered from now on get the new ones. With
    ``base_version_id``, a table changed since by someone else answers 409 and stores nothing; a
    save that meets another at the same moment answers 409 too, with or without it.
    """
    changes = [limits.LimitChange(cell.priority, cell.stage, cell.limit_s) for cell in body.limits]
    version, table = limits.update(session, changes, reason=body.reason, actor=actor,
                                   base_version_id=body.base_version_id)
    session.commit()
    return _table(version, table)


@router.get("/overdue", response_model=OverdueBoard)
def overdue_board(
    session: SessionDep, actor: SeeDeadlines, station_id: int | None = None, stage: Stage | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = service.BOARD_LIMIT,
) -> OverdueBoard:
    """Return the overdue board of the caller's scope: open deadlines past their warning time (amber) or past due (red).

    Latest first; each row carries what a timer needs (entered_at, deadline_at, limit_s) and the
    board the server's ``now``.
    """
    return service.board(session, actor, station_id=station_id, stage=stage, limit=limit)


@router.get("/breaches", response_model=BreachPage)
def list_breaches(
    session: SessionDep, actor: SeeDeadlines, station_id: int | None = None, stage: Stage | None = None,
    detected_from: Instant | None = None, detected_to: Instant | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1, page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> BreachPage:
    """Return the recorded breaches of the caller's scope, latest first (kept after the incidents close)."""
    filters = service.BreachFilter(station_id=station_id, stage=stage, detected_from=detected_from,
                                   detected_to=detected_to)
    items, total = service.list_breaches(session, actor, filters, page=page, page_size=page_size)
    return BreachPage(items=[BreachRead.model_validate(b) for b in items], total=total, page=page,
                      page_size=page_size)


@router.get("/incidents/{incident_id}/deadlines", response_model=IncidentDeadlines)
def incident_deadlines(incident_id: int, session: SessionDep, actor: SeeDeadlines) -> IncidentDeadlines:
    """Return an incident's deadlines per stage (open and ended) and its breaches."""
    found = service.incident_deadlines(session, incident_id, actor)
    return IncidentDeadlines(incident_id=found.incident_id, now=found.now,
                             deadlines=[DeadlineRead.model_validate(d) for d in found.deadlines],
                             breaches=[BreachRead.model_validate(b) for b in found.breaches])


def _follow_up(incident_id: int, kind: str, result: tuple[object, IncidentDeadline | None]) -> FollowUpRead:
    at, deadline = result
    return FollowUpRead.model_validate({"incident_id": incident_id, "kind": kind, "at": at,
                                        "deadline": DeadlineRead.model_validate(deadline) if deadline else None})


@router.post("/incidents/{incident_id}/feedback", response_model=FollowUpRead, status_code=status.HTTP_201_CREATED)
def write_feedback(incident_id: int, body: FeedbackCreate, session: SessionDep,
                   actor: Annotated[Actor, require(Permission.FOLLOW_UP)]) -> FollowUpRead:
    """Record the feedback to the caller on a closed incident (反馈); it ends the feedback stage."""
    result = service.write_feedback(session, incident_id, body.text, actor=actor)
    session.commit()
    return _follow_up(incident_id, "feedback", result)


@router.post("/incidents/{incident_id}/callback", response_model=FollowUpRead, status_code=status.HTTP_201_CREATED)
def record_callback(incident_id: int, body: CallbackCreate, session: SessionDep,
                    actor: Annotated[Actor, require(Permission.FOLLOW_UP)]) -> FollowUpRead:
    """Record the call-back to the caller (回访) and how it went; it ends the call-back stage."""
    result = service.record_callback(session, incident_id, body.outcome, body.note, actor=actor)
    session.commit()
    return _follow_up(incident_id, "callback", result)


@router.post("/incidents/{incident_id}/reopen", response_model=IncidentRead)
def reopen_incident(incident_id: int, body: ReopenRequest, session: SessionDep,
                    actor: Annotated[Actor, require(Permission.REOPEN)]) -> Incident:
    """Reopen a closed incident with a reason: it goes back to received and waits for a unit."""
    incident = service.reopen(session, incident_id, body.reason, actor=actor)
    session.commit()
    return incident
