"""Evidence and property custody (涉案财物): items, the chain-of-custody log, disposal with approval.

An item is checked in when it is recorded (with its label number and storage location). From the
store it goes out to a named person for a reason and comes back, or moves to another location;
each step is an entry of its chain of custody and an audited event of the case. It leaves the
store for good only by an approved disposal: requested by those who work the case, decided by a
supervisor other than the requester whose scope holds the case. Items stay in custody after the
case closes, until disposed of.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases import events
from precinct.cases.board import in_scope, narrowed
from precinct.cases.custody_models import (
    CaseItem,
    CustodyAction,
    CustodyEntry,
    DisposalMethod,
    DisposalRequest,
    DisposalStatus,
    ItemStatus,
)
from precinct.cases.messages import field_error, said
from precinct.cases.models import Case
from precinct.cases.service import get_visible, get_workable, reason_of, touch
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.security import Actor

A = CustodyAction
ALLOWED: dict[ItemStatus, tuple[CustodyAction, ...]] = {
    ItemStatus.IN_STORE: (A.CHECK_OUT, A.MOVE),
    ItemStatus.OUT: (A.RETURN,),
    ItemStatus.DISPOSED: (),
}
del A


def _entry(session: Session, case: Case, item: CaseItem, action: CustodyAction, *, actor: Actor, at: datetime,
           zone: ZoneInfo, reason: str, to_whom: str | None = None, location: str | None = None) -> CustodyEntry:
    entry = CustodyEntry(item_id=item.id, case_id=case.id, at=at, action=action, to_whom=to_whom, location=location,
                         reason=reason, actor=actor.username)
    session.add(entry)
    touch(case, at)
    events.record(session, case, "custody", actor=actor, at=at, zone=zone, data={
        "item_id": item.id, "label_number": item.label_number, "action": action.value, "to_whom": to_whom,
        "location": location, "reason": reason})
    return entry


@conflicts_as_domain_errors
def add_item(session: Session, case_id: int, *, label_number: str, description: str, storage_location: str,
             retention_until: date | None, actor: Actor, zone: ZoneInfo, now: datetime | None = None) -> CaseItem:
    """Record an item held for a case and check it in.

    Raises
    ------
    ConflictError
        If ``label_number`` is taken (naming it).
    ValidationError
        A ``retention_until`` that is not after today (local), an empty storage location.
    """
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    if retention_until is not None and retention_until <= now.astimezone(zone).date():
        raise field_error("retention_until", "case.retention_past")
    if session.scalar(select(CaseItem.id).where(CaseItem.label_number == label_number)) is not None:
        raise ConflictError(f"label_number: {said('case.label_taken', label=label_number)}")
    if not storage_location.strip():
        raise field_error("storage_location", "case.location_needed")
    item = CaseItem(case_id=case.id, label_number=label_number, description=description.strip(),
                    storage_location=storage_location.strip(), status=ItemStatus.IN_STORE,
                    retention_until=retention_until, created_at=now, created_by=actor.username)
    session.add(item)
    session.flush()
    events.record(session, case, "item_added", actor=actor, at=now, zone=zone,
                  data={"item_id": item.id, "label_number": label_number})
    _entry(session, case, item, CustodyAction.CHECK_IN, actor=actor, at=now, zone=zone, reason="登记入库 / recorded",
           location=item.storage_location)
    flush_or_conflict(session, f"item {item.id}")
    return item


def _item(session: Session, case: Case, item_id: int) -> CaseItem:
    item = session.get(CaseItem, item_id, with_for_update=True, populate_existing=True)
    if item is None or item.case_id != case.id:
        raise NotFoundError(said("case.item_not_found", id=item_id))
    return item


@conflicts_as_domain_errors
def step(session: Session, case_id: int, item_id: int, action: CustodyAction, *, reason: str,
         to_whom: str | None = None, location: str | None = None, actor: Actor, zone: ZoneInfo,
         now: datetime | None = None) -> CustodyEntry:
    """Take one custody step: check out (to whom, why), return, or move (where).

    Raises
    ------
    ConflictError
        A step the item's status does not allow (listing those it allows); disposal is not a step
        (it needs an approved request).
    ValidationError
        A check-out without a person, a move without a location, a reason that is too short.
    """
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    item = _item(session, case, item_id)
    allowed = ALLOWED[item.status]
    if action not in allowed:
        raise ConflictError(said("case.custody_refused", status=item.status.value, action=action.value,
                                 allowed=", ".join(allowed) or "-"))
    reason = reason_of("reason", reason)
    if action == CustodyAction.CHECK_OUT:
        if not (to_whom or "").strip():
            raise field_error("to_whom", "case.to_whom_needed")
        item.status, item.held_by = ItemStatus.OUT, (to_whom or "").strip()
    elif action == CustodyAction.RETURN:
        item.status, item.held_by = ItemStatus.IN_STORE, None
        item.storage_location = (location or "").strip() or item.storage_location
    else:
        if not (location or "").strip():
            raise field_error("location", "case.location_needed")
        item.storage_location = (location or "").strip()
    entry = _entry(session, case, item, action, actor=actor, at=now, zone=zone, reason=reason,
                   to_whom=(to_whom or "").strip() or None,
                   location=item.storage_location if action != CustodyAction.CHECK_OUT else None)
    flush_or_conflict(session, f"item {item.id}")
    return entry


def items_of(session: Session, case_id: int, *, actor: Actor) -> list[CaseItem]:
    """Return a case's items, first recorded first."""
    get_visible(session, case_id, actor)
    return list(session.scalars(select(CaseItem).where(CaseItem.case_id == case_id).order_by(CaseItem.id)))


