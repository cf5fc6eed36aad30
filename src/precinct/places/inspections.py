"""Checklists, the inspection schedule, inspections with their item results and files, and the overdue board.

The checklists and the schedule are the city's: only accounts at the city tier (or without an
organisation unit) change them; a district's or station's account is refused (403).
Scope as for premises (:mod:`precinct.places.service`): an inspection is recorded on, and read
from, premises the caller's scope holds; closed premises take no inspection (409). A failed item
opens a hazard (:mod:`precinct.places.hazards`) with the rectification deadline given for it.
Files are stored on disk under their SHA-256 (a second upload of the same bytes is stored once);
only the inspector adds files to an inspection.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.places import hazards
from precinct.places import service as premises_service
from precinct.places.inspection_models import (
    ChecklistTemplate,
    Inspection,
    InspectionAttachment,
    InspectionResult,
    InspectionSchedule,
)
from precinct.places.messages import field_error, said
from precinct.places.models import Premises, PremisesCategory, PremisesStatus, RiskGrade

DEFAULT_INTERVAL_DAYS = {RiskGrade.HIGH: 30, RiskGrade.MEDIUM: 90, RiskGrade.LOW: 180}
"""Days between inspections where the schedule names none; hazardous-goods sites: monthly at every grade."""
HAZARDOUS_INTERVAL_DAYS = 30
ACCEPTED_TYPES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",),
                  "application/pdf": (b"%PDF-",)}
"""The file types an inspection takes, each with the bytes its content must start with."""


# ---- checklists and the schedule ----------------------------------------------------------------


def add_template(session: Session, *, category: PremisesCategory, title: str, items: list[dict[str, str]],
                 actor: Actor, now: datetime | None = None) -> ChecklistTemplate:
    """Store a new version of ``category``'s checklist (earlier versions stay for the inspections made on them).

    Raises
    ------
    PermissionDeniedError
        For an account below the city tier (the checklists are the city's).
    ValidationError
        If two items share a code.
    """
    org_service.require_citywide(session, actor, said("checklist.city_only"))
    codes = [item["code"] for item in items]
    for code in codes:
        if codes.count(code) > 1:
            raise field_error("items", "checklist.items_unique", code=code)
    latest = session.scalar(select(func.max(ChecklistTemplate.version)).where(ChecklistTemplate.category == category))
    template = ChecklistTemplate(category=category, version=(latest or 0) + 1, title=title, items=items,
                                 created_at=now or utcnow(), created_by=actor.username)
    session.add(template)
    session.flush()
    audit_service.record(session, actor=actor, action="checklist.version", resource_type="checklist_template",
                         resource_id=template.id, detail={"category": category.value, "version": template.version})
    return template


def current_template(session: Session, category: PremisesCategory) -> ChecklistTemplate:
    """Return the latest version of ``category``'s checklist; ValidationError naming ``premises_id`` if none."""
    template = session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.category == category)
                              .order_by(ChecklistTemplate.version.desc()).limit(1))
    if template is None:
        raise field_error("premises_id", "checklist.no_template", category=category.value)
    return template


def list_templates(session: Session, *, category: PremisesCategory | None = None) -> list[ChecklistTemplate]:
    """Return the checklist versions, of one category if given, by category and version."""
    query = select(ChecklistTemplate).order_by(ChecklistTemplate.category, ChecklistTemplate.version)
    if category is not None:
        query = query.where(ChecklistTemplate.category == category)
    return list(session.scalars(query))


def set_interval(session: Session, *, category: PremisesCategory, risk_grade: RiskGrade, interval_days: int,
                 actor: Actor, now: datetime | None = None) -> InspectionSchedule:
    """Set how many days may pass between inspections of premises of ``category`` and ``risk_grade``.

    Raises
    ------
    PermissionDeniedError
        For an account below the city tier (the schedule is the city's).
    """
    org_service.require_citywide(session, actor, said("schedule.city_only"))
    row = session.scalar(select(InspectionSchedule).where(InspectionSchedule.category == category,
                                                          InspectionSchedule.risk_grade == risk_grade))
    if row is None:
        row = InspectionSchedule(category=category, risk_grade=risk_grade)
        session.add(row)
    row.interval_days, row.updated_at, row.updated_by = interval_days, now or utcnow(), actor.username
    session.flush()
    audit_service.record(session, actor=actor, action="inspection_schedule.set", resource_type="inspection_schedule",
                         resource_id=row.id, detail={"category": category.value, "risk_grade": risk_grade.value,
                                                     "interval_days": interval_days})
    return row


def schedule(session: Session) -> dict[tuple[PremisesCategory, RiskGrade], int]:
    """Return the days between inspections for every category and grade (the defaults where none is set)."""
    table = {(category, grade): HAZARDOUS_INTERVAL_DAYS if category == PremisesCategory.HAZARDOUS_GOODS
             else DEFAULT_INTERVAL_DAYS[grade] for category in PremisesCategory for grade in RiskGrade}
    for row in session.scalars(select(InspectionSchedule)):
        table[(row.category, row.risk_grade)] = row.interval_days
    return table


