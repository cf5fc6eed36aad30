"""Time limits (versioned), the deadlines of incidents per stage, and the breaches of them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type


class Stage(enum.StrEnum):
    """A stage of an incident's handling that has a time limit."""

    DISPATCH = "dispatch"  # received -> dispatched (派警)
    ARRIVAL = "arrival"  # dispatched -> on scene (到场)
    HANDLING = "handling"  # on scene -> closed (处置)
    FEEDBACK = "feedback"  # closed -> feedback to the caller written (反馈)
    CALLBACK = "callback"  # closed -> call-back done (回访)


STAGE_NAMES = {
    Stage.DISPATCH: ("派警", "dispatch (received to dispatched)"),
    Stage.ARRIVAL: ("到场", "arrival (dispatched to on scene)"),
    Stage.HANDLING: ("处置", "handling (on scene to closed)"),
    Stage.FEEDBACK: ("反馈", "feedback (closed to feedback written)"),
    Stage.CALLBACK: ("回访", "call-back (closed to call-back done)"),
}


class DeadlineOutcome(enum.StrEnum):
    """How a stage ended."""

    MET = "met"  # the stage ended in time
    LATE = "late"  # the stage ended after its deadline
    MOOT = "moot"  # the stage no longer applies (closed before arrival, transferred, reopened)


class CallbackOutcome(enum.StrEnum):
    """How a call-back (回访) went."""

    SATISFIED = "satisfied"  # 满意
    UNSATISFIED = "unsatisfied"  # 不满意
    UNREACHABLE = "unreachable"  # 无法联系 (tried; the stage counts as done)


class EscalationLevel(enum.IntEnum):
    """Who a breach has reached so far."""

    NONE = 0
    STATION = 1  # the responsible station (at the breach)
    DISTRICT = 2  # the district branch
    CITY = 3  # the city command centre


LEVEL_NAMES = {
    EscalationLevel.STATION: ("派出所", "station"),
    EscalationLevel.DISTRICT: ("分局", "district branch"),
    EscalationLevel.CITY: ("市局指挥中心", "city command centre"),
}


class TimeLimitVersion(Base):
    """One version of the time-limit table; a change makes a new version, old ones are kept."""

    __tablename__ = "time_limit_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")


class TimeLimit(Base):
    """The time allowed for one stage of an incident of one priority, in one version."""

    __tablename__ = "time_limits"
    __table_args__ = (
        UniqueConstraint("version_id", "priority", "stage", name="uq_time_limits_version_priority_stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("time_limit_versions.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage, length=16))
    limit_s: Mapped[int] = mapped_column(Integer)


_OPEN = text("ended_at IS NULL")


class IncidentDeadline(Base):
    """The deadline of one stage of one incident, set by the server when the incident entered the stage.

    ``ended_at`` is set when the stage ends (with its outcome); until then the deadline is open, on
    the overdue board (amber from ``warn_at``, red from ``deadline_at``) and in the sweep.
    ``breached_at`` is set once when the breach is recorded; ``escalation_level`` and
    ``next_escalation_at`` drive the escalation chain.
    """

    __tablename__ = "incident_deadlines"
    __table_args__ = (
        Index("ix_incident_deadlines_incident_stage", "incident_id", "stage"),
        # the overdue board: open deadlines of a station / district / the city past their warning time
        Index("ix_incident_deadlines_open_station", "station_id", "warn_at",
              postgresql_where=_OPEN, sqlite_where=_OPEN),
        Index("ix_incident_deadlines_open_district", "district_id", "warn_at",
              postgresql_where=_OPEN, sqlite_where=_OPEN),
        Index("ix_incident_deadlines_open_warn", "warn_at", postgresql_where=_OPEN, sqlite_where=_OPEN),
        # the sweep: open deadlines not yet breached, by deadline; open breaches by next escalation
        Index("ix_incident_deadlines_unbreached", "deadline_at",
              postgresql_where=text("ended_at IS NULL AND breached_at IS NULL"),
              sqlite_where=text("ended_at IS NULL AND breached_at IS NULL")),
        Index("ix_incident_deadlines_escalation", "next_escalation_at",
              postgresql_where=text("ended_at IS NULL AND next_escalation_at IS NOT NULL"),
              sqlite_where=text("ended_at IS NULL AND next_escalation_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    stage: Mapped[Stage] = mapped_column(enum_type(Stage, length=16))
    priority: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("time_limit_versions.id"))
    limit_s: Mapped[int] = mapped_column(Integer)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime] = mapped_column(UTCDateTime)  # amber from here on (a share of the limit used)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[DeadlineOutcome | None] = mapped_column(enum_type(DeadlineOutcome, length=16))
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeadlineBreach(Base):
    """A deadline that passed with its stage still open, as the sweep found it (kept for good)."""

    __tablename__ = "deadline_breaches"
    __table_args__ = (
        Index("ix_deadline_breaches_station_detected", "station_id", "detected_at"),
        Index("ix_deadline_breaches_district_detected", "district_id", "detected_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("incident_deadlines.id"), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage, length=16))
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late_s: Mapped[int] = mapped_column(Integer)  # how late when the sweep found it
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the unit assigned then, if any
