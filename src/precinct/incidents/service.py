"""Incidents: the type list, intake, and the reads within an account's scope.

Status changes and unit assignment are in :mod:`precinct.incidents.lifecycle`; the audited
reads of personal data in :mod:`precinct.incidents.parties`.
"""

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
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from precinct.core.i18n import texts
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.incidents.messages import said
from precinct.incidents.models import (
    Assignment,
    Incident,
    IncidentEvent,
    IncidentParty,
    IncidentSource,
    IncidentStatus,
    IncidentType,
)
from precinct.incidents.schemas import IncidentCreate
from precinct.org import service as org_service
from precinct.units.models import Unit

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
        raise ValidationError(said("incident.type_unknown", code=code), field="type_code")
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
            raise texts.field_error("received_at", "incident.received_in_future")
        if data.external_id and session.scalar(select(Incident.id).where(Incident.external_id == data.external_id)):
            raise ConflictError(said("incident.external_taken", external_id=data.external_id))
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
            reinforcing_station_ids=None,
            due_stage=None,  # the dispatch deadline goes on before the INSERT (supervision's flush hook)
            due_at=None,
            due_warn_at=None,
        ))
    session.add_all(incidents)
    session.flush()
    for (data, actor), incident in zip(calls, incidents, strict=True):
        session.add(IncidentEvent(
            incident_id=incident.id, at=now, actor=actor.username, kind="created", from_status=None,
            to_status=IncidentStatus.RECEIVED.value,
            data={"source": data.source.value, "type_code": incident.type_code, "simulated": simulated}))
        for party in data.parties:
            session.add(IncidentParty(incident_id=incident.id, **party.model_dump()))
        audit_service.record(
            session, actor=actor, action="incident.create", resource_type="incident", resource_id=incident.id,
            detail={"parties": len(data.parties), "simulated": simulated},
        )
    return incidents


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
        raise PermissionDeniedError(said("incident.call_taker_source"))
    if actor.role == Role.PATROL_OFFICER and source != IncidentSource.OFFICER_INITIATED:
        raise PermissionDeniedError(said("incident.officer_source"))


def get(session: Session, incident_id: int) -> Incident:
    """Return an incident; NotFoundError if there is none."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError(said("incident.not_found", id=incident_id))
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
        raise NotFoundError(said("incident.not_found", id=incident_id))
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
        raise NotFoundError(said("incident.not_found", id=incident_id))
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
