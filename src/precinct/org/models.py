"""Three-tier organisation (city bureau -> district branch -> station) and community beats."""

from __future__ import annotations

import enum

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, enum_type


class OrgTier(enum.StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STATION = "station"


class OrgUnit(Base):
    """A city bureau, district branch or police station with its jurisdiction polygon."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    tier: Mapped[OrgTier] = mapped_column(enum_type(OrgTier, length=16), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    boundary_geojson: Mapped[str | None] = mapped_column(Text)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)


class Beat(Base):
    """A community beat (社区警务区) under a station."""

    __tablename__ = "beats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    station_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    boundary_geojson: Mapped[str] = mapped_column(Text)
