"""Units (patrol cars, foot patrols, ...) with append-only status and position logs."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow


class UnitType(enum.StrEnum):
    PATROL_CAR = "patrol_car"
    FOOT_PATROL = "foot_patrol"
    MOTORCYCLE = "motorcycle"
    RAPID_RESPONSE = "rapid_response"
    TRAFFIC = "traffic"
    COMMUNITY = "community"


class UnitStatus(enum.StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    OFF_DUTY = "off_duty"
    OUT_OF_SERVICE = "out_of_service"



class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sign: Mapped[str] = mapped_column(String(32), unique=True)
    unit_type: Mapped[UnitType] = mapped_column(enum_type(UnitType, length=32))
    home_station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    status: Mapped[UnitStatus] = mapped_column(
        enum_type(UnitStatus, length=32), index=True, default=UnitStatus.OFF_DUTY
    )
    status_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class UnitStatusChange(Base):
    __tablename__ = "unit_status_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))


class UnitPosition(Base):
    __tablename__ = "unit_positions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    speed_kph: Mapped[float | None] = mapped_column(Float)
    reported_by: Mapped[str] = mapped_column(String(64))
