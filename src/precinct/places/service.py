"""Key premises: register, edit, close and reopen them with an append-only history; list and serve them as a layer.

Who may do what (the routes check the role, this module the scope): an account reads and changes
only premises its scope holds (its organisation unit's subtree, by the premises' station or
district); any other premises answer as if they did not exist. A position outside the caller's
scope is refused as invalid input naming ``lon``; one outside every district of the city too.
A move to another station or district takes the premises' inspections and hazards along; premises
with hazards not yet closed (销号) cannot be closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.places.inspection_models import Hazard, HazardEvent, HazardStatus, Inspection
from precinct.places.messages import field_error, said
from precinct.places.models import (
    CATEGORY_NAMES,
    RISK_NAMES,
    Premises,
    PremisesCategory,
    PremisesEvent,
    PremisesStatus,
    RiskGrade,
)

MIN_REASON_LENGTH = 4
EDITABLE = ("name", "category", "address", "notes", "risk_grade", "lon", "lat")
"""The fields an edit may change; a new position moves the premises to the district, station and beat it lies in."""


def _placed(session: Session, lon: float, lat: float, *, scope: org_service.Scope | None) -> org_service.Jurisdiction:
    place = org_service.resolve(session, lon, lat)
    if place.district_id is None:
        raise field_error("lon", "premises.outside_city", lon=lon, lat=lat)
    if scope is not None and not scope.holds(place.station_id, place.district_id):
        raise field_error("lon", "premises.outside_scope")
    return place


def record(session: Session, premises: Premises, kind: str, *, actor: Actor, at: datetime,
           data: dict[str, Any] | None = None) -> None:
    """Append an entry to the premises' history (the caller flushes)."""
    session.add(PremisesEvent(premises_id=premises.id, at=at, actor=actor.username, kind=kind, data=data))


def create(session: Session, *, name: str, category: PremisesCategory, lon: float, lat: float, actor: Actor,
           address: str = "", notes: str = "", risk_grade: RiskGrade = RiskGrade.MEDIUM, generated: bool = False,
           scope: org_service.Scope | None = None, now: datetime | None = None) -> Premises:
    """Register key premises in the district, station and beat its position lies in (audited).

    Raises
    ------
    ValidationError
        For a blank name, or (unless ``generated``, the demo's) a position outside every district
        or outside ``scope``.
    """
    if not name.strip():
        raise field_error("name", "premises.name_empty")
    now = now or utcnow()
    place = org_service.resolve(session, lon, lat) if generated else _placed(session, lon, lat, scope=scope)
    premises = Premises(name=name.strip(), category=category, address=address, lon=lon, lat=lat, notes=notes,
                        district_id=place.district_id, station_id=place.station_id, beat_id=place.beat_id,
                        risk_grade=risk_grade, generated=generated, created_by=actor.username, created_at=now,
                        updated_at=now, status=PremisesStatus.OPEN)
    session.add(premises)
    session.flush()
    record(session, premises, "created", actor=actor, at=now, data={
        "name": premises.name, "category": category.value, "risk_grade": risk_grade.value, "lon": lon, "lat": lat})
    audit_service.record(session, actor=actor, action="premises.create", resource_type="premises",
                         resource_id=premises.id, detail={"category": category.value})
    return premises


def get(session: Session, premises_id: int) -> Premises:
    """Return key premises; NotFoundError if there are none with that id."""
    premises = session.get(Premises, premises_id)
    if premises is None:
        raise NotFoundError(said("premises.not_found", id=premises_id))
    return premises


def get_visible(session: Session, premises_id: int, actor: Actor) -> Premises:
    """Return premises ``actor``'s scope holds; NotFoundError for any other (it does not tell they exist)."""
    premises = get(session, premises_id)
    if not org_service.scope_of(session, actor.org_unit_id).holds(premises.station_id, premises.district_id):
        raise NotFoundError(said("premises.not_found", id=premises_id))
    return premises


