"""A case's tasks: a title, an assignee (an account of the case's station or above), a due date and a status."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases import events
from precinct.cases.messages import field_error, said
from precinct.cases.models import CaseTask, TaskStatus
from precinct.cases.service import check_account, get_open_workable, get_visible, get_workable, touch
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError
from precinct.core.security import Actor
from precinct.org import service as org_service


@conflicts_as_domain_errors
def add(session: Session, case_id: int, *, title: str, assignee: str, due_at: datetime | None, note: str,
        actor: Actor, zone: ZoneInfo, now: datetime | None = None) -> CaseTask:
    """Add a task to an open case the actor works (ValidationError for an unknown assignee or a past due date)."""
    now = now or utcnow()
    case = get_open_workable(session, case_id, actor)
    check_account(session, assignee, org_service.get_unit(session, case.station_id), "assignee")
    if due_at is not None and due_at <= now:
        raise field_error("due_at", "case.due_past")
    task = CaseTask(case_id=case.id, title=title.strip(), assignee=assignee, due_at=due_at, status=TaskStatus.OPEN,
                    note=note.strip(), created_at=now, created_by=actor.username)
    session.add(task)
    touch(case, now)
    session.flush()
    events.record(session, case, "task_added", actor=actor, at=now, zone=zone,
                  data={"task_id": task.id, "assignee": assignee})
    flush_or_conflict(session, f"case {case.id}")
    return task


@conflicts_as_domain_errors
def finish(session: Session, case_id: int, task_id: int, status: TaskStatus, *, note: str, actor: Actor,
           zone: ZoneInfo, now: datetime | None = None) -> CaseTask:
    """Mark an open task done or cancelled (409 if it is not open any more)."""
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    task = session.get(CaseTask, task_id, with_for_update=True)
    if task is None or task.case_id != case.id:
        raise NotFoundError(said("case.task_not_found", id=task_id))
    if task.status != TaskStatus.OPEN:
        raise ConflictError(said("case.task_done", id=task.id, status=task.status.value))
    task.status, task.done_at = status, now
    if note.strip():
        task.note = (task.note + "\n" + note.strip()).strip()
    touch(case, now)
    events.record(session, case, "task_updated", actor=actor, at=now, zone=zone,
                  data={"task_id": task.id, "status": status.value})
    flush_or_conflict(session, f"case {case.id}")
    return task


def list_(session: Session, case_id: int, *, actor: Actor) -> list[CaseTask]:
    """Return a case's tasks: open ones first, by due date."""
    get_visible(session, case_id, actor)
    tasks = session.scalars(select(CaseTask).where(CaseTask.case_id == case_id).order_by(CaseTask.id))
    return sorted(tasks, key=lambda t: (t.status != TaskStatus.OPEN, t.due_at is None, t.due_at or t.created_at, t.id))
