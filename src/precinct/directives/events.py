"""Recording a step of a directive: its event, its audit entry and its live event, in one call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.security import Actor
from precinct.directives.models import EVENT_NAMES, STATUS_NAMES, Directive, DirectiveEvent, DirectiveStatus
from precinct.live import hooks as live

LIVE_KIND = "directive"
"""The kind of the live events of directives on ``GET /stream``."""


def record(session: Session, directive: Directive, kind: str, *, actor: Actor, at: datetime,
           from_status: DirectiveStatus | None = None, data: dict[str, Any] | None = None) -> DirectiveEvent:
    """Append the event ``kind`` to ``directive``'s log, audit it and queue its live event.

    ``from_status`` is the status before the step (``None`` when the step does not move it); the
    status after it is read from ``directive``. The directive must be flushed (have an id).
    """
    moved = from_status is not None and from_status != directive.status
    event = DirectiveEvent(directive_id=directive.id, at=at, actor=actor.username, kind=kind,
                           from_status=from_status.value if from_status else None,
                           to_status=directive.status.value if moved or kind == "issued" else None, data=data)
    session.add(event)
    audit_service.record(session, actor=actor, action=f"directive.{kind}", resource_type="directive",
                         resource_id=directive.id, detail={k: v for k, v in (data or {}).items() if k != "report"})
    live.publish(session, LIVE_KIND, f"{directive.id}:{kind}", live_payload(directive, kind, actor=actor, at=at,
                                                                              data=data))
    return event


def live_payload(directive: Directive, step: str, *, actor: Actor, at: datetime,
                 data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return what a live ``directive`` event carries: the step, who took it, and the directive's placement.

    The whole directive is one ``GET /directives/{id}`` away.
    """
    zh, en = EVENT_NAMES[step]
    status_zh, status_en = STATUS_NAMES[directive.status]
    return {
        "id": directive.id, "step": step, "step_zh": zh, "step_en": en, "at": at.isoformat(), "actor": actor.username,
        "status": directive.status.value, "status_zh": status_zh, "status_en": status_en,
        "kind": directive.kind.value, "title": directive.title[:120], "deadline": directive.deadline.isoformat(),
        "issued_by": directive.issued_by, "target_org_unit_id": directive.target_org_unit_id,
        "target_unit_id": directive.target_unit_id, "station_id": directive.station_id,
        "district_id": directive.district_id, "escalation_level": directive.escalation_level,
        **({"level": data["level"], "org_unit_id": data.get("org_unit_id"), "late_s": data.get("late_s")}
           if data and "level" in data else {}),
    }
