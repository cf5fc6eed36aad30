"""Cases: create them, read them within scope, and the checks every other case service builds on.

Who may do what (the routes check the role, this module and the others of the package the rest):

- **read** (``Permission.READ_CASES``): accounts whose scope (their organisation unit's subtree)
  holds the case's station or district branch: a station its own cases, a branch its stations',
  the city all. Any other case answers as if it did not exist (404).
- **work** (``Permission.WORK_CASES``): a supervisor on any case they may read; a patrol officer
  (the investigator) on the cases of the team (unit) they crew, or those they lead. A case they may
  read but not work answers 403.
- **approve** (``Permission.APPROVE_CASES``, supervisors, who act as legal officers 法制员): reviews,
  extensions (of the tier the rule asks) and disposals on cases they may read, never their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from precinct.cases import events
from precinct.cases.messages import field_error, said
from precinct.cases.models import (
    Case,
    CaseEvent,
    CaseIncident,
    CaseKind,
    CaseNumberCounter,
    CaseParty,
    CaseStatus,
    CaseType,
)
from precinct.cases.rules import milestone_applies
from precinct.cases.schemas import CaseCreate
from precinct.cases.status import FINAL_STATUSES
from precinct.core.db import utcnow
from precinct.core.errors import ConfigurationError, ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.incidents.models import Incident
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.supervision.service import scope_of
from precinct.units.models import Unit
from precinct.users.models import User

KIND_CODES = {CaseKind.ADMINISTRATIVE: "XZ", CaseKind.CRIMINAL: "XS"}
"""What ``{kind}`` stands for in a case number."""
MIN_REASON_LENGTH = 4


def reason_of(field: str, value: str) -> str:
    """Return ``value`` stripped, once it is a reason of at least :data:`MIN_REASON_LENGTH` characters.

    Raises
    ------
    ValidationError
        Naming ``field``, for a shorter one.
    """
    value = value.strip()
    if len(value) < MIN_REASON_LENGTH:
        raise field_error(field, "case.reason_needed", n=MIN_REASON_LENGTH)
    return value


# ---- reading ----------------------------------------------------------------------------------


def get(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    """Return a case (locked and freshly read when ``for_update``); NotFoundError if there is none."""
    case = session.get(Case, case_id, with_for_update=for_update or None, populate_existing=for_update)
    if case is None:
        raise NotFoundError(said("case.not_found", id=case_id))
    return case


def may_read(session: Session, case: Case, actor: Actor) -> bool:
    """Tell whether ``actor``'s scope holds ``case`` (its station or district branch)."""
    return scope_of(session, actor).holds(case.station_id, case.district_id)


def get_visible(session: Session, case_id: int, actor: Actor, *, for_update: bool = False) -> Case:
    """Return a case ``actor`` may read; NotFoundError for one that does not exist or lies outside the scope."""
    case = get(session, case_id, for_update=for_update)
    if not may_read(session, case, actor):
        raise NotFoundError(said("case.not_found", id=case_id))
    return case


def works_on(case: Case, actor: Actor) -> bool:
    """Tell whether ``actor`` works ``case`` (see the module): an officer, their team's or their own lead."""
    if actor.role == Role.PATROL_OFFICER:
        return (actor.unit_id is not None and case.team_unit_id == actor.unit_id) or case.lead_officer == actor.username
    return True


def get_workable(session: Session, case_id: int, actor: Actor, *, for_update: bool = True) -> Case:
    """Return a case ``actor`` may read and work (404 outside the scope, 403 for another team's)."""
    case = get_visible(session, case_id, actor, for_update=for_update)
    if not works_on(case, actor):
        raise PermissionDeniedError(said("case.not_your_case", id=case.id))
    return case


def get_open_workable(session: Session, case_id: int, actor: Actor) -> Case:
    """As :func:`get_workable`, and the case is not final (409 otherwise)."""
    case = get_workable(session, case_id, actor)
    if case.status in FINAL_STATUSES:
        raise ConflictError(said("case.final", id=case.id, status=case.status.value))
    return case


def readable_by(session: Session, actor: Actor) -> ColumnElement[bool] | None:
    """Return the SQL condition of :func:`may_read` (``None``: every case)."""
    scope = scope_of(session, actor)
    if scope.units is None:
        return None
    units = sorted(scope.units)
    return or_(Case.station_id.in_(units), Case.district_id.in_(units))


@dataclass(frozen=True)
class CaseFilter:
    """What :func:`list_` selects by (empty or ``None``: every value)."""

    status: tuple[CaseStatus, ...] = ()
    kind: CaseKind | None = None
    type_code: str | None = None
    station_id: int | None = None
    mine: bool = False  # the cases the caller's team works or the caller leads
    number: str | None = None  # the start of the number