def is_past_retention(item: CaseItem, today: date) -> bool:
    """Whether an item still held (not disposed of) is past the end of its retention (``today``: local)."""
    return item.status != ItemStatus.DISPOSED and item.retention_until is not None and item.retention_until < today


def past_retention(session: Session, *, actor: Actor, today: date, station_id: int | None = None,
                   limit: int = 500) -> list[tuple[CaseItem, Case]]:
    """Return the items of the actor's scope (or one station of it) still held past their retention, longest first.

    Raises
    ------
    NotFoundError
        For a station outside the actor's scope.
    """
    query = (select(CaseItem, Case).join(Case, Case.id == CaseItem.case_id)
             .where(CaseItem.status != ItemStatus.DISPOSED, CaseItem.retention_until < today))
    if (where := in_scope(narrowed(session, actor, station_id), Case.station_id, Case.district_id)) is not None:
        query = query.where(where)
    rows = session.execute(query.order_by(CaseItem.retention_until, CaseItem.id).limit(limit)).all()
    return [(item, case) for item, case in rows]


def chain_of(session: Session, case_id: int, item_id: int, *, actor: Actor) -> list[CustodyEntry]:
    """Return an item's chain of custody, oldest first."""
    case = get_visible(session, case_id, actor)
    item = session.get(CaseItem, item_id)
    if item is None or item.case_id != case.id:
        raise NotFoundError(said("case.item_not_found", id=item_id))
    return list(session.scalars(select(CustodyEntry).where(CustodyEntry.item_id == item.id).order_by(CustodyEntry.id)))


@conflicts_as_domain_errors
def request_disposal(session: Session, case_id: int, item_id: int, method: DisposalMethod, reason: str, *,
                     actor: Actor, zone: ZoneInfo, now: datetime | None = None) -> DisposalRequest:
    """Ask for an item's disposal (one request waiting at a time; the item must be in the store)."""
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    item = _item(session, case, item_id)
    if item.status == ItemStatus.DISPOSED:
        raise ConflictError(said("case.custody_refused", status=item.status.value, action="dispose", allowed="-"))
    if item.status == ItemStatus.OUT:
        raise ConflictError(said("case.item_out", id=item.id))
    if session.scalar(select(DisposalRequest.id).where(DisposalRequest.item_id == item.id,
                                                       DisposalRequest.status == DisposalStatus.PENDING)) is not None:
        raise ConflictError(said("case.disposal_pending", id=item.id))
    request = DisposalRequest(item_id=item.id, case_id=case.id, method=method, reason=reason_of("reason", reason),
                              status=DisposalStatus.PENDING, requested_by=actor.username, requested_at=now)
    session.add(request)
    touch(case, now)
    session.flush()
    events.record(session, case, "disposal_requested", actor=actor, at=now, zone=zone, data={
        "request_id": request.id, "item_id": item.id, "method": method.value, "reason": request.reason})
    return request


@conflicts_as_domain_errors
def decide_disposal(session: Session, request_id: int, *, approved: bool, note: str, actor: Actor, zone: ZoneInfo,
                    now: datetime | None = None) -> DisposalRequest:
    """Approve a disposal (the item leaves custody: a ``dispose`` entry) or refuse it with a reason."""
    now = now or utcnow()
    request = session.get(DisposalRequest, request_id, with_for_update=True)
    if request is None:
        raise NotFoundError(said("case.disposal_not_found", id=request_id))
    try:
        case = get_visible(session, request.case_id, actor, for_update=True)
    except NotFoundError:
        raise NotFoundError(said("case.disposal_not_found", id=request_id)) from None
    if request.status != DisposalStatus.PENDING:
        raise ConflictError(said("case.disposal_decided", id=request.id))
    if request.requested_by == actor.username:
        raise PermissionDeniedError(said("case.own_disposal"))
    note = note.strip() if approved else reason_of("note", note)
    item = _item(session, case, request.item_id)
    request.status = DisposalStatus.APPROVED if approved else DisposalStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor.username, now, note or None
    events.record(session, case, "disposal_decided", actor=actor, at=now, zone=zone, data={
        "request_id": request.id, "item_id": item.id, "approved": approved, "note": note or None})
    if approved:
        if item.status == ItemStatus.OUT:
            raise ConflictError(said("case.item_out", id=item.id))
        item.status, item.held_by = ItemStatus.DISPOSED, None
        _entry(session, case, item, CustodyAction.DISPOSE, actor=actor, at=now, zone=zone,
               reason=f"{request.method.value}: {request.reason}", to_whom=None, location=None)
    flush_or_conflict(session, f"item {item.id}")
    return request


def disposals_of(session: Session, case_id: int, *, actor: Actor) -> list[DisposalRequest]:
    """Return a case's disposal requests, oldest first."""
    get_visible(session, case_id, actor)
    return list(session.scalars(select(DisposalRequest).where(DisposalRequest.case_id == case_id)
                                .order_by(DisposalRequest.id)))
