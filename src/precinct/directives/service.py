"""Directives: issue them, read them within scope, and tell who may work on and check them.

Who may do what (the routes check the role, this module the rest; the moves along the life cycle
are made in :mod:`precinct.directives.lifecycle`, under these rules):

- **issue** (``Permission.ISSUE_DIRECTIVES``, supervisors): to a district branch, a station or a
  unit inside the issuer's own scope (its organisation unit's subtree; a city account: all); a
  target outside it is refused as invalid input naming the field;
- **sign for, start, report** (``Permission.WORK_DIRECTIVES``): the accounts of the organisation
  unit the directive is sent to (for a unit target: the accounts of the unit's station), and a
  patrol officer for the directives sent to the unit their account crews or naming it to carry
  them out;
- **check** (accept or return) and **cancel** (``Permission.ISSUE_DIRECTIVES``): the issuer, or a
  supervisor of the issuer's organisation unit or above;
- **read**: accounts whose scope holds the directive's target (its station or district branch),
  and its issuer; a patrol officer reads the directives sent to their own unit or naming it. Any
  other directive answers as if it did not exist.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from precinct.core.db import conflicts_as_domain_errors, utcnow
from precinct.core.errors import NotFoundError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.directives import events, geometry
from precinct.directives.messages import field_error, said
from precinct.directives.models import (
    Directive,
    DirectiveEvent,
    DirectiveKind,
    DirectiveLink,
    DirectiveStatus,
    DirectiveUnit,
    LinkKind,
)
from precinct.directives.schemas import (
    DirectiveCreate,
    ForecastCellLink,
    IncidentLink,
    LinkIn,
    PremisesLink,
    RepeatPlaceLink,
)
from precinct.directives.status import OPEN_STATUSES
from precinct.forecasts.models import StoredForecast
from precinct.incidents.models import Incident
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.places.models import Premises
from precinct.units.models import Unit

MAX_WINDOW = timedelta(days=31)


# ---- issuing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where a directive's target sits in the organisation."""

    target_org_unit_id: int | None
    target_unit_id: int | None
    station_id: int | None
    district_id: int | None


def _placement(session: Session, data: DirectiveCreate, scope: org_service.Scope) -> Placement:
    if (data.target_org_unit_id is None) == (data.target_unit_id is None):
        raise field_error("target_org_unit_id", "directive.target_one")
    if data.target_org_unit_id is not None:
        target = session.get(OrgUnit, data.target_org_unit_id)
        if target is None:
            raise field_error("target_org_unit_id", "directive.target_unknown", id=data.target_org_unit_id)
        if target.tier == OrgTier.CITY:
            raise field_error("target_org_unit_id", "directive.target_tier", id=target.id)
        if not scope.holds(target.id):
            raise field_error("target_org_unit_id", "directive.org_outside_scope", id=target.id)
        if target.tier == OrgTier.STATION:
            return Placement(target.id, None, target.id, target.parent_id)
        return Placement(target.id, None, None, target.id)
    unit = session.get(Unit, data.target_unit_id)
    if unit is None:
        raise field_error("target_unit_id", "directive.unit_unknown", id=data.target_unit_id)
    if not scope.holds(unit.home_station_id):
        raise field_error("target_unit_id", "directive.unit_outside_scope", id=unit.id)
    station = session.get(OrgUnit, unit.home_station_id) if unit.home_station_id else None
    return Placement(None, unit.id, unit.home_station_id, station.parent_id if station else None)


