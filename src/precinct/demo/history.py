"""Simulated call history for the demo city, so analysis and forecasts have something to learn from.

Calls follow the same daily and weekly profile, type mix and busy places as the live stream
(``precinct.demo.simulate``), are closed with a disposition, carry ``simulated = true`` and the
simulated label, and are written in bulk.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.security import Actor
from precinct.demo.calls import (
    DISPOSITION_MIX,
    HOT_PLACES,
    HOT_SHARE,
    HOURLY_PROFILE,
    LABEL,
    SOURCE_MIX,
    TYPE_MIX,
    WEEKDAY_FACTOR,
    mix,
    road_points,
)
from precinct.incidents import service as incident_service
from precinct.incidents.models import Incident, IncidentEvent
from precinct.org import service as org_service

HISTORY_MARKER = "demo-history"


def generate(session: Session, *, days: int, calls_per_day: float, actor: Actor, zone: ZoneInfo, seed: int = 7,
             now: datetime | None = None) -> int:
    """Add ``days`` of simulated past calls ending yesterday in ``zone``; return how many.

    Once: a second call adds nothing. The hourly and weekly profiles follow local time.
    """
    generated_before = select(Incident.id).where(Incident.external_id.like(f"{HISTORY_MARKER}-%")).limit(1)
    if days <= 0 or session.scalar(generated_before):
        return 0
    rng = np.random.default_rng(seed)
    now = now or datetime.now(UTC)
    local_midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), tzinfo=zone)
    start = (local_midnight - timedelta(days=days)).astimezone(UTC)
    hours = np.arange(days * 24)
    local = [(start + timedelta(hours=int(h))).astimezone(zone) for h in hours]
    rate = calls_per_day / 24 * HOURLY_PROFILE[[t.hour for t in local]] * WEEKDAY_FACTOR[[t.weekday() for t in local]]
    counts = rng.poisson(rate)
    offsets_s = np.concatenate([h * 3600 + rng.uniform(0, 3600, c) for h, c in zip(hours, counts, strict=True)])
    n = len(offsets_s)
    points = road_points()
    weights = points.length_m / points.length_m.sum()
    hot = rng.choice(len(weights), size=HOT_PLACES, replace=False, p=weights)
    place = np.where(rng.random(n) < HOT_SHARE, rng.choice(hot, n), rng.choice(len(weights), n, p=weights))
    lon = points.lon[place] + rng.normal(0, 0.0004, n)
    lat = points.lat[place] + rng.normal(0, 0.0004, n)
    types, type_p = mix(TYPE_MIX)
    sources, source_p = mix(SOURCE_MIX)
    dispositions, disposition_p = mix(DISPOSITION_MIX)
    type_pick = rng.choice(len(types), n, p=type_p)
    source_pick = rng.choice(len(sources), n, p=source_p)
    disposition_pick = rng.choice(len(dispositions), n, p=disposition_p)
    priorities = {t.code: t.default_priority for t in incident_service.list_types(session)}
    districts, stations, beats = org_service.jurisdiction_index(session).resolve_many(lon, lat)
    rows = []
    for i in range(n):
        received = start + timedelta(seconds=float(offsets_s[i]))
        type_code = types[type_pick[i]]
        rows.append({
            "external_id": f"{HISTORY_MARKER}-{i}", "source": sources[source_pick[i]], "type_code": type_code,
            "priority": priorities[type_code], "status": "closed", "disposition": dispositions[disposition_pick[i]],
            "description": f"{LABEL} 模拟历史警情 / simulated past call",
            "address": f"{LABEL} road point {int(place[i])}",
            "lon": float(lon[i]), "lat": float(lat[i]), "received_at": received,
            "closed_at": received + timedelta(minutes=float(rng.uniform(15, 90))),
            "district_id": int(districts[i]) if districts[i] >= 0 else None,
            "station_id": int(stations[i]) if stations[i] >= 0 else None,
            "beat_id": int(beats[i]) if beats[i] >= 0 else None,
            "simulated": True, "extra": None, "created_by": actor.username, "updated_at": now, "version": 1,
        })
    for begin in range(0, n, 5000):
        chunk = rows[begin:begin + 5000]
        ids = session.execute(insert(Incident).returning(Incident.id), chunk).scalars().all()
        session.execute(insert(IncidentEvent), [
            {"incident_id": incident_id, "at": now, "actor": actor.username, "kind": "imported",
             "from_status": None, "to_status": "closed", "data": {"simulated_history": True}}
            for incident_id in ids])
    audit_service.record(session, actor=actor, action="demo.history", resource_type="incident",
                         detail={"days": days, "calls": n, "simulated": True})
    return n
