"""Request and response shapes for drills."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class DrillStart(BaseModel):
    scenario_code: str | None = Field(default=None, max_length=64, description="a standard scenario")
    scenario: dict[str, Any] | None = Field(default=None, description="or a whole scenario (local file contents)")
    speed: float = Field(default=1.0, gt=0, le=100)
    district_id: int | None = None
    at: tuple[float, float] | None = Field(default=None, description="move the scenario's anchor to [lon, lat]")
    auto_tick: bool = Field(default=True, description="the server's drill ticker injects due steps (else only POST /drills/{id}/tick does)")


class DrillRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scenario_code: str
    name: str
    speed: float
    status: str
    started_at: datetime
    finished_at: datetime | None
    created_by: str
    district_id: int | None
    score: dict[str, Any] | None
