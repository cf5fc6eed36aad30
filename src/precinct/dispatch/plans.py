"""Response plans (预案) and graded duty-response levels (等级勤务响应)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.cache import TTLCache
from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.core.security import Actor
from precinct.dispatch.messages import field_error
from precinct.dispatch.models import Agency, DutyLevelChange, ResponsePlan
from precinct.incidents import service as incident_service
from precinct.live import hooks as live
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.units.models import Unit, UnitStatus, UnitType

GENERAL_UNITS = (UnitType.PATROL_CAR, UnitType.MOTORCYCLE, UnitType.FOOT_PATROL, UnitType.RAPID_RESPONSE,
                 UnitType.COMMUNITY, UnitType.TRAFFIC)
BASE_CHECKLIST = [
    {"zh": "核实报警地址和现场情况", "en": "Confirm the address and the situation on scene"},
    {"zh": "到场后反馈处置情况", "en": "Report back on arrival and after handling"},
]
CATEGORY_DEFAULTS: dict[str, dict[str, Any]] = {
    "robbery": {"unit_types": [("patrol_car", 2), ("rapid_response", 1)], "notify": [],
                "checklist": [{"zh": "封控现场，注意嫌疑人逃跑方向",
                               "en": "Secure the scene; note the suspect's direction of flight"}]},
    "weapons": {"unit_types": [("rapid_response", 1), ("patrol_car", 2)], "notify": [Agency.AMBULANCE],
                "checklist": [{"zh": "持械警情，着防护装备，保持安全距离",
                               "en": "Armed incident: wear protective gear, keep distance"}]},
    "assault": {"unit_types": [("patrol_car", 1)], "notify": [Agency.AMBULANCE],
                "checklist": [{"zh": "确认伤者情况，必要时呼叫120",
                               "en": "Check for injuries; call an ambulance if needed"}]},
    "traffic": {"unit_types": [("traffic", 1), ("patrol_car", 1)], "notify": [],
                "checklist": [{"zh": "设置警示，疏导交通", "en": "Set up warnings and direct traffic"}]},
    "fire": {"unit_types": [("patrol_car", 1)], "notify": [Agency.FIRE],
             "checklist": [{"zh": "通知119，疏散群众，维护秩序", "en": "Notify fire (119), evacuate, keep order"}]},
    "medical": {"unit_types": [("patrol_car", 1)], "notify": [Agency.AMBULANCE],
                "checklist": [{"zh": "通知120，协助急救", "en": "Notify ambulance (120), assist first aid"}]},
    "disturbance": {"unit_types": [("patrol_car", 2)], "notify": [],
                    "checklist": [{"zh": "控制事态，防止矛盾升级", "en": "De-escalate and prevent escalation"}]},
}

# Duty levels: 1 = I (highest) .. 4 = IV (normal). Share of a district's units that must stay
# available, and the patrol requirement shown to every console.
DUTY_LEVELS: dict[int, dict[str, Any]] = {
    4: {"min_available_share": 0.20, "zh": "IV级（常态）", "en": "Level IV (normal)",
        "patrol_zh": "常态巡逻", "patrol_en": "routine patrols"},
    3: {"min_available_share": 0.30, "zh": "III级", "en": "Level III",
        "patrol_zh": "重点部位加密巡逻", "patrol_en": "extra patrols at key places"},
    2: {"min_available_share": 0.45, "zh": "II级", "en": "Level II",
        "patrol_zh": "街面屯警，1分钟响应", "patrol_en": "officers posted on the street, 1-minute response"},
    1: {"min_available_share": 0.60, "zh": "I级（最高）", "en": "Level I (highest)",
        "patrol_zh": "全员在岗，最高等级巡控", "patrol_en": "all officers on duty, maximum patrols"},
}
DEFAULT_LEVEL = 4


@dataclass(frozen=True)
class PlanView:
    """A response plan as dispatch reads it: the units to send, the checklist, the agencies to notify."""

    type_code: str
    district_id: int | None
    version: int
    unit_types: list[dict[str, Any]]
    checklist: list[dict[str, str]]
    notify: list[str]
    built_in: bool

    def allowed_unit_types(self) -> set[str]:
        """Return the unit types the plan sends."""
        return {entry["unit_type"] for entry in self.unit_types}


def default_plan(type_code: str, category: str) -> PlanView:
    """Return the built-in plan of a category (general units and the base checklist for other categories)."""
    preset = CATEGORY_DEFAULTS.get(category)
    if preset is None:
        unit_types = [{"unit_type": t.value, "count": 1} for t in GENERAL_UNITS]
        return PlanView(type_code, None, 0, unit_types, list(BASE_CHECKLIST), [], True)
    unit_types = [{"unit_type": t, "count": n} for t, n in preset["unit_types"]]
    return PlanView(type_code, None, 0, unit_types, preset["checklist"] + BASE_CHECKLIST,
                    [a.value for a in preset["notify"]], True)


_active_plans = TTLCache[dict[tuple[str, int | None], PlanView]](ttl_s=30.0)


def _plan_table(session: Session) -> dict[tuple[str, int | None], PlanView]:
    return _active_plans.get_or_load(session.get_bind().engine.url, lambda: {
        (p.type_code, p.district_id): PlanView(p.type_code, p.district_id, p.version, p.unit_types, p.checklist,
                                               p.notify, False)
        for p in session.scalars(select(ResponsePlan).where(ResponsePlan.active.is_(True)))})


def get_plan(session: Session, type_code: str, district_id: int | None = None) -> PlanView:
    """Return the active plan for a type: the district's own if any, else the citywide one, else built-in."""
    incident_type = incident_service.get_type(session, type_code)
    table = _plan_table(session)
    for scope in ([district_id, None] if district_id is not None else [None]):
        if (type_code, scope) in table:
            return table[(type_code, scope)]
    return default_plan(type_code, incident_type.category)


