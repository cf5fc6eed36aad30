"""Incidents near a point: what the premises page shows around key premises (no personal data)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.db import utcnow
from precinct.incidents import service as incident_service
from precinct.incidents.models import Incident
from precinct.org import service as org_service

EARTH_RADIUS_M = 6_371_008.8
MAX_NEARBY = 200


@dataclass(frozen=True)
class NearbyIncident:
    """An incident within the radius, with its great-circle distance from the point in metres."""

    incident: Incident
    distance_m: float


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance between two lon/lat points in metres (a sphere of the Earth's mean radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def incidents_near(session: Session, lon: float, lat: float, *, radius_m: float, days: int,
                   scope: org_service.Scope = org_service.CITYWIDE,
                   now: datetime | None = None) -> list[NearbyIncident]:
    """Return the incidents in ``scope`` received in the last ``days`` within ``radius_m`` of (lon, lat).

    Latest first; ``scope`` selects as the incident listing does
    (:func:`precinct.incidents.service.scope_filter`), so a premises near a station border lists
    only the incidents its reader may open. Drills are left out; at most :data:`MAX_NEARBY` are returned.
    """
    now = now or utcnow()
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    d_lon = d_lat / max(math.cos(math.radians(lat)), 1e-6)
    query = select(Incident).where(
        Incident.drill_run_id.is_(None), Incident.received_at >= now - timedelta(days=days),
        Incident.lat.between(lat - d_lat, lat + d_lat), Incident.lon.between(lon - d_lon, lon + d_lon),
    )
    if (in_scope := incident_service.scope_filter(scope)) is not None:
        query = query.where(in_scope)
    rows = session.scalars(query.order_by(Incident.received_at.desc(), Incident.id.desc()).limit(MAX_NEARBY * 4))
    found = [NearbyIncident(i, haversine_m(lon, lat, i.lon, i.lat)) for i in rows]
    return [n for n in found if n.distance_m <= radius_m][:MAX_NEARBY]
