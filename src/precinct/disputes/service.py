"""Dispute cases (矛盾纠纷): open them at a place, mediate, agree, follow up; read their parties with a purpose.

Who may do what (the routes check the role, this module the rest):

- **open** (``Permission.MEDIATE``): at a place inside the caller's scope (422 naming ``lon``
  otherwise); from a call (the call's place unless another is given), from a repeat-call place,
  or directly. A dispute without a place is refused (422 naming ``place``).
- **work** (sessions, agreement, failure, follow-up; ``Permission.MEDIATE``): the accounts of the
  station the place lies in, and the opener; others who may read it get 403.
- **read**: accounts whose scope holds the dispute's station or district; any other dispute
  answers 404. Its **parties** are personal data: ``Permission.PERSONAL_DATA``, a purpose and a
  reason, written to the audit log.

The life cycle: open -> agreed (an agreement, a follow-up date) -> closed (the follow-up's
result), or open -> failed (no agreement); a move the status does not allow answers 409 with the
moves it allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.security import Actor
from precinct.disputes import evaluation
from precinct.disputes.messages import field_error, said
from precinct.disputes.models import (
    KIND_NAMES,
    STATUS_NAMES,
    Dispute,
    DisputeEvent,
    DisputeKind,
    DisputeParty,
    DisputeSession,
    DisputeSource,
    DisputeStatus,
)
from precinct.disputes.schemas import DisputeCreate, DisputePurpose, DisputeRead
from precinct.incidents.models import Incident
from precinct.org import service as org_service
from precinct.places.models import Premises

MIN_REASON_LENGTH = 4
MOVES: dict[DisputeStatus, tuple[str, ...]] = {
    DisputeStatus.OPEN: ("session", "agree", "fail"),
    DisputeStatus.AGREED: ("session", "follow_up"),
    DisputeStatus.FAILED: (),
    DisputeStatus.CLOSED: (),
}


def _event(session: Session, dispute: Dispute, kind: str, *, actor: Actor, at: datetime,
           data: dict[str, Any] | None = None) -> None:
    session.add(DisputeEvent(dispute_id=dispute.id, at=at, actor=actor.username, kind=kind, data=data))


def _scope(session: Session, actor: Actor) -> org_service.Scope:
    return org_service.scope_of(session, actor.org_unit_id)


def _source_place(session: Session, data: DisputeCreate, scope: org_service.Scope,
                  ) -> tuple[str | None, float | None, float | None]:
    place, lon, lat = data.place, data.lon, data.lat
    if data.source == DisputeSource.CALL and data.incident_id is None:
        raise field_error("incident_id", "dispute.source_incident")
    if data.source == DisputeSource.REPEAT_PLACE and not data.place_key:
        raise field_error("place_key", "dispute.source_place")
    if data.incident_id is not None:
        incident = session.get(Incident, data.incident_id)
        if incident is None or not scope.holds(incident.station_id, incident.district_id):
            raise field_error("incident_id", "dispute.incident_unknown", id=data.incident_id)
        if lon is None or lat is None:
            lon, lat = incident.lon, incident.lat
        place = place or incident.address or None
    return place, lon, lat


def place_in_scope(session: Session, lon: float, lat: float, scope: org_service.Scope) -> org_service.Jurisdiction:
    """Return the jurisdiction of a place in ``scope``.

    Raises
    ------
    ValidationError
        Naming ``lon``, for a place outside every district of the city, or outside ``scope``.
    """
    where = org_service.resolve(session, lon, lat)
    if where.district_id is None:
        raise field_error("lon", "place.outside_city", lon=lon, lat=lat)
    if not scope.holds(where.station_id, where.district_id):
        raise field_error("lon", "place.outside_scope", lon=lon, lat=lat)
    return where


def create(session: Session, data: DisputeCreate, *, actor: Actor, now: datetime | None = None) -> Dispute:
    """Open a dispute case at a place in the caller's scope, with its parties (see the module).

    Raises
    ------
    ValidationError
        Without a place (address and position), for a place outside the city or the caller's
        scope, or for a call or premises the caller cannot see.
    """
    now = now or utcnow()
    scope = _scope(session, actor)
    place, lon, lat = _source_place(session, data, scope)
    if not place or not place.strip() or lon is None or lat is None:
        raise field_error("place", "dispute.place_needed")
    if data.premises_id is not None:
        premises = session.get(Premises, data.premises_id)
        if premises is None or not scope.holds(premises.station_id, premises.district_id):
            raise field_error("premises_id", "dispute.premises_unknown", id=data.premises_id)
    where = place_in_scope(session, lon, lat, scope)
    dispute = Dispute(kind=data.kind, status=DisputeStatus.OPEN, source=data.source, summary=data.summary,
                      place=place.strip(), lon=lon, lat=lat, place_key=data.place_key, incident_id=data.incident_id,
                      premises_id=data.premises_id, partner_body=data.partner_body, partner_name=data.partner_name,
                      station_id=where.station_id, district_id=where.district_id, opened_at=now,
                      opened_by=actor.username)
    session.add(dispute)
    session.flush()
    for party in data.parties:
        session.add(DisputeParty(dispute_id=dispute.id, side=party.side, name=party.name, contact=party.contact))
    _event(session, dispute, "opened", actor=actor, at=now, data={"source": data.source.value,
                                                                  "parties": len(data.parties)})
    audit_service.record(session, actor=actor, action="dispute.open", resource_type="dispute", resource_id=dispute.id,
                         detail={"kind": data.kind.value, "parties": len(data.parties)})
    session.flush()
    return dispute


def get_visible(session: Session, dispute_id: int, actor: Actor, *, for_update: bool = False) -> Dispute:
    """Return a dispute in ``actor``'s scope; NotFoundError for any other."""
    dispute = session.get(Dispute, dispute_id, with_for_update=for_update or None, populate_existing=for_update)
    if dispute is None or not _scope(session, actor).holds(dispute.station_id, dispute.district_id):
        raise NotFoundError(said("dispute.not_found", id=dispute_id))
    return dispute


