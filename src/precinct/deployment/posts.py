"""Post placement on stored data: where ``posts`` patrol posts reach the most recent calls in time.

The candidate sites are the stations and the beats (a point inside each beat); the demand is the
last 28 days of reported calls counted on cells of about 300 m. The maximal covering location
problem (Church and ReVelle 1974) is solved with HiGHS on road travel times
(:class:`precinct.planning.location.MaximalCoveringModel`); the answer also gives the share the
stations reach today, to compare with.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.deployment import service
from precinct.geo import RoadGraph
from precinct.incidents.demand import reported_demand
from precinct.incidents.models import Incident
from precinct.org.models import Beat

#: the demand cells' size, metres
CELL_M = 300.0
METRES_PER_DEGREE = 111_320.0


def _candidates(session: Session) -> list[dict[str, Any]]:
    sites = [{"kind": "station", "id": s.id, "name_zh": s.name_zh, "name_en": s.name_en, "lon": s.lon, "lat": s.lat}
             for s in service.stations(session)]
    for beat in session.scalars(select(Beat).order_by(Beat.id)):
        point = shape(json.loads(beat.boundary_geojson)).representative_point()
        sites.append({"kind": "beat", "id": beat.id, "name_zh": beat.name_zh, "name_en": beat.name_en,
                      "lon": float(point.x), "lat": float(point.y)})
    return sites


def _demand(session: Session, since: datetime, until: datetime) -> tuple[np.ndarray, np.ndarray]:
    rows = session.execute(reported_demand(Incident.lon, Incident.lat, since=since, until=until)).all()
    points = np.array([(lon, lat) for lon, lat in rows if lon is not None and lat is not None], float).reshape(-1, 2)
    if not len(points):
        return points, np.zeros(0)
    dlat = CELL_M / METRES_PER_DEGREE
    dlon = CELL_M / (METRES_PER_DEGREE * max(math.cos(math.radians(float(points[:, 1].mean()))), 0.01))
    cells, inverse, weights = np.unique(np.floor(points / [dlon, dlat]).astype(np.int64), axis=0,
                                        return_inverse=True, return_counts=True)
    centres = np.zeros((len(cells), 2))
    np.add.at(centres, inverse.ravel(), points)  # the cell's mean point: on the roads its calls came from
    return centres / weights[:, None], weights.astype(float)


def place_posts(session: Session, *, graph: RoadGraph, posts: int = 10, minutes: float = 5.0,
                time_limit_s: float = 10.0, now: datetime | None = None) -> dict[str, Any]:
    """Choose ``posts`` sites among the stations and beats that reach the most recent calls within ``minutes``.

    Returns the chosen sites (kind, id, names, lon/lat), the covered share of the last 28 days'
    reported calls, the share any candidate could reach, the share the stations reach today, and
    the solver's status and gap.

    Raises
    ------
    ValidationError
        For ``posts`` outside 1-50 or ``minutes`` outside (0, 15], or without reported calls or
        candidate sites near a road.
    """
    if not 1 <= posts <= 50:
        raise ValidationError("posts must be between 1 and 50")
    if not 0 < minutes <= 15:
        raise ValidationError("minutes must be above 0 and at most 15")
    from precinct.planning.location import MaximalCoveringModel
    from precinct.planning.network import on_road_mask, travel_time_matrix

    now = now or utcnow()
    points, weights = _demand(session, now - timedelta(days=service.WINDOW_DAYS), now)
    if not len(points):
        raise ValidationError(f"no reported calls in the last {service.WINDOW_DAYS} days to place posts for")
    sites = _candidates(session)
    site_xy = np.array([(s["lon"], s["lat"]) for s in sites], float).reshape(-1, 2)
    keep = on_road_mask(graph, site_xy) if len(sites) else np.zeros(0, bool)
    sites = [s for s, k in zip(sites, keep.tolist(), strict=True) if k]
    if len(sites) < posts:
        raise ValidationError(f"posts: only {len(sites)} stations and beats lie near a road; ask for fewer")
    on_road = on_road_mask(graph, points)
    times = np.full((len(sites), len(points)), np.inf)
    if on_road.any():
        times[:, on_road] = travel_time_matrix(graph, site_xy[keep], points[on_road], limit_s=60.0 * minutes)
    model = MaximalCoveringModel.from_cost_matrix(times, posts, 60.0 * minutes, weights=weights)
    result = model.solve(time_limit_s=time_limit_s)
    stations = np.array([s["kind"] == "station" for s in sites])
    reached = (times[stations] <= 60.0 * minutes).any(axis=0) if stations.any() else np.zeros(len(points), bool)
    return {
        "posts": posts, "minutes": minutes, "window_days": service.WINDOW_DAYS, "calls": int(weights.sum()),
        "demand_cells": len(points), "candidates": len(sites), "covered_share": result.covered_share,
        "coverable_share": result.coverable_share, "stations": int(stations.sum()),
        "stations_share": float(weights[reached].sum() / weights.sum()), "status": result.status,
        "mip_gap": None if math.isnan(result.mip_gap) else result.mip_gap,
        "chosen": [sites[int(i)] for i in result.chosen_sites],
    }

