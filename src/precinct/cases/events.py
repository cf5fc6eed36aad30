"""Recording a step of a case: its event, its audit entry, its live event and the deadlines it starts or stops."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.cases import deadlines
from precinct.cases.models import STATUS_NAMES, Case, CaseEvent, CaseStatus
from precinct.core.security import Actor
from precinct.live import hooks as live

LIVE_KIND = "case"
"""The kind of the live events of cases on ``GET /stream``."""

EVENT_NAMES = {
    "received": ("受案", "received"), "opened": ("立案", "opened"), "not_opened": ("不予立案", "not opened"),
    "decided": ("处罚决定", "decided"), "transferred": ("移送审查起诉", "transferred for prosecution"),
    "withdrawn": ("撤案", "withdrawn"), "closed": ("结案", "closed"), "cleared": ("破案", "cleared"),
    "submitted": ("提交审核", "submitted for review"), "returned": ("审核退回", "returned by the reviewer"),
    "incident_linked": ("关联警情", "incident linked"), "suggestion_rejected": ("否决串并建议", "suggestion rejected"),
    "task_added": ("新增任务", "task added"), "task_updated": ("任务更新", "task updated"),
    "document_added": ("上传文书", "document added"), "party_added": ("登记当事人", "party recorded"),
    "extended": ("延长期限", "deadline extended"), "paused": ("中止计时", "clock paused"),
    "pause_ended": ("恢复计时", "clock resumed"), "reminder": ("期限提醒", "deadline reminder"),
    "breached": ("超期", "deadline breached"), "item_added": ("登记涉案财物", "item recorded"),
    "custody": ("财物流转", "custody step"), "disposal_requested": ("申请处置", "disposal requested"),
    "disposal_decided": ("处置审批", "disposal decided"),
    "summoned": ("传唤到案", "summoned"), "summons_ended": ("询问查证结束", "questioning ended"),
    "detained": ("刑事拘留", "detained"), "family_notified": ("通知家属", "family notified"),
    "interrogated": ("讯问", "interrogated"), "arrest_requested": ("提请批准逮捕", "arrest requested"),
    "released": ("释放 / 变更强制措施", "released or measure changed"),
}
"""The bilingual names of the event kinds of a case's log."""

PRIVATE_KEYS = frozenset({"grounds", "note", "reason", "text"})
"""Free text an event keeps on the case but not in the audit detail or on the live stream."""


def record(session: Session, case: Case, kind: str, *, actor: Actor, at: datetime, zone: ZoneInfo,
           from_status: CaseStatus | None = None, data: dict[str, Any] | None = None,
           occurred_at: datetime | None = None, party_id: int | None = None) -> CaseEvent:
    """Append the event ``kind`` to ``case``'s log, audit it, queue its live event and run its deadlines.

    ``from_status`` is the state before the step (``None`` when it does not move the case);
    ``occurred_at`` when what it records happened (a detention an hour ago; default ``at``), the
    instant the deadlines it starts or stops count from. The case must be flushed (have an id).
    """
    moved = from_status is not None and from_status != case.status
    when = occurred_at or at
    payload = {**(data or {}), **({"occurred_at": when.isoformat()} if occurred_at else {}),
               **({"party_id": party_id} if party_id is not None else {})}
    event = CaseEvent(case_id=case.id, at=at, actor=actor.username, kind=kind,
                      from_status=from_status.value if moved and from_status else None,
                      to_status=case.status.value if moved or kind == "received" else None, data=payload or None)
    session.add(event)
    audit_service.record(session, actor=actor, action=f"case.{kind}", resource_type="case", resource_id=case.id,
                         detail={k: v for k, v in payload.items() if k not in PRIVATE_KEYS})
    live.publish(session, LIVE_KIND, f"{case.id}:{kind}", live_payload(case, kind, actor=actor, at=at))
    deadlines.on_event(session, case, kind, at=when, zone=zone, party_id=party_id)
    return event


def live_payload(case: Case, step: str, *, actor: Actor | str, at: datetime) -> dict[str, Any]:
    """Return what a live ``case`` event carries: the step and the case's placement (no personal data)."""
    zh, en = EVENT_NAMES.get(step, (step, step))
    status_zh, status_en = STATUS_NAMES[case.status]
    return {"id": case.id, "number": case.number, "step": step, "step_zh": zh, "step_en": en, "at": at.isoformat(),
            "actor": actor if isinstance(actor, str) else actor.username, "status": case.status.value,
            "status_zh": status_zh, "status_en": status_en, "kind": case.kind.value, "station_id": case.station_id,
            "district_id": case.district_id, "team_unit_id": case.team_unit_id}