def _check_times(data: DirectiveCreate, now: datetime) -> None:
    if data.deadline <= now:
        raise field_error("deadline", "directive.deadline_past", now=now.isoformat(timespec="seconds"))
    start, end = data.window_start, data.window_end
    if (start is None) != (end is None):
        raise field_error("window_end" if end is None else "window_start", "directive.window_both")
    if start is None or end is None:
        if data.kind == DirectiveKind.PATROL:
            raise field_error("window_start", "directive.patrol_needs_window")
        return
    if end <= start:
        raise field_error("window_end", "directive.window_order")
    if end - start > MAX_WINDOW:
        raise field_error("window_end", "directive.window_too_long", days=MAX_WINDOW.days)
    if end <= now:
        raise field_error("window_end", "directive.window_past")
    if data.deadline < end:
        raise field_error("deadline", "directive.deadline_before_window", end=end.isoformat(timespec="seconds"))


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def _link(session: Session, index: int, link: LinkIn, scope: org_service.Scope,
          ) -> tuple[DirectiveLink, dict[str, Any] | None]:
    """Return the stored link for ``link`` and the geometry it offers (``None``: none), checking what it names.

    A premises or incident outside the issuer's ``scope`` reads as unknown, so a link does not tell
    whether another scope's record exists.
    """
    where = f"links.{index}"
    if isinstance(link, ForecastCellLink):
        forecast = session.get(StoredForecast, link.forecast_id)
        if forecast is None:
            raise field_error(f"{where}.forecast_id", "directive.forecast_unknown", id=link.forecast_id)
        feature = next((f for f in json.loads(forecast.geojson).get("features", [])
                        if f.get("properties", {}).get("cell") == link.cell), None)
        if feature is None:
            raise field_error(f"{where}.cell", "directive.cell_unknown", cell=link.cell, id=forecast.id)
        properties = feature["properties"]
        return DirectiveLink(kind=LinkKind.FORECAST_CELL, ref_id=forecast.id, ref_key=str(link.cell), data={
            k: properties.get(k) for k in ("rank", "score", "method", "category", "valid_for")}), feature["geometry"]
    if isinstance(link, PremisesLink):
        premises = session.get(Premises, link.premises_id)
        if premises is None or not scope.holds(premises.station_id, premises.district_id):
            raise field_error(f"{where}.premises_id", "directive.premises_unknown", id=link.premises_id)
        return DirectiveLink(kind=LinkKind.PREMISES, ref_id=premises.id, lon=premises.lon, lat=premises.lat,
                             data={"name": premises.name}), _point(premises.lon, premises.lat)
    if isinstance(link, IncidentLink):
        incident = session.get(Incident, link.incident_id)
        if incident is None or not scope.holds(incident.station_id, incident.district_id):
            raise field_error(f"{where}.incident_id", "directive.incident_unknown", id=link.incident_id)
        return DirectiveLink(kind=LinkKind.INCIDENT, ref_id=incident.id, lon=incident.lon, lat=incident.lat,
                             data={"type_code": incident.type_code}), _point(incident.lon, incident.lat)
    if isinstance(link, RepeatPlaceLink):
        return DirectiveLink(kind=LinkKind.REPEAT_PLACE, ref_key=link.place, lon=link.lon, lat=link.lat), _point(
            link.lon, link.lat)
    return DirectiveLink(kind=LinkKind.SPIKE, ref_key=link.area, data={"window_days": link.window_days}), None


@conflicts_as_domain_errors
def create(session: Session, data: DirectiveCreate, *, actor: Actor, now: datetime | None = None) -> Directive:
    """Issue a directive to a target inside the issuer's scope; nothing is stored when any check fails.

    Raises
    ------
    ValidationError
        Naming the field: no target, two, an unknown one or one outside the issuer's scope; a
        deadline that has passed or comes before the window's end; a window that ends before it
        starts, lasts longer than 31 days or has ended; a patrol without a window or an area; an
        invalid geometry or one outside the city; a link to a forecast cell, premises or incident
        that does not exist.
    """
    now = now or utcnow()
    scope = org_service.scope_of(session, actor.org_unit_id)
    placement = _placement(session, data, scope)
    _check_times(data, now)
    if not data.title.strip():
        raise field_error("title", "directive.title_needed")
    links = [_link(session, index, link, scope) for index, link in enumerate(data.links)]
    raw = data.geometry.model_dump() if data.geometry else next((g for _, g in links if g is not None), None)
    where = "geometry" if data.geometry else "links"
    shape = geometry.checked(raw, city=geometry.city_boundary(session), field=where) if raw else None
    if data.kind == DirectiveKind.PATROL and (shape is None or shape.geom_type not in geometry.AREA_TYPES):
        raise field_error("geometry", "directive.patrol_needs_area")
    directive = Directive(
        kind=data.kind, status=DirectiveStatus.ISSUED, title=data.title.strip(), text=data.text,
        geometry_geojson=geometry.to_text(shape) if shape is not None else None,
        window_start=data.window_start, window_end=data.window_end, deadline=data.deadline,
        issued_by=actor.username, issued_at=now, issuer_org_unit_id=actor.org_unit_id,
        target_org_unit_id=placement.target_org_unit_id, target_unit_id=placement.target_unit_id,
        station_id=placement.station_id, district_id=placement.district_id, escalation_level=0, updated_at=now)
    session.add(directive)
    session.flush()
    for link, _ in links:
        link.directive_id = directive.id
        session.add(link)
    if placement.target_unit_id is not None:
        session.add(DirectiveUnit(directive_id=directive.id, unit_id=placement.target_unit_id, named_at=now,
                                  named_by=actor.username))
    events.record(session, directive, "issued", actor=actor, at=now, data={
        "kind": data.kind.value, "deadline": data.deadline.isoformat(),
        "links": [link.kind.value for link, _ in links]})
    session.flush()
    return directive


