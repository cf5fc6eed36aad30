"""Incidents: intake, queries, status changes, unit assignment and audited personal data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.cache import TTLCache
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from precinct.core.i18n import MESSAGES
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.incidents.models import (
    Assignment,
    Disposition,
    Incident,
    IncidentEvent,
    IncidentParty,
    IncidentSource,
    IncidentStatus,
    IncidentType,
    ReadPurpose,
)
from precinct.incidents.schemas import IncidentCreate
from precinct.incidents.status import FINAL_STATUSES, check_feedback, check_reopen, check_transition
from precinct.org import service as org_service
from precinct.units import service as unit_service
from precinct.units.models import Unit, UnitStatus
from precinct.units.status import BUSY_STATUSES

MAX_FUTURE_SKEW = timedelta(minutes=5)


# ---- incident types -------------------------------------------------------------------------


def default_types() -> list[dict[str, Any]]:
    """Return the shipped incident-type code list (``incidents/types.json``)."""
    text = resources.files("precinct.incidents").joinpath("types.json").read_text(encoding="utf-8")
    types: list[dict[str, Any]] = json.loads(text)["types"]
    return types


@dataclass(frozen=True)
class TypeInfo:
    """A detached, cacheable view of an incident type."""

    code: str
    name_zh: str
    name_en: str
    category: str
    default_priority: int
    active: bool


_types = TTLCache[dict[str, TypeInfo]](ttl_s=30.0)


def _type_table(session: Session) -> dict[str, TypeInfo]:
    key = session.get_bind().engine.url  # the URL itself: hashing it is cheaper than rendering it
    return _types.get_or_load(key, lambda: {
        t.code: TypeInfo(t.code, t.name_zh, t.name_en, t.category, t.default_priority, t.active)
        for t in session.scalars(select(IncidentType))})


def load_default_types(session: Session) -> int:
    """Insert the shipped code list's types that are missing; returns how many were added."""
    existing = set(session.scalars(select(IncidentType.code)))
    added = 0
    for row in default_types():
        if row["code"] not in existing:
            session.add(IncidentType(**row, active=True))
            added += 1
    session.flush()
    _types.clear_when_done(session)
    return added


def list_types(session: Session) -> list[IncidentType]:
    """Return every incident type, by code."""
    return list(session.scalars(select(IncidentType).order_by(IncidentType.code)))


def get_type(session: Session, code: str) -> TypeInfo:
    """Return the active incident type ``code``; ValidationError if it is unknown or retired."""
    incident_type = _type_table(session).get(code)
    if incident_type is None or not incident_type.active:
        raise ValidationError(f"type_code {code!r} is not in the incident type list; see GET /api/v1/incident-types")
    return incident_type


def type_lookup(session: Session) -> dict[str, str]:
    """Map codes, names and aliases (case-insensitive) to type codes, for imports."""
    lookup: dict[str, str] = {}
    for incident_type in list_types(session):
        for key in [incident_type.code, incident_type.name_en, incident_type.name_zh, *(incident_type.aliases or [])]:
            lookup.setdefault(key.strip().lower(), incident_type.code)
    return lookup


# ---- intake and queries ---------------------------------------------------------------------


def create(session: Session, data: IncidentCreate, *, actor: Actor, simulated: bool = False) -> Incident:
    """Take a call: validate its type, resolve jurisdiction, store it with its parties, audit."""
    return create_many(session, [(data, actor)], simulated=simulated)[0]