def list_(session: Session, filters: CaseFilter, *, actor: Actor, page: int = 1, page_size: int = 50,
          ) -> tuple[list[Case], int]:
    """Return one page of the cases ``actor`` may read that match ``filters`` (latest received first), and the count."""
    query = select(Case)
    if (readable := readable_by(session, actor)) is not None:
        query = query.where(readable)
    if filters.status:
        query = query.where(Case.status.in_(filters.status))
    for column, value in ((Case.kind, filters.kind), (Case.type_code, filters.type_code),
                          (Case.station_id, filters.station_id)):
        if value is not None:
            query = query.where(column == value)
    if filters.number:
        query = query.where(Case.number.startswith(filters.number, autoescape=True))
    if filters.mine:
        mine = [Case.lead_officer == actor.username]
        if actor.unit_id is not None:
            mine.append(Case.team_unit_id == actor.unit_id)
        query = query.where(or_(*mine))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(Case.received_at.desc(), Case.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


def events_of(session: Session, case_id: int, *, actor: Actor) -> list[CaseEvent]:
    """Return a case's event log, oldest first (NotFoundError as :func:`get_visible`)."""
    get_visible(session, case_id, actor)
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def incidents_of(session: Session, case_id: int, *, actor: Actor) -> list[CaseIncident]:
    """Return the incidents linked to a case, first linked first."""
    get_visible(session, case_id, actor)
    return list(session.scalars(select(CaseIncident).where(CaseIncident.case_id == case_id)
                                .order_by(CaseIncident.id)))


# ---- creating ---------------------------------------------------------------------------------


def case_number(pattern: str, *, station: str, kind: CaseKind, year: int, seq: int) -> str:
    """Return the case number ``pattern`` makes of these values.

    Raises
    ------
    ConfigurationError
        If the pattern names another field or has a bad format spec.
    """
    try:
        return pattern.format(station=station, kind=KIND_CODES[kind], year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigurationError(said("case.number_pattern", pattern=pattern, problem=repr(exc))) from exc


NUMBER_TRIES = 1000
"""How many taken numbers in a row :func:`_next_number` skips before it gives up (a pattern without ``{seq}``)."""


def _next_number(session: Session, station: OrgUnit, kind: CaseKind, year: int, pattern: str) -> str:
    counter = session.scalar(select(CaseNumberCounter).where(
        CaseNumberCounter.station_id == station.id, CaseNumberCounter.kind == kind, CaseNumberCounter.year == year)
        .with_for_update())
    if counter is None:
        counter = CaseNumberCounter(station_id=station.id, kind=kind, year=year, last=0)
        session.add(counter)
    for _ in range(NUMBER_TRIES):  # a number taken by hand is skipped
        counter.last += 1
        number = case_number(pattern, station=station.code, kind=kind, year=year, seq=counter.last)
        if session.scalar(select(Case.id).where(Case.number == number)) is None:
            return number
    raise ConfigurationError(said("case.number_exhausted", pattern=pattern, tries=NUMBER_TRIES))


def _incidents(session: Session, ids: list[int], scope: org_service.Scope) -> list[Incident]:
    found = []
    for index, incident_id in enumerate(dict.fromkeys(ids)):
        incident = session.get(Incident, incident_id)
        if incident is None or not scope.holds(incident.station_id, incident.district_id):
            raise field_error(f"incident_ids.{index}", "case.incident_unknown", id=incident_id)
        found.append(incident)
    return found


def _station(session: Session, data: CaseCreate, incidents: list[Incident], scope: org_service.Scope) -> OrgUnit:
    station_id = data.station_id or next((i.station_id for i in incidents if i.station_id is not None), None)
    if station_id is None:
        raise field_error("station_id", "case.station_needed")
    station = session.get(OrgUnit, station_id)
    if station is None or station.tier != OrgTier.STATION or not scope.holds(station.id):
        raise field_error("station_id", "case.station_unknown", id=station_id)
    return station


def check_account(session: Session, username: str, station: OrgUnit, field: str) -> None:
    """Check that ``username`` is an active account of ``station`` or above it (ValidationError naming ``field``)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active or not (
            user.org_unit_id is None or org_service.scope_of(session, user.org_unit_id).holds(station.id)):
        raise field_error(field, "case.assignee_unknown", name=username)


def _team(session: Session, data: CaseCreate, station: OrgUnit, actor: Actor) -> int | None:
    team_id = data.team_unit_id
    if actor.role == Role.PATROL_OFFICER:
        if team_id is not None and team_id != actor.unit_id:
            raise PermissionDeniedError(said("case.team_not_yours"))
        team_id = actor.unit_id
    if team_id is not None:
        unit = session.get(Unit, team_id)
        if unit is None or unit.home_station_id != station.id:
            raise field_error("team_unit_id", "case.team_unknown", id=team_id)
    return team_id


def create(session: Session, data: CaseCreate, *, actor: Actor, number_pattern: str, zone: ZoneInfo,
           now: datetime | None = None) -> Case:
    """Register a case (受案): from ``data.incident_ids`` (in the actor's scope) or directly, numbered by the pattern.

    The case starts ``received``; its receipt starts the limits of the rules it triggers.

    Raises
    ------
    ValidationError
        For an unknown or retired type, a type of the other kind, an incident or station outside
        the scope, a team of another station, an unknown lead officer.
    ConflictError
        For a number that already exists.
    PermissionDeniedError
        A patrol officer giving the case to another team.
    """
    now = now or utcnow()
    case_type = session.get(CaseType, data.type_code)
    if case_type is None or not case_type.active:
        raise field_error("type_code", "case.type_unknown", code=data.type_code)
    if case_type.kind != data.kind:
        raise field_error("type_code", "case.type_kind", code=data.type_code, type_kind=case_type.kind.value,
                          kind=data.kind.value)
    scope = scope_of(session, actor)
    incidents = _incidents(session, data.incident_ids, scope)
    station = _station(session, data, incidents, scope)
    team_id = _team(session, data, station, actor)
    lead = data.lead_officer or (actor.username if actor.role == Role.PATROL_OFFICER else None)
    if lead is not None:
        check_account(session, lead, station, "lead_officer")
    if data.number is not None and session.scalar(select(Case.id).where(Case.number == data.number)) is not None:
        raise ConflictError(f"number: {said('case.number_taken', number=data.number)}")
    number = data.number or _next_number(session, station, data.kind, now.astimezone(zone).year, number_pattern)
    first = incidents[0] if incidents else None
    case = Case(number=number, kind=data.kind, type_code=case_type.code, status=CaseStatus.RECEIVED,
                summary=data.summary.strip(), address=data.address or (first.address if first else ""),
                lon=data.lon if data.lon is not None else (first.lon if first else None),
                lat=data.lat if data.lat is not None else (first.lat if first else None),
                station_id=station.id, district_id=station.parent_id, team_unit_id=team_id, lead_officer=lead,
                received_at=now, created_by=actor.username, updated_at=now)
    session.add(case)
    session.flush()
    for incident in incidents:
        session.add(CaseIncident(case_id=case.id, incident_id=incident.id, source="created_from", linked_at=now,
                                 linked_by=actor.username))
    events.record(session, case, "received", actor=actor, at=now, zone=zone, data={
        "number": number, "type_code": case_type.code, "incident_ids": [i.id for i in incidents]})
    return case


# ---- steps that are not moves -----------------------------------------------------------------


def _occurred(case: Case, occurred_at: datetime | None, now: datetime) -> datetime:
    when = occurred_at or now
    if when > now:
        raise field_error("occurred_at", "case.at_future")
    if when < case.received_at:
        raise field_error("occurred_at", "case.at_too_old")
    return when


def record_milestone(session: Session, case_id: int, kind: str, *, actor: Actor, zone: ZoneInfo,
                     occurred_at: datetime | None = None, party_id: int | None = None, note: str = "",
                     now: datetime | None = None) -> Case:
    """Record a milestone (a summons, a detention, the family told, ...): it starts or stops the limits it names.

    Raises
    ------
    ValidationError
        A milestone of the other kind of case, a time in the future or before the receipt, a
        party of another case.
    """
    now = now or utcnow()
    case = get_open_workable(session, case_id, actor)
    if not milestone_applies(kind, case.kind):
        raise field_error("kind", "case.milestone_kind", kind=kind, case_kind=case.kind.value)
    if party_id is not None:
        party = session.get(CaseParty, party_id)
        if party is None or party.case_id != case.id:
            raise field_error("party_id", "case.party_unknown", id=party_id)
    when = _occurred(case, occurred_at, now)
    events.record(session, case, kind, actor=actor, at=now, zone=zone, occurred_at=when, party_id=party_id,
                  data={"note": note.strip() or None})
    session.flush()
    return case


def mark_cleared(session: Session, case_id: int, *, actor: Actor, zone: ZoneInfo, note: str = "",
                 now: datetime | None = None) -> Case:
    """Mark a criminal case under investigation cleared (破案); it counts in the clearance figures."""
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    if case.cleared_at is not None:
        raise ConflictError(said("case.cleared_twice", id=case.id, at=case.cleared_at.isoformat(timespec="seconds")))
    if case.kind != CaseKind.CRIMINAL or case.status != CaseStatus.INVESTIGATING:
        raise ConflictError(said("case.clear_refused"))
    case.cleared_at = case.updated_at = now
    events.record(session, case, "cleared", actor=actor, at=now, zone=zone, data={"note": note.strip() or None})
    session.flush()
    return case


def touch(case: Case, now: datetime) -> None:
    """Note that ``case`` changed (its version moves on: a concurrent change of the same case conflicts)."""
    case.updated_at = now


def detail(case: Case) -> dict[str, Any]:
    """Return the placement of a case, for audit details and live events."""
    return {"case_id": case.id, "number": case.number, "station_id": case.station_id}
