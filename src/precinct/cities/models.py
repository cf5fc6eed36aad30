"""The city's own settings, as ``precinct city init`` stored them: one profile per database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, utcnow


class CityProfile(Base):
    """The city a database holds: its bureau, map view, time zone, roads file and where it all came from.

    ``roads_file`` and ``basemap_file`` are paths on the server (written by ``city init``);
    ``sources`` records the input files and what was taken from each, for the operator and for
    attribution (OpenStreetMap data is ODbL).
    """

    __tablename__ = "city_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    centre_lon: Mapped[float] = mapped_column(Float)
    centre_lat: Mapped[float] = mapped_column(Float)
    west: Mapped[float] = mapped_column(Float)
    south: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    local_timezone: Mapped[str] = mapped_column(String(64))
    projected_crs: Mapped[str] = mapped_column(String(32))
    roads_file: Mapped[str] = mapped_column(String(1024))
    basemap_file: Mapped[str | None] = mapped_column(String(1024))
    sources: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
