"""Extensions, pauses and the explanation of each deadline of a case.

- **extend** (approvers): to a total duration the rule allows, by a supervisor whose organisation
  tier is at least the one the rule's step names (a station supervisor for a station step, a
  branch or the city for a district step), with a reason;
- **pause** (those who work the case): a period with a kind, a start, an end (or still open) and
  a reason; a case's pauses never overlap; the case's open deadlines are computed again;
- **explain**: every deadline of a case with the steps that reached it, in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases import deadlines, events
from precinct.cases.clock import Pause, overlapping
from precinct.cases.limit_models import (
    PAUSE_NAMES,
    UNIT_NAMES,
    CaseBreach,
    CaseDeadline,
    CaseExtension,
    CasePause,
    CaseRule,
    PauseKind,
)
from precinct.cases.messages import field_error, named, said, text
from precinct.cases.rules import TIER_NAMES, TIERS, Rule, actor_tier, rule_of
from precinct.cases.service import get_open_workable, get_visible, reason_of, touch
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.security import Actor


@conflicts_as_domain_errors
def extend(session: Session, case_id: int, deadline_id: int, to: int, reason: str, *, actor: Actor,
           zone: ZoneInfo, now: datetime | None = None) -> CaseDeadline:
    """Extend a case's running deadline to a total of ``to`` (in the rule's unit), as its rule allows.

    Raises
    ------
    NotFoundError
        The case is not the approver's to read, or the deadline is not the case's.
    ValidationError
        ``to`` not longer than the present limit, or beyond the rule's largest step (naming ``to``);
        a reason that is too short.
    ConflictError
        The deadline has ended or already fell due (an extension is granted before the limit runs
        out), or its rule allows no extension.
    PermissionDeniedError
        The approver's tier is below the one the step asks.
    """
    now = now or utcnow()
    case = get_visible(session, case_id, actor, for_update=True)
    deadline = session.get(CaseDeadline, deadline_id, with_for_update=True)
    if deadline is None or deadline.case_id != case.id:
        raise NotFoundError(said("case.deadline_not_found", id=deadline_id))
    if deadline.ended_at is not None:
        raise ConflictError(said("case.deadline_ended", id=deadline.id))
    if deadline.breached_at is not None or (deadline.due_at is not None and deadline.due_at <= now):
        raise ConflictError(said("case.deadline_passed", id=deadline.id))
    rule = rule_of(session.get_one(CaseRule, deadline.rule_id))
    if not rule.extensions:
        raise ConflictError(said("case.not_extendable", rule=rule.name_zh + " / " + rule.name_en))
    present = deadline.extended_to or rule.duration
    unit, unit_names = rule.unit.value, named("unit", UNIT_NAMES[rule.unit])
    if to <= present:
        raise field_error("to", "case.extension_not_longer", now=present, **unit_names)
    if to > (rule.max_extension or 0):
        raise field_error("to", "case.extension_beyond", max=rule.max_extension, **unit_names)
    tier = next(step_tier for step_to, step_tier in rule.extensions if step_to >= to)
    if TIERS.index(actor_tier(session, actor)) < TIERS.index(tier):
        raise PermissionDeniedError(said("case.extension_tier", to=to, tier=TIER_NAMES[tier][0],
                                         tier_en=TIER_NAMES[tier][1], **unit_names))
    reason = reason_of("reason", reason)
    session.add(CaseExtension(deadline_id=deadline.id, case_id=case.id, from_value=present, to_value=to, tier=tier,
                              reason=reason, approved_by=actor.username, approved_at=now))
    deadline.extended_to = to
    touch(case, now)
    events.record(session, case, "extended", actor=actor, at=now, zone=zone, data={
        "deadline_id": deadline.id, "rule": rule.code, "from": present, "to": to, "unit": unit, "reason": reason})
    deadlines.recompute_case(session, case.id, zone=zone)
    flush_or_conflict(session, f"case {case.id}")
    return deadline


@conflicts_as_domain_errors
def add_pause(session: Session, case_id: int, kind: PauseKind, started_at: datetime, ended_at: datetime | None,
              reason: str, *, actor: Actor, zone: ZoneInfo, now: datetime | None = None) -> CasePause:
    """Record a period that stops the clock of the case's rules that name ``kind``; compute the deadlines again.

    Raises
    ------
    ValidationError
        A start in the future or before the case's receipt, an end not after the start or in the
        future, a period that overlaps another of the case's pauses (naming ``started_at``).
    """
    now = now or utcnow()
    case = get_open_workable(session, case_id, actor)
    if started_at > now:
        raise field_error("started_at", "case.at_future")
    if started_at < case.received_at:
        raise field_error("started_at", "case.at_too_old")
    if ended_at is not None and ended_at <= started_at:
        raise field_error("ended_at", "case.pause_order")
    if ended_at is not None and ended_at > now:
        raise field_error("ended_at", "case.at_future")
    existing = list(session.scalars(select(CasePause).where(CasePause.case_id == case.id)))
    clash = overlapping([Pause(p.kind, p.started_at, p.ended_at) for p in existing],
                        Pause(kind.value, started_at, ended_at))
    if clash is not None:
        pause = next(p for p in existing if (p.started_at, p.ended_at) == (clash.started_at, clash.ended_at))
        raise field_error("started_at", "case.pause_overlap", id=pause.id,
                          start=pause.started_at.isoformat(timespec="minutes"))
    pause = CasePause(case_id=case.id, kind=kind, started_at=started_at, ended_at=ended_at,
                      reason=reason_of("reason", reason), created_at=now, created_by=actor.username)
    session.add(pause)
    touch(case, now)
    session.flush()
    events.record(session, case, "paused", actor=actor, at=now, zone=zone, data={
        "pause_id": pause.id, "kind": kind.value, "started_at": started_at.isoformat(),
        "ended_at": ended_at.isoformat() if ended_at else None, "reason": pause.reason})
    deadlines.recompute_case(session, case.id, zone=zone)
    flush_or_conflict(session, f"case {case.id}")
    return pause


@conflicts_as_domain_errors
def end_pause(session: Session, case_id: int, pause_id: int, ended_at: datetime | None, *, actor: Actor,
              zone: ZoneInfo, now: datetime | None = None) -> CasePause:
    """End an open pause (at ``ended_at``, default now); the clock runs again and the deadlines are computed."""
    now = now or utcnow()
    case = get_open_workable(session, case_id, actor)
    pause = session.get(CasePause, pause_id, with_for_update=True)
    if pause is None or pause.case_id != case.id:
        raise NotFoundError(said("case.pause_not_found", id=pause_id))
    if pause.ended_at is not None:
        raise ConflictError(said("case.pause_ended", id=pause.id))
    ended_at = ended_at or now
    if ended_at <= pause.started_at:
        raise field_error("ended_at", "case.pause_order")
    if ended_at > now:
        raise field_error("ended_at", "case.at_future")
    pause.ended_at = ended_at
    touch(case, now)
    events.record(session, case, "pause_ended", actor=actor, at=now, zone=zone,
                  data={"pause_id": pause.id, "ended_at": ended_at.isoformat()})
    deadlines.recompute_case(session, case.id, zone=zone)
    flush_or_conflict(session, f"case {case.id}")
    return pause


# ---- the explanation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Explained:
    """A deadline with its rule, its extensions, its breach and the steps that reached it."""

    deadline: CaseDeadline
    rule: Rule
    extensions: list[CaseExtension]
    breach: CaseBreach | None
    steps: list[dict[str, Any]]


def _local(value: object, zone: ZoneInfo) -> object:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value


def _step_texts(code: str, values: dict[str, Any], zone: ZoneInfo, unit: str) -> dict[str, Any]:
    shown: dict[str, Any] = {k: _local(v, zone) for k, v in values.items()}
    key = "case.step.count_hours" if code == "count" and unit == "hours" else f"case.step.{code}"
    texts = {}
    for language in ("zh-CN", "en"):
        names = dict(shown)
        if "unit" in names:
            names["unit"] = UNIT_NAMES[names["unit"]][0 if language == "zh-CN" else 1]
        if "kind" in names:
            names["kind"] = PAUSE_NAMES[PauseKind(names["kind"])][0 if language == "zh-CN" else 1]
        if "seconds" in names:
            names["hours"] = round(values["seconds"] / 3600, 1)
        texts["zh" if language == "zh-CN" else "en"] = text(key, language, **names)
    return {"code": code, **texts,
            "values": {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}}


def explain(session: Session, case_id: int, *, actor: Actor, zone: ZoneInfo) -> tuple[list[Explained],
                                                                                         list[CasePause]]:
    """Return every deadline of a case (started first first), each with how it was reached, and the case's pauses."""
    case = get_visible(session, case_id, actor)
    rows = list(session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id)
                                .order_by(CaseDeadline.id)))
    pauses = list(session.scalars(select(CasePause).where(CasePause.case_id == case.id).order_by(CasePause.started_at)))
    clock_pauses = [Pause(p.kind.value, p.started_at, p.ended_at) for p in pauses]
    extensions: dict[int, list[CaseExtension]] = {}
    for extension in session.scalars(select(CaseExtension).where(CaseExtension.case_id == case.id)
                                     .order_by(CaseExtension.id)):
        extensions.setdefault(extension.deadline_id, []).append(extension)
    breaches = {b.deadline_id: b for b in session.scalars(select(CaseBreach).where(CaseBreach.case_id == case.id))}
    found = []
    for deadline in rows:
        rule = rule_of(session.get_one(CaseRule, deadline.rule_id))
        result = deadlines.computed(deadline, rule, clock_pauses, zone=zone, explain=True)
        found.append(Explained(deadline, rule, extensions.get(deadline.id, []), breaches.get(deadline.id),
                               [_step_texts(step.code, step.values, zone, rule.unit.value) for step in result.steps]))
    return found, pauses
