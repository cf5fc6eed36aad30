"""Repeat-place operations (拔钉): clear a repeat-call place, and measure it against comparable places.

Who may do what (the routes check the role, ``Permission.COMMAND``, this module the rest):

- **open**: on a repeat-call place inside the caller's scope, with a cause, the actions, an owner
  unit in the scope (a station or a district branch) and a review date; one open operation per
  place (409 for a second, two opened at once included: a partial unique index holds it). The
  comparable places are fixed when it opens: up to :data:`COMPARISON_PLACES` other repeat-call
  places nearest to it that have no operation. A place outside the city or the caller's scope is
  refused naming ``lon`` (422).
- **link** (its disputes, hazards and directives) and **close**: the accounts of the owner unit
  and the opener; others who may read it get 403. A linked record must be one the caller can see
  (422 naming ``ref_id`` otherwise).
- **read**: accounts whose scope holds the operation's station or district (404 otherwise).

Closing evaluates the calls within ``radius_m`` of the place from the opening until now against
as long a period before, and the same at the comparable places (difference-in-differences).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.security import Actor
from precinct.directives import service as directive_service
from precinct.disputes import evaluation
from precinct.disputes import service as dispute_service
from precinct.disputes.messages import field_error, said
from precinct.disputes.models import (
    OperationEvent,
    OperationLink,
    OperationLinkKind,
    OperationStatus,
    RepeatPlaceOperation,
)
from precinct.disputes.schemas import OperationCreate
from precinct.forecasts import service as forecast_service
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.places import hazards
from precinct.places.nearby import haversine_m

COMPARISON_PLACES = 10
MIN_RUN_DAYS = 7
WINDOW_DAYS = 90
STATUS_NAMES = {OperationStatus.OPEN: ("进行中", "open"), OperationStatus.CLOSED: ("已结束", "closed")}


def _event(session: Session, operation: RepeatPlaceOperation, kind: str, *, actor: Actor, at: datetime,
           data: dict[str, Any] | None = None) -> None:
    session.add(OperationEvent(operation_id=operation.id, at=at, actor=actor.username, kind=kind, data=data))


def comparable_places(places: list[dict[str, Any]], lon: float, lat: float, *, exclude: set[str],
                      count: int = COMPARISON_PLACES) -> list[dict[str, Any]]:
    """Return the ``count`` repeat-call places nearest to (lon, lat), leaving out the keys in ``exclude``."""
    others = [p for p in places if p["place"] not in exclude]
    others.sort(key=lambda p: (haversine_m(lon, lat, p["lon"], p["lat"]), p["place"]))
    return [{"place_key": p["place"], "lon": p["lon"], "lat": p["lat"], "n_calls": p["n_calls"]}
            for p in others[:count]]


def open_operation_on(session: Session, place_key: str) -> int | None:
    """Return the id of the open operation on a place, if there is one."""
    return session.scalar(select(RepeatPlaceOperation.id).where(
        RepeatPlaceOperation.place_key == place_key, RepeatPlaceOperation.status == OperationStatus.OPEN))


def _insert_open(session: Session, operation: RepeatPlaceOperation) -> None:
    """Insert an open operation; ConflictError if another opened on the place meanwhile (the index refuses it)."""
    try:
        with session.begin_nested():
            session.add(operation)
            session.flush()
    except IntegrityError:
        existing = open_operation_on(session, operation.place_key)
        if existing is None:
            raise
        raise ConflictError(said("operation.already_open", place=operation.place_key, id=existing)) from None


def create(session: Session, data: OperationCreate, *, actor: Actor, zone: ZoneInfo,
           now: datetime | None = None) -> RepeatPlaceOperation:
    """Open an operation on a repeat-call place (see the module).

    Raises
    ------
    ValidationError
        For a place or owner unit outside the caller's scope, or a review date in the past.
    ConflictError
        If the place already has an open operation.
    """
    now = now or utcnow()
    scope = org_service.scope_of(session, actor.org_unit_id)
    where = dispute_service.place_in_scope(session, data.lon, data.lat, scope)
    owner = session.get(OrgUnit, data.owner_org_unit_id)
    if owner is None or owner.tier == OrgTier.CITY or not scope.holds(owner.id):
        raise field_error("owner_org_unit_id", "operation.owner_unknown", id=data.owner_org_unit_id)
    if data.review_date < now.astimezone(zone).date():
        raise field_error("review_date", "operation.review_past")
    existing = open_operation_on(session, data.place_key)
    if existing is not None:
        raise ConflictError(said("operation.already_open", place=data.place_key, id=existing))
    places = forecast_service.repeat_places(session, zone=zone, window_days=WINDOW_DAYS, min_calls=2, now=now)
    taken = set(session.scalars(select(RepeatPlaceOperation.place_key).where(
        RepeatPlaceOperation.status == OperationStatus.OPEN)))
    comparison = comparable_places(places, data.lon, data.lat, exclude=taken | {data.place_key})
    calls = evaluation.calls_near(session, [(data.lon, data.lat)], radius_m=data.radius_m,
                                  since=now - timedelta(days=WINDOW_DAYS), until=now)
    operation = RepeatPlaceOperation(
        place_key=data.place_key, place=data.place, lon=data.lon, lat=data.lat, radius_m=data.radius_m,
        cause=data.cause, actions=data.actions, owner_org_unit_id=owner.id, station_id=where.station_id,
        district_id=where.district_id, review_date=data.review_date, status=OperationStatus.OPEN,
        calls_at_opening=len(calls), comparison=comparison, opened_at=now, opened_by=actor.username)
    _insert_open(session, operation)
    _event(session, operation, "opened", actor=actor, at=now, data={"calls_at_opening": len(calls),
                                                                    "comparison_places": len(comparison)})
    audit_service.record(session, actor=actor, action="operation.open", resource_type="repeat_place_operation",
                         resource_id=operation.id, detail={"place_key": data.place_key})
    return operation


def _readable(session: Session, actor: Actor) -> ColumnElement[bool] | None:
    scope = org_service.scope_of(session, actor.org_unit_id)
    if scope.units is None:
        return None
    return or_(RepeatPlaceOperation.station_id.in_(scope.units), RepeatPlaceOperation.district_id.in_(scope.units))


def get_visible(session: Session, operation_id: int, actor: Actor, *, for_update: bool = False,
                ) -> RepeatPlaceOperation:
    """Return an operation in ``actor``'s scope; NotFoundError for any other."""
    operation = session.get(RepeatPlaceOperation, operation_id, with_for_update=for_update or None,
                            populate_existing=for_update)
    if operation is None or not org_service.scope_of(session, actor.org_unit_id).holds(operation.station_id,
                                                                                       operation.district_id):
        raise NotFoundError(said("operation.not_found", id=operation_id))
    return operation


