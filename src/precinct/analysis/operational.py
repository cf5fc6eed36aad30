"""Operational outputs: the next day's forecast as GeoJSON, and the feedback-loop guard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from precinct.analysis.evaluation import study_setup
from precinct.analysis.events import EventTable, date_of_day
from precinct.analysis.grid import SquareGrid
from precinct.analysis.methods import make_forecaster
from precinct.core.errors import ValidationError
from precinct.geo.projection import xy_to_lonlat


@dataclass(frozen=True, eq=False)
class Forecast:
    """Scores per study cell for one local day."""

    method: str
    category: str
    day: int
    grid: SquareGrid
    cells: np.ndarray
    scores: np.ndarray

    def top_cells(self, coverage: float) -> np.ndarray:
        """Ids of the highest-scoring ``coverage`` share of study cells (at least one)."""
        from precinct.analysis.evaluation import flagged_count

        k = flagged_count(coverage, self.cells.size)
        order = np.lexsort((self.cells, -self.scores))
        return self.cells[order[:k]]


def forecast_next_day(
    events: EventTable, *, method: str = "best", category: str = "all", cell_m: float = 250.0,
    day: int | None = None, options: dict[str, Any] | None = None,
) -> Forecast:
    """Forecast for ``day`` (default: the day after the last event) from all events before it."""
    if len(events) == 0:
        raise ValidationError("events: no events to forecast from")
    day = int(events.day[-1]) + 1 if day is None else int(day)
    setup = study_setup(events, category=category, start_day=day, cell_m=cell_m)
    forecaster = make_forecaster(method, setup.grid, **(options or {}))
    scores = forecaster.predict(setup.history.before_day(day), day)
    return Forecast(method, category, day, setup.grid, setup.study_cells, scores[setup.study_cells])


def forecast_to_geojson(forecast: Forecast, *, coverage: float = 0.05) -> dict[str, Any]:
    """GeoJSON FeatureCollection (lon/lat) of the top ``coverage`` share of cells, ranked.

    Each feature has ``cell``, ``rank`` (1 = highest), ``score``, ``method``, ``category`` and
    ``valid_for`` (the local date).
    """
    cells = forecast.top_cells(coverage)
    rings = forecast.grid.corners_lonlat(cells)
    score_of = dict(zip(forecast.cells.tolist(), forecast.scores.tolist(), strict=True))
    valid_for = date_of_day(forecast.day).date().isoformat()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [np.round(ring, 7).tolist()]},
            "properties": {
                "cell": int(cell), "rank": rank, "score": float(score_of[int(cell)]),
                "method": forecast.method, "category": forecast.category, "valid_for": valid_for,
            },
        }
        for rank, (cell, ring) in enumerate(zip(cells, rings, strict=True), start=1)
    ]
    return {"type": "FeatureCollection", "features": features,
            "properties": {"cell_m": forecast.grid.cell_m, "coverage": coverage, "crs_of_grid": forecast.grid.crs}}


@dataclass(frozen=True)
class DistrictShare:
    """A district's share of the flagged area against its share of reported incidents.

    ``ratio = flagged_share / incident_share``: well above 1 means patrols would be sent there more
    than its reported incidents justify (a feedback-loop warning).
    """

    district: str
    flagged_share: float
    incident_share: float
    ratio: float


def district_flag_shares(
    flagged_cells: np.ndarray, grid: SquareGrid, districts: Mapping[str, shapely.Geometry], events: EventTable,
) -> tuple[DistrictShare, ...]:
    """Feedback-loop guard: flagged-area share vs reported-incident share per district.

    Cells and events are assigned to the district containing their centre / location (lon/lat).

    Raises
    ------
    ValidationError
        If no districts are given.
    """
    if not districts:
        raise ValidationError("districts: give at least one district polygon (lon/lat)")
    names = list(districts)
    polygons = [districts[name] for name in names]
    x_m, y_m = grid.centres_m(np.asarray(flagged_cells))
    lon, lat = xy_to_lonlat(grid.crs, x_m, y_m)

    def assign(lon_values: np.ndarray, lat_values: np.ndarray) -> np.ndarray:
        owner = np.full(len(lon_values), -1)
        for index, polygon in enumerate(polygons):
            owner[(owner < 0) & shapely.contains_xy(polygon, lon_values, lat_values)] = index
        return owner

    flagged_owner = assign(lon, lat)
    event_owner = assign(events.lon, events.lat)
    flagged = np.bincount(flagged_owner[flagged_owner >= 0], minlength=len(names)) / max(len(flagged_owner), 1)
    incidents = np.bincount(event_owner[event_owner >= 0], minlength=len(names)) / max(len(event_owner), 1)
    return tuple(
        DistrictShare(name, float(f), float(s), float(f / s) if s > 0 else float("inf") if f > 0 else 1.0)
        for name, f, s in zip(names, flagged, incidents, strict=True)
    )
