"""Series-linking on the store: incidents similar to given ones (near in place and time, same category).

The edge of :func:`precinct.analysis.series.link_series` for the case register's link
suggestions: it reads the incidents around the seeds (a box of ``max_distance_m`` and a window of
``max_days`` on either side) in the caller's scope, runs the linking, and returns the pairs that
join a seed to another incident. Works on incidents, never on persons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from precinct.analysis.series import link_series
from precinct.incidents.models import Incident, IncidentType
from precinct.org.service import Scope

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class SimilarIncident:
    """An incident linked to one of the seeds, with the link's score, distance and time gap."""

    incident_id: int
    seed_id: int
    score: float
    distance_m: float
    gap_days: float


def similar_incidents(session: Session, seed_ids: Sequence[int], scope: Scope, *, max_distance_m: float = 1000.0,
                      max_days: float = 30.0, min_score: float = 0.3, top: int = 20) -> list[SimilarIncident]:
    """Return up to ``top`` incidents of ``scope`` most similar to any of ``seed_ids`` (best first).

    Each candidate appears once, with its best link; the seeds themselves are left out. Scoring as
    :func:`precinct.analysis.series.link_series` (distance and time decay, same category).
    """
    seeds = session.execute(select(Incident.id, Incident.lon, Incident.lat, Incident.received_at)
                            .where(Incident.id.in_(list(seed_ids)))).all()
    if not seeds:
        return []
    boxes = []
    for _, lon, lat, received_at in seeds:
        dlat = max_distance_m / METRES_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        boxes.append(and_(Incident.lat.between(lat - dlat, lat + dlat), Incident.lon.between(lon - dlon, lon + dlon),
                          Incident.received_at.between(received_at - timedelta(days=max_days),
                                                       received_at + timedelta(days=max_days))))
    query = (select(Incident.id, Incident.received_at, IncidentType.category, Incident.lat, Incident.lon)
             .join(IncidentType, IncidentType.code == Incident.type_code)
             .where(or_(*boxes), Incident.simulated.is_(False)))
    if scope.units is not None:
        units = sorted(scope.units)
        query = query.where(or_(Incident.station_id.in_(units), Incident.district_id.in_(units),
                                Incident.id.in_(list(seed_ids))))
    rows = session.execute(query.limit(20_000)).all()
    frame = pd.DataFrame(rows, columns=["id", "received_at", "category", "lat", "lon"])
    if len(frame) < 2:
        return []
    frame["occurred_at"] = pd.to_datetime(frame["received_at"], utc=True)
    links = link_series(frame, max_distance_m=max_distance_m, max_days=max_days, min_score=min_score,
                        top=len(frame) ** 2)
    seed_set = {str(i) for i in seed_ids}
    best: dict[int, SimilarIncident] = {}
    for pair in links.pairs:
        if pair.score < min_score or (pair.first in seed_set) == (pair.second in seed_set):
            continue
        seed, other = (pair.first, pair.second) if pair.first in seed_set else (pair.second, pair.first)
        found = SimilarIncident(int(other), int(seed), pair.score, pair.distance_m, pair.gap_days)
        if int(other) not in best or best[int(other)].score < found.score:
            best[int(other)] = found
    return sorted(best.values(), key=lambda s: (-s.score, s.incident_id))[:top]
