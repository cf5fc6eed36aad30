"""Request and response shapes for units."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import Id, Instant, Latitude, Longitude, RequestModel
from precinct.units.models import UnitStatus, UnitType


class UnitCreate(RequestModel):
    call_sign: str = Field(min_length=1, max_length=32)
    unit_type: UnitType
    home_station_id: Id | None = None
    status: UnitStatus = UnitStatus.OFF_DUTY
    lon: Longitude | None = None
    lat: Latitude | None = None


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    call_sign: str
    unit_type: UnitType
    home_station_id: int | None
    status: UnitStatus
    status_at: datetime
    lon: float | None
    lat: float | None
    heading_deg: float | None
    position_at: datetime | None
    simulated: bool


class UnitStatusUpdate(RequestModel):
    status: UnitStatus


class PositionReport(RequestModel):
    lon: Longitude
    lat: Latitude
    heading_deg: float | None = Field(default=None, ge=0, lt=360)
    speed_kph: float | None = Field(default=None, ge=0, le=400)
    at: Instant | None = None


class PositionBatchItem(PositionReport):
    unit_id: Id


class PositionBatch(RequestModel):
    reports: list[PositionBatchItem] = Field(min_length=1, max_length=5000)


class PositionBatchResult(BaseModel):
    recorded: int


def live_payload(unit: object) -> dict[str, Any]:
    """Return what a live ``unit`` event carries: the unit as :class:`UnitRead` (an ORM object or a row)."""
    return UnitRead.model_validate(unit).model_dump(mode="json")