def save_plan(
    session: Session, *, type_code: str, district_id: int | None, unit_types: list[dict[str, Any]],
    checklist: list[dict[str, str]],
    notify: list[str], actor: Actor,
) -> ResponsePlan:
    """Add a new version of a plan; the previous version is kept, inactive.

    A district's plan is saved by the branch itself or the city bureau; the city-wide plan (no
    ``district_id``) by the city bureau only (both 422 naming ``district_id``).
    """
    incident_service.get_type(session, type_code)
    if not unit_types:
        raise ValidationError("unit_types must name at least one unit type to send")
    for entry in unit_types:
        if entry["unit_type"] not in {t.value for t in UnitType} or not 1 <= int(entry["count"]) <= 20:
            raise ValidationError(f"unit_types entry {entry} needs a known unit_type and a count of 1-20")
    if district_id is not None:
        _district(session, district_id)
    within = org_service.scope_for(session, actor)
    if district_id is None and not within.citywide:
        raise field_error("district_id", "plans.citywide_plan")
    if district_id is not None and not within.holds(district_id):
        raise field_error("district_id", "plans.district_outside_scope", id=district_id)
    scope = ResponsePlan.district_id.is_(None) if district_id is None else ResponsePlan.district_id == district_id
    previous = session.scalar(select(func.max(ResponsePlan.version))
                              .where(ResponsePlan.type_code == type_code, scope)) or 0
    for old in session.scalars(select(ResponsePlan).where(ResponsePlan.type_code == type_code, scope,
                                                          ResponsePlan.active.is_(True))):
        old.active = False
    plan = ResponsePlan(type_code=type_code, district_id=district_id, version=previous + 1, unit_types=unit_types,
                        checklist=checklist, notify=notify, active=True, created_by=actor.username)
    session.add(plan)
    session.flush()
    _active_plans.clear_when_done(session)
    audit_service.record(session, actor=actor, action="response_plan.save", resource_type="response_plan",
                         resource_id=plan.id, detail={"type_code": type_code, "district_id": district_id,
                                                      "version": plan.version})
    return plan


def plan_history(session: Session, type_code: str) -> list[ResponsePlan]:
    """Return every version of a type's plans, by district (citywide first) and version."""
    return list(session.scalars(select(ResponsePlan).where(ResponsePlan.type_code == type_code)
                                .order_by(ResponsePlan.district_id, ResponsePlan.version)))


def _district(session: Session, district_id: int) -> OrgUnit:
    district = session.get(OrgUnit, district_id)
    if district is None or district.tier != OrgTier.DISTRICT:
        raise field_error("district_id", "plans.not_a_district", id=district_id)
    return district


