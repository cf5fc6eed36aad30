"""Request and response shapes for stored forecasts and the pattern analyses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.geojson import FeatureCollection
from precinct.api.inputs import Day, RequestModel


class ForecastRequest(RequestModel):
    method: str = Field(default="best", min_length=1, max_length=32)
    category: str = Field(default="all", min_length=1, max_length=64)
    cell_m: float = Field(default=250.0, ge=50, le=2000)
    coverage: float = Field(default=0.05, gt=0, le=0.5)
    history_days: int = Field(default=365, ge=14, le=3650)
    include_officer_initiated: bool = Field(
        default=False,
        description="also learn from patrol-found incidents (off: they would steer patrols to themselves)")
    target_date: Day | None = None


class DistrictShareRead(BaseModel):
    """A district's share of the flagged area against its share of reported incidents."""

    district: str
    flagged_share: float
    incident_share: float
    ratio: float = Field(description="flagged_share / incident_share: well above 1 warns of a feedback loop")


class ForecastSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    created_at: datetime
    created_by: str
    method: str
    category: str
    cell_m: float
    coverage: float
    target_date: date
    history_days: int
    include_officer_initiated: bool
    n_events: int
    district_shares: list[DistrictShareRead]
    seconds: float


class ForecastStarted(BaseModel):
    """A forecast accepted to run after the answer (it appears in GET /analysis/forecasts when done)."""

    status: Literal["started"]
    method: str
    category: str


class ForecastCellProperties(BaseModel):
    cell: int = Field(description="the cell's number on the forecast grid")
    rank: int = Field(description="1 = the highest score")
    score: float
    method: str
    category: str
    valid_for: date = Field(description="the local day the forecast is for")


class ForecastLayerProperties(BaseModel):
    cell_m: float
    coverage: float = Field(description="share of the study area flagged")
    crs_of_grid: str
    forecast_id: int
    method: str
    target_date: date
    n_events: int
    include_officer_initiated: bool
    district_shares: list[DistrictShareRead]


class NoForecastProperties(BaseModel):
    """Why the layer is empty (no forecast has been stored yet)."""

    message: str
    message_zh: str


class ForecastLayer(FeatureCollection[ForecastCellProperties]):
    """The latest stored forecast's flagged cells (GeoJSON, lon/lat), or an empty layer that says why."""

    properties: ForecastLayerProperties | NoForecastProperties


class ForecastAccuracyRead(BaseModel):
    """How a stored forecast did on its day."""

    forecast_id: int
    target_date: date
    method: str
    category: str
    coverage: float
    incidents: int = Field(description="reported incidents of the day (and category)")
    hits: int = Field(description="those that fell in the flagged cells")
    hit_rate: float | None = Field(description="hits / incidents; None without incidents")
    pai: float | None = Field(description="predictive accuracy index, hit_rate / coverage")


class RepeatPlaceRead(BaseModel):
    """A place with repeated calls (钉子警情)."""

    place: str = Field(description="the address, else a ~25 m spot")
    n_calls: int
    first_half_calls: int
    second_half_calls: int
    trend: str = Field(description="rising, falling or stable (binomial test at level 0.05)")
    trend_p_value: float
    category_mix: dict[str, float] = Field(description="share of the calls by incident type")
    lon: float
    lat: float


class SpikeRead(BaseModel):
    """A district's calls in the last window against what its own baseline predicts."""

    area: str = Field(description="the district (or, in a district's or station's scope, the station)")
    area_en: str | None = Field(default=None, description="the area's English name")
    observed: int
    expected: float
    p_value: float
    alarm: bool
    window_days: int
    baseline_days: int
