"""Review gates: a decision is submitted by the investigator, then approved (the move is made) or returned.

Every move of a case (open or not open, decide, transfer, withdraw, close) is such a decision.
A case holds at most one decision waiting. The approver is a supervisor (as legal officer, 法制员)
whose scope holds the case, never the one who submitted it; a returned decision, with its
reason, waits in the investigator's inbox until they submit again.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, aliased

from precinct.cases import events
from precinct.cases.messages import said
from precinct.cases.models import Case, CaseReview, CaseStatus, ReviewStatus
from precinct.cases.service import get_open_workable, get_visible, readable_by, reason_of, touch
from precinct.cases.status import EVENT_OF, Move, target_of
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.permissions import Permission, Role, has
from precinct.core.security import Actor


def pending_of(session: Session, case_id: int) -> CaseReview | None:
    """Return the decision waiting for review on a case, if any."""
    return session.scalar(select(CaseReview).where(CaseReview.case_id == case_id,
                                                   CaseReview.status == ReviewStatus.PENDING))


@conflicts_as_domain_errors
def submit(session: Session, case_id: int, move: Move, grounds: str, *, actor: Actor, zone: ZoneInfo,
           now: datetime | None = None) -> CaseReview:
    """Submit a decision on a case for review.

    Raises
    ------
    ConflictError
        If the case's state or kind does not allow ``move`` (the message lists those allowed), or
        a decision is already waiting.
    ValidationError
        Without grounds of at least :data:`MIN_REASON_LENGTH` characters.
    """
    now = now or utcnow()
    case = get_open_workable(session, case_id, actor)
    target_of(case.status, case.kind, move)
    grounds = reason_of("grounds", grounds)
    waiting = pending_of(session, case.id)
    if waiting is not None:
        raise ConflictError(said("case.review_pending", id=case.id, review=waiting.id))
    review = CaseReview(case_id=case.id, move=move.value, status=ReviewStatus.PENDING, grounds=grounds,
                        submitted_by=actor.username, submitted_at=now)
    session.add(review)
    touch(case, now)
    session.flush()
    events.record(session, case, "submitted", actor=actor, at=now, zone=zone,
                  data={"review_id": review.id, "move": move.value, "grounds": grounds})
    flush_or_conflict(session, f"case {case.id}")
    return review


def _for_decision(session: Session, review_id: int, actor: Actor) -> tuple[CaseReview, Case]:
    review = session.get(CaseReview, review_id, with_for_update=True, populate_existing=True)
    if review is None:
        raise NotFoundError(said("case.review_not_found", id=review_id))
    try:
        case = get_visible(session, review.case_id, actor, for_update=True)
    except NotFoundError:
        raise NotFoundError(said("case.review_not_found", id=review_id)) from None
    if review.status != ReviewStatus.PENDING:
        raise ConflictError(said("case.review_decided", id=review.id, status=review.status.value))
    if review.submitted_by == actor.username:
        raise PermissionDeniedError(said("case.own_review"))
    return review, case


def _apply(case: Case, move: Move, now: datetime) -> None:
    case.status = target_of(case.status, case.kind, move)
    if move == Move.OPEN:
        case.opened_at = now
    elif move in (Move.DECIDE, Move.TRANSFER):
        case.decided_at = now
        case.cleared_at = case.cleared_at or now  # a decision or a transfer names who did it
    if case.status in (CaseStatus.NOT_OPENED, CaseStatus.WITHDRAWN, CaseStatus.CLOSED):
        case.closed_at = now
    touch(case, now)


@conflicts_as_domain_errors
def approve(session: Session, review_id: int, *, actor: Actor, zone: ZoneInfo, note: str = "",
            now: datetime | None = None) -> CaseReview:
    """Approve a decision: the move is made and recorded (409 if the case's state no longer allows it)."""
    now = now or utcnow()
    review, case = _for_decision(session, review_id, actor)
    move = Move(review.move)
    previous = case.status
    _apply(case, move, now)
    review.status, review.decided_by, review.decided_at = ReviewStatus.APPROVED, actor.username, now
    review.decision_note = note.strip() or None
    events.record(session, case, EVENT_OF[move], actor=actor, at=now, zone=zone, from_status=previous, data={
        "review_id": review.id, "submitted_by": review.submitted_by, "grounds": review.grounds})
    flush_or_conflict(session, f"case {case.id}")
    return review


@conflicts_as_domain_errors
def return_(session: Session, review_id: int, *, actor: Actor, zone: ZoneInfo, note: str,
            now: datetime | None = None) -> CaseReview:
    """Return a decision to the investigator with a reason (it goes to their inbox)."""
    now = now or utcnow()
    review, case = _for_decision(session, review_id, actor)
    note = reason_of("note", note)
    review.status, review.decided_by, review.decided_at, review.decision_note = (
        ReviewStatus.RETURNED, actor.username, now, note)
    touch(case, now)
    events.record(session, case, "returned", actor=actor, at=now, zone=zone,
                  data={"review_id": review.id, "move": review.move, "reason": note})
    flush_or_conflict(session, f"case {case.id}")
    return review


def reviews_of(session: Session, case_id: int, *, actor: Actor) -> list[CaseReview]:
    """Return a case's reviews, oldest first."""
    get_visible(session, case_id, actor)
    return list(session.scalars(select(CaseReview).where(CaseReview.case_id == case_id).order_by(CaseReview.id)))


def inbox(session: Session, *, actor: Actor, limit: int = 200) -> tuple[list[CaseReview], list[CaseReview]]:
    """Return the caller's inbox, oldest first.

    It holds the decisions returned to them that are the latest review of their case (not yet
    submitted again), of cases they still read and work, the ``limit`` most recently returned; and
    for approvers the decisions waiting in their scope (not their own).
    """
    r, later = CaseReview, aliased(CaseReview)
    query = (select(r).join(Case, Case.id == r.case_id)
             .where(r.submitted_by == actor.username, r.status == ReviewStatus.RETURNED,
                    ~exists().where(later.case_id == r.case_id, later.id > r.id)))
    if (readable := readable_by(session, actor)) is not None:
        query = query.where(readable)
    if actor.role == Role.PATROL_OFFICER:  # as works_on: their team's cases or those they lead
        worked = [Case.lead_officer == actor.username]
        if actor.unit_id is not None:
            worked.append(Case.team_unit_id == actor.unit_id)
        query = query.where(or_(*worked))
    returned = list(session.scalars(query.order_by(r.decided_at.desc(), r.id.desc()).limit(limit)))[::-1]
    waiting: list[CaseReview] = []
    if has(actor.role, Permission.APPROVE_CASES):
        query = (select(r).join(Case, Case.id == r.case_id)
                 .where(r.status == ReviewStatus.PENDING, r.submitted_by != actor.username))
        if (readable := readable_by(session, actor)) is not None:
            query = query.where(readable)
        waiting = list(session.scalars(query.order_by(r.submitted_at).limit(limit)))
    return returned, waiting
