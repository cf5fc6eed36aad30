"""Drills (红蓝攻防): scripted scenarios played on the console and scored afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, utcnow


class DrillRun(Base):
    """One playing of a scenario.

    Its incidents are stored as simulated incidents whose ``extra`` names the run
    (``{"drill_run_id": id, "drill_step": k}``) and whose description says DRILL.
    """

    __tablename__ = "drill_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(128))
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[dict[str, Any] | None] = mapped_column(JSON)