# ---- reading ----------------------------------------------------------------------------------


def get(session: Session, directive_id: int, *, for_update: bool = False) -> Directive:
    """Return a directive (its row locked and freshly read when ``for_update``); NotFoundError if there is none."""
    directive = session.get(Directive, directive_id, with_for_update=for_update or None,
                            populate_existing=for_update)
    if directive is None:
        raise NotFoundError(said("directive.not_found", id=directive_id))
    return directive


def may_read(session: Session, directive: Directive, actor: Actor) -> bool:
    """Tell whether ``actor`` may read ``directive`` (see the module)."""
    if actor.role == Role.PATROL_OFFICER:  # their unit's: sent to it, or naming it to carry it out
        return actor.unit_id is not None and (directive.target_unit_id == actor.unit_id
                                              or actor.unit_id in unit_ids_of(session, directive.id))
    if directive.issued_by == actor.username:
        return True
    return org_service.scope_of(session, actor.org_unit_id).holds(directive.station_id, directive.district_id)


def get_visible(session: Session, directive_id: int, actor: Actor, *, for_update: bool = False) -> Directive:
    """Return a directive ``actor`` may read; NotFoundError for one that does not exist or is not theirs to read."""
    directive = get(session, directive_id, for_update=for_update)
    if not may_read(session, directive, actor):
        raise NotFoundError(said("directive.not_found", id=directive_id))
    return directive


def _of_unit(actor: Actor) -> ColumnElement[bool]:
    """Return the SQL condition of a patrol officer's :func:`may_read` (and :func:`works_on`)."""
    if actor.unit_id is None:
        return false()
    named = select(DirectiveUnit.directive_id).where(DirectiveUnit.unit_id == actor.unit_id)
    return or_(Directive.target_unit_id == actor.unit_id, Directive.id.in_(named))


def _readable_by(session: Session, actor: Actor) -> ColumnElement[bool] | None:
    """Return the SQL condition of :func:`may_read` (``None``: every directive)."""
    if actor.role == Role.PATROL_OFFICER:
        return _of_unit(actor)
    scope = org_service.scope_of(session, actor.org_unit_id)
    if scope.units is None:
        return None
    return or_(Directive.issued_by == actor.username, Directive.station_id.in_(scope.units),
               Directive.district_id.in_(scope.units))


def _worked_by(actor: Actor) -> ColumnElement[bool]:
    """Return the SQL condition of :func:`works_on`."""
    if actor.role == Role.PATROL_OFFICER:
        return _of_unit(actor)
    if actor.org_unit_id is None:
        return false()
    return or_(Directive.target_org_unit_id == actor.org_unit_id,
               and_(Directive.target_unit_id.is_not(None), Directive.station_id == actor.org_unit_id))


@dataclass(frozen=True)
class DirectiveFilter:
    """What :func:`list_` selects by (empty or ``None``: every value)."""

    status: tuple[DirectiveStatus, ...] = ()
    kind: DirectiveKind | None = None
    target_org_unit_id: int | None = None
    target_unit_id: int | None = None
    station_id: int | None = None
    district_id: int | None = None
    issued_by_me: bool = False
    for_me: bool = False  # the directives the caller's own unit is to sign for, work on and report
    overdue: bool = False  # open past the deadline (the overdue board), most late first
    link_kind: LinkKind | None = None  # with link_ref_id: those linked to one record (e.g. premises 12)
    link_ref_id: int | None = None


