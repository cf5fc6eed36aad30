"""Directives, the units named to carry them out, their typed links and their append-only event log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow
from precinct.supervision.models import LEVEL_NAMES, EscalationLevel


class DirectiveKind(enum.StrEnum):
    """What a directive asks for."""

    PATROL = "patrol"  # patrol an area during the window
    INSPECT_PREMISES = "inspect_premises"  # inspect key premises
    FOLLOW_UP_INCIDENT = "follow_up_incident"  # follow up an incident
    ATTEND_EVENT = "attend_event"  # police an event
    OTHER = "other"


KIND_NAMES = {
    DirectiveKind.PATROL: ("巡逻防控", "patrol an area"),
    DirectiveKind.INSPECT_PREMISES: ("场所检查", "inspect premises"),
    DirectiveKind.FOLLOW_UP_INCIDENT: ("警情跟进", "follow up an incident"),
    DirectiveKind.ATTEND_EVENT: ("活动安保", "attend an event"),
    DirectiveKind.OTHER: ("其他", "other"),
}


class DirectiveStatus(enum.StrEnum):
    """Where a directive stands (see :mod:`precinct.directives.status`)."""

    ISSUED = "issued"
    SIGNED_FOR = "signed_for"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_NAMES = {
    DirectiveStatus.ISSUED: ("已下达", "issued"),
    DirectiveStatus.SIGNED_FOR: ("已签收", "signed for"),
    DirectiveStatus.IN_PROGRESS: ("执行中", "in progress"),
    DirectiveStatus.REPORTED: ("已反馈", "reported done"),
    DirectiveStatus.CLOSED: ("已办结", "closed"),
    DirectiveStatus.CANCELLED: ("已撤销", "cancelled"),
}


class LinkKind(enum.StrEnum):
    """What prompted a directive."""

    FORECAST_CELL = "forecast_cell"  # a cell of a stored forecast (a hotspot)
    REPEAT_PLACE = "repeat_place"  # a repeat-call place (钉子警情)
    PREMISES = "premises"  # key premises
    INCIDENT = "incident"
    SPIKE = "spike"  # a district's spike alarm


LINK_NAMES = {
    LinkKind.FORECAST_CELL: ("预测热点", "forecast hotspot"),
    LinkKind.REPEAT_PLACE: ("重复报警地点", "repeat-call place"),
    LinkKind.PREMISES: ("重点场所", "key premises"),
    LinkKind.INCIDENT: ("警情", "incident"),
    LinkKind.SPIKE: ("警情突增", "spike"),
}


NOT_ESCALATED = ("未超期", "not overdue")
"""The names of escalation level 0 (the chain's levels are the incidents', :class:`EscalationLevel`)."""


def level_names(level: int) -> tuple[str, str]:
    """Return the Chinese and English names of an escalation level (0: not overdue)."""
    return LEVEL_NAMES.get(EscalationLevel(level), NOT_ESCALATED)


class Directive(Base):
    """An order from command to an organisation unit or a unit, with its report and its check.

    ``station_id`` and ``district_id`` place the target in the organisation (a district target
    has no station; a unit target takes its home station): scope is decided on them.
    """

    __tablename__ = "directives"
    __table_args__ = (
        # the overdue sweep: open directives by deadline
        Index("ix_directives_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[DirectiveKind] = mapped_column(enum_type(DirectiveKind))
    status: Mapped[DirectiveStatus] = mapped_column(enum_type(DirectiveStatus))
    title: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text, default="")
    geometry_geojson: Mapped[str | None] = mapped_column(Text)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issuer_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    target_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by: Mapped[str | None] = mapped_column(String(64))
    report_text: Mapped[str | None] = mapped_column(Text)
    patrol_seconds: Mapped[float | None] = mapped_column(Float)
    patrol_detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DirectiveUnit(Base):
    """A unit named to carry out a directive (its positions count towards the patrol minutes)."""

    __tablename__ = "directive_units"
    __table_args__ = (UniqueConstraint("directive_id", "unit_id", name="uq_directive_units_directive_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    named_at: Mapped[datetime] = mapped_column(UTCDateTime)
    named_by: Mapped[str] = mapped_column(String(64))


class DirectiveLink(Base):
    """What prompted a directive, typed: a forecast cell, a repeat-call place, premises, an incident, a spike.

    ``ref_id`` holds the record's id where there is one (forecast, premises, incident), ``ref_key``
    the rest of the reference (the forecast's cell, the place, the spike's district).
    """

    __tablename__ = "directive_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    ref_key: Mapped[str | None] = mapped_column(String(256))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DirectiveEvent(Base):
    """Append-only history: every step of a directive, with time and actor."""

    __tablename__ = "directive_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


EVENT_NAMES = {
    "issued": ("下达", "issued"),
    "signed_for": ("签收", "signed for"),
    "started": ("开始执行", "started"),
    "units_named": ("指派警力", "units named"),
    "reported": ("反馈办结", "reported done"),
    "accepted": ("检查通过", "accepted"),
    "returned": ("退回重办", "returned"),
    "cancelled": ("撤销", "cancelled"),
    "overdue": ("超期", "overdue"),
    "escalated": ("升级督办", "escalated"),
}
"""The bilingual names of the event kinds of a directive's log."""