def station_visible(session: Session, station_id: int, actor: Actor) -> int:
    """Return ``station_id`` if it names a station in ``actor``'s scope; NotFoundError for any other."""
    unit = session.get(OrgUnit, station_id)
    if unit is None or unit.tier != OrgTier.STATION or not org_service.scope_of(
            session, actor.org_unit_id).holds(unit.id):
        raise NotFoundError(said("station.not_found", id=station_id))
    return station_id


def in_scope(scope: org_service.Scope) -> ColumnElement[bool] | None:
    """Return the SQL condition on premises of ``scope`` (``None``: every premises)."""
    if scope.units is None:
        return None
    return or_(Premises.station_id.in_(scope.units), Premises.district_id.in_(scope.units))


@dataclass(frozen=True)
class PremisesFilter:
    """What :func:`list_` selects by (``None``: every value); closed premises only when ``include_closed``."""

    category: PremisesCategory | None = None
    station_id: int | None = None
    beat_id: int | None = None
    risk_grade: RiskGrade | None = None
    include_closed: bool = False


def list_(session: Session, filters: PremisesFilter = PremisesFilter(), *, actor: Actor | None = None,
          ) -> list[Premises]:
    """Return the key premises that match ``filters`` (in ``actor``'s scope when given), by id."""
    query = select(Premises).order_by(Premises.id)
    if actor is not None:
        condition = in_scope(org_service.scope_of(session, actor.org_unit_id))
        if condition is not None:
            query = query.where(condition)
    for column, value in ((Premises.category, filters.category), (Premises.station_id, filters.station_id),
                          (Premises.beat_id, filters.beat_id), (Premises.risk_grade, filters.risk_grade)):
        if value is not None:
            query = query.where(column == value)
    if not filters.include_closed:
        query = query.where(Premises.status == PremisesStatus.OPEN)
    return list(session.scalars(query))


def update(session: Session, premises_id: int, changes: dict[str, Any], *, actor: Actor,
           now: datetime | None = None) -> Premises:
    """Edit premises in ``actor``'s scope; the history keeps each changed field before and after.

    Raises
    ------
    ValidationError
        For no change, a blank name, or a new position outside the city or the caller's scope.
    ConflictError
        If the premises are closed.
    """
    now = now or utcnow()
    premises = get_visible(session, premises_id, actor)
    if premises.status == PremisesStatus.CLOSED:
        raise ConflictError(said("premises.closed", id=premises.id, what="edit / 修改"))
    wanted = {k: v for k, v in changes.items() if k in EDITABLE and v is not None}
    if "name" in wanted:
        if not str(wanted["name"]).strip():
            raise field_error("name", "premises.name_empty")
        wanted["name"] = str(wanted["name"]).strip()
    changed = {k: v for k, v in wanted.items() if getattr(premises, k) != v}
    if not changed:
        raise field_error("body", "premises.nothing_changed")
    if "lon" in changed or "lat" in changed:
        place = _placed(session, changed.get("lon", premises.lon), changed.get("lat", premises.lat),
                        scope=org_service.scope_of(session, actor.org_unit_id))
        changed |= {"district_id": place.district_id, "station_id": place.station_id, "beat_id": place.beat_id}
    before = {k: _plain(getattr(premises, k)) for k in changed}
    moved = any(k in changed and changed[k] != before[k] for k in ("station_id", "district_id"))
    for key, value in changed.items():
        setattr(premises, key, value)
    premises.updated_at = now
    record(session, premises, "updated", actor=actor, at=now,
           data={"before": before, "after": {k: _plain(v) for k, v in changed.items()}})
    detail: dict[str, Any] = {"fields": sorted(changed)}
    if moved:
        detail["carried"] = _carry_file(session, premises, before, actor=actor, at=now)
    audit_service.record(session, actor=actor, action="premises.update", resource_type="premises",
                         resource_id=premises.id, detail=detail)
    flush_or_conflict(session, f"premises {premises.id}")
    return premises


