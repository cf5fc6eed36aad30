"""Supervision services: the overdue board, an incident's deadlines, breaches, follow-ups, reopening.

Every function checks scope: an account sees and acts on the incidents of its organisation
unit's subtree (a station its own, a district branch its stations, the city everything); another
incident answers as if it did not exist (NotFoundError). Roles are checked by the routes
(``Permission.SEE_DEADLINES``, ``FOLLOW_UP``, ``REOPEN``); ownership here: a patrol officer
writes follow-ups only on incidents their unit was sent to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Assignment, Incident, IncidentEvent, IncidentStatus
from precinct.org import service as org_service
from precinct.org.service import Scope
from precinct.supervision.deadlines import AMBER_FRACTION
from precinct.supervision.messages import said
from precinct.supervision.models import CallbackOutcome, DeadlineBreach, IncidentDeadline, Stage
from precinct.supervision.schemas import BoardItem, OverdueBoard

BOARD_LIMIT = 200


def scope_of(session: Session, actor: Actor) -> Scope:
    """Return the actor's scope (:func:`precinct.org.service.scope_for`)."""
    return org_service.scope_for(session, actor)


def get_incident(session: Session, incident_id: int, actor: Actor) -> Incident:
    """Return an incident in the actor's scope; NotFoundError for one that does not exist or lies outside."""
    return incident_service.get_visible(session, incident_id, actor)


def _station_filter(session: Session, actor: Actor, station_id: int | None) -> Scope:
    """Return the scope to read: the actor's, or one station of it (NotFoundError for a station outside)."""
    scope = scope_of(session, actor)
    if station_id is None:
        return scope
    if not scope.holds(station_id):
        raise NotFoundError(said("supervision.org_unit_unknown", id=station_id))
    org_service.get_unit(session, station_id)
    return Scope(frozenset({station_id}))


# ---- the overdue board ----------------------------------------------------------------------


def board(session: Session, actor: Actor, *, station_id: int | None = None, stage: Stage | None = None,
          limit: int = BOARD_LIMIT, now: datetime | None = None) -> OverdueBoard:
    """Return the open deadlines of the actor's scope that are amber (past their warning time) or red (past due).

    Sorted by lateness, the latest first (by deadline: red before amber). ``station_id`` narrows
    the board to one station of the scope.
    """
    now = now or utcnow()
    scope = _station_filter(session, actor, station_id)
    d = IncidentDeadline
    conditions: list[ColumnElement[bool]] = [d.ended_at.is_(None), d.warn_at <= now]
    if (in_scope := org_service.where_in_scope(scope, d.station_id, d.district_id)) is not None:
        conditions.append(in_scope)
    if stage is not None:
        conditions.append(d.stage == stage)
    # the page of deadlines first (a range on the board's partial index), then their incidents by key
    page = select(d.id).where(*conditions).order_by(d.deadline_at, d.id).limit(limit + 1).subquery()
    rows = session.execute(
        select(*_BOARD_COLUMNS, Incident.type_code, Incident.status, Incident.address, Incident.simulated)
        .join(page, page.c.id == d.id).join(Incident, Incident.id == d.incident_id)
        .order_by(d.deadline_at, d.id)).all()
    items = [_board_item(row._mapping, now) for row in rows[:limit]]
    truncated = len(rows) > limit
    if truncated:
        red, total = session.execute(select(func.count().filter(d.deadline_at <= now), func.count())
                                     .select_from(d).where(*conditions)).one()
    else:
        red, total = sum(item.state == "red" for item in items), len(items)
    return OverdueBoard(now=now, amber_fraction=AMBER_FRACTION, red=red, amber=total - red, items=items,
                        truncated=truncated)


_D = IncidentDeadline
_BOARD_COLUMNS = (_D.id.label("deadline_id"), _D.incident_id, _D.stage, _D.priority, _D.station_id, _D.district_id,
                  _D.entered_at, _D.deadline_at, _D.warn_at, _D.limit_s, _D.breached_at, _D.escalation_level)


def _board_item(row: RowMapping, now: datetime) -> BoardItem:
    """Build a board row from trusted columns (no validation: the page is read straight from the store)."""
    deadline_at, entered_at, limit_s = row["deadline_at"], row["entered_at"], row["limit_s"]
    return BoardItem.model_construct(
        **row, state="red" if deadline_at <= now else "amber", late_s=int((now - deadline_at).total_seconds()),
        used_fraction=round((now - entered_at).total_seconds() / limit_s, 3))


# ---- deadlines and breaches -----------------------------------------------------------------


@dataclass(frozen=True)
class IncidentDeadlines:
    """An incident's deadlines (every stage it entered) and the breaches of them."""

    incident_id: int
    now: datetime
    deadlines: list[IncidentDeadline]
    breaches: list[DeadlineBreach]


