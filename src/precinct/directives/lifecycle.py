"""Moving a directive along its life cycle: sign for, start, report, then check (accept or return), or cancel.

Who may make which move is the rule of :mod:`precinct.directives.service`: signing for,
starting and reporting belong to the side that works on the directive
(:func:`~precinct.directives.service.works_on`), checking and cancelling to the issuing side
(:func:`~precinct.directives.service.checks`). Each move locks the directive, checks the move
against the status machine, and records its event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import PermissionDeniedError
from precinct.core.security import Actor
from precinct.directives import events, sweep
from precinct.directives.evaluation import patrol_minutes
from precinct.directives.messages import field_error, said
from precinct.directives.models import Directive, DirectiveKind, DirectiveUnit
from precinct.directives.patrol import DEFAULT_GAP_CAP_S
from precinct.directives.service import checks, get_visible, unit_ids_of, works_on
from precinct.directives.status import Move, target_of
from precinct.org import service as org_service
from precinct.units import service as unit_service
from precinct.units.models import Unit

MIN_REASON_LENGTH = 4


def _target_name(directive: Directive) -> str:
    if directive.target_org_unit_id is not None:
        return f"org unit {directive.target_org_unit_id}"
    return f"unit {directive.target_unit_id}"


def _for_move(session: Session, directive_id: int, move: Move, actor: Actor) -> Directive:
    """Return the directive, locked, once ``actor`` may read it and make ``move`` on it (404, 403, 409)."""
    directive = get_visible(session, directive_id, actor, for_update=True)
    if move in (Move.ACCEPT, Move.RETURN, Move.CANCEL):
        if not checks(session, directive, actor):
            raise PermissionDeniedError(said("directive.not_issuer", id=directive.id))
    elif not works_on(session, directive, actor):
        raise PermissionDeniedError(said("directive.not_your_work", id=directive.id, target=_target_name(directive)))
    target_of(directive.status, move)
    return directive


def _move(session: Session, directive: Directive, move: Move, kind: str, *, actor: Actor, now: datetime,
          data: dict[str, Any] | None = None) -> Directive:
    sweep.record_breach(session, directive, at=now, actor=actor)  # a deadline passed before this step: kept
    previous = directive.status
    directive.status = target_of(previous, move)
    directive.updated_at = now
    late_s = (now - directive.deadline).total_seconds()
    events.record(session, directive, kind, actor=actor, at=now, from_status=previous,
                  data={**(data or {}), **({"late_s": late_s} if late_s > 0 and move == Move.REPORT else {})})
    flush_or_conflict(session, f"directive {directive.id}")
    return directive


def _name_units(session: Session, directive: Directive, unit_ids: Iterable[int], *, actor: Actor,
                now: datetime) -> list[int]:
    """Name more units to carry out ``directive``; return the ids newly named.

    Raises
    ------
    PermissionDeniedError
        If a patrol officer names a unit other than their own.
    ValidationError
        For a unit that does not exist or does not belong to the directive's target.
    """
    wanted = sorted(set(unit_ids) - set(unit_ids_of(session, directive.id)))
    unit_service.check_own_unit(actor, wanted)
    home = directive.target_org_unit_id or directive.station_id  # a unit without a station takes no others
    target_scope = org_service.scope_of(session, home) if home is not None else None
    for unit_id in wanted:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise field_error("unit_ids", "directive.unit_unknown", id=unit_id)
        if target_scope is None or not target_scope.holds(unit.home_station_id):
            raise field_error("unit_ids", "directive.unit_not_in_target", id=unit_id)
        session.add(DirectiveUnit(directive_id=directive.id, unit_id=unit_id, named_at=now, named_by=actor.username))
    if wanted:
        events.record(session, directive, "units_named", actor=actor, at=now, data={"unit_ids": wanted})
    return wanted


@conflicts_as_domain_errors
def sign(session: Session, directive_id: int, *, actor: Actor, note: str = "", now: datetime | None = None,
         ) -> Directive:
    """Sign for a directive (签收): the target side acknowledges it."""
    now = now or utcnow()
    directive = _for_move(session, directive_id, Move.SIGN, actor)
    directive.signed_at, directive.signed_by = now, actor.username
    return _move(session, directive, Move.SIGN, "signed_for", actor=actor, now=now, data={"note": note or None})


@conflicts_as_domain_errors
def start(session: Session, directive_id: int, *, actor: Actor, unit_ids: Iterable[int] = (), note: str = "",
          now: datetime | None = None) -> Directive:
    """Start the work on a signed directive, naming the units that carry it out."""
    now = now or utcnow()
    directive = _for_move(session, directive_id, Move.START, actor)
    _name_units(session, directive, unit_ids, actor=actor, now=now)
    directive.started_at = now
    return _move(session, directive, Move.START, "started", actor=actor, now=now, data={"note": note or None})


@conflicts_as_domain_errors
def report(session: Session, directive_id: int, *, actor: Actor, text: str, unit_ids: Iterable[int] = (),
           now: datetime | None = None, gap_cap_s: float = DEFAULT_GAP_CAP_S) -> Directive:
    """Report a directive done, with a report; a patrol's minutes are measured from the position log.

    Raises
    ------
    ValidationError
        For a blank text, or a patrol report with no unit named to carry it out.
    """
    now = now or utcnow()
    directive = _for_move(session, directive_id, Move.REPORT, actor)
    if not text.strip():
        raise field_error("text", "directive.text_needed")
    _name_units(session, directive, unit_ids, actor=actor, now=now)
    directive.report_text = text.strip()
    directive.reported_at, directive.reported_by = now, actor.username
    directive.patrol_seconds = directive.patrol_detail = None
    if directive.kind == DirectiveKind.PATROL:
        units = unit_ids_of(session, directive.id)
        if not units:
            raise field_error("unit_ids", "directive.patrol_needs_units")
        measure = patrol_minutes(session, directive, unit_ids=units, now=now, gap_cap_s=gap_cap_s)
        directive.patrol_seconds, directive.patrol_detail = measure.seconds, measure.detail()
    return _move(session, directive, Move.REPORT, "reported", actor=actor, now=now, data={
        "report": directive.report_text, "patrol_minutes": round(directive.patrol_seconds / 60.0, 2)
        if directive.patrol_seconds is not None else None})


@conflicts_as_domain_errors
def check(session: Session, directive_id: int, *, actor: Actor, accepted: bool, reason: str = "",
          now: datetime | None = None) -> Directive:
    """Check a reported directive: accept it (closed) or return it with a reason (back in progress).

    Raises
    ------
    ValidationError
        When returning it without a reason of at least :data:`MIN_REASON_LENGTH` characters.
    """
    now = now or utcnow()
    move = Move.ACCEPT if accepted else Move.RETURN
    directive = _for_move(session, directive_id, move, actor)
    reason = reason.strip()
    if not accepted and len(reason) < MIN_REASON_LENGTH:
        raise field_error("reason", "directive.reason_needed", n=MIN_REASON_LENGTH)
    directive.checked_at, directive.checked_by = now, actor.username
    if accepted:
        directive.closed_at = now
    return _move(session, directive, move, "accepted" if accepted else "returned", actor=actor, now=now,
                 data={"reason": reason or None})


@conflicts_as_domain_errors
def cancel(session: Session, directive_id: int, *, actor: Actor, reason: str, now: datetime | None = None,
           ) -> Directive:
    """Withdraw a directive that is not yet reported done, with a reason."""
    now = now or utcnow()
    directive = _for_move(session, directive_id, Move.CANCEL, actor)
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise field_error("reason", "directive.reason_needed", n=MIN_REASON_LENGTH)
    directive.closed_at = now
    return _move(session, directive, Move.CANCEL, "cancelled", actor=actor, now=now, data={"reason": reason})
