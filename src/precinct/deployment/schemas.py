"""Request shapes for the planning endpoints."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field


class Area(BaseModel):
    """Exactly one of the three ids."""

    district_id: int | None = None
    station_id: int | None = None
    beat_id: int | None = None


class BeforeAfterRequest(BaseModel):
    treated: Area
    comparison: Area
    before: list[AwareDatetime] = Field(min_length=2, max_length=2, description="[start, end)")
    after: list[AwareDatetime] = Field(min_length=2, max_length=2, description="[start, end)")
    type_codes: list[str] | None = Field(default=None, max_length=50)
    confidence: float = Field(default=0.95, gt=0, lt=1)
