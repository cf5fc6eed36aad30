"""Key premises (重点场所) with their append-only history, and the community beat log (社区警务).

Places, never persons: the beat log records what was done where, never who among the residents.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow


class PremisesCategory(enum.StrEnum):
    SCHOOL = "school"
    HOSPITAL = "hospital"
    HAZARDOUS_GOODS = "hazardous_goods"
    FINANCIAL = "financial"
    TRANSPORT_HUB = "transport_hub"
    MARKET = "market"
    ENTERTAINMENT = "entertainment"
    GOVERNMENT = "government"
    OTHER = "other"


CATEGORY_NAMES = {
    PremisesCategory.SCHOOL: ("学校", "School"),
    PremisesCategory.HOSPITAL: ("医院", "Hospital"),
    PremisesCategory.HAZARDOUS_GOODS: ("危险物品单位", "Hazardous goods site"),
    PremisesCategory.FINANCIAL: ("金融网点", "Bank or financial office"),
    PremisesCategory.TRANSPORT_HUB: ("交通枢纽", "Transport hub"),
    PremisesCategory.MARKET: ("商场市场", "Market or mall"),
    PremisesCategory.ENTERTAINMENT: ("娱乐场所", "Entertainment venue"),
    PremisesCategory.GOVERNMENT: ("党政机关", "Government office"),
    PremisesCategory.OTHER: ("其他", "Other"),
}


class RiskGrade(enum.StrEnum):
    """How closely premises are watched; the inspection schedule is set per category and grade."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


RISK_NAMES = {RiskGrade.LOW: ("一般", "low"), RiskGrade.MEDIUM: ("较高", "medium"), RiskGrade.HIGH: ("高", "high")}


class PremisesStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # no longer watched (moved, shut down); kept with its history


class Premises(Base):
    """Key premises; ``station_id``, ``district_id`` and ``beat_id`` follow its position (scope is decided on them)."""

    __tablename__ = "premises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    category: Mapped[PremisesCategory] = mapped_column(enum_type(PremisesCategory), index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    beat_id: Mapped[int | None] = mapped_column(ForeignKey("beats.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[PremisesStatus] = mapped_column(enum_type(PremisesStatus), default=PremisesStatus.OPEN,
                                                   server_default=PremisesStatus.OPEN.value)
    risk_grade: Mapped[RiskGrade] = mapped_column(enum_type(RiskGrade), default=RiskGrade.MEDIUM,
                                                  server_default=RiskGrade.MEDIUM.value)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class HistoryEntry:
    """The columns of an append-only history table (a mixin): when, who, what kind of step, its data."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PremisesEvent(HistoryEntry, Base):
    """Append-only history of premises: created, edited (the fields before and after), closed, reopened."""

    __tablename__ = "premises_events"

    premises_id: Mapped[int] = mapped_column(ForeignKey("premises.id"), index=True)


class VisitPurpose(enum.StrEnum):
    """What a beat officer went to a place for."""

    PATROL = "patrol"  # a walk or drive through the beat
    PREMISES_CHECK = "premises_check"  # a look at key premises (a full inspection is recorded as one)
    COMMUNITY_MEETING = "community_meeting"  # a meeting with the community committee or residents
    DISPUTE_FOLLOW_UP = "dispute_follow_up"  # a visit after a mediated dispute
    PUBLICITY = "publicity"  # prevention advice, notices
    OTHER = "other"


PURPOSE_NAMES = {
    VisitPurpose.PATROL: ("巡逻走访", "patrol"),
    VisitPurpose.PREMISES_CHECK: ("场所检查", "premises check"),
    VisitPurpose.COMMUNITY_MEETING: ("社区联络", "community meeting"),
    VisitPurpose.DISPUTE_FOLLOW_UP: ("纠纷回访", "dispute follow-up"),
    VisitPurpose.PUBLICITY: ("防范宣传", "prevention advice"),
    VisitPurpose.OTHER: ("其他", "other"),
}


class BeatVisit(Base):
    """One entry of a beat's log: a place visited, why, and what was done (no resident is named)."""

    __tablename__ = "beat_visits"
    __table_args__ = (Index("ix_beat_visits_beat_visited", "beat_id", "visited_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    beat_id: Mapped[int] = mapped_column(ForeignKey("beats.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(256))
    premises_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id"))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    purpose: Mapped[VisitPurpose] = mapped_column(enum_type(VisitPurpose))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