def incident_deadlines(session: Session, incident_id: int, actor: Actor) -> IncidentDeadlines:
    """Return an incident's deadlines, oldest first, and its breaches (NotFoundError outside the scope)."""
    get_incident(session, incident_id, actor)
    deadlines = session.scalars(select(IncidentDeadline).where(IncidentDeadline.incident_id == incident_id)
                                .order_by(IncidentDeadline.id)).all()
    breaches = session.scalars(select(DeadlineBreach).where(DeadlineBreach.incident_id == incident_id)
                               .order_by(DeadlineBreach.id)).all()
    return IncidentDeadlines(incident_id, utcnow(), list(deadlines), list(breaches))


@dataclass(frozen=True)
class BreachFilter:
    """What :func:`list_breaches` selects by (``None``: every value)."""

    station_id: int | None = None
    stage: Stage | None = None
    detected_from: datetime | None = None
    detected_to: datetime | None = None


def list_breaches(session: Session, actor: Actor, filters: BreachFilter, *, page: int = 1,
                  page_size: int = 50) -> tuple[list[DeadlineBreach], int]:
    """Return one page of the breaches in the actor's scope (latest first) and how many match."""
    scope = _station_filter(session, actor, filters.station_id)
    b = DeadlineBreach
    conditions: list[ColumnElement[bool]] = []
    if (in_scope := org_service.where_in_scope(scope, b.station_id, b.district_id)) is not None:
        conditions.append(in_scope)
    if filters.stage is not None:
        conditions.append(b.stage == filters.stage)
    if filters.detected_from is not None:
        conditions.append(b.detected_at >= filters.detected_from)
    if filters.detected_to is not None:
        conditions.append(b.detected_at < filters.detected_to)
    total = session.scalar(select(func.count()).select_from(b).where(*conditions)) or 0
    items = session.scalars(select(b).where(*conditions).order_by(b.detected_at.desc(), b.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


# ---- follow-ups and reopening ---------------------------------------------------------------


def _check_follow_up(session: Session, incident_id: int, actor: Actor, what: str) -> Incident:
    incident = get_incident(session, incident_id, actor)
    if actor.role == Role.PATROL_OFFICER:
        sent = actor.unit_id is not None and session.scalar(select(Assignment.id).where(
            Assignment.incident_id == incident.id, Assignment.unit_id == actor.unit_id).limit(1)) is not None
        if not sent:
            raise PermissionDeniedError(said("supervision.not_your_unit", id=incident.id, what=what))
    if incident.status != IncidentStatus.CLOSED:
        raise ConflictError(said("supervision.follows_close", id=incident.id, status=incident.status.value,
                                 what=what))
    return incident


def _follow_up(session: Session, incident: Incident, kind: str, data: dict[str, object], actor: Actor,
               stage: Stage) -> tuple[datetime, IncidentDeadline | None]:
    open_deadline = session.scalar(select(IncidentDeadline).where(
        IncidentDeadline.incident_id == incident.id, IncidentDeadline.stage == stage,
        IncidentDeadline.ended_at.is_(None)).order_by(IncidentDeadline.id.desc()).limit(1))
    at = utcnow()
    session.add(IncidentEvent(incident_id=incident.id, at=at, actor=actor.username, kind=kind, data=data))
    session.flush()  # the deadline hook ends the stage
    audit_service.record(session, actor=actor, action=f"incident.{kind}", resource_type="incident",
                         resource_id=incident.id, detail={k: v for k, v in data.items() if k != "text"})
    return at, open_deadline


def write_feedback(session: Session, incident_id: int, text: str, *, actor: Actor) -> tuple[datetime,
                                                                                            IncidentDeadline | None]:
    """Record the feedback to the caller on a closed incident (反馈); it ends the feedback stage.

    Returns when it was written and the deadline it ended (``None`` if none was open).

    Raises
    ------
    NotFoundError
        The incident does not exist or lies outside the actor's scope.
    PermissionDeniedError
        A patrol officer whose unit was not sent to it.
    ConflictError
        The incident is not closed.
    """
    incident = _check_follow_up(session, incident_id, actor, "feedback")
    return _follow_up(session, incident, "feedback", {"text": text.strip()}, actor, Stage.FEEDBACK)


def record_callback(session: Session, incident_id: int, outcome: CallbackOutcome, note: str, *,
                    actor: Actor) -> tuple[datetime, IncidentDeadline | None]:
    """Record the call-back to the caller (回访) and its outcome; it ends the call-back stage.

    Raises as :func:`write_feedback`.
    """
    incident = _check_follow_up(session, incident_id, actor, "call-back")
    return _follow_up(session, incident, "callback", {"outcome": outcome.value, "note": note.strip() or None},
                      actor, Stage.CALLBACK)


def reopen(session: Session, incident_id: int, reason: str, *, actor: Actor) -> Incident:
    """Reopen a closed incident of the actor's scope with a reason (it waits for dispatch again).

    Raises
    ------
    NotFoundError
        The incident does not exist or lies outside the actor's scope.
    ConflictError
        The incident is not closed.
    """
    get_incident(session, incident_id, actor)
    return incident_lifecycle.reopen(session, incident_id, reason=reason, actor=actor)
