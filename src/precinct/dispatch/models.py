"""Response plans (预案), graded duty levels (等级勤务) and hand-offs to other agencies."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow


class Agency(enum.StrEnum):
    FIRE = "fire"
    AMBULANCE = "ambulance"
    HOTLINE_12345 = "hotline_12345"


class HandoffMode(enum.StrEnum):
    TRANSFER = "transfer"
    JOINT = "joint"


class ResponsePlan(Base):
    """What to send for a type of incident, citywide (district_id NULL) or for one district.

    Plans are versioned: an edit adds a new version and deactivates the previous one.
    """

    __tablename__ = "response_plans"
    __table_args__ = (UniqueConstraint("type_code", "district_id", "version", name="uq_response_plans_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("incident_types.code"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    version: Mapped[int] = mapped_column(Integer)
    unit_types: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    checklist: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    notify: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class DutyLevelChange(Base):
    """Append-only record of a district's graded duty-response level (1 = I, the highest)."""

    __tablename__ = "duty_level_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    set_by: Mapped[str] = mapped_column(String(64))


class Handoff(Base):
    """A transfer to, or joint handling with, another agency; the incident stays traceable."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    agency: Mapped[Agency] = mapped_column(enum_type(Agency))
    mode: Mapped[HandoffMode] = mapped_column(enum_type(HandoffMode))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
