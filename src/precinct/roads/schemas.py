"""Response shapes for the map routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class RouteRead(BaseModel):
    distance_m: float
    travel_time_s: float
    path: dict[str, Any]
