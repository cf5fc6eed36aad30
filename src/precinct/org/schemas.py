"""Response shapes for organisation units and beats."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from precinct.org.models import OrgTier


class OrgUnitRead(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str
    tier: OrgTier
    parent_id: int | None
    lon: float | None
    lat: float | None
    boundary: dict[str, Any] | None = None


class BeatRead(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str
    station_id: int
    boundary: dict[str, Any] | None = None