# ---- inspections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    """One item's result as recorded: ``deadline_days`` for a failed item is the rectification time."""

    code: str
    passed: bool
    note: str = ""
    deadline_days: int | None = None


def _check_results(template: ChecklistTemplate, results: list[ItemResult]) -> None:
    known = {item["code"] for item in template.items}
    for index, result in enumerate(results):
        if result.code not in known:
            raise field_error(f"results.{index}.code", "inspection.item_unknown", version=template.version,
                              code=result.code)
        if not result.passed and result.deadline_days is None:
            raise field_error(f"results.{index}.deadline_days", "inspection.deadline_needed", code=result.code)
    missing = sorted(known - {r.code for r in results})
    if missing:
        raise field_error("results", "inspection.items_missing", codes=", ".join(missing))


def _open_premises(session: Session, premises_id: int, actor: Actor, field: str) -> Premises:
    try:
        premises = premises_service.get_visible(session, premises_id, actor)
    except NotFoundError as error:
        raise field_error(field, "premises.not_found", id=premises_id) from error
    if premises.status == PremisesStatus.CLOSED:
        raise ConflictError(said("premises.closed", id=premises.id, what="inspect / 检查"))
    return premises


def record(session: Session, *, premises_id: int, results: list[ItemResult], actor: Actor, notes: str = "",
           inspected_at: datetime | None = None, now: datetime | None = None) -> tuple[Inspection, list[int]]:
    """Record an inspection of premises against the current checklist; return it and the ids of the hazards it opened.

    Raises
    ------
    ValidationError
        For premises outside the caller's scope (named ``premises_id``), a category without a
        checklist, an unknown or missing item, a failed item without a deadline, or a time ahead of now.
    ConflictError
        If the premises are closed.
    """
    now = now or utcnow()
    inspected_at = inspected_at or now
    if inspected_at > now:
        raise field_error("inspected_at", "inspection.future")
    premises = _open_premises(session, premises_id, actor, "premises_id")
    template = current_template(session, premises.category)
    _check_results(template, results)
    inspection = Inspection(premises_id=premises.id, template_id=template.id, inspected_at=inspected_at,
                            inspected_by=actor.username, station_id=premises.station_id,
                            district_id=premises.district_id, passed=all(r.passed for r in results), notes=notes)
    session.add(inspection)
    session.flush()
    texts = {item["code"]: item for item in template.items}
    opened = []
    for result in results:
        session.add(InspectionResult(inspection_id=inspection.id, item_code=result.code, passed=result.passed,
                                     note=result.note))
        if not result.passed and result.deadline_days is not None:
            item = texts[result.code]
            hazard = hazards.open_(session, premises, inspection, item_code=result.code,
                                   description=f"{item.get('text_zh', '')} / {item.get('text_en', '')}"
                                               + (f": {result.note}" if result.note else ""),
                                   deadline=now + timedelta(days=result.deadline_days), actor=actor, now=now)
            opened.append(hazard.id)
    audit_service.record(session, actor=actor, action="inspection.record", resource_type="inspection",
                         resource_id=inspection.id, detail={"premises_id": premises.id, "hazards": opened})
    session.flush()
    return inspection, opened


