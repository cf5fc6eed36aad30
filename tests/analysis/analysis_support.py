"""Synthetic incident frames with fixed seeds for the analysis tests (imported by name, not via conftest)."""

from __future__ import annotations

import numpy as np
import pandas as pd

CENTRE_LAT, CENTRE_LON = 43.70, -79.40
METRES_PER_DEGREE = 111_320.0


def offset_to_lonlat(x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = CENTRE_LAT + np.asarray(y_m) / METRES_PER_DEGREE
    lon = CENTRE_LON + np.asarray(x_m) / (METRES_PER_DEGREE * np.cos(np.radians(CENTRE_LAT)))
    return lon, lat


def synthetic_frame(
    *, n_background: int = 600, n_hotspot: int = 300, days: int = 120, start: str = "2019-01-01",
    hotspot_m: tuple[float, float] = (1200.0, -800.0), extent_m: float = 3000.0, seed: int = 0,
    categories: tuple[str, ...] = ("Burglary", "Robbery"),
) -> pd.DataFrame:
    """Uniform background over a square plus a tight planted hotspot, spread over ``days``."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(-extent_m, extent_m, n_background), rng.normal(hotspot_m[0], 40, n_hotspot)])
    y = np.concatenate([rng.uniform(-extent_m, extent_m, n_background), rng.normal(hotspot_m[1], 40, n_hotspot)])
    lon, lat = offset_to_lonlat(x, y)
    hours = rng.integers(0, days * 24, x.size)
    when = pd.Timestamp(start, tz="America/Toronto") + pd.to_timedelta(hours, unit="h")
    return pd.DataFrame({
        "id": [f"E{i:05d}" for i in range(x.size)],
        "occurred_at": when,
        "category": rng.choice(list(categories), x.size),
        "premises_type": rng.choice(["House", "Outside", "Commercial"], x.size),
        "lat": lat,
        "lon": lon,
    }).sort_values("occurred_at", ignore_index=True)