@dataclass(frozen=True)
class DutyLevelView:
    """A district's current duty level: who set it and why, and the units it requires available."""

    district_id: int
    level: int
    set_at: datetime | None
    set_by: str | None
    reason: str
    min_available_units: int
    available_units: int
    zh: str
    en: str
    patrol_zh: str
    patrol_en: str


def current_levels(session: Session) -> list[DutyLevelView]:
    """Every district's current level (IV unless raised), with its minimum available units."""
    latest = select(DutyLevelChange.district_id, func.max(DutyLevelChange.id).label("id")).group_by(
        DutyLevelChange.district_id).subquery()
    changes = {c.district_id: c
               for c in session.scalars(select(DutyLevelChange).join(latest, DutyLevelChange.id == latest.c.id))}
    station_district = dict(session.execute(select(OrgUnit.id, OrgUnit.parent_id)
                                            .where(OrgUnit.tier == OrgTier.STATION)).all())
    totals: dict[int, int] = {}
    available: dict[int, int] = {}
    for station_id, status in session.execute(select(Unit.home_station_id, Unit.status)):
        district_id = station_district.get(station_id) if station_id is not None else None
        if district_id is None:
            continue
        on_duty = status not in (UnitStatus.OFF_DUTY, UnitStatus.OUT_OF_SERVICE)
        totals[district_id] = totals.get(district_id, 0) + on_duty
        available[district_id] = available.get(district_id, 0) + (status == UnitStatus.AVAILABLE)
    views = []
    districts = session.scalars(select(OrgUnit.id).where(OrgUnit.tier == OrgTier.DISTRICT).order_by(OrgUnit.id))
    for district_id in districts:
        change = changes.get(district_id)
        level = change.level if change else DEFAULT_LEVEL
        spec = DUTY_LEVELS[level]
        views.append(DutyLevelView(
            district_id=district_id, level=level, set_at=change.set_at if change else None,
            set_by=change.set_by if change else None, reason=change.reason if change else "",
            min_available_units=math.ceil(spec["min_available_share"] * totals.get(district_id, 0)),
            available_units=available.get(district_id, 0), zh=spec["zh"], en=spec["en"],
            patrol_zh=spec["patrol_zh"], patrol_en=spec["patrol_en"],
        ))
    return views


def set_level(session: Session, *, district_id: int, level: int, reason: str, actor: Actor) -> DutyLevelChange:
    """Set a district's duty level (1 = I, highest .. 4 = IV, normal), audited and pushed live.

    The district must lie in the actor's scope: a district branch sets its own level, the city
    every district's; a station's account sets none (the level holds for the branch's stations).

    Raises
    ------
    ValidationError
        For an unknown level, a missing reason, or a district that does not exist or lies outside
        the actor's scope (naming ``district_id``).
    """
    if level not in DUTY_LEVELS:
        raise ValidationError("level must be 1 (I, highest), 2, 3 or 4 (IV, normal)")
    if len(reason.strip()) < 2:
        raise ValidationError("give a reason for changing the duty level")
    _district(session, district_id)
    if not org_service.scope_for(session, actor).holds(district_id):
        raise field_error("district_id", "duty_level.district_outside_scope", id=district_id)
    change = DutyLevelChange(district_id=district_id, level=level, reason=reason.strip(), set_at=utcnow(),
                             set_by=actor.username)
    session.add(change)
    session.flush()
    _levels.clear_when_done(session)
    audit_service.record(session, actor=actor, action="duty_level.set", resource_type="district",
                         resource_id=district_id, detail={"level": level, "reason": reason})
    view = next(v for v in current_levels(session) if v.district_id == district_id)
    live.publish(session, "duty_level", district_id, {**view.__dict__, "set_at": change.set_at.isoformat()})
    return change


_levels = TTLCache[dict[int, int]](ttl_s=10.0)


def current_level_map(session: Session) -> dict[int, int]:
    """Return each district's current duty level by id (only districts whose level was ever set)."""
    def load() -> dict[int, int]:
        latest = select(DutyLevelChange.district_id, func.max(DutyLevelChange.id).label("id")).group_by(
            DutyLevelChange.district_id).subquery()
        return dict(session.execute(select(DutyLevelChange.district_id, DutyLevelChange.level)
                                    .join(latest, DutyLevelChange.id == latest.c.id)).all())
    return _levels.get_or_load(session.get_bind().engine.url, load)
