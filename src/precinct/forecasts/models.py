"""Stored results of slow analysis (run outside the request path, served from here)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, utcnow


class StoredForecast(Base):
    """An operational forecast for one shift or day.

    The flagged cells as GeoJSON, and the feedback-loop guard (each district's share of the flagged
    area against its share of calls).
    """

    __tablename__ = "forecasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    cell_m: Mapped[float] = mapped_column(Float)
    coverage: Mapped[float] = mapped_column(Float)
    target_date: Mapped[date] = mapped_column(Date)
    history_days: Mapped[int] = mapped_column(Integer)
    include_officer_initiated: Mapped[bool] = mapped_column(Boolean, default=False)
    n_events: Mapped[int] = mapped_column(Integer)
    geojson: Mapped[str] = mapped_column(Text)
    district_shares: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)
