"""Measuring a directive on the store: its units' patrol minutes, and the before/after effect in its area.

Patrol minutes follow :mod:`precinct.directives.patrol` on the unit-position log. The effect is the
platform's before/after evaluation (difference-in-differences, :mod:`precinct.planning.evaluation`)
with the directive's area as the treated area and the rest of its station's jurisdiction (a district
branch's for a directive to the branch) as the comparison area, on reported incidents (drills and
officer-initiated incidents left out, as in every demand count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.db import utcnow
from precinct.deployment.service import estimate_effect
from precinct.directives.geometry import area_of, boundary_of
from precinct.directives.messages import field_error
from precinct.directives.models import Directive
from precinct.directives.patrol import DEFAULT_GAP_CAP_S, patrol_time
from precinct.incidents.demand import reported_demand
from precinct.incidents.models import Incident
from precinct.org.models import OrgUnit
from precinct.units.models import Unit, UnitPosition

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WEEK_S = 7 * 86400.0
METHOD = ("consecutive fixes both inside the area count the time between them, at most gap_cap_s after the "
          "first, clipped to the window; summed over the units (unit-minutes)")


@dataclass(frozen=True)
class UnitPatrol:
    """One unit's time inside the area."""

    unit_id: int
    call_sign: str
    seconds: float
    fixes: int
    fixes_inside: int


@dataclass(frozen=True)
class PatrolMeasure:
    """The patrol time of a directive's units inside its area during its window."""

    window_start: datetime
    window_end: datetime
    measured_until: datetime
    gap_cap_s: float
    units: tuple[UnitPatrol, ...]

    @property
    def seconds(self) -> float:
        """The unit-seconds inside the area, summed over the units."""
        return sum(unit.seconds for unit in self.units)

    def detail(self) -> dict[str, Any]:
        """Return the measure as JSON-ready data (what the report keeps)."""
        return {"minutes": round(self.seconds / 60.0, 2), "window_start": self.window_start.isoformat(),
                "window_end": self.window_end.isoformat(), "measured_until": self.measured_until.isoformat(),
                "gap_cap_s": self.gap_cap_s, "method": METHOD,
                "units": [{"unit_id": u.unit_id, "call_sign": u.call_sign, "minutes": round(u.seconds / 60.0, 2),
                           "fixes": u.fixes, "fixes_inside": u.fixes_inside} for u in self.units]}


def _seconds(at: datetime) -> float:
    return (at - EPOCH).total_seconds()


def _area_and_window(directive: Directive) -> tuple[BaseGeometry, datetime, datetime]:
    area = area_of(directive.geometry_geojson)
    if area is None or directive.window_start is None or directive.window_end is None:
        raise field_error("directive_id", "directive.no_area", id=directive.id)
    return area, directive.window_start, directive.window_end


def patrol_minutes(session: Session, directive: Directive, *, unit_ids: list[int], now: datetime | None = None,
                   gap_cap_s: float = DEFAULT_GAP_CAP_S) -> PatrolMeasure:
    """Measure the time ``unit_ids`` spent inside the directive's area during its window (up to ``now``).

    Raises
    ------
    ValidationError
        If the directive has no area or no window.
    """
    area, start, end = _area_and_window(directive)
    until = min(end, now or utcnow())
    units = []
    for unit_id in sorted(set(unit_ids)):
        unit = session.get(Unit, unit_id)
        rows = list(session.execute(
            select(UnitPosition.at, UnitPosition.lon, UnitPosition.lat)
            .where(UnitPosition.unit_id == unit_id, UnitPosition.at >= start - timedelta(seconds=gap_cap_s),
                   UnitPosition.at <= until)
            .order_by(UnitPosition.at, UnitPosition.id)))
        following = session.execute(
            select(UnitPosition.at, UnitPosition.lon, UnitPosition.lat)
            .where(UnitPosition.unit_id == unit_id, UnitPosition.at > until)
            .order_by(UnitPosition.at, UnitPosition.id).limit(1)).first()
        if following is not None:
            rows.append(following)
        measured = patrol_time(np.array([_seconds(at) for at, _, _ in rows]), np.array([lon for _, lon, _ in rows]),
                               np.array([lat for _, _, lat in rows]), area,
                               window_s=(_seconds(start), _seconds(until)), gap_cap_s=gap_cap_s)
        units.append(UnitPatrol(unit_id, unit.call_sign if unit else str(unit_id), measured.seconds, measured.fixes,
                                measured.fixes_inside))
    return PatrolMeasure(start, end, max(until, start), gap_cap_s, tuple(units))