def list_(session: Session, *, actor: Actor, status: OperationStatus | None = None) -> list[RepeatPlaceOperation]:
    """Return the operations in ``actor``'s scope, latest opened first."""
    query = select(RepeatPlaceOperation)
    condition = _readable(session, actor)
    if condition is not None:
        query = query.where(condition)
    if status is not None:
        query = query.where(RepeatPlaceOperation.status == status)
    return list(session.scalars(query.order_by(RepeatPlaceOperation.opened_at.desc(), RepeatPlaceOperation.id.desc())))


def links_of(session: Session, operation_ids: list[int]) -> dict[int, list[OperationLink]]:
    """Return the links of each operation, first linked first."""
    found: dict[int, list[OperationLink]] = {i: [] for i in operation_ids}
    if operation_ids:
        for link in session.scalars(select(OperationLink).where(OperationLink.operation_id.in_(operation_ids))
                                    .order_by(OperationLink.id)):
            found[link.operation_id].append(link)
    return found


def _for_work(session: Session, operation_id: int, actor: Actor) -> RepeatPlaceOperation:
    operation = get_visible(session, operation_id, actor, for_update=True)
    if actor.username != operation.opened_by and actor.org_unit_id != operation.owner_org_unit_id:
        raise PermissionDeniedError(said("operation.not_owner", id=operation.id))
    if operation.status == OperationStatus.CLOSED:
        raise ConflictError(said("operation.closed", id=operation.id))
    return operation


def _check_ref(session: Session, kind: OperationLinkKind, ref_id: int, actor: Actor) -> None:
    try:
        if kind == OperationLinkKind.DISPUTE:
            dispute_service.get_visible(session, ref_id, actor)
        elif kind == OperationLinkKind.HAZARD:
            hazards.get_visible(session, ref_id, actor)
        else:
            directive_service.get_visible(session, ref_id, actor)
    except NotFoundError as error:
        raise field_error("ref_id", "operation.ref_unknown", kind=kind.value, id=ref_id) from error


def link(session: Session, operation_id: int, *, kind: OperationLinkKind, ref_id: int, actor: Actor,
         now: datetime | None = None) -> OperationLink:
    """Link a dispute, hazard or directive the caller can see to an open operation (a second link of it: 409)."""
    now = now or utcnow()
    operation = _for_work(session, operation_id, actor)
    _check_ref(session, kind, ref_id, actor)
    row = OperationLink(operation_id=operation.id, kind=kind, ref_id=ref_id, linked_at=now, linked_by=actor.username)
    session.add(row)
    _event(session, operation, "linked", actor=actor, at=now, data={"kind": kind.value, "ref_id": ref_id})
    flush_or_conflict(session, f"operation {operation.id}")
    return row


