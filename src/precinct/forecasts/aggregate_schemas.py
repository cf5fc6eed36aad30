"""Response shapes of the analyst view's aggregates: profiles, trends and the heat map's cells."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class KeyCount(BaseModel):
    """How many matching incidents hold one value (a type code, an org unit id, a priority, a source)."""

    key: str | int | None = Field(description="the value; null for incidents without one (e.g. outside every station)")
    count: int


class ProfilesRead(BaseModel):
    """The matching incidents' totals and local-time profiles (the city's time zone)."""

    total: int
    by_hour: list[int] = Field(description="24 counts, local hour 0-23")
    by_weekday: list[int] = Field(description="7 counts, Monday first")
    hour_of_week: list[int] = Field(description="168 counts, Monday 00:00-01:00 first")
    by_type: list[KeyCount]
    by_district: list[KeyCount]
    by_station: list[KeyCount]
    by_priority: list[KeyCount]
    by_source: list[KeyCount]


class TrendBin(BaseModel):
    """One day, week or month of a trend."""

    start: date = Field(description="the local day, the week's Monday or the month's first day")
    count: int
    last_year: int = Field(description="the same bin 52 weeks earlier")


class TrendRead(BaseModel):
    """Matching incidents per day, week or month, with the same period last year."""

    bin: str
    since: datetime
    until: datetime
    last_year_since: datetime
    last_year_until: datetime
    bins: list[TrendBin]
    total: int
    last_year_total: int


class HeatCell(BaseModel):
    """One grid cell of the heat map."""

    west: float = Field(description="the cell's west edge (longitude)")
    south: float = Field(description="the cell's south edge (latitude)")
    count: int


class HeatRead(BaseModel):
    """Matching incidents counted on a square grid (cells holding incidents only, fullest first)."""

    cell_m: float
    cell_deg_lon: float
    cell_deg_lat: float
    cells: list[HeatCell]
    truncated: bool = Field(description="true when more cells held incidents than were returned")
    total: int
    max_count: int
