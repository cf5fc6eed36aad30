"""The legal time limits: the versioned rule table, each case's deadlines, extensions, pauses and breaches."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.cases.models import CaseKind
from precinct.core.db import Base, UTCDateTime, enum_type


class DurationUnit(enum.StrEnum):
    """How a rule's duration is counted."""

    CALENDAR_DAYS = "calendar_days"  # 日：the starting day does not count; ends at midnight (local) of the last day
    WORKING_DAYS = "working_days"  # 工作日：the mainland calendar with its holidays and make-up working days
    HOURS = "hours"  # 小时：from the starting instant


UNIT_NAMES = {DurationUnit.CALENDAR_DAYS: ("日", "calendar days"),
              DurationUnit.WORKING_DAYS: ("个工作日", "working days"), DurationUnit.HOURS: ("小时", "hours")}


class PauseKind(enum.StrEnum):
    """Why a case's clock stops."""

    EXPERT_EXAMINATION = "expert_examination"  # 鉴定
    MENTAL_ASSESSMENT = "mental_assessment"  # 精神病鉴定
    SUSPECT_AT_LARGE = "suspect_at_large"  # 犯罪嫌疑人在逃 / 下落不明
    OTHER = "other"


PAUSE_NAMES = {PauseKind.EXPERT_EXAMINATION: ("鉴定", "expert examination"),
               PauseKind.MENTAL_ASSESSMENT: ("精神病鉴定", "mental-health assessment"),
               PauseKind.SUSPECT_AT_LARGE: ("嫌疑人在逃", "suspect at large"), PauseKind.OTHER: ("其他", "other")}


class CaseRuleVersion(Base):
    """One version of the rule table; a change makes a new version, old ones are kept with their deadlines."""

    __tablename__ = "case_rule_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")


class CaseRule(Base):
    """A legal time limit: what starts it, what ends it, how long, who may extend it how far, what pauses it.

    ``kind`` ``None``: both kinds of case. ``extensions``: the steps in order, each ``{"to": total
    duration, "tier": "station" | "district" | "city"}`` (the lowest organisation tier whose
    supervisor may approve it). ``pauses``: the :class:`PauseKind` values that stop the clock.
    ``roll_past_holidays``: a last day that is a rest day moves to the next working day.
    """

    __tablename__ = "case_rules"
    __table_args__ = (UniqueConstraint("version_id", "code", name="uq_case_rules_version_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("case_rule_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(48))
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    kind: Mapped[CaseKind | None] = mapped_column(enum_type(CaseKind, length=16))
    trigger: Mapped[str] = mapped_column(String(32))
    stops: Mapped[list[str]] = mapped_column(JSON)
    duration: Mapped[int] = mapped_column(Integer)
    unit: Mapped[DurationUnit] = mapped_column(enum_type(DurationUnit, length=16))
    extensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pauses: Mapped[list[str]] = mapped_column(JSON)
    roll_past_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    remind_before_h: Mapped[int] = mapped_column(Integer, default=24)
    provision: Mapped[str] = mapped_column(Text)


class DeadlineOutcome(enum.StrEnum):
    """How an ended deadline ended: in time, late, or moot."""

    MET = "met"  # ended in time
    LATE = "late"  # ended after the deadline
    MOOT = "moot"  # no longer applies (the case ended another way)


_OPEN = text("ended_at IS NULL")


class CaseDeadline(Base):
    """One running (or ended) legal time limit of a case, under one rule of one version.

    ``due_at`` is recomputed from the rule, ``extended_to`` and the case's pauses (``None`` while a
    pause that stops it is open); ``warn_at`` is when the reminder goes out.
    """

    __tablename__ = "case_deadlines"
    __table_args__ = (
        Index("ix_case_deadlines_case", "case_id"),
        # the overdue board of a station: its open deadlines in due order, warn_at read from the index too
        Index("ix_case_deadlines_open_station_due", "station_id", "due_at", "id", "warn_at", postgresql_where=_OPEN,
              sqlite_where=_OPEN),
        Index("ix_case_deadlines_open_warn", "warn_at", postgresql_where=_OPEN, sqlite_where=_OPEN),
        Index("ix_case_deadlines_unbreached", "due_at",
              postgresql_where=text("ended_at IS NULL AND breached_at IS NULL"),
              sqlite_where=text("ended_at IS NULL AND breached_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("case_rules.id"))
    rule_code: Mapped[str] = mapped_column(String(48))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("case_parties.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    extended_to: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[DeadlineOutcome | None] = mapped_column(enum_type(DeadlineOutcome, length=16))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseExtension(Base):
    """An approved extension of a deadline: from one total duration to another, by whom and why."""

    __tablename__ = "case_extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("case_deadlines.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_value: Mapped[int] = mapped_column(Integer)
    to_value: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CasePause(Base):
    """A period that stops a case's clock for the rules that name its kind (``ended_at`` ``None``: still running)."""

    __tablename__ = "case_pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[PauseKind] = mapped_column(enum_type(PauseKind, length=24))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class CaseBreach(Base):
    """A deadline that passed with its limit still running, as the sweep found it (kept for good)."""

    __tablename__ = "case_breaches"
    __table_args__ = (Index("ix_case_breaches_station_detected", "station_id", "detected_at"),
                      Index("ix_case_breaches_district_detected", "district_id", "detected_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("case_deadlines.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    rule_code: Mapped[str] = mapped_column(String(48))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late_s: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