def works_on(dispute: Dispute, actor: Actor) -> bool:
    """Tell whether ``actor`` handles ``dispute``: of the station of its place, or its opener."""
    return actor.username == dispute.opened_by or (actor.org_unit_id is not None
                                                   and actor.org_unit_id == dispute.station_id)


def _for_move(session: Session, dispute_id: int, move: str, actor: Actor) -> Dispute:
    dispute = get_visible(session, dispute_id, actor, for_update=True)
    if not works_on(dispute, actor):
        raise PermissionDeniedError(said("dispute.not_your_case", id=dispute.id))
    if move not in MOVES[dispute.status]:
        allowed = ", ".join(MOVES[dispute.status])
        raise ConflictError(said("dispute.move_refused" if allowed else "dispute.move_refused_final",
                                 status=dispute.status.value, move=move, allowed=allowed))
    return dispute


def add_session(session: Session, dispute_id: int, *, held_at: datetime, outcome: str, notes: str, actor: Actor,
                now: datetime | None = None) -> DisputeSession:
    """Record a mediation session (date, outcome, notes)."""
    now = now or utcnow()
    dispute = _for_move(session, dispute_id, "session", actor)
    if held_at > now:
        raise field_error("held_at", "dispute.future")
    row = DisputeSession(dispute_id=dispute.id, held_at=held_at, outcome=outcome, notes=notes,
                         recorded_by=actor.username)
    session.add(row)
    _event(session, dispute, "session", actor=actor, at=now, data={"outcome": str(outcome)})
    flush_or_conflict(session, f"dispute {dispute.id}")
    return row


def agree(session: Session, dispute_id: int, *, agreement: str, follow_up_due: date, actor: Actor,
          today: date | None = None, now: datetime | None = None) -> Dispute:
    """Record the agreement reached and the date of the follow-up visit."""
    now = now or utcnow()
    dispute = _for_move(session, dispute_id, "agree", actor)
    if follow_up_due < (today or now.date()):
        raise field_error("follow_up_due", "dispute.follow_up_past")
    dispute.status, dispute.agreement, dispute.agreed_at = DisputeStatus.AGREED, agreement, now
    dispute.follow_up_due = follow_up_due
    _event(session, dispute, "agreed", actor=actor, at=now, data={"follow_up_due": follow_up_due.isoformat()})
    flush_or_conflict(session, f"dispute {dispute.id}")
    return dispute


def fail(session: Session, dispute_id: int, *, reason: str, actor: Actor, now: datetime | None = None) -> Dispute:
    """End the mediation without agreement (e.g. referred to a court), with the reason."""
    now = now or utcnow()
    dispute = _for_move(session, dispute_id, "fail", actor)
    dispute.status, dispute.closed_at = DisputeStatus.FAILED, now
    _event(session, dispute, "failed", actor=actor, at=now, data={"reason": reason})
    flush_or_conflict(session, f"dispute {dispute.id}")
    return dispute


def follow_up(session: Session, dispute_id: int, *, result: str, actor: Actor, now: datetime | None = None,
              ) -> Dispute:
    """Record the follow-up's result; the dispute is closed."""
    now = now or utcnow()
    dispute = _for_move(session, dispute_id, "follow_up", actor)
    dispute.status, dispute.follow_up_result, dispute.closed_at = DisputeStatus.CLOSED, result, now
    _event(session, dispute, "followed_up", actor=actor, at=now, data={"result": result})
    flush_or_conflict(session, f"dispute {dispute.id}")
    return dispute


@dataclass(frozen=True)
class DisputeFilter:
    """What :func:`list_` selects by (``None``: every value)."""

    status: DisputeStatus | None = None
    kind: DisputeKind | None = None
    station_id: int | None = None
    place_key: str | None = None
    follow_up_due: bool = False  # agreed, the follow-up date reached


