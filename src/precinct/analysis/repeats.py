r"""Repeat-call places (钉子警情): places with many calls in a recent window, with trend and type mix.

A place is an address key when the caller has one (``place_column``), otherwise the location rounded
to ``precision_m`` metres. A place qualifies with at least ``min_calls`` calls in the ``window_days``
before ``as_of``. Trend compares the second half of the window with the first: under "no trend" the
second-half count is :math:`\mathrm{Binomial}(n, 1/2)`, and the two-sided p-value says whether the
change is more than noise. Works on incidents and places only, never on persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from precinct.core.errors import ValidationError
from precinct.geo.projection import lonlat_to_xy, projected_crs_for


@dataclass(frozen=True)
class RepeatPlace:
    """A place with repeated calls.

    Attributes
    ----------
    place : str
    n_calls : int
    first_half_calls, second_half_calls : int
    trend : str
        ``"rising"``, ``"falling"`` or ``"stable"`` (binomial test at level 0.05).
    trend_p_value : float
    category_mix : dict
        Share of calls by category.
    lon, lat : float
        Mean location of the calls.
    """

    place: str
    n_calls: int
    first_half_calls: int
    second_half_calls: int
    trend: str
    trend_p_value: float
    category_mix: dict[str, float]
    lon: float
    lat: float


def repeat_call_places(
    frame: pd.DataFrame, *, as_of: str, window_days: int = 90, min_calls: int = 5,
    place_column: str | None = None, precision_m: float = 25.0,
) -> tuple[RepeatPlace, ...]:
    """Places with ``>= min_calls`` calls in the ``window_days`` before ``as_of``, most calls first.

    Raises
    ------
    ValidationError
        On missing columns, a bad date, or non-positive parameters.
    """
    needed = ["occurred_at", "category"] + ([place_column] if place_column else ["lat", "lon"])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValidationError(f"frame: missing columns {missing}")
    if window_days < 2 or min_calls < 2 or precision_m <= 0:
        raise ValidationError(
            "window_days/min_calls/precision_m: need window_days >= 2, min_calls >= 2, precision_m > 0")
    stamps = frame["occurred_at"]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        raise ValidationError("occurred_at: needs tz-aware datetimes")
    try:
        end = pd.Timestamp(as_of)
    except ValueError as error:
        raise ValidationError(f"as_of: {as_of!r} is not a date; write YYYY-MM-DD") from error
    end = end.tz_localize(stamps.dt.tz) if end.tzinfo is None else end
    age_days = (end - stamps).dt.total_seconds().to_numpy() / 86_400.0
    recent = frame.loc[(age_days > 0) & (age_days <= window_days)].copy()
    if recent.empty:
        return ()
    recent["_second_half"] = age_days[(age_days > 0) & (age_days <= window_days)] <= window_days / 2
    if place_column:
        recent["_place"] = recent[place_column].astype("string").fillna("?")
    else:
        lon, lat = recent["lon"].to_numpy(float), recent["lat"].to_numpy(float)
        x_m, y_m = lonlat_to_xy(projected_crs_for(lon, lat), lon, lat)
        column, row = np.round(x_m / precision_m), np.round(y_m / precision_m)
        recent["_place"] = [f"{int(a)}:{int(b)}" for a, b in zip(column, row, strict=True)]
    grouped = recent.groupby("_place", sort=False)
    sizes = grouped.size()
    places = sizes[sizes >= min_calls].index
    if len(places) == 0:
        return ()
    chosen = recent[recent["_place"].isin(places)]
    second = chosen.groupby("_place")["_second_half"].sum()
    mix = pd.crosstab(chosen["_place"], chosen["category"].astype("string"), normalize="index")
    where = chosen.groupby("_place")[["lon", "lat"]].mean() if {"lon", "lat"} <= set(chosen.columns) else None
    out = []
    for place in places:
        n_calls, later = int(sizes[place]), int(second[place])
        p_value = float(stats.binomtest(later, n_calls, 0.5).pvalue)
        trend = "stable" if p_value >= 0.05 else ("rising" if later > n_calls - later else "falling")
        out.append(RepeatPlace(
            place=str(place), n_calls=n_calls, first_half_calls=n_calls - later, second_half_calls=later,
            trend=trend, trend_p_value=p_value,
            category_mix={str(k): round(float(v), 4) for k, v in mix.loc[place].items() if v > 0},
            lon=float(where.loc[place, "lon"]) if where is not None else float("nan"),
            lat=float(where.loc[place, "lat"]) if where is not None else float("nan"),
        ))
    return tuple(sorted(out, key=lambda p: (-p.n_calls, p.place)))
