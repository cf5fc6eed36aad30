"""Units: registry, status changes (with their effect on assignments) and position reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, column, or_, select, table, text, update
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import Base, array_insert_sql, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.live import hooks as live
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.units.messages import field_error, said
from precinct.units.models import (
    Unit,
    UnitPosition,
    UnitStatus,
    UnitStatusChange,
    UnitType,
)
from precinct.units.schemas import live_payload
from precinct.units.status import BUSY_STATUSES, check_transition

U = UnitStatus
# the tables themselves, for the Core statements below (``Model.__table__`` is typed as any FROM clause)
_UNITS = Base.metadata.tables[Unit.__tablename__]
_POSITIONS = Base.metadata.tables[UnitPosition.__tablename__]


def check_own_unit(actor: Actor, unit_ids: Iterable[int]) -> None:
    """Check that a patrol officer reports for their own unit only.

    Raises
    ------
    PermissionDeniedError
        If ``actor`` is a patrol officer and any of ``unit_ids`` is not the unit they crew.
    """
    if actor.role != Role.PATROL_OFFICER:
        return
    others = sorted({int(u) for u in unit_ids} - ({actor.unit_id} if actor.unit_id is not None else set()))
    if others:
        raise PermissionDeniedError(said("unit.not_yours", id=others[0],
                                         none_zh="" if actor.unit_id else "（此账户未编入任何警力单元）",
                                         none_en="" if actor.unit_id else " (this account crews none)"))


def get(session: Session, unit_id: int, *, for_update: bool = False) -> Unit:
    """Return a unit, its row locked for the transaction when ``for_update``; NotFoundError if there is none.

    A locked read is always fresh: it overwrites what the session had loaded of the unit before.
    """
    if for_update:
        unit = session.scalar(select(Unit).where(Unit.id == unit_id).with_for_update()
                              .execution_options(populate_existing=True))
    else:
        unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(said("unit.not_found", id=unit_id))
    return unit


def visible_to(session: Session, unit: Unit, actor: Actor) -> bool:
    """Tell whether ``actor`` sees ``unit``: its scope's, its crew's, a neighbour's, or one sent to it.

    One sent to an incident of its scope from farther away it may also change (:func:`check_in_scope`).
    The neighbours' units are the reinforcement it may call on (:func:`precinct.org.service.with_neighbours`).
    """
    if actor.unit_id is not None and actor.unit_id == unit.id:
        return True
    scope = org_service.scope_for(session, actor)
    near = org_service.with_neighbours(session, scope)
    if near is None or unit.home_station_id in near:
        return True
    return unit.id in _helping_in(session, scope, [unit.id])  # sent to one of its incidents from farther away


def get_visible(session: Session, unit_id: int, actor: Actor, *, for_update: bool = False) -> Unit:
    """Return a unit ``actor`` sees (:func:`visible_to`).

    Raises
    ------
    NotFoundError
        If there is no such unit or it lies outside the actor's scope and its neighbours.
    """
    unit = get(session, unit_id, for_update=for_update)
    if not visible_to(session, unit, actor):
        raise NotFoundError(said("unit.not_found", id=unit_id))
    return unit


# The incidents domain's assignments (a layer above: named here, not imported) tell which units
# outside an account's scope are helping on one of its incidents.
_ASSIGNMENTS = table("assignments", column("unit_id"), column("incident_id"), column("cleared_at"))
_INCIDENTS = table("incidents", column("id"), column("station_id"), column("district_id"))


def _helping_in(session: Session, scope: org_service.Scope, unit_ids: list[int]) -> set[int]:
    """Return the units of ``unit_ids`` on an open assignment to an incident of ``scope`` (by its place)."""
    assert scope.units is not None  # a city-wide scope changes every unit
    units = sorted(scope.units)
    in_scope = or_(_INCIDENTS.c.station_id.in_(units),
                   and_(_INCIDENTS.c.station_id.is_(None), _INCIDENTS.c.district_id.in_(units)))
    return set(session.scalars(
        select(_ASSIGNMENTS.c.unit_id).join(_INCIDENTS, _INCIDENTS.c.id == _ASSIGNMENTS.c.incident_id)
        .where(_ASSIGNMENTS.c.unit_id.in_(unit_ids), _ASSIGNMENTS.c.cleared_at.is_(None), in_scope)))


def check_in_scope(session: Session, actor: Actor, unit_ids: Iterable[int]) -> None:
    """Check that ``actor`` may change every unit of ``unit_ids`` (its status, its position).

    It may when the unit's home station lies in its scope, when the unit is sent to an incident of
    its scope (an open assignment: reinforcement from across the boundary, see
    :func:`precinct.incidents.lifecycle.may_send`), or when it is the unit the account crews. A
    bordering station's unit it may see (:func:`visible_to`) and send, but not change before it is
    sent. Unknown ids are left to the caller.

    Raises
    ------
    NotFoundError
        Naming the first unit outside these, as if it did not exist.
    """
    scope = org_service.scope_for(session, actor)
    if scope.citywide:
        return
    ids = sorted({int(u) for u in unit_ids} - ({actor.unit_id} if actor.unit_id is not None else set()))
    if not ids:
        return
    stations = {unit_id: station for unit_id, station in
                session.execute(select(Unit.id, Unit.home_station_id).where(Unit.id.in_(ids)))}
    foreign = [i for i in ids if i in stations and not scope.holds(stations[i])]
    if not foreign:
        return
    helping = _helping_in(session, scope, foreign)
    outside = [i for i in foreign if i not in helping]
    if outside:
        raise NotFoundError(said("unit.not_found", id=outside[0]))


def list_(
    session: Session,
    *,
    status: list[UnitStatus] | None = None,
    station_id: int | None = None,
    unit_type: UnitType | None = None,
    scope: org_service.Scope = org_service.CITYWIDE,
) -> list[Unit]:
    """Return the units of ``scope``, filtered by status, home station and type, by call sign."""
    query = select(Unit).order_by(Unit.call_sign)
    if (in_scope := org_service.where_in_scope(scope, Unit.home_station_id)) is not None:
        query = query.where(in_scope)
    if status:
        query = query.where(Unit.status.in_(status))
    if station_id is not None:
        query = query.where(Unit.home_station_id == station_id)
    if unit_type is not None:
        query = query.where(Unit.unit_type == unit_type)
    return list(session.scalars(query))


def create(
    session: Session,
    *,
    call_sign: str,
    unit_type: UnitType,
    home_station_id: int | None,
    actor: Actor,
    status: UnitStatus = U.OFF_DUTY,
    lon: float | None = None,
    lat: float | None = None,
    simulated: bool = False,
) -> Unit:
    """Register a unit at its home station (audited).

    An account registers units at the stations of its scope; only a city-wide one registers a unit
    without a home station.

    Raises
    ------
    ValidationError
        For a busy starting status, or a home station that is not a police station or lies outside
        the actor's scope (naming ``home_station_id``).
    ConflictError
        If the call sign is taken.
    """
    if status in BUSY_STATUSES:
        raise ValidationError(said("unit.starts_busy"), field="status")
    _check_home_station(session, home_station_id, actor)
    if session.scalar(select(Unit.id).where(Unit.call_sign == call_sign)) is not None:
        raise ConflictError(said("unit.call_sign_taken", call_sign=call_sign))
    now = utcnow()
    unit = Unit(
        call_sign=call_sign,
        unit_type=unit_type,
        home_station_id=home_station_id,
        status=status,
        status_at=now,
        lon=lon,
        lat=lat,
        position_at=now if lon is not None else None,
        simulated=simulated,
    )
    session.add(unit)
    session.flush()
    session.add(UnitStatusChange(unit_id=unit.id, at=now, from_status=None, to_status=status.value,
                                 actor=actor.username))
    audit_service.record(
        session, actor=actor, action="unit.create", resource_type="unit", resource_id=unit.id,
        detail={"call_sign": call_sign, "unit_type": unit_type.value},
    )
    return unit


def _check_home_station(session: Session, home_station_id: int | None, actor: Actor) -> None:
    scope = org_service.scope_for(session, actor)
    if home_station_id is None:
        if not scope.citywide:
            raise field_error("home_station_id", "unit.station_needed")
        return
    station = session.get(OrgUnit, home_station_id)
    if station is None or station.tier != OrgTier.STATION:
        raise field_error("home_station_id", "unit.station_not_a_station", id=home_station_id)
    if not scope.holds(station.id):
        raise field_error("home_station_id", "unit.station_outside_scope", id=station.id)


def apply_status(
    session: Session,
    unit: Unit,
    target: UnitStatus,
    *,
    actor: Actor,
    at: datetime,
    incident_id: int | None = None,
) -> None:
    """Move a unit to ``target`` and log it (no assignment bookkeeping; see :func:`set_status`)."""
    check_transition(unit.call_sign, unit.status, target)
    session.add(
        UnitStatusChange(
            unit_id=unit.id, at=at, from_status=unit.status.value, to_status=target.value,
            actor=actor.username, incident_id=incident_id,
        )
    )
    unit.status = target
    unit.status_at = at


def report_position(
    session: Session,
    unit_id: int,
    *,
    lon: float,
    lat: float,
    actor: Actor,
    heading_deg: float | None = None,
    speed_kph: float | None = None,
    at: datetime | None = None,
) -> None:
    """Record a position report.

    Telemetry goes to the append-only position log, not the audit log (it is not a decision and
    arrives many times a second). The unit's current position is updated with a plain UPDATE that
    does not bump its version, so a position report never conflicts with a status change, and an
    older report arriving late never overwrites a newer one.
    """
    check_own_unit(actor, [unit_id])
    check_in_scope(session, actor, [unit_id])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(said("unit.bad_position"))
    at = _checked_time(at)
    if session.scalar(select(Unit.id).where(Unit.id == unit_id)) is None:
        raise NotFoundError(said("unit.not_found", id=unit_id))
    session.execute(
        _POSITIONS.insert().values(
            unit_id=unit_id, at=at, lon=lon, lat=lat, heading_deg=heading_deg, speed_kph=speed_kph,
            reported_by=actor.username,
        )
    )
    session.execute(
        update(Unit)
        .where(Unit.id == unit_id, or_(Unit.position_at.is_(None), Unit.position_at <= at))
        .values(lon=lon, lat=lat, heading_deg=heading_deg, position_at=at)
        .execution_options(synchronize_session=False)
    )
    unit = session.scalars(select(Unit).where(Unit.id == unit_id).execution_options(populate_existing=True)).one()
    live.publish(session, "unit", unit_id, live_payload(unit))


MAX_CLOCK_SKEW = timedelta(minutes=5)


def _checked_time(at: datetime | None, *, now: datetime | None = None) -> datetime:
    """Return a report's time (now when it has none), refused when it lies in the future.

    A device with a wrong clock would otherwise freeze the unit's position: later, correct reports
    are older and are ignored.
    """
    now = now or utcnow()
    if at is None:
        return now
    if at > now + MAX_CLOCK_SKEW:
        raise ValidationError(said("unit.position_in_future", at=at.isoformat()), field="at")
    return at


_POSITION_COLUMNS = {"unit_id": "integer", "at": "timestamptz", "lon": "double precision", "lat": "double precision",
                     "heading_deg": "double precision", "speed_kph": "double precision", "reported_by": "varchar"}
_INSERT_POSITIONS = text(array_insert_sql("unit_positions", _POSITION_COLUMNS))
_LOCK_UNITS = text("SELECT id FROM units WHERE id = ANY(CAST(:ids AS integer[])) ORDER BY id FOR NO KEY UPDATE")
_MOVE_UNITS = text(
    "UPDATE units SET lon = v.lon, lat = v.lat, heading_deg = v.heading, position_at = v.at "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:ats AS timestamptz[]), CAST(:lons AS double precision[]), "
    "CAST(:lats AS double precision[]), CAST(:headings AS double precision[])) AS v(id, at, lon, lat, heading) "
    "WHERE units.id = v.id AND (units.position_at IS NULL OR units.position_at <= v.at)"
)


def report_positions(session: Session, reports: list[dict[str, Any]], *, actor: Actor) -> int:
    """Record a batch of position reports (an AVL gateway's feed) in three statements.

    Each report is ``{"unit_id", "lon", "lat", "heading_deg"?, "speed_kph"?, "at"?}``. The batch is
    checked first and refused whole (nothing written) if any unit is unknown.
    """
    if not reports:
        return 0
    check_own_unit(actor, (r["unit_id"] for r in reports))
    check_in_scope(session, actor, (r["unit_id"] for r in reports))
    now = utcnow()
    for report in reports:
        _checked_time(report.get("at"), now=now)
    ids = sorted({int(r["unit_id"]) for r in reports})
    known = set(session.scalars(select(Unit.id).where(Unit.id.in_(ids))))
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationError(said("unit.unknown_in_batch", ids=unknown[:20]), field="unit_id")
    rows = [{"unit_id": int(r["unit_id"]), "at": r.get("at") or now, "lon": r["lon"], "lat": r["lat"],
             "heading_deg": r.get("heading_deg"), "speed_kph": r.get("speed_kph"), "reported_by": actor.username}
            for r in reports]
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["unit_id"] not in latest or row["at"] >= latest[row["unit_id"]]["at"]:
            latest[row["unit_id"]] = row
    newest = [r for _, r in sorted(latest.items())]  # in unit-id order: see below
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # Fixed statements over column arrays: one round trip each, whatever the batch size.
        # Row locks first and in unit-id order, so concurrent batches cannot deadlock. NO KEY UPDATE,
        # like the UPDATE itself, does not conflict with the key-share locks that inserts referencing
        # a unit take.
        conn.execute(_LOCK_UNITS, {"ids": [r["unit_id"] for r in newest]})
        conn.execute(_INSERT_POSITIONS, {name: [r[name] for r in rows] for name in _POSITION_COLUMNS})
        conn.execute(_MOVE_UNITS, {"ids": [r["unit_id"] for r in newest], "ats": [r["at"] for r in newest],
                                   "lons": [r["lon"] for r in newest], "lats": [r["lat"] for r in newest],
                                   "headings": [r["heading_deg"] for r in newest]})
    else:
        session.execute(_POSITIONS.insert(), rows)
        session.execute(
            _UNITS.update()
            .where(_UNITS.c.id == bindparam("b_id"),
                   or_(_UNITS.c.position_at.is_(None), _UNITS.c.position_at <= bindparam("b_at")))
            .values(lon=bindparam("b_lon"), lat=bindparam("b_lat"), heading_deg=bindparam("b_heading"),
                    position_at=bindparam("b_at")),
            # in unit-id order, so concurrent batches lock rows in one order and cannot deadlock
            [{"b_id": r["unit_id"], "b_at": r["at"], "b_lon": r["lon"], "b_lat": r["lat"],
              "b_heading": r["heading_deg"]} for r in newest],
        )
    for held in [o for o in session.identity_map.values() if isinstance(o, Unit) and o.id in latest]:
        session.expire(held)  # positions just changed underneath it
    for unit in session.execute(select(_UNITS).where(Unit.id.in_(list(latest)))):  # rows, not ORM objects
        live.publish(session, "unit", unit.id, live_payload(unit))
    return len(rows)