def _readable(session: Session, actor: Actor) -> ColumnElement[bool] | None:
    scope = _scope(session, actor)
    if scope.units is None:
        return None
    return or_(Dispute.station_id.in_(scope.units), Dispute.district_id.in_(scope.units))


def list_(session: Session, filters: DisputeFilter, *, actor: Actor, today: date | None = None,
          limit: int = 500) -> list[Dispute]:
    """Return the disputes in ``actor``'s scope matching ``filters``, latest opened first."""
    query = select(Dispute)
    condition = _readable(session, actor)
    if condition is not None:
        query = query.where(condition)
    for column, value in ((Dispute.status, filters.status), (Dispute.kind, filters.kind),
                          (Dispute.station_id, filters.station_id), (Dispute.place_key, filters.place_key)):
        if value is not None:
            query = query.where(column == value)
    if filters.follow_up_due:
        query = query.where(Dispute.status == DisputeStatus.AGREED,
                            Dispute.follow_up_due <= (today or utcnow().date()))
    return list(session.scalars(query.order_by(Dispute.opened_at.desc(), Dispute.id.desc()).limit(limit)))


def to_read(session: Session, disputes: list[Dispute]) -> list[DisputeRead]:
    """Return the response shapes, with the number of parties (never their names)."""
    ids = [d.id for d in disputes]
    counts = dict(session.execute(select(DisputeParty.dispute_id, func.count()).where(
        DisputeParty.dispute_id.in_(ids)).group_by(DisputeParty.dispute_id)).all()) if ids else {}
    return [DisputeRead.model_validate(d).model_copy(update={
        "kind_zh": KIND_NAMES[d.kind][0], "kind_en": KIND_NAMES[d.kind][1], "status_zh": STATUS_NAMES[d.status][0],
        "status_en": STATUS_NAMES[d.status][1], "allowed_moves": list(MOVES[d.status]),
        "parties": int(counts.get(d.id, 0))}) for d in disputes]


def sessions_of(session: Session, dispute_id: int, *, actor: Actor) -> list[DisputeSession]:
    """Return a dispute's mediation sessions, earliest first."""
    get_visible(session, dispute_id, actor)
    return list(session.scalars(select(DisputeSession).where(DisputeSession.dispute_id == dispute_id)
                                .order_by(DisputeSession.held_at, DisputeSession.id)))


def events_of(session: Session, dispute_id: int, *, actor: Actor) -> list[DisputeEvent]:
    """Return a dispute's history, oldest first."""
    get_visible(session, dispute_id, actor)
    return list(session.scalars(select(DisputeEvent).where(DisputeEvent.dispute_id == dispute_id)
                                .order_by(DisputeEvent.id)))


def parties_of(session: Session, dispute_id: int, *, actor: Actor, purpose: DisputePurpose, reason: str,
               ) -> list[DisputeParty]:
    """Read a dispute's parties for a stated purpose and reason (audited as a personal-data read).

    Raises
    ------
    ValidationError
        Without a reason of at least :data:`MIN_REASON_LENGTH` characters.
    NotFoundError
        For a dispute outside the reader's scope.
    """
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise field_error("reason", "dispute.reason_needed", n=MIN_REASON_LENGTH)
    get_visible(session, dispute_id, actor)
    parties = list(session.scalars(select(DisputeParty).where(DisputeParty.dispute_id == dispute_id)
                                   .order_by(DisputeParty.id)))
    audit_service.record(session, actor=actor, action="personal_data.read", resource_type="dispute",
                         resource_id=dispute_id, purpose=purpose.value,
                         detail={"party_ids": [p.id for p in parties], "reason": reason.strip()})
    return parties


def effect(session: Session, dispute_id: int, *, actor: Actor, period_days: int = 30, radius_m: float = 100.0,
           confidence: float = 0.95, now: datetime | None = None) -> dict[str, Any]:
    """Return the calls at the dispute's place ``period_days`` before and after its agreement, against its station.

    Raises
    ------
    ValidationError
        Before an agreement, before the after period has ended, or for a place in no station.
    """
    dispute = get_visible(session, dispute_id, actor)
    if dispute.agreed_at is None:
        raise field_error("dispute_id", "dispute.not_agreed", id=dispute.id)
    if dispute.station_id is None:
        raise field_error("dispute_id", "effect.no_station")
    before, after = evaluation.periods_around(dispute.agreed_at, timedelta(days=period_days))
    if after[1] > (now or utcnow()):
        raise field_error("period_days", "effect.period_not_over", end=after[1].isoformat(timespec="minutes"))
    point = (dispute.lon, dispute.lat)
    treated = evaluation.calls_near(session, [point], radius_m=radius_m, since=before[0], until=after[1])
    rest = evaluation.station_calls_outside(session, dispute.station_id, point, radius_m=radius_m, since=before[0],
                                            until=after[1])
    counts = evaluation.counts_for(treated, rest, before, after)
    return evaluation.effect(counts, confidence=confidence, treated={"dispute_id": dispute.id},
                             comparison={"station_id": dispute.station_id}, before=before,
                             after=after) | {"radius_m": radius_m}
