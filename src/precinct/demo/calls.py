"""What the demo city's simulated calls look like.

Where they happen (points on its real roads), and when and what (daily and weekly profiles, type,
source and disposition mixes).

Shared by the generated history (``history``) and the live stream (``simulate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np
import shapely
from pyproj import CRS

from precinct.core.settings import BUNDLED_ROADS
from precinct.geo import read_edges_file
from precinct.geo.projection import xy_to_lonlat
from precinct.incidents.models import Disposition, IncidentSource

K = TypeVar("K")

LABEL = "[模拟 SIMULATED]"

# Relative call volume by local hour (0-23); mean 1.
HOURLY_PROFILE = np.array([
    0.80, 0.62, 0.48, 0.38, 0.34, 0.38, 0.55, 0.80, 1.00, 1.15, 1.25, 1.28,
    1.20, 1.12, 1.15, 1.18, 1.20, 1.22, 1.30, 1.38, 1.42, 1.35, 1.18, 1.00,
])
HOURLY_PROFILE = HOURLY_PROFILE / HOURLY_PROFILE.mean()
WEEKDAY_FACTOR = np.array([0.97, 0.95, 0.96, 0.98, 1.05, 1.10, 1.00])  # Monday .. Sunday

TYPE_MIX = {
    "dispute": 14, "assist_public": 12, "traffic_collision": 11, "theft": 8, "bicycle_theft": 6, "noise": 6,
    "fraud": 6, "domestic": 5, "disturbance": 5, "suspicious": 5, "lost_property": 4, "assault": 4,
    "burglary": 3, "traffic_hazard": 3, "welfare_check": 3, "pickpocket": 2, "missing_person": 1,
    "fight": 1, "robbery": 0.5, "drink_driving": 1, "medical": 1, "fire": 0.5, "alarm": 2, "other": 2,
}
SOURCE_MIX = {
    IncidentSource.PHONE_110: 80, IncidentSource.ONLINE_REPORT: 7, IncidentSource.ALARM_BUTTON: 3,
    IncidentSource.TRANSFER: 3, IncidentSource.OFFICER_INITIATED: 7,
}
DISPOSITION_MIX = {
    Disposition.RESOLVED: 70, Disposition.REFERRED: 10, Disposition.FALSE_ALARM: 8,
    Disposition.ARRESTED: 5, Disposition.DUPLICATE: 4, Disposition.CANCELLED: 3,
}
HOT_PLACES = 60  # busy places that draw a share of all calls, so hot spots and repeat-call places exist
HOT_SHARE = 0.35


def mix(mapping: Mapping[K, float]) -> tuple[list[K], np.ndarray]:
    """Return the keys of ``mapping`` and their weights as probabilities."""
    keys = list(mapping)
    weights = np.array([mapping[k] for k in keys], dtype=float)
    return keys, weights / weights.sum()


@dataclass(frozen=True)
class RoadPoints:
    """Midpoints of the demo road edges, in metres (``crs``) and lon/lat, with the edges' lengths."""

    x_m: np.ndarray
    y_m: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    length_m: np.ndarray
    crs: CRS


@lru_cache(maxsize=1)
def road_points() -> RoadPoints:
    """Return the demo city's road points, read once from the bundled Wuhan roads."""
    edges = read_edges_file(BUNDLED_ROADS)
    midpoints = shapely.line_interpolate_point(edges.geometry, 0.5, normalized=True)
    x, y = shapely.get_x(midpoints), shapely.get_y(midpoints)
    lon, lat = xy_to_lonlat(edges.crs, x, y)
    return RoadPoints(x, y, np.asarray(lon), np.asarray(lat), shapely.length(edges.geometry), edges.crs)