def create_many(
    session: Session, calls: list[tuple[IncidentCreate, Actor]], *, simulated: bool = False
) -> list[Incident]:
    """Take several calls in one unit of work (one INSERT for all of them).

    Does what :func:`create` does for each. Any invalid call raises and the session holds nothing
    of the others.
    """
    now = utcnow()
    incidents = []
    for data, actor in calls:
        check_source(data.source, actor)
        incident_type = get_type(session, data.type_code)
        received_at = data.received_at or now
        if received_at > now + MAX_FUTURE_SKEW:
            raise ValidationError("received_at lies in the future; send the time the call was received")
        if data.external_id and session.scalar(select(Incident.id).where(Incident.external_id == data.external_id)):
            raise ConflictError(f"an incident with external_id {data.external_id!r} already exists")
        place = org_service.resolve(session, data.lon, data.lat)
        incidents.append(Incident(
            external_id=data.external_id,
            source=data.source,
            type_code=incident_type.code,
            priority=data.priority or incident_type.default_priority,
            status=IncidentStatus.RECEIVED,
            description=data.description,
            address=data.address,
            lon=data.lon,
            lat=data.lat,
            received_at=received_at,
            district_id=place.district_id,
            station_id=place.station_id,
            beat_id=place.beat_id,
            simulated=simulated,
            created_by=actor.username,
            updated_at=now,
            # every column set: nothing is left unloaded after the INSERT, so reading the new
            # incident later (the response, live events) costs no SELECT
            disposition=None,
            closed_at=None,
            drill_run_id=None,
            extra=None,
        ))
    session.add_all(incidents)
    session.flush()
    for (data, actor), incident in zip(calls, incidents, strict=True):
        _event(session, incident, actor, "created", None, IncidentStatus.RECEIVED, at=now,
               data={"source": data.source.value, "type_code": incident.type_code, "simulated": simulated})
        for party in data.parties:
            session.add(IncidentParty(incident_id=incident.id, **party.model_dump()))
        audit_service.record(
            session, actor=actor, action="incident.create", resource_type="incident", resource_id=incident.id,
            detail={"parties": len(data.parties), "simulated": simulated},
        )
    return incidents


def get(session: Session, incident_id: int) -> Incident:
    """Return an incident; NotFoundError if there is none."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError(f"incident {incident_id} does not exist")
    return incident


# ---- scope: which incidents an account sees -----------------------------------------------


def visible_to(session: Session, incident: Incident, actor: Actor) -> bool:
    """Tell whether ``incident`` lies in ``actor``'s scope.

    It does when its station (or, without one, its district) lies in the actor's organisation
    subtree, or when a unit of a station in that subtree was sent to it: reinforcement across a
    boundary leaves the incident with the station of its place, and both stations see it.
    """
    scope = org_service.scope_for(session, actor)
    if scope.holds(incident.station_id, incident.district_id):
        return True
    assert scope.units is not None  # a city-wide scope holds everything
    return session.scalar(
        select(Assignment.id).join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.incident_id == incident.id, Unit.home_station_id.in_(sorted(scope.units))).limit(1)
    ) is not None


def scope_filter(scope: org_service.Scope) -> ColumnElement[bool] | None:
    """Return the filter of the incidents :func:`visible_to` an account of ``scope`` (``None``: all)."""
    by_place = org_service.where_in_scope(scope, Incident.station_id, Incident.district_id)
    if by_place is None or scope.units is None:
        return None
    reinforced = select(Assignment.incident_id).join(Unit, Unit.id == Assignment.unit_id).where(
        Unit.home_station_id.in_(sorted(scope.units)))
    return or_(by_place, Incident.id.in_(reinforced))


def get_visible(session: Session, incident_id: int, actor: Actor, *, for_update: bool = False) -> Incident:
    """Return an incident in ``actor``'s scope (:func:`visible_to`), locked with ``for_update``.

    Raises
    ------
    NotFoundError
        If there is no such incident, or it lies outside the scope (so its existence does not leak).
    """
    incident = get_for_update(session, incident_id) if for_update else get(session, incident_id)
    if not visible_to(session, incident, actor):
        raise NotFoundError(f"incident {incident_id} does not exist")
    return incident


@dataclass(frozen=True)
class IncidentFilter:
    """What :func:`list_` selects by (empty or ``None``: every value)."""

    status: tuple[IncidentStatus, ...] = ()
    source: tuple[IncidentSource, ...] = ()
    type_code: str | None = None
    priority: int | None = None
    district_id: int | None = None
    station_id: int | None = None
    beat_id: int | None = None
    simulated: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None


def list_(
    session: Session, filters: IncidentFilter, *, page: int = 1, page_size: int = 50,
    scope: org_service.Scope = org_service.CITYWIDE,
) -> tuple[list[Incident], int]:
    """Return one page of the incidents in ``scope`` matching ``filters`` (latest received first) and how many match."""
    query = select(Incident)
    if (in_scope := scope_filter(scope)) is not None:
        query = query.where(in_scope)
    if filters.status:
        query = query.where(Incident.status.in_(filters.status))
    if filters.source:
        query = query.where(Incident.source.in_(filters.source))
    for column, value in [
        (Incident.type_code, filters.type_code),
        (Incident.priority, filters.priority),
        (Incident.district_id, filters.district_id),
        (Incident.station_id, filters.station_id),
        (Incident.beat_id, filters.beat_id),
        (Incident.simulated, filters.simulated),
    ]:
        if value is not None:
            query = query.where(column == value)
    if filters.received_from is not None:
        query = query.where(Incident.received_at >= filters.received_from)
    if filters.received_to is not None:
        query = query.where(Incident.received_at < filters.received_to)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Incident.received_at.desc(), Incident.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return list(items), total


def events(session: Session, incident_id: int, *, actor: Actor) -> list[IncidentEvent]:
    """Return the event log of an incident in ``actor``'s scope, oldest first."""
    get_visible(session, incident_id, actor)
    return list(session.scalars(
        select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
    ))