def list_(session: Session, filters: DirectiveFilter, *, actor: Actor, page: int = 1, page_size: int = 50,
          now: datetime | None = None) -> tuple[list[Directive], int]:
    """Return one page of the directives ``actor`` may read that match ``filters``, and how many match.

    Latest issued first; the overdue board (``filters.overdue``) latest deadline last, i.e. most late first.
    """
    query = select(Directive)
    readable = _readable_by(session, actor)
    if readable is not None:
        query = query.where(readable)
    if filters.status:
        query = query.where(Directive.status.in_(filters.status))
    for column, value in ((Directive.kind, filters.kind), (Directive.target_org_unit_id, filters.target_org_unit_id),
                          (Directive.target_unit_id, filters.target_unit_id),
                          (Directive.station_id, filters.station_id), (Directive.district_id, filters.district_id)):
        if value is not None:
            query = query.where(column == value)
    if filters.issued_by_me:
        query = query.where(Directive.issued_by == actor.username)
    if filters.for_me:
        query = query.where(_worked_by(actor))
    linked = [c == v for c, v in ((DirectiveLink.kind, filters.link_kind), (DirectiveLink.ref_id, filters.link_ref_id))
              if v is not None]
    if linked:
        query = query.where(Directive.id.in_(select(DirectiveLink.directive_id).where(*linked)))
    if filters.overdue:
        query = query.where(Directive.status.in_(OPEN_STATUSES), Directive.deadline < (now or utcnow()))
        order = (Directive.deadline.asc(), Directive.id.asc())
    else:
        order = (Directive.issued_at.desc(), Directive.id.desc())
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(*order).offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


def details(session: Session, directive_ids: Iterable[int]) -> tuple[dict[int, list[DirectiveLink]],
                                                                     dict[int, list[int]]]:
    """Return the links and the named unit ids of each of ``directive_ids`` (two queries for them all)."""
    ids = list(directive_ids)
    links: dict[int, list[DirectiveLink]] = defaultdict(list)
    units: dict[int, list[int]] = defaultdict(list)
    if ids:
        for link in session.scalars(select(DirectiveLink).where(DirectiveLink.directive_id.in_(ids))
                                    .order_by(DirectiveLink.id)):
            links[link.directive_id].append(link)
        for directive_id, unit_id in session.execute(select(DirectiveUnit.directive_id, DirectiveUnit.unit_id)
                                                     .where(DirectiveUnit.directive_id.in_(ids))
                                                     .order_by(DirectiveUnit.id)):
            units[directive_id].append(unit_id)
    return links, units


def events_of(session: Session, directive_id: int, *, actor: Actor) -> list[DirectiveEvent]:
    """Return a directive's event log, oldest first (NotFoundError as :func:`get_visible`)."""
    get_visible(session, directive_id, actor)
    return list(session.scalars(select(DirectiveEvent).where(DirectiveEvent.directive_id == directive_id)
                                .order_by(DirectiveEvent.id)))


def unit_ids_of(session: Session, directive_id: int) -> list[int]:
    """Return the ids of the units named to carry out a directive, first named first."""
    return details(session, [directive_id])[1].get(directive_id, [])


# ---- who works on it, who checks it ---------------------------------------------------------


def works_on(session: Session, directive: Directive, actor: Actor) -> bool:
    """Tell whether ``actor`` is of the side that signs for, works on and reports ``directive`` (see the module)."""
    if actor.role == Role.PATROL_OFFICER:  # the directives of their unit, as they read them
        return may_read(session, directive, actor)
    if actor.org_unit_id is None:
        return False
    if directive.target_org_unit_id is not None:
        return actor.org_unit_id == directive.target_org_unit_id
    return directive.station_id is not None and actor.org_unit_id == directive.station_id


def checks(session: Session, directive: Directive, actor: Actor) -> bool:
    """Tell whether ``actor`` is of the issuing side: the issuer, or of its organisation unit or above."""
    if actor.username == directive.issued_by:
        return True
    return org_service.scope_of(session, actor.org_unit_id).holds(directive.issuer_org_unit_id)
