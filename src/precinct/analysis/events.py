"""Event tables: validate an incident frame once, then work on plain numpy arrays.

Every analysis in :mod:`precinct.analysis` starts from :func:`event_table_from_frame`. It checks the
columns, drops officer-initiated events by default (patrol-found incidents must not decide where
patrols go next), projects lon/lat to metres in an automatically chosen UTM zone and sorts by time.
The result is a frozen :class:`EventTable` whose arrays the pure functions consume without pandas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from precinct.core.errors import ValidationError
from precinct.geo.projection import lonlat_to_xy, projected_crs_for

REQUIRED_COLUMNS = ("occurred_at", "category", "lat", "lon")
OFFICER_INITIATED = "officer_initiated"
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True, eq=False)
class EventTable:
    """Validated incidents as aligned arrays, sorted by time.

    Attributes
    ----------
    day : int64 array
        Local calendar day, as days since 1970-01-01 in the table's time zone.
    time_h : float64 array
        Local wall-clock time in hours since 1970-01-01 (hour resolution in the Toronto data).
    hour_of_day : int8 array
    category_code : int16 array
        Index into ``categories``.
    categories : tuple of str
    x_m, y_m : float64 arrays
        Projected coordinates in metres in ``crs``.
    lon, lat : float64 arrays
    premises_code : int16 array
        Index into ``premises_types`` (-1 when the column is absent or empty).
    premises_types : tuple of str
    crs : str
        The projected CRS, e.g. ``"EPSG:32617"``.
    timezone : str
    """

    day: np.ndarray
    time_h: np.ndarray
    hour_of_day: np.ndarray
    category_code: np.ndarray
    categories: tuple[str, ...]
    x_m: np.ndarray
    y_m: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    premises_code: np.ndarray
    premises_types: tuple[str, ...]
    crs: str
    timezone: str

    def __len__(self) -> int:
        """Return the number of events."""
        return int(self.day.shape[0])

    def head(self, n_events: int) -> EventTable:
        """Return the first ``n_events`` events (a prefix in time: a view, no copy)."""
        return self.take(slice(0, n_events))

    def take(self, index: slice | np.ndarray) -> EventTable:
        """Return a table with the selected events (slice or boolean/integer index)."""
        return EventTable(
            day=self.day[index],
            time_h=self.time_h[index],
            hour_of_day=self.hour_of_day[index],
            category_code=self.category_code[index],
            categories=self.categories,
            x_m=self.x_m[index],
            y_m=self.y_m[index],
            lon=self.lon[index],
            lat=self.lat[index],
            premises_code=self.premises_code[index],
            premises_types=self.premises_types,
            crs=self.crs,
            timezone=self.timezone,
        )

    def before_day(self, day: int) -> EventTable:
        """Events strictly before local day ``day`` (days since epoch): a prefix view."""
        return self.head(int(np.searchsorted(self.day, day, side="left")))

    def category_mask(self, category: str | None) -> np.ndarray:
        """Boolean mask of events in ``category`` (``None`` or ``"all"`` selects every event)."""
        if category is None or category == "all":
            return np.ones(len(self), dtype=bool)
        if category not in self.categories:
            raise ValidationError(
                f"category: unknown category {category!r}; use one of {list(self.categories)} or 'all'"
            )
        mask: np.ndarray = self.category_code == self.categories.index(category)
        return mask


def day_number(value: str | pd.Timestamp) -> int:
    """Days since 1970-01-01 for a calendar date such as ``"2019-09-01"``.

    Raises
    ------
    ValidationError
        If the value is not a valid ISO date.
    """
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise ValidationError(f"date: {value!r} is not a date; write it as YYYY-MM-DD") from error
    if pd.isna(stamp):
        raise ValidationError(f"date: {value!r} is not a date; write it as YYYY-MM-DD")
    return int((stamp.normalize().tz_localize(None) - pd.Timestamp("1970-01-01")).days)


def date_of_day(day: int) -> pd.Timestamp:
    """Inverse of :func:`day_number`."""
    return pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(day))


def read_events_csv(path: str | Path, *, timezone: str | None = None) -> pd.DataFrame:
    """Read the canonical incident CSV into a frame with a tz-aware ``occurred_at``.

    Parameters
    ----------
    path : str or Path
        CSV (optionally gzip) with at least ``occurred_at, category, lat, lon``.
    timezone : str, optional
        IANA zone for local days (e.g. ``"America/Toronto"``). Without it the most common UTC
        offset in the file is used as a fixed offset.

    Raises
    ------
    ValidationError
        If the file is missing, a column is missing, or times cannot be parsed.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError(f"events: file {str(path)!r} does not exist; pass an incident CSV")
    frame = pd.read_csv(path)
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise ValidationError(
            f"events: missing columns {missing}; the CSV needs {list(REQUIRED_COLUMNS)}"
        )
    text = frame["occurred_at"].astype("string")
    try:
        stamps = pd.to_datetime(text, utc=True, format="ISO8601")
    except (ValueError, TypeError) as error:
        raise ValidationError(
            "occurred_at: cannot parse times; use ISO 8601 with an offset, e.g. 2019-09-01T13:00:00-04:00"
        ) from error
    if timezone is None:
        offsets = text.str.extract(r"([+-]\d\d:\d\d|Z)$")[0].dropna()
        if offsets.empty:
            raise ValidationError("occurred_at: times need a UTC offset, e.g. 2019-09-01T13:00:00-04:00")
        common = offsets.mode().iloc[0]
        zone: dt.tzinfo | str = dt.UTC if common == "Z" else _fixed_offset(common)
    else:
        zone = timezone
    frame["occurred_at"] = stamps.dt.tz_convert(zone)
    return frame