def _periods(start: datetime, end: datetime, period_days: int | None,
             now: datetime) -> tuple[tuple[datetime, datetime], tuple[datetime, datetime]]:
    length = timedelta(days=period_days) if period_days else end - start
    before, after = (start - length, start), (start, start + length)
    if after[1] > now:
        raise field_error("period_days" if period_days else "window_end", "directive.period_not_over",
                          end=after[1].isoformat())
    return before, after


def effect(session: Session, directive: Directive, *, period_days: int | None = None,
           type_codes: list[str] | None = None, confidence: float = 0.95, now: datetime | None = None,
           ) -> dict[str, Any]:
    """Evaluate a patrol directive: reported incidents in its area before and after, against the rest of its station.

    The after period is the directive's window, the before period the same length just before it;
    with ``period_days`` both periods last that many days from the window's start. Periods of two
    or more whole weeks are counted per week (the interval then reflects the week-to-week spread).

    Raises
    ------
    ValidationError
        If the directive has no area or window, the after period has not ended, its station (or
        branch) has no boundary, or the area leaves no comparison area.
    """
    area, start, end = _area_and_window(directive)
    before, after = _periods(start, end, period_days, now or utcnow())
    comparison_id = directive.station_id or directive.district_id
    unit = session.get(OrgUnit, comparison_id) if comparison_id else None
    boundary = boundary_of(unit) if unit is not None else None
    if boundary is None:
        raise field_error("directive_id", "directive.no_comparison", id=comparison_id)
    comparison = boundary.difference(area)
    if comparison.is_empty or comparison.area <= 0:
        raise field_error("directive_id", "directive.comparison_empty")
    counts = _counts(session, area, comparison, before, after, type_codes)
    weekly = any(len(series) > 1 for series in counts.values())
    key = "station_id" if directive.station_id else "district_id"
    return {"directive_id": directive.id, "treated": {"directive_id": directive.id}, "comparison": {key: comparison_id},
            "before": list(before), "after": list(after), "counts": {k: sum(v) for k, v in counts.items()},
            "series": counts if weekly else None, "type_codes": type_codes} | estimate_effect(counts, confidence)


def _counts(session: Session, area: BaseGeometry, comparison: BaseGeometry, before: tuple[datetime, datetime],
            after: tuple[datetime, datetime], type_codes: list[str] | None) -> dict[str, list[int]]:
    west, south, east, north = shapely.union(area, comparison).bounds
    rows = session.execute(reported_demand(Incident.lon, Incident.lat, Incident.received_at, since=before[0],
                                           until=after[1], type_codes=type_codes)
                           .where(Incident.lon >= west, Incident.lon <= east, Incident.lat >= south,
                                  Incident.lat <= north)).all()
    length_s = (before[1] - before[0]).total_seconds()
    weeks = round(length_s / WEEK_S)
    bins = weeks if weeks >= 2 and abs(length_s - weeks * WEEK_S) < 1e-6 else 1
    counts = {f"{where}_{when}": [0] * bins for where in ("treated", "comparison") for when in ("before", "after")}
    if not rows:
        return counts
    points = shapely.points(np.array([r[0] for r in rows], float), np.array([r[1] for r in rows], float))
    in_area = shapely.covers(area, points)
    in_comparison = shapely.covers(comparison, points) & ~in_area  # a point on the area's edge is the area's
    for row, treated, compared in zip(rows, in_area, in_comparison, strict=True):
        if not (treated or compared):
            continue
        when, (begin, _) = ("before", before) if row[2] < before[1] else ("after", after)
        index = min(int((row[2] - begin).total_seconds() * bins // length_s), bins - 1)
        counts[f"{'treated' if treated else 'comparison'}_{when}"][index] += 1
    return counts