def evaluate(session: Session, operation: RepeatPlaceOperation, *, now: datetime,
             confidence: float = 0.95) -> dict[str, Any]:
    """Return the before/after of calls at the place against the comparable places, from the opening until ``now``.

    Raises
    ------
    ValidationError
        If the operation ran less than :data:`MIN_RUN_DAYS` days or has no comparable places.
    """
    length = now - operation.opened_at
    if length < timedelta(days=MIN_RUN_DAYS):
        raise field_error("operation_id", "operation.too_short", days=MIN_RUN_DAYS)
    if not operation.comparison:
        raise field_error("operation_id", "operation.no_comparison")
    weeks = length // timedelta(days=7)
    length = timedelta(days=7) * weeks if weeks >= 2 else length  # whole weeks: the spread is counted per week
    before, after = evaluation.periods_around(operation.opened_at, length)
    treated = evaluation.calls_near(session, [(operation.lon, operation.lat)], radius_m=operation.radius_m,
                                    since=before[0], until=after[1])
    points = [(float(p["lon"]), float(p["lat"])) for p in operation.comparison]
    compared = evaluation.calls_near(session, points, radius_m=operation.radius_m, since=before[0], until=after[1])
    counts = evaluation.counts_for(treated, compared, before, after)
    result = evaluation.effect(counts, confidence=confidence, treated={"operation_id": operation.id},
                               comparison={"places": len(points)}, before=before, after=after)
    return {key: _plain(value) for key, value in result.items()} | {"radius_m": operation.radius_m}


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def close(session: Session, operation_id: int, *, result: str, actor: Actor, now: datetime | None = None,
          ) -> RepeatPlaceOperation:
    """Close an operation with its result and the before/after evaluation (kept with it)."""
    now = now or utcnow()
    operation = _for_work(session, operation_id, actor)
    operation.effect = evaluate(session, operation, now=now)
    operation.status, operation.closed_at, operation.closed_by, operation.result = (
        OperationStatus.CLOSED, now, actor.username, result)
    _event(session, operation, "closed", actor=actor, at=now, data={
        "rate_ratio": operation.effect.get("rate_ratio"), "counts": operation.effect.get("counts")})
    audit_service.record(session, actor=actor, action="operation.close", resource_type="repeat_place_operation",
                         resource_id=operation.id)
    flush_or_conflict(session, f"operation {operation.id}")
    return operation


def events_of(session: Session, operation_id: int, *, actor: Actor) -> list[OperationEvent]:
    """Return an operation's history, oldest first."""
    get_visible(session, operation_id, actor)
    return list(session.scalars(select(OperationEvent).where(OperationEvent.operation_id == operation_id)
                                .order_by(OperationEvent.id)))


def repeat_places(session: Session, *, actor: Actor, zone: ZoneInfo, window_days: int = 90, min_calls: int = 5,
                  now: datetime | None = None) -> list[dict[str, Any]]:
    """Return the repeat-call places in ``actor``'s scope, each with its latest operation's id and status."""
    places = forecast_service.repeat_places(session, zone=zone, window_days=window_days, min_calls=min_calls, now=now)
    if not places:
        return []
    districts, stations, _ = org_service.jurisdiction_index(session).resolve_many(
        np.array([p["lon"] for p in places]), np.array([p["lat"] for p in places]))
    scope = org_service.scope_of(session, actor.org_unit_id)
    latest: dict[str, RepeatPlaceOperation] = {}
    for operation in session.scalars(select(RepeatPlaceOperation).where(
            RepeatPlaceOperation.place_key.in_([p["place"] for p in places])).order_by(RepeatPlaceOperation.id)):
        latest[operation.place_key] = operation
    rows = []
    for place, district, station in zip(places, districts, stations, strict=True):
        station_id = int(station) if station >= 0 else None
        if not scope.holds(station_id, int(district) if district >= 0 else None):
            continue
        found = latest.get(place["place"])
        rows.append(place | {"station_id": station_id, "operation_id": found.id if found else None,
                             "operation_status": found.status if found else None,
                             "operation_status_zh": STATUS_NAMES[found.status][0] if found else None})
    return rows


def review_due(operation: RepeatPlaceOperation, today: date) -> bool:
    """Tell whether an open operation has reached its review date."""
    return operation.status == OperationStatus.OPEN and operation.review_date <= today