def _fixed_offset(offset: str) -> dt.timezone:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = (int(part) for part in offset[1:].split(":"))
    return dt.timezone(dt.timedelta(minutes=sign * (hours * 60 + minutes)))


def event_table_from_frame(
    frame: pd.DataFrame,
    *,
    include_officer_initiated: bool = False,
    crs: str | None = None,
    timezone: str | None = None,
) -> EventTable:
    """Validate an incident frame and turn it into an :class:`EventTable`.

    Parameters
    ----------
    frame : DataFrame
        Columns ``occurred_at`` (tz-aware datetimes), ``category``, ``lat``, ``lon``; optional
        ``premises_type`` and ``source``.
    include_officer_initiated : bool
        Keep rows whose ``source`` is ``"officer_initiated"``. Off by default so that incidents found
        by patrols do not feed back into where patrols are sent.
    crs : str, optional
        Projected CRS; by default the UTM zone of the data's centroid.
    timezone : str, optional
        Zone that defines local days; by default the zone of ``occurred_at``.

    Raises
    ------
    ValidationError
        On missing columns, naive or unparseable times, or coordinates out of range.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise ValidationError(f"events: missing columns {missing}; the frame needs {list(REQUIRED_COLUMNS)}")
    if not include_officer_initiated and "source" in frame.columns:
        frame = frame.loc[frame["source"].astype("string").fillna("") != OFFICER_INITIATED]
    frame = frame.dropna(subset=list(REQUIRED_COLUMNS))
    if frame.empty:
        raise ValidationError("events: no usable events (after dropping empty rows and officer-initiated ones)")
    stamps = frame["occurred_at"]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        raise ValidationError(
            "occurred_at: needs tz-aware datetimes; parse with pd.to_datetime(..., utc=True) "
            "or use read_events_csv"
        )
    if timezone is not None:
        stamps = stamps.dt.tz_convert(timezone)
    zone = str(stamps.dt.tz)
    wall = stamps.dt.tz_localize(None).astype("datetime64[s]").to_numpy().astype(np.int64)
    lat = frame["lat"].to_numpy(dtype=np.float64)
    lon = frame["lon"].to_numpy(dtype=np.float64)
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 180):
        raise ValidationError("lat/lon: coordinates out of range; give WGS84 degrees (lat in ±90, lon in ±180)")
    crs = crs or projected_crs_for(lon, lat)
    x_m, y_m = lonlat_to_xy(crs, lon, lat)
    category_values = frame["category"].astype("string").to_numpy(dtype=object)
    categories, category_code = np.unique(category_values, return_inverse=True)
    if "premises_type" in frame.columns:
        premises_values = frame["premises_type"].astype("string").fillna("Unknown").to_numpy(dtype=object)
        premises_types, premises_code = np.unique(premises_values, return_inverse=True)
    else:
        premises_types, premises_code = np.array([], dtype=object), np.full(len(frame), -1)
    order = np.argsort(wall, kind="stable")
    time_s = wall[order]
    return EventTable(
        day=np.floor_divide(time_s, SECONDS_PER_DAY),
        time_h=time_s / 3600.0,
        hour_of_day=((time_s % SECONDS_PER_DAY) // 3600).astype(np.int8),
        category_code=category_code[order].astype(np.int16),
        categories=tuple(str(c) for c in categories),
        x_m=x_m[order],
        y_m=y_m[order],
        lon=lon[order],
        lat=lat[order],
        premises_code=premises_code[order].astype(np.int16),
        premises_types=tuple(str(p) for p in premises_types),
        crs=crs,
        timezone=zone,
    )


def distinct_events(events: EventTable) -> EventTable:
    """Drop exact repeats: events sharing time, category and location (keep the first).

    The source has one row per offence, so one incident can appear several times. Self-exciting
    models fitted by EM diverge on such repeats (zero time and distance between "parent" and
    "offspring"), so they use distinct events.
    """
    if len(events) == 0:
        return events
    keys = np.stack(
        [events.time_h, events.category_code.astype(np.float64), np.round(events.x_m, 1), np.round(events.y_m, 1)],
        axis=1,
    )
    _, first = np.unique(keys, axis=0, return_index=True)
    return events.take(np.sort(first))