def assignments(session: Session, incident_id: int, *, actor: Actor) -> list[Assignment]:
    """Return the units assigned to an incident in ``actor``'s scope, first first."""
    get_visible(session, incident_id, actor)
    return list(session.scalars(
        select(Assignment).where(Assignment.incident_id == incident_id).order_by(Assignment.id)
    ))


# ---- status and dispatch --------------------------------------------------------------------


def check_source(source: IncidentSource, actor: Actor) -> None:
    """Check that the actor's role may file an incident of this source.

    A call taker files what callers report, never an officer-initiated incident; a patrol
    officer files the incidents they find themselves (officer-initiated).

    Raises
    ------
    PermissionDeniedError
        When the source does not fit the actor's role.
    """
    if source == IncidentSource.OFFICER_INITIATED and actor.role == Role.CALL_TAKER:
        raise PermissionDeniedError("a call taker files what callers report: source officer_initiated is for the "
                                    "incidents officers find themselves")
    if actor.role == Role.PATROL_OFFICER and source != IncidentSource.OFFICER_INITIATED:
        raise PermissionDeniedError("a patrol officer files the incidents they find themselves: use source "
                                    "officer_initiated")


def check_own_incident(session: Session, incident: Incident, actor: Actor) -> None:
    """Check that a patrol officer acts only on incidents their unit is assigned to now.

    Raises
    ------
    PermissionDeniedError
        If ``actor`` is a patrol officer whose unit has no open assignment on ``incident``.
    """
    if actor.role != Role.PATROL_OFFICER:
        return
    assigned = actor.unit_id is not None and session.scalar(select(Assignment.id).where(
        Assignment.incident_id == incident.id, Assignment.unit_id == actor.unit_id,
        Assignment.cleared_at.is_(None)).limit(1)) is not None
    if not assigned:
        raise PermissionDeniedError(f"incident {incident.id} is not your unit's: a patrol officer acts on the "
                                    "incidents their own unit is sent to")


@conflicts_as_domain_errors
def transition(
    session: Session,
    incident_id: int,
    target: IncidentStatus,
    *,
    actor: Actor,
    disposition: Disposition | None = None,
    note: str = "",
) -> Incident:
    """Move an incident along its status machine; closing or transferring frees its units.

    A patrol officer moves only their own unit's incidents (:func:`check_own_incident`). Closing
    needs a disposition and, in ``note``, a short feedback text (反馈).
    """
    incident = get_visible(session, incident_id, actor)
    check_own_incident(session, incident, actor)
    if target == IncidentStatus.DISPATCHED:
        raise ValidationError("an incident becomes dispatched by assigning a unit: POST /incidents/{id}/assignments")
    check_transition(incident.status, target, disposition)
    check_feedback(target, note)
    now = utcnow()
    previous = incident.status
    incident.status = target
    incident.updated_at = now
    if target in FINAL_STATUSES:
        incident.disposition = disposition
        incident.closed_at = now
        _release_units(session, incident, actor=actor, at=now)
    _event(session, incident, actor, "status", previous, target, at=now,
           data={"disposition": disposition.value if disposition else None, "note": note or None})
    flush_or_conflict(session, f"incident {incident.id}")
    audit_service.record(
        session, actor=actor, action="incident.transition", resource_type="incident", resource_id=incident.id,
        detail={"from": previous.value, "to": target.value, "disposition": disposition.value if disposition else None},
    )
    return incident


