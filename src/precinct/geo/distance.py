"""Great-circle distances for prefilters (straight line; roads come from the graph)."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_000.0


def haversine_m(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Distance in metres from one point to many (WGS84 lon/lat in degrees)."""
    p1, p2 = np.radians(lat1), np.radians(np.asarray(lat2, dtype=float))
    dp, dl = p2 - p1, np.radians(np.asarray(lon2, dtype=float) - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    distance_m: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
    return distance_m
