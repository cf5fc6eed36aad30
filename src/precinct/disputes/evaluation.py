"""Calls at a place before and after: the before/after evaluation of disputes and repeat-place operations.

A place's calls are the reported incidents (drills and officer-initiated incidents left out, as
in every demand count) within ``radius_m`` of its point. The treated count is the place's; the
comparison is, for a dispute, the rest of its station's calls, and for an operation the calls at
the comparable repeat-call places chosen when it was opened. Both go through the platform's
difference-in-differences (:func:`precinct.deployment.service.estimate_effect`). Periods of two or
more whole weeks are counted per week (the interval then reflects the week-to-week spread).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from precinct.deployment.service import estimate_effect
from precinct.incidents.demand import reported_demand
from precinct.incidents.models import Incident
from precinct.places.nearby import EARTH_RADIUS_M, haversine_m

WEEK = timedelta(days=7)
Period = tuple[datetime, datetime]


def _bins(length: timedelta) -> int:
    weeks = length // WEEK
    return int(weeks) if weeks >= 2 and length == weeks * WEEK else 1


def _binned(times: Sequence[datetime], period: Period, bins: int) -> list[int]:
    counts = [0] * bins
    begin, end = period
    length_s = (end - begin).total_seconds()
    for at in times:
        if begin <= at < end:
            counts[min(int((at - begin).total_seconds() * bins // length_s), bins - 1)] += 1
    return counts


def calls_near(session: Session, points: Sequence[tuple[float, float]], *, radius_m: float, since: datetime,
               until: datetime) -> list[datetime]:
    """Return the received times of the reported calls in ``[since, until)`` within ``radius_m`` of any of ``points``.

    A call near two points counts once.
    """
    if not points:
        return []
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    lats = [lat for _, lat in points]
    d_lon = d_lat / max(min(math.cos(math.radians(lat)) for lat in lats), 1e-6)
    lons = [lon for lon, _ in points]
    rows = session.execute(reported_demand(Incident.lon, Incident.lat, Incident.received_at, since=since, until=until)
                           .where(Incident.lon.between(min(lons) - d_lon, max(lons) + d_lon),
                                  Incident.lat.between(min(lats) - d_lat, max(lats) + d_lat))).all()
    return [at for lon, lat, at in rows
            if any(haversine_m(p_lon, p_lat, lon, lat) <= radius_m for p_lon, p_lat in points)]


def station_calls_outside(session: Session, station_id: int, point: tuple[float, float], *, radius_m: float,
                          since: datetime, until: datetime) -> list[datetime]:
    """Return the received times of a station's calls in ``[since, until)`` beyond ``radius_m`` of ``point``."""
    rows = session.execute(reported_demand(Incident.lon, Incident.lat, Incident.received_at, since=since, until=until,
                                           station_id=station_id)).all()
    return [at for lon, lat, at in rows if haversine_m(point[0], point[1], lon, lat) > radius_m]


def counts_for(treated: Sequence[datetime], comparison: Sequence[datetime], before: Period, after: Period,
               ) -> dict[str, list[int]]:
    """Return the four count series (weekly when the periods are two or more whole weeks, else one total each)."""
    bins = _bins(before[1] - before[0])
    return {f"{where}_{when}": _binned(times, period, bins)
            for where, times in (("treated", treated), ("comparison", comparison))
            for when, period in (("before", before), ("after", after))}


def periods_around(moment: datetime, length: timedelta) -> tuple[Period, Period]:
    """Return the periods of ``length`` just before and just after ``moment``."""
    return (moment - length, moment), (moment, moment + length)


def effect(counts: dict[str, list[int]], *, confidence: float, treated: dict[str, Any], comparison: dict[str, Any],
           before: Period, after: Period) -> dict[str, Any]:
    """Return the before/after answer (the shape of ``POST /planning/before-after``) for ``counts``."""
    weekly = any(len(series) > 1 for series in counts.values())
    return {"treated": treated, "comparison": comparison, "before": list(before), "after": list(after),
            "counts": {k: sum(v) for k, v in counts.items()}, "series": counts if weekly else None,
            "type_codes": None} | estimate_effect(counts, confidence)


__all__ = ["calls_near", "counts_for", "effect", "periods_around", "station_calls_outside"]