MIN_REOPEN_REASON_LENGTH = 2


@conflicts_as_domain_errors
def reopen(session: Session, incident_id: int, *, reason: str, actor: Actor) -> Incident:
    """Take a closed incident back to ``received`` (a supervisor's decision, with a reason); audited.

    The disposition and closing time are cleared (the ``reopened`` event keeps the old
    disposition and the reason); the incident waits for a unit again. Who may reopen, and which
    incidents (scope), is checked by the caller.

    Raises
    ------
    ValidationError
        Without a reason.
    ConflictError
        If the incident is not closed.
    """
    reason = reason.strip()
    if len(reason) < MIN_REOPEN_REASON_LENGTH:
        raise ValidationError("reason: " + MESSAGES["incident.reopen_reason"]["zh-CN"] + " / "
                              + MESSAGES["incident.reopen_reason"]["en"])
    incident = get_for_update(session, incident_id)
    check_reopen(incident.status)
    now = utcnow()
    previous, disposition = incident.status, incident.disposition
    incident.status = IncidentStatus.RECEIVED
    incident.disposition = None
    incident.closed_at = None
    incident.updated_at = now
    _event(session, incident, actor, "reopened", previous, IncidentStatus.RECEIVED, at=now,
           data={"reason": reason, "disposition": disposition.value if disposition else None})
    flush_or_conflict(session, f"incident {incident.id}")
    audit_service.record(session, actor=actor, action="incident.reopen", resource_type="incident",
                         resource_id=incident.id, detail={"reason": reason})
    return incident


def get_for_update(session: Session, incident_id: int) -> Incident:
    """Return an incident with its row locked until the transaction ends, freshly read.

    ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every writing transaction already holds the
    database-wide write lock (``BEGIN IMMEDIATE``). What the session had loaded of the incident
    before is overwritten by the locked read.

    Raises
    ------
    NotFoundError
        If there is no such incident.
    """
    incident = session.get(Incident, incident_id, with_for_update=True, populate_existing=True)
    if incident is None:
        raise NotFoundError(f"incident {incident_id} does not exist")
    return incident


@conflicts_as_domain_errors
def assign_unit(session: Session, incident_id: int, unit_id: int, *, actor: Actor) -> Assignment:
    """Send an available unit to an incident.

    Concurrent assignments take the incident's row lock, then the unit's (always in this order,
    as the units' status reports do), and check what they read under the locks. So several
    dispatchers sending different units to one incident at once all succeed (the first moves it
    from ``received`` to ``dispatched``), and of two sending the same unit exactly one wins: the
    other is told the unit is no longer available.

    A dispatcher sends the units of their scope, and as reinforcement across the boundary those of
    the stations bordering the incident's (:func:`may_send`).

    Raises
    ------
    NotFoundError
        If the incident or the unit does not exist or lies outside the actor's scope.
    ConflictError
        If the incident is closed or transferred, or the unit is not available.
    """
    incident = get_visible(session, incident_id, actor, for_update=True)
    if incident.status in FINAL_STATUSES:
        raise ConflictError(f"incident {incident.id} is {incident.status.value}; it takes no more units")
    unit = unit_service.get(session, unit_id, for_update=True)
    if not may_send(session, unit, incident, actor):
        raise NotFoundError(f"unit {unit_id} does not exist")
    if unit.status != UnitStatus.AVAILABLE:
        raise ConflictError(_not_available(session, unit, incident.id))
    now = utcnow()
    unit_service.apply_status(session, unit, UnitStatus.DISPATCHED, actor=actor, at=now, incident_id=incident.id)
    assignment = Assignment(incident_id=incident.id, unit_id=unit.id, dispatched_at=now, dispatched_by=actor.username)
    session.add(assignment)
    previous = incident.status
    if previous == IncidentStatus.RECEIVED:
        incident.status = IncidentStatus.DISPATCHED
    incident.updated_at = now
    _event(session, incident, actor, "assigned", previous, incident.status, at=now,
           data={"unit_id": unit.id, "call_sign": unit.call_sign})
    flush_or_conflict(session, f"incident {incident.id} or unit {unit.call_sign}")
    audit_service.record(
        session, actor=actor, action="incident.assign", resource_type="incident", resource_id=incident.id,
        detail={"unit_id": unit.id},
    )
    return assignment


