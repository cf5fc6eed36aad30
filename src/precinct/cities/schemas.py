"""Response shapes of the city routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CityRead(BaseModel):
    """The city the console's map opens on."""

    code: str | None
    name_zh: str | None
    name_en: str | None
    stored: bool
    """Whether ``city init`` stored this city's profile (else the view comes from the roads file)."""
    centre: list[float] = Field(min_length=2, max_length=2)
    """Lon, lat (degrees)."""
    bounds: list[float] = Field(min_length=4, max_length=4)
    """West, south, east, north (degrees): the extent of the road network."""
    local_timezone: str
    projected_crs: str | None
    """The metric CRS the roads were projected to (the UTM zone of the data), when stored."""
    basemap: bool
    """Whether ``GET /city/basemap`` has water and parks to draw."""
    attribution: str
