"""Request and response shapes for the planning endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from precinct.api.geojson import FeatureCollection
from precinct.api.inputs import Id, Instant, RequestModel

MAX_THRESHOLDS = 6
"""The most travel-time thresholds one coverage request may ask for (each costs a set of areas)."""
MAX_THRESHOLD_MIN = 30.0
ThresholdMinutes = Annotated[float, Field(gt=0, le=MAX_THRESHOLD_MIN, allow_inf_nan=False)]
"""A travel-time threshold of the coverage endpoint, in minutes (above 0, at most 30)."""


class Area(RequestModel):
    """Exactly one of the three ids."""

    district_id: Id | None = None
    station_id: Id | None = None
    beat_id: Id | None = None


class BeforeAfterRequest(RequestModel):
    treated: Area
    comparison: Area
    before: list[Instant] = Field(min_length=2, max_length=2, description="[start, end)")
    after: list[Instant] = Field(min_length=2, max_length=2, description="[start, end)")
    type_codes: list[Annotated[str, Field(min_length=1, max_length=32)]] | None = Field(default=None, max_length=50)
    confidence: float = Field(default=0.95, gt=0, lt=1)


# ---- answers ----------------------------------------------------------------------------------


class CoverageAreaProperties(BaseModel):
    """One station's response area at one threshold."""

    minutes: float = Field(description="travel-time threshold, minutes")
    area_km2: float
    station_id: int
    name_zh: str
    name_en: str


class DistrictCoverage(BaseModel):
    district_id: int | None = Field(description="None: incidents outside every district")
    name_zh: str
    name_en: str
    incidents: int
    share: list[float] = Field(description="share of the district's incidents covered, one per threshold")


class CoverageSummary(BaseModel):
    """How much of the last ``window_days`` of reported incidents the stations reach in time."""

    window_days: int
    since: str = Field(description="start of the window (ISO 8601, UTC)")
    incidents: int = Field(description="reported incidents in the window (officer-initiated and drills left out)")
    thresholds_min: list[float]
    citywide_share: list[float | None] = Field(description="one per threshold; None without incidents or stations")
    districts: list[DistrictCoverage]
    off_road_incidents: int | None = Field(
        default=None, exclude_if=lambda value: value is None,
        description="incidents more than 1 km from any road (absent without incidents or stations)")
    stations: int
    stations_off_road: list[int] = Field(description="ids of the stations more than 1 km from any road")


class CoverageRead(FeatureCollection[CoverageAreaProperties]):
    """Every station's response area per threshold (GeoJSON), with the coverage of recent calls."""

    summary: CoverageSummary


class QueueMetricsRead(BaseModel):
    units: int
    offered_load_erlangs: float
    utilisation: float
    probability_wait: float
    probability_lost: float
    mean_wait_s: float | None = Field(description="None when the queue is unstable")
    wait_p90_s: float | None = Field(description="None when the queue is unstable")
    share_within_target: float
    target_s: float
    travel_time_s: float


class StaffingRead(BaseModel):
    """The fewest units for one shift by Erlang-C (M/M/N) on the last ``window_days`` of calls."""

    district_id: int | None
    shift_start_hour: int = Field(description="local hour (the city's time zone)")
    shift_hours: int
    window_days: int
    calls: int
    calls_per_hour: float
    service_time_s: float
    service_time_source: Literal["assignments", "default"]
    assignments_used: int
    travel_time_s: float
    target_s: float
    target_share: float
    model: str
    recommended_units: int
    metrics: QueueMetricsRead | None = Field(
        description="Erlang-C figures at the recommended level; None without calls")


class BeforeAfterRead(BaseModel):
    """Difference-in-differences of reported incident counts (效果评估)."""

    treated: dict[str, int] = Field(description="the treated area as given (one of district_id, station_id, beat_id)")
    comparison: dict[str, int] = Field(description="the comparison area as given")
    counts: dict[str, int] = Field(description="treated_before, treated_after, comparison_before, comparison_after")
    series: dict[str, list[int]] | None = Field(description="the same per week, when both periods are whole weeks")
    type_codes: list[str] | None
    rate_ratio: float = Field(description="ratio of ratios (1 = no relative change)")
    interval_low: float
    interval_high: float
    confidence: float
    percent_change: float
    expected_treated_after: float
    observed_treated_after: float
    count_difference: float
    p_value: float
    dispersion: float = Field(description="quasi-Poisson dispersion used (1 = Poisson)")
    method: str
    verdict_en: str
    verdict_zh: str


class PostSite(BaseModel):
    """A chosen post: a station or a point inside a beat."""

    kind: Literal["station", "beat"]
    id: int
    name_zh: str
    name_en: str
    lon: float
    lat: float


class PostPlacementRead(BaseModel):
    """Posts that reach the most of the last ``window_days`` of reported calls within ``minutes`` (MCLP)."""

    posts: int
    minutes: float
    window_days: int
    calls: int
    demand_cells: int = Field(description="the calls counted on cells of about 300 m")
    candidates: int = Field(description="stations and beats near a road")
    covered_share: float = Field(description="share of the calls the chosen posts reach in time")
    coverable_share: float = Field(description="share any candidate could reach (the upper bound)")
    stations: int
    stations_share: float = Field(description="share every station together reaches today")
    status: str
    mip_gap: float | None
    chosen: list[PostSite]

