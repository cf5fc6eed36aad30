"""Counts of demand for the analyst's view, aggregated in the database (no cap on the incidents read).

Every count is a ``GROUP BY`` on the incidents of the caller's scope that match an
:class:`IncidentFilter`, built on :func:`precinct.incidents.demand.reported_demand` so that the
charts agree with forecasts and planning: drill incidents never count, officer-initiated ones only
when asked for. Local-time profiles (hour, weekday, hour of week) and trends (day, week, month) are
read as counts per UTC hour (per quarter hour in a time zone with a fractional offset) and placed
in the city's time zone afterwards, so they are right across daylight-saving changes on both
SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Integer, Select, cast, func, select
from sqlalchemy.orm import Session

from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.incidents.demand import reported_demand
from precinct.incidents.models import Incident, IncidentSource
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit

Bin = Literal["day", "week", "month"]
BINS: tuple[Bin, ...] = ("day", "week", "month")
#: the most bins one trend may hold (about three years of days)
MAX_BINS = 1100
#: the most cells one heat map may hold
MAX_CELLS = 40_000
METRES_PER_DEGREE = 111_320.0
#: the trends' default window when the filter gives no start
DEFAULT_DAYS = 90
LAST_YEAR = timedelta(weeks=52)  # weekday-aligned: a Monday compares with a Monday


@dataclass(frozen=True)
class IncidentFilter:
    """What the analyst's view counts: a received-at window and optional attributes.

    ``include_officer_initiated`` adds incidents that officers found themselves (default: reported
    calls only); a ``source`` of ``officer_initiated`` implies it.
    """

    since: datetime | None = None
    until: datetime | None = None
    type_codes: tuple[str, ...] = ()
    priority: int | None = None
    district_id: int | None = None
    station_id: int | None = None
    source: IncidentSource | None = None
    simulated: bool | None = None
    include_officer_initiated: bool = False
    scope: org_service.Scope = field(default=org_service.CITYWIDE)

    def __post_init__(self) -> None:
        """Refuse a window that ends before it starts (naming the field)."""
        if self.since is not None and self.until is not None and self.until <= self.since:
            raise ValidationError("received_to must be after received_from")

    def shifted(self, delta: timedelta) -> IncidentFilter:
        """Return the same filter on the window moved back by ``delta`` (the same period last year)."""
        return _replace(self, since=self.since - delta if self.since else None,
                        until=self.until - delta if self.until else None)

    @property
    def officer_initiated(self) -> bool:
        """Whether officer-initiated incidents count."""
        return self.include_officer_initiated or self.source == IncidentSource.OFFICER_INITIATED

    def conditions(self) -> list[ColumnElement[bool]]:
        """Return the attribute conditions (type, priority, area, source, simulated); not the window or scope."""
        conditions: list[ColumnElement[bool]] = []
        if self.type_codes:
            conditions.append(Incident.type_code.in_(list(self.type_codes)))
        for column, value in ((Incident.priority, self.priority), (Incident.source, self.source),
                              (Incident.simulated, self.simulated), (Incident.district_id, self.district_id),
                              (Incident.station_id, self.station_id)):
            if value is not None:
                conditions.append(column == value)
        return conditions

    def query(self, *columns: Any) -> Select[Any]:
        """``SELECT columns`` of the matching incidents in the scope (no grouping)."""
        query = reported_demand(*columns, since=self.since, until=self.until,
                                include_officer_initiated=self.officer_initiated).where(*self.conditions())
        if (in_scope := org_service.where_in_scope(self.scope, Incident.station_id, Incident.district_id)) is not None:
            query = query.where(in_scope)
        return query


def _replace(spec: IncidentFilter, **changes: Any) -> IncidentFilter:
    values = {name: getattr(spec, name) for name in spec.__dataclass_fields__}
    return IncidentFilter(**(values | changes))


def _floor(session: Session, expression: ColumnElement[Any]) -> ColumnElement[int]:
    """``floor`` as an integer on both backends (SQLite's CAST truncates: callers keep values positive)."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(expression, Integer)
    return cast(func.floor(expression), Integer)


def _epoch_s(session: Session) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", Incident.received_at), Integer)
    return func.extract("epoch", Incident.received_at)


def _bucket_s(zone: ZoneInfo, start: datetime, end: datetime) -> int:
    """Return an hour, or a quarter hour where ``zone``'s offset is not whole hours in the window."""
    probes = pd.date_range(start, max(end, start + timedelta(days=1)), freq="30D", tz=UTC).tolist()
    probes = [*probes, end]
    whole = all((zone.utcoffset(p.replace(tzinfo=None)) or timedelta()).total_seconds() % 3600 == 0 for p in probes)
    return 3600 if whole else 900


def local_counts(session: Session, spec: IncidentFilter, *, zone: ZoneInfo) -> pd.Series:
    """Return the matching incidents counted per UTC hour (or quarter hour), indexed by local time in ``zone``."""
    bucket = _bucket_s(zone, spec.since or datetime(2000, 1, 1, tzinfo=UTC), spec.until or utcnow())
    text_hours = bucket == 3600 and session.get_bind().dialect.name == "sqlite"
    # SQLite keeps UTC as text ('YYYY-MM-DD HH:MM:SS...'): its first 13 characters name the hour, cheaper than strftime
    number = (func.substr(Incident.received_at, 1, 13) if text_hours
              else _floor(session, _epoch_s(session) / bucket)).label("bucket")
    rows = session.execute(spec.query(number, func.count().label("n")).group_by(number)).all()
    if not rows:
        return pd.Series([], dtype="int64", index=pd.DatetimeIndex([], tz=zone))
    counts = np.array([int(r[1]) for r in rows], dtype="int64")
    if text_hours:
        index = pd.to_datetime([r[0] for r in rows], format="%Y-%m-%d %H", utc=True).tz_convert(zone)
    else:
        buckets = np.array([int(r[0]) for r in rows], dtype="int64")
        index = pd.to_datetime(buckets * bucket, unit="s", utc=True).tz_convert(zone)
    return pd.Series(counts, index=index).sort_index()


def profiles(session: Session, spec: IncidentFilter, *, zone: ZoneInfo) -> dict[str, Any]:
    """Return the totals and the local-time profiles of the matching incidents.

    Returns
    -------
    dict
        ``total``; ``by_hour`` (24 counts, local hour 0-23); ``by_weekday`` (7, Monday first);
        ``hour_of_week`` (168, Monday 00:00 first); ``by_type``, ``by_district``, ``by_station``,
        ``by_priority``, ``by_source``: lists of ``{"key", "count"}``, largest first (a missing
        district or station has key ``None``).
    """
    counts = local_counts(session, spec, zone=zone)
    hour = np.asarray(counts.index.hour, dtype=int) if len(counts) else np.array([], dtype=int)
    weekday = np.asarray(counts.index.day_of_week, dtype=int) if len(counts) else np.array([], dtype=int)
    values = counts.to_numpy()
    hour_of_week = np.bincount(weekday * 24 + hour, weights=values, minlength=168).astype(int)
    result: dict[str, Any] = {
        "total": int(values.sum()),
        "by_hour": np.bincount(hour, weights=values, minlength=24).astype(int).tolist(),
        "by_weekday": np.bincount(weekday, weights=values, minlength=7).astype(int).tolist(),
        "hour_of_week": hour_of_week.tolist(),
    }
    # One scan for the five breakdowns: the counts of each combination, summed per column here (a few
    # thousand rows at most: types x stations x priorities x sources).
    columns = {"by_type": Incident.type_code, "by_district": Incident.district_id, "by_station": Incident.station_id,
               "by_priority": Incident.priority, "by_source": Incident.source}
    combinations = session.execute(spec.query(*columns.values(), func.count()).group_by(*columns.values())).all()
    for position, name in enumerate(columns):
        sums: dict[str | int | None, int] = {}
        for row in combinations:
            key = _plain_key(row[position])
            sums[key] = sums.get(key, 0) + int(row[-1])
        ordered = sorted(sums.items(), key=lambda kv: (-kv[1], str(kv[0])))
        result[name] = [{"key": key, "count": n} for key, n in ordered]
    return result


def _plain_key(key: object) -> str | int | None:
    if key is None or isinstance(key, int):
        return key
    return str(getattr(key, "value", key))


def _bin_start(stamps: pd.DatetimeIndex, size: Bin) -> pd.DatetimeIndex:
    days = stamps.normalize()
    if size == "day":
        return days
    if size == "week":
        return days - pd.to_timedelta(days.day_of_week, unit="D")
    return days - pd.to_timedelta(days.day - 1, unit="D")


def _bin_sequence(first: date, last: date, size: Bin) -> list[date]:
    starts = _bin_start(pd.DatetimeIndex([pd.Timestamp(first), pd.Timestamp(last)]), size)
    freq = {"day": "D", "week": "W-MON", "month": "MS"}[size]
    return [d.date() for d in pd.date_range(starts[0], starts[1], freq=freq)]


def trend(session: Session, spec: IncidentFilter, *, zone: ZoneInfo, size: Bin = "day",
          now: datetime | None = None) -> dict[str, Any]:
    """Return the matching incidents per local day, week (from Monday) or month, with the same period last year.

    The window is the filter's (default: the last 90 days up to now). Last year is the window
    moved back 52 weeks, so weekdays line up; its counts are placed on this year's bins.

    Raises
    ------
    ValidationError
        For an unknown ``size`` (naming ``bin``) or a window of more than 1,100 bins.
    """
    if size not in BINS:
        raise ValidationError(f"bin must be one of {', '.join(BINS)}")
    until = spec.until or (now or utcnow())
    since = spec.since or until - timedelta(days=DEFAULT_DAYS)
    window = _replace(spec, since=since, until=until)
    last_day = (until - timedelta(microseconds=1)).astimezone(zone).date()
    bins = _bin_sequence(since.astimezone(zone).date(), last_day, size)
    if len(bins) > MAX_BINS:
        raise ValidationError(f"received_from: the window holds {len(bins)} {size}s; at most {MAX_BINS} per trend")
    current = _binned(local_counts(session, window, zone=zone), size, shift=timedelta())
    previous = _binned(local_counts(session, window.shifted(LAST_YEAR), zone=zone), size, shift=LAST_YEAR)
    return {
        "bin": size, "since": since, "until": until, "last_year_since": since - LAST_YEAR,
        "last_year_until": until - LAST_YEAR,
        "bins": [{"start": b, "count": current.get(b, 0), "last_year": previous.get(b, 0)} for b in bins],
        "total": sum(current.values()), "last_year_total": sum(previous.values()),
    }


def _binned(counts: pd.Series, size: Bin, *, shift: timedelta) -> dict[date, int]:
    if counts.empty:
        return {}
    starts = _bin_start(counts.index + shift, size)
    grouped = counts.groupby(starts).sum()
    return {stamp.date(): int(n) for stamp, n in grouped.items()}


def city_latitude(session: Session) -> float:
    """Return the latitude the heat map's cells are sized at: the city unit's, else 30°N."""
    lat = session.scalar(select(OrgUnit.lat).where(OrgUnit.tier == OrgTier.CITY).order_by(OrgUnit.id).limit(1))
    return float(lat) if lat is not None else 30.0


def heat_cells(session: Session, spec: IncidentFilter, *, cell_m: float = 250.0,
               latitude: float | None = None) -> dict[str, Any]:
    """Return the matching incidents counted on a square grid of ``cell_m`` metres (lon/lat cells).

    The grid's cells are ``cell_m`` high and, at the city's latitude, ``cell_m`` wide; a cell is
    named by its south-west corner. Only cells holding incidents are returned, fullest first.

    Raises
    ------
    ValidationError
        For a cell size outside 50-5,000 m (naming ``cell_m``).
    """
    if not 50 <= cell_m <= 5000:
        raise ValidationError("cell_m must be between 50 and 5000 metres")
    lat_ref = city_latitude(session) if latitude is None else latitude
    dlat = cell_m / METRES_PER_DEGREE
    dlon = cell_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat_ref)), 0.01))
    ix = _floor(session, (Incident.lon + 180.0) / dlon).label("ix")
    iy = _floor(session, (Incident.lat + 90.0) / dlat).label("iy")
    rows = session.execute(spec.query(ix, iy, func.count().label("n")).where(Incident.lon.is_not(None))
                           .group_by(ix, iy).order_by(func.count().desc()).limit(MAX_CELLS + 1)).all()
    cells = [{"west": int(x) * dlon - 180.0, "south": int(y) * dlat - 90.0, "count": int(n)} for x, y, n in rows]
    return {"cell_m": cell_m, "cell_deg_lon": dlon, "cell_deg_lat": dlat, "cells": cells[:MAX_CELLS],
            "truncated": len(cells) > MAX_CELLS, "total": sum(c["count"] for c in cells[:MAX_CELLS]),
            "max_count": max((c["count"] for c in cells), default=0)}


def area_names(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Return the zh-CN and English names of the org units ``ids``."""
    rows = session.execute(select(OrgUnit.id, OrgUnit.name_zh, OrgUnit.name_en).where(OrgUnit.id.in_(list(ids)))).all()
    return {int(i): (zh, en or zh) for i, zh, en in rows}
