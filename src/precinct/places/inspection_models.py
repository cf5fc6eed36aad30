"""Inspections of key premises and the hazards they find (隐患整改).

A **checklist template** holds the items to check for one premises category; a new version of it
is a new row (the old ones stay, so an inspection keeps the items it was recorded against). The
**schedule** says how often premises of a category and risk grade are inspected. An
**inspection** records each item's result, with photos or documents on disk (their SHA-256 kept
here). A failed item opens a **hazard** on the premises, with a rectification deadline; it closes
only after a passed re-inspection. The responsible party of a hazard is the premises itself.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow
from precinct.places.models import HistoryEntry, PremisesCategory, RiskGrade


class ChecklistTemplate(Base):
    """One version of a category's checklist; ``items`` is a list of ``{"code", "text_zh", "text_en"}``."""

    __tablename__ = "checklist_templates"
    __table_args__ = (UniqueConstraint("category", "version", name="uq_checklist_templates_category_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[PremisesCategory] = mapped_column(enum_type(PremisesCategory))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(128))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class InspectionSchedule(Base):
    """How often premises of one category and risk grade are inspected (days between inspections)."""

    __tablename__ = "inspection_schedules"
    __table_args__ = (UniqueConstraint("category", "risk_grade", name="uq_inspection_schedules_category_grade"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[PremisesCategory] = mapped_column(enum_type(PremisesCategory))
    risk_grade: Mapped[RiskGrade] = mapped_column(enum_type(RiskGrade))
    interval_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


class Inspection(Base):
    """An inspection of premises against one template version; ``passed`` when every item passed.

    A re-inspection names the hazard it checks (``hazard_id``) and has one result, that hazard's item.
    """

    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_premises_at", "premises_id", "inspected_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    premises_id: Mapped[int] = mapped_column(ForeignKey("premises.id"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_templates.id"))
    hazard_id: Mapped[int | None] = mapped_column(Integer, index=True)  # a re-inspection's hazard (no FK: a cycle)
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    inspected_by: Mapped[str] = mapped_column(String(64))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    passed: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")


class InspectionResult(Base):
    """One item's result in an inspection."""

    __tablename__ = "inspection_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(32))
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")


class InspectionAttachment(Base):
    """A photo or document of an inspection, stored on disk under its SHA-256."""

    __tablename__ = "inspection_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    filename: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(64))


class HazardStatus(enum.StrEnum):
    """Where a hazard stands: open until a re-inspection passes (verified), then closed by a supervisor."""

    OPEN = "open"
    VERIFIED = "verified"  # a re-inspection passed; a supervisor may close it
    CLOSED = "closed"


HAZARD_STATUS_NAMES = {HazardStatus.OPEN: ("整改中", "being rectified"),
                       HazardStatus.VERIFIED: ("复查合格", "re-inspection passed"),
                       HazardStatus.CLOSED: ("已销号", "closed")}


class Hazard(Base):
    """A hazard found at premises, to be rectified by the premises before ``deadline``.

    Overdue hazards climb the same chain as overdue incidents: ``escalation_level`` 1 the station,
    2 the district branch, 3 the city command centre (0: not overdue).
    """

    __tablename__ = "hazards"
    __table_args__ = (Index("ix_hazards_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    premises_id: Mapped[int] = mapped_column(ForeignKey("premises.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    item_code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[HazardStatus] = mapped_column(enum_type(HazardStatus))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  # SQLAlchemy's declarative setting


class HazardEvent(HistoryEntry, Base):
    """Append-only history of a hazard: opened, re-inspected, overdue, escalated, closed."""

    __tablename__ = "hazard_events"

    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