def get_visible(session: Session, inspection_id: int, actor: Actor) -> Inspection:
    """Return an inspection of premises in ``actor``'s scope; NotFoundError for any other."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not org_service.scope_of(session, actor.org_unit_id).holds(inspection.station_id,
                                                                                        inspection.district_id):
        raise NotFoundError(said("inspection.not_found", id=inspection_id))
    return inspection


def list_for(session: Session, premises_id: int, *, actor: Actor) -> list[Inspection]:
    """Return the inspections of premises (re-inspections included), latest first."""
    premises_service.get_visible(session, premises_id, actor)
    return list(session.scalars(select(Inspection).where(Inspection.premises_id == premises_id)
                                .order_by(Inspection.inspected_at.desc(), Inspection.id.desc())))


def details(session: Session, inspection_ids: list[int]) -> tuple[dict[int, list[InspectionResult]],
                                                                  dict[int, list[InspectionAttachment]]]:
    """Return the item results and the attachments of each inspection (two queries)."""
    results: dict[int, list[InspectionResult]] = {i: [] for i in inspection_ids}
    files: dict[int, list[InspectionAttachment]] = {i: [] for i in inspection_ids}
    if inspection_ids:
        for row in session.scalars(select(InspectionResult).where(InspectionResult.inspection_id.in_(inspection_ids))
                                   .order_by(InspectionResult.id)):
            results[row.inspection_id].append(row)
        for file in session.scalars(select(InspectionAttachment).where(
                InspectionAttachment.inspection_id.in_(inspection_ids)).order_by(InspectionAttachment.id)):
            files[file.inspection_id].append(file)
    return results, files


# ---- files --------------------------------------------------------------------------------------


def _file_path(directory: Path, sha256: str) -> Path:
    return directory / sha256[:2] / sha256


def attach(session: Session, inspection_id: int, data: bytes, *, filename: str, content_type: str, actor: Actor,
           directory: Path, max_bytes: int, now: datetime | None = None) -> InspectionAttachment:
    """Store a photo or document of an inspection on disk (under its SHA-256) and record it.

    Raises
    ------
    NotFoundError
        For an inspection outside the caller's scope.
    PermissionDeniedError
        For anyone but the inspector.
    ValidationError
        For an empty file, one over ``max_bytes``, or a type other than JPEG, PNG or PDF (by its content).
    """
    inspection = get_visible(session, inspection_id, actor)
    if inspection.inspected_by != actor.username:
        raise PermissionDeniedError(said("inspection.not_inspector", who=inspection.inspected_by, id=inspection.id))
    if not data:
        raise field_error("file", "attachment.empty")
    if len(data) > max_bytes:
        raise field_error("file", "attachment.too_large", n=max_bytes)
    kind = content_type.split(";")[0].strip().lower()
    if kind not in ACCEPTED_TYPES or not data.startswith(ACCEPTED_TYPES[kind]):
        raise field_error("content_type", "attachment.type", type=kind or "?")
    digest = hashlib.sha256(data).hexdigest()
    path = _file_path(directory, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)  # whole or not at all
    attachment = InspectionAttachment(inspection_id=inspection.id, filename=Path(filename).name[:128] or "file",
                                      content_type=kind, size_bytes=len(data), sha256=digest,
                                      uploaded_at=now or utcnow(), uploaded_by=actor.username)
    session.add(attachment)
    session.flush()
    audit_service.record(session, actor=actor, action="inspection.attach", resource_type="inspection",
                         resource_id=inspection.id, detail={"sha256": digest, "size_bytes": len(data)})
    return attachment


def read_attachment(session: Session, attachment_id: int, *, actor: Actor, directory: Path,
                    ) -> tuple[InspectionAttachment, bytes]:
    """Return an attachment in ``actor``'s scope and its bytes, checked against the stored SHA-256.

    Raises
    ------
    NotFoundError
        For an attachment outside the scope, or whose file is missing or no longer matches its hash.
    """
    attachment = session.get(InspectionAttachment, attachment_id)
    if attachment is None:
        raise NotFoundError(said("attachment.not_found", id=attachment_id))
    try:
        get_visible(session, attachment.inspection_id, actor)
    except NotFoundError as error:
        raise NotFoundError(said("attachment.not_found", id=attachment_id)) from error
    path = _file_path(directory, attachment.sha256)
    data = path.read_bytes() if path.exists() else b""
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise NotFoundError(said("attachment.not_found", id=attachment_id))
    return attachment, data


# ---- the overdue board --------------------------------------------------------------------------


@dataclass(frozen=True)
class DueInspection:
    """Premises whose next inspection is due before now: since when, and how late."""

    premises: Premises
    last_inspected_at: datetime | None
    interval_days: int
    due_at: datetime
    days_late: float


def overdue(session: Session, *, actor: Actor, now: datetime | None = None, station_id: int | None = None,
            ) -> list[DueInspection]:
    """Return the open premises in ``actor``'s scope whose inspection is overdue, most late first.

    The next inspection is due ``interval_days`` (the schedule's, by category and risk grade) after
    the last inspection, or after registration for premises never inspected; re-inspections of
    hazards do not count.
    """
    now = now or utcnow()
    last = (select(Inspection.premises_id, func.max(Inspection.inspected_at).label("last_at"))
            .where(Inspection.hazard_id.is_(None)).group_by(Inspection.premises_id).subquery())
    query = (select(Premises, last.c.last_at).outerjoin(last, last.c.premises_id == Premises.id)
             .where(Premises.status == PremisesStatus.OPEN))
    condition = premises_service.in_scope(org_service.scope_of(session, actor.org_unit_id))
    if condition is not None:
        query = query.where(condition)
    if station_id is not None:
        query = query.where(Premises.station_id == station_id)
    intervals = schedule(session)
    due = []
    for premises, last_at in session.execute(query):
        interval = intervals[(premises.category, premises.risk_grade)]
        since = last_at or premises.created_at
        due_at = since + timedelta(days=interval)
        if due_at < now:
            due.append(DueInspection(premises, last_at, interval, due_at, (now - due_at).total_seconds() / 86400.0))
    return sorted(due, key=lambda d: (d.due_at, d.premises.id))


def plain_items(template: ChecklistTemplate) -> list[dict[str, Any]]:
    """Return a template's items as stored (code, Chinese and English text)."""
    return [dict(item) for item in template.items]