def may_send(session: Session, unit: Unit, incident: Incident, actor: Actor) -> bool:
    """Tell whether ``actor`` may send ``unit`` to ``incident``.

    A unit of the actor's scope, or one from a station bordering the incident's station: the
    reinforcement a neighbouring station lends. City-wide accounts send any unit.
    """
    scope = org_service.scope_for(session, actor)
    if scope.citywide or scope.holds(unit.home_station_id):
        return True
    return unit.home_station_id in org_service.neighbouring_stations(session, incident.station_id)


def _not_available(session: Session, unit: Unit, incident_id: int) -> str:
    """Say why ``unit`` cannot be sent to incident ``incident_id`` (its status, and where it is sent)."""
    sent_to = session.scalar(select(Assignment.incident_id).where(
        Assignment.unit_id == unit.id, Assignment.cleared_at.is_(None)).order_by(Assignment.id.desc()).limit(1))
    if sent_to == incident_id:
        return f"unit {unit.call_sign} is not available: it is already assigned to incident {incident_id}"
    where = f" (assigned to incident {sent_to})" if sent_to is not None else ""
    return f"unit {unit.call_sign} is not available: it is {unit.status.value}{where}; choose another unit"


def _release_units(session: Session, incident: Incident, *, actor: Actor, at: datetime) -> None:
    active = session.scalars(
        select(Assignment).where(Assignment.incident_id == incident.id, Assignment.cleared_at.is_(None))
    ).all()
    for assignment in active:
        assignment.cleared_at = at
        unit = session.get(Unit, assignment.unit_id)
        if unit is not None and unit.status in BUSY_STATUSES:
            unit_service.apply_status(session, unit, UnitStatus.AVAILABLE, actor=actor, at=at, incident_id=incident.id)


def _event(
    session: Session, incident: Incident, actor: Actor, kind: str, from_status: IncidentStatus | None,
    to_status: IncidentStatus | None, *, at: datetime, data: dict[str, Any] | None = None,
) -> None:
    session.add(
        IncidentEvent(
            incident_id=incident.id, at=at, actor=actor.username, kind=kind,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value if to_status else None,
            data=data,
        )
    )


# ---- personal data --------------------------------------------------------------------------


def list_parties(session: Session, incident_id: int, *, actor: Actor, purpose: ReadPurpose,
                 reason: str) -> list[IncidentParty]:
    """Read an incident's callers, victims and witnesses for a stated purpose (audited).

    The reader's role is checked by the route (``Permission.PERSONAL_DATA``). Here: a patrol
    officer reads only incidents their unit was sent to; anyone else only incidents in their scope
    (their organisation unit's subtree). Another incident answers as if it did not exist.

    Raises
    ------
    ValidationError
        Without a reason of at least :data:`MIN_REASON_LENGTH` characters.
    NotFoundError
        If the incident does not exist or is not the reader's to read.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(f"reason: say in a few words why you read this personal data (at least "
                              f"{MIN_REASON_LENGTH} characters); it is written to the audit log with the purpose")
    incident = get(session, incident_id)
    if not may_read_personal_data(session, incident, actor):
        raise NotFoundError(f"incident {incident_id} does not exist")
    parties = list(session.scalars(
        select(IncidentParty).where(IncidentParty.incident_id == incident_id).order_by(IncidentParty.id)
    ))
    audit_service.record(
        session, actor=actor, action="personal_data.read", resource_type="incident",
        resource_id=incident_id, purpose=purpose.value, detail={"party_ids": [p.id for p in parties],
                                                                 "reason": reason},
    )
    return parties


MIN_REASON_LENGTH = 4


def may_read_personal_data(session: Session, incident: Incident, actor: Actor) -> bool:
    """Tell whether ``actor`` may read ``incident``'s parties.

    A patrol officer may when their unit was sent to it; anyone else when it lies in their scope.
    """
    if actor.role == Role.PATROL_OFFICER:
        return actor.unit_id is not None and session.scalar(select(Assignment.id).where(
            Assignment.incident_id == incident.id, Assignment.unit_id == actor.unit_id).limit(1)) is not None
    return visible_to(session, incident, actor)
