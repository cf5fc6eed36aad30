"""The versioned rule table of legal time limits, with the provision each rule cites.

The migration stores version 1 (:data:`DEFAULT_RULES`). A supervisor's change makes a new
version from the one in force with the changed rules; old versions are kept, and every deadline
keeps the rule row it started under, so a change applies to limits started from then on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.cases.clock import Terms
from precinct.cases.limit_models import UNIT_NAMES, CaseRule, CaseRuleVersion, DurationUnit
from precinct.cases.messages import field_error, named, said
from precinct.cases.models import CaseKind
from precinct.core.db import utcnow
from precinct.core.errors import NotFoundError, PermissionDeniedError
from precinct.core.security import Actor
from precinct.org import service as org_service

TIERS = ("station", "district", "city")
TIER_NAMES = {"station": ("派出所", "station"), "district": ("县级（分局）以上公安机关", "district branch"),
              "city": ("市局", "city bureau")}
MILESTONES = ("summoned", "summons_ended", "detained", "family_notified", "interrogated", "arrest_requested",
              "released")
"""The case events an investigator records that start or stop a limit (besides the moves)."""
MILESTONE_NAMES = {
    "summoned": ("传唤到案", "summoned for questioning"), "summons_ended": ("询问查证结束", "questioning ended"),
    "detained": ("刑事拘留", "criminal detention"), "family_notified": ("通知家属", "family notified"),
    "interrogated": ("讯问", "first interrogation"), "arrest_requested": ("提请批准逮捕", "arrest requested"),
    "released": ("释放 / 变更强制措施", "released or measure changed"),
}
MILESTONE_KINDS: dict[str, CaseKind | None] = {"summoned": CaseKind.ADMINISTRATIVE,
                                               "summons_ended": CaseKind.ADMINISTRATIVE}
"""Milestones of one kind of case only (the rest: criminal, see :func:`milestone_applies`)."""

_ENDS_CASE = ["not_opened", "withdrawn", "closed"]

#: version 1 of the table: the common limits, each with its source
DEFAULT_RULES: list[dict[str, Any]] = [
    {"code": "open_decision", "name_zh": "立案审查期限", "name_en": "decision to open a case",
     "kind": "criminal", "trigger": "received", "stops": ["opened", *_ENDS_CASE], "duration": 3,
     "unit": "calendar_days", "extensions": [{"to": 7, "tier": "station"}, {"to": 30, "tier": "district"}],
     "pauses": [], "roll_past_holidays": True, "remind_before_h": 24,
     "provision": "公安部《关于改革完善受案立案制度的意见》（2015）：受案后三日内作出立案或不予立案决定；"
                  "需要查证的，原则上不超过七日；重大疑难复杂案件经县级以上公安机关负责人批准，可延长至三十日"},
    {"code": "administrative_case", "name_zh": "治安案件办理期限", "name_en": "public-order case",
     "kind": "administrative", "trigger": "received", "stops": ["decided", *_ENDS_CASE], "duration": 30,
     "unit": "calendar_days", "extensions": [{"to": 60, "tier": "district"}], "pauses": ["expert_examination"],
     "roll_past_holidays": True, "remind_before_h": 72,
     "provision": "《中华人民共和国治安管理处罚法》第九十九条：自受理之日起不得超过三十日；案情重大、复杂的，"
                  "经上一级公安机关批准，可以延长三十日；为查明案情进行鉴定的期间，不计入办理治安案件的期限"},
    {"code": "summons_questioning", "name_zh": "传唤询问查证时限", "name_en": "questioning after a summons",
     "kind": "administrative", "trigger": "summoned", "stops": ["summons_ended", *_ENDS_CASE], "duration": 8,
     "unit": "hours", "extensions": [{"to": 24, "tier": "station"}], "pauses": [], "roll_past_holidays": False,
     "remind_before_h": 1,
     "provision": "《中华人民共和国治安管理处罚法》第八十三条：询问查证的时间不得超过八小时；情况复杂，"
                  "依照本法规定可能适用行政拘留处罚的，不得超过二十四小时"},
    {"code": "detention_family_notice", "name_zh": "拘留后通知家属", "name_en": "family told of a detention",
     "kind": "criminal", "trigger": "detained", "stops": ["family_notified", "released", *_ENDS_CASE],
     "duration": 24, "unit": "hours", "extensions": [], "pauses": [], "roll_past_holidays": False,
     "remind_before_h": 4,
     "provision": "《中华人民共和国刑事诉讼法》第八十五条：除无法通知或者涉嫌危害国家安全犯罪、恐怖活动犯罪"
                  "通知可能有碍侦查的情形以外，应当在拘留后二十四小时以内，通知被拘留人的家属"},
    {"code": "detention_interrogation", "name_zh": "拘留后讯问", "name_en": "interrogation after a detention",
     "kind": "criminal", "trigger": "detained", "stops": ["interrogated", "released", *_ENDS_CASE],
     "duration": 24, "unit": "hours", "extensions": [], "pauses": [], "roll_past_holidays": False,
     "remind_before_h": 4,
     "provision": "《中华人民共和国刑事诉讼法》第八十六条：公安机关对被拘留的人，应当在拘留后的二十四小时以内进行讯问"},
    {"code": "arrest_request", "name_zh": "提请批准逮捕期限", "name_en": "request for arrest after a detention",
     "kind": "criminal", "trigger": "detained", "stops": ["arrest_requested", "released", *_ENDS_CASE],
     "duration": 3, "unit": "calendar_days", "extensions": [{"to": 7, "tier": "district"},
                                                            {"to": 30, "tier": "district"}],
     "pauses": [], "roll_past_holidays": False, "remind_before_h": 24,
     "provision": "《中华人民共和国刑事诉讼法》第九十一条：拘留后三日以内提请审查批准；特殊情况下可延长一日至四日；"
                  "流窜作案、多次作案、结伙作案的重大嫌疑分子可延长至三十日。在押期间不因节假日延长（第一百零五条）"},
]


@dataclass(frozen=True)
class Rule:
    """One rule of one version, detached from the session."""

    id: int
    version_id: int
    code: str
    name_zh: str
    name_en: str
    kind: CaseKind | None
    trigger: str
    stops: tuple[str, ...]
    duration: int
    unit: DurationUnit
    extensions: tuple[tuple[int, str], ...]  # (to, tier) in order
    pauses: frozenset[str]
    roll_past_holidays: bool
    remind_before_h: int
    provision: str

    @property
    def terms(self) -> Terms:
        """What :func:`precinct.cases.clock.compute` needs of this rule."""
        return Terms(self.duration, self.unit, self.roll_past_holidays, self.remind_before_h, self.pauses)

    @property
    def max_extension(self) -> int | None:
        """The longest total duration it may be extended to (``None``: not extendable)."""
        return self.extensions[-1][0] if self.extensions else None

    def applies_to(self, kind: CaseKind) -> bool:
        """Whether the rule applies to a case of ``kind``."""
        return self.kind is None or self.kind == kind


def rule_of(row: CaseRule) -> Rule:
    """Return the detached :class:`Rule` of a stored row."""
    return Rule(row.id, row.version_id, row.code, row.name_zh, row.name_en, row.kind, row.trigger, tuple(row.stops),
                row.duration, DurationUnit(row.unit), tuple((int(e["to"]), str(e["tier"])) for e in row.extensions),
                frozenset(row.pauses), row.roll_past_holidays, row.remind_before_h, row.provision)


@dataclass(frozen=True)
class RuleTable:
    """One version of the table: its rules by code."""

    version: CaseRuleVersion
    rules: dict[str, Rule]


def milestone_applies(milestone: str, kind: CaseKind) -> bool:
    """Whether an investigator may record ``milestone`` on a case of ``kind``."""
    return MILESTONE_KINDS.get(milestone, CaseKind.CRIMINAL) == kind


def get_version(session: Session, version_id: int) -> RuleTable:
    """Return one version of the table (NotFoundError if there is none of that id)."""
    version = session.get(CaseRuleVersion, version_id)
    if version is None:
        raise NotFoundError(said("case.rule_version_unknown", id=version_id))
    rows = session.scalars(select(CaseRule).where(CaseRule.version_id == version_id).order_by(CaseRule.id))
    return RuleTable(version, {row.code: rule_of(row) for row in rows})


def current(session: Session) -> RuleTable:
    """Return the version in force (the latest); a database without one gets :data:`DEFAULT_RULES` as version 1."""
    version_id = session.scalar(select(func.max(CaseRuleVersion.id)))
    if version_id is None:
        version_id = _store(session, DEFAULT_RULES, created_by="system", reason="defaults").id
    return get_version(session, version_id)


def list_versions(session: Session) -> list[CaseRuleVersion]:
    """Return every version of the table, the latest first."""
    return list(session.scalars(select(CaseRuleVersion).order_by(CaseRuleVersion.id.desc())))


def _store(session: Session, rules: list[dict[str, Any]], *, created_by: str, reason: str) -> CaseRuleVersion:
    version = CaseRuleVersion(created_at=utcnow(), created_by=created_by, reason=reason)
    session.add(version)
    session.flush()
    for rule in rules:
        session.add(CaseRule(version_id=version.id, **rule))
    session.flush()
    return version


def _as_row(rule: Rule) -> dict[str, Any]:
    return {"code": rule.code, "name_zh": rule.name_zh, "name_en": rule.name_en,
            "kind": rule.kind.value if rule.kind else None, "trigger": rule.trigger, "stops": list(rule.stops),
            "duration": rule.duration, "unit": rule.unit.value,
            "extensions": [{"to": to, "tier": tier} for to, tier in rule.extensions], "pauses": sorted(rule.pauses),
            "roll_past_holidays": rule.roll_past_holidays, "remind_before_h": rule.remind_before_h,
            "provision": rule.provision}


@dataclass(frozen=True)
class RuleChange:
    """New values for one rule (``None``: keep)."""

    code: str
    duration: int | None = None
    extensions: tuple[tuple[int, str], ...] | None = None
    remind_before_h: int | None = None
    provision: str | None = None


def _check(index: int, rule: Rule) -> None:
    where = f"rules.{index}"
    previous = rule.duration
    for step, (to, tier) in enumerate(rule.extensions):
        if to <= previous:
            raise field_error(f"{where}.extensions.{step}.to", "case.extension_not_longer", now=previous,
                              **named("unit", UNIT_NAMES[rule.unit]))
        if tier not in TIERS:
            raise field_error(f"{where}.extensions.{step}.tier", "case.rule_unknown", code=tier)
        previous = to


def actor_tier(session: Session, actor: Actor) -> str:
    """Return the organisation tier an account acts at: ``station``, ``district`` or ``city``."""
    if actor.org_unit_id is None:
        return "city"
    return org_service.get_unit(session, actor.org_unit_id).tier.value


def update(session: Session, changes: list[RuleChange], *, reason: str, actor: Actor) -> RuleTable:
    """Store a new version: the one in force with ``changes`` made (audited); return it.

    The table is the city's: only a supervisor acting at the city tier changes it (a station's
    could otherwise lower the tier an extension asks and then grant it).

    Raises
    ------
    PermissionDeniedError
        For an account below the city tier.
    ValidationError
        For an unknown rule code, or extension steps that do not grow or name an unknown tier.
    """
    if actor_tier(session, actor) != "city":
        raise PermissionDeniedError(said("case.rules_city_only"))
    table = current(session)
    rules = dict(table.rules)
    for index, change in enumerate(changes):
        rule = rules.get(change.code)
        if rule is None:
            raise field_error(f"rules.{index}.code", "case.rule_unknown", code=change.code)
        updated = replace(rule, duration=change.duration or rule.duration,
                          extensions=rule.extensions if change.extensions is None else change.extensions,
                          remind_before_h=rule.remind_before_h if change.remind_before_h is None
                          else change.remind_before_h, provision=change.provision or rule.provision)
        _check(index, updated)
        rules[change.code] = updated
    version = _store(session, [_as_row(rule) for rule in rules.values()], created_by=actor.username, reason=reason)
    audit_service.record(session, actor=actor, action="case_rules.update", resource_type="case_rule_version",
                         resource_id=version.id, detail={"changed": [c.code for c in changes], "reason": reason})
    return get_version(session, version.id)


def unknown_rule(code: str) -> NotFoundError:
    """Return the error for a rule code no version holds."""
    return NotFoundError(said("case.rule_unknown", code=code))