def _carry_file(session: Session, premises: Premises, before: dict[str, Any], *, actor: Actor,
                at: datetime) -> dict[str, int]:
    """Give the moved premises' hazards and inspections its new station and district (the scope reads them there).

    Each hazard's history records the move; the inspections keep their results and files. Return
    how many of each were carried.
    """
    where = {"station_id": premises.station_id, "district_id": premises.district_id}
    moved_from = {k: before.get(k, getattr(premises, k)) for k in where}
    hazards = list(session.scalars(select(Hazard).where(Hazard.premises_id == premises.id).order_by(Hazard.id)))
    for hazard in hazards:
        hazard.station_id, hazard.district_id = premises.station_id, premises.district_id
        session.add(HazardEvent(hazard_id=hazard.id, at=at, actor=actor.username, kind="moved",
                                data={"from": moved_from, "to": where}))
    carried = session.execute(sql_update(Inspection).where(Inspection.premises_id == premises.id).values(**where)
                              .execution_options(synchronize_session="fetch"))
    return {"hazards": len(hazards), "inspections": carried.rowcount}  # type: ignore[attr-defined]


def _plain(value: object) -> object:
    return value.value if isinstance(value, PremisesCategory | RiskGrade) else value


def set_status(session: Session, premises_id: int, *, closed: bool, reason: str, actor: Actor,
               now: datetime | None = None) -> Premises:
    """Close premises (no longer watched; kept with their history) or reopen them, with a reason.

    Raises
    ------
    ValidationError
        Without a reason of at least :data:`MIN_REASON_LENGTH` characters.
    ConflictError
        Closing closed premises, or reopening open ones; closing premises that still have hazards
        not closed (open or verified: they are re-inspected and closed first), naming them.
    """
    now = now or utcnow()
    premises = get_visible(session, premises_id, actor)
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise field_error("reason", "premises.reason_needed", n=MIN_REASON_LENGTH)
    if closed == (premises.status == PremisesStatus.CLOSED):
        raise ConflictError(said("premises.already_closed" if closed else "premises.not_closed", id=premises.id))
    if closed:
        pending = session.execute(select(Hazard.id, Hazard.item_code).where(
            Hazard.premises_id == premises.id, Hazard.status != HazardStatus.CLOSED).order_by(Hazard.id)).all()
        if pending:
            raise ConflictError(said("premises.hazards_open", id=premises.id,
                                     hazards=", ".join(f"#{i} {code}" for i, code in pending)))
    premises.status = PremisesStatus.CLOSED if closed else PremisesStatus.OPEN
    premises.closed_at = now if closed else None
    premises.updated_at = now
    record(session, premises, "closed" if closed else "reopened", actor=actor, at=now, data={"reason": reason.strip()})
    audit_service.record(session, actor=actor, action="premises.close" if closed else "premises.reopen",
                         resource_type="premises", resource_id=premises.id, detail={"reason": reason.strip()})
    flush_or_conflict(session, f"premises {premises.id}")
    return premises


def history(session: Session, premises_id: int, *, actor: Actor) -> list[PremisesEvent]:
    """Return the premises' history, oldest first (NotFoundError as :func:`get_visible`)."""
    get_visible(session, premises_id, actor)
    return list(session.scalars(select(PremisesEvent).where(PremisesEvent.premises_id == premises_id)
                                .order_by(PremisesEvent.id)))


def to_geojson(premises: list[Premises]) -> dict[str, Any]:
    """Return the premises as a GeoJSON FeatureCollection of points (lon/lat)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
         "properties": {"id": p.id, "name": p.name, "category": p.category.value,
                        "category_zh": CATEGORY_NAMES[p.category][0], "category_en": CATEGORY_NAMES[p.category][1],
                        "address": p.address, "station_id": p.station_id, "generated": p.generated,
                        "risk_grade": p.risk_grade.value, "risk_zh": RISK_NAMES[p.risk_grade][0],
                        "status": p.status.value}}
        for p in premises]}
