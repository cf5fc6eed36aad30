"""Analyst benchmark: the analyst view's aggregates on 220,000 incidents, on PostgreSQL and SQLite.

    .venv/bin/python bench/analyst.py         # or: precinct bench analyst

The store: a city of 4 district branches with 5 stations each, and 220,000 reported incidents over
the last two years (so every trend has a last year), with ten types, four priorities and the
reported sources, at random points of the city's square. PostgreSQL runs on a scratch database
(PRECINCT_BENCH_DATABASE_URL, default the test server) created and dropped by the run; SQLite on a
temporary file.

Measured per database (each call in a session of its own, the median and the worst of the runs):

- ``profiles_*``: ``forecasts.aggregates.profiles`` for the whole city and the whole store (what
  ``GET /api/v1/analysis/aggregates`` runs without HTTP): total, local hour, weekday, hour of week,
  type, district, station, priority, source;
- ``trend_*``: ``aggregates.trend`` by week over the last 365 days with the same period last year;
- ``heat_*``: ``aggregates.heat_cells`` on 250 m cells over the whole store;
- ``station_profiles_*``: the profiles of one station's scope (an account of that station);
- baseline ``baseline_profiles_*``: what the console did before, without its cap of 5,000: fetch
  every matching row and count the same profiles in Python (pandas, in the city's time zone).

Prints one JSON object with ``speedup`` ratios (baseline / aggregate) and ``goals`` (names
ending ``_ms`` are maxima, ``_speedup`` minima).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the dispatch benchmark's scratch-database helpers

from dispatch import drop_database, log, percentile_ms, scratch_database

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session, sessionmaker

INCIDENTS = 220_000
DAYS = 730
DISTRICTS, STATIONS_PER_DISTRICT = 4, 5
RUNS, BASELINE_RUNS = 7, 3
ZONE = ZoneInfo("Asia/Shanghai")
TYPES = ("theft", "dispute", "traffic_collision", "assist_public", "noise", "fraud", "burglary", "assault",
         "missing_person", "suspicious")
SOURCES = ("phone_110", "online_report", "alarm_button", "transfer")
LON0, LAT0, SIZE = 114.0, 30.4, 0.4  # the city's square (degrees)


def seed(url: str, rng: np.random.Generator, now: datetime) -> dict[str, int]:
    """Migrate, build the city, and insert the incidents in bulk; return the ids of one station and its district."""
    from sqlalchemy import insert, select

    from precinct.app import session_factory
    from precinct.core import migrate
    from precinct.core.db import make_engine
    from precinct.incidents import service as incident_service
    from precinct.incidents.models import Incident, IncidentType
    from precinct.org import service as org_service
    from precinct.org.models import OrgTier

    def square(lon: float, lat: float, size: float) -> dict[str, Any]:
        return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                    [lon, lat + size], [lon, lat]]]}

    migrate.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        incident_service.load_default_types(session)
        known = set(session.scalars(select(IncidentType.code)))
        types = [t for t in TYPES if t in known] or sorted(known)[:10]
        city = org_service.create_unit(session, code="B", name_zh="市局", name_en="City", tier=OrgTier.CITY,
                                       boundary_geojson=square(LON0, LAT0, SIZE), lon=LON0 + SIZE / 2,
                                       lat=LAT0 + SIZE / 2)
        half = SIZE / 2
        stations: list[tuple[int, int, float]] = []
        for d in range(DISTRICTS):
            lon, lat = LON0 + (d % 2) * half, LAT0 + (d // 2) * half
            district = org_service.create_unit(session, code=f"D{d}", name_zh=f"分局{d}", name_en=f"District {d}",
                                               tier=OrgTier.DISTRICT, parent_id=city.id,
                                               boundary_geojson=square(lon, lat, half))
            for s in range(STATIONS_PER_DISTRICT):
                station = org_service.create_unit(
                    session, code=f"S{d}{s}", name_zh=f"派出所{d}{s}", name_en=f"Station {d}{s}",
                    tier=OrgTier.STATION, parent_id=district.id,
                    boundary_geojson=square(lon + s * half / STATIONS_PER_DISTRICT, lat, half / STATIONS_PER_DISTRICT))
                stations.append((station.id, district.id, lon + s * half / STATIONS_PER_DISTRICT))
        session.commit()
        start = now - timedelta(days=DAYS)
        received = [start + timedelta(seconds=float(s)) for s in rng.uniform(0, DAYS * 86400, INCIDENTS)]
        xs = rng.uniform(LON0, LON0 + SIZE, INCIDENTS)
        ys = rng.uniform(LAT0, LAT0 + SIZE, INCIDENTS)
        pick = rng.integers(0, len(stations), INCIDENTS)
        type_pick = rng.integers(0, len(types), INCIDENTS)
        source_pick = rng.choice(len(SOURCES), INCIDENTS, p=[0.8, 0.1, 0.05, 0.05])
        priority = rng.choice([1, 2, 3, 4], INCIDENTS, p=[0.1, 0.3, 0.4, 0.2])
        rows = [{"source": SOURCES[source_pick[i]], "type_code": types[type_pick[i]], "priority": int(priority[i]),
                 "status": "closed", "disposition": "resolved", "description": "bench", "address": "",
                 "lon": float(xs[i]), "lat": float(ys[i]), "received_at": received[i],
                 "closed_at": received[i] + timedelta(minutes=30), "district_id": stations[pick[i]][1],
                 "station_id": stations[pick[i]][0], "simulated": False, "created_by": "bench",
                 "updated_at": now, "version": 1} for i in range(INCIDENTS)]
        for begin in range(0, INCIDENTS, 20_000):
            session.execute(insert(Incident), rows[begin:begin + 20_000])
            session.commit()
    engine.dispose()
    return {"station_id": stations[0][0], "district_id": stations[0][1]}


def timed(factory: sessionmaker[Session], work: Callable[[Session], Any], runs: int) -> tuple[list[float], Any]:
    """Run ``work`` ``runs`` times, each in a session of its own; return the seconds and the last answer."""
    samples, answer = [], None
    for _ in range(runs):
        with factory() as session:
            started = time.perf_counter()
            answer = work(session)
            samples.append(time.perf_counter() - started)
    return samples, answer


def python_profiles(session: Session) -> dict[str, Any]:
    """Count the same profiles the old way: every row fetched, counted in Python."""
    import pandas as pd

    from precinct.incidents.demand import reported_demand
    from precinct.incidents.models import Incident

    rows = session.execute(reported_demand(Incident.received_at, Incident.type_code, Incident.district_id,
                                           Incident.station_id, Incident.priority, Incident.source)).all()
    frame = pd.DataFrame(rows, columns=["received_at", "type_code", "district_id", "station_id", "priority", "source"])
    local = pd.to_datetime(frame["received_at"], utc=True).dt.tz_convert(ZONE)
    return {"total": len(frame), "by_hour": local.dt.hour.value_counts().to_dict(),
            "by_weekday": local.dt.day_of_week.value_counts().to_dict(),
            "hour_of_week": (local.dt.day_of_week * 24 + local.dt.hour).value_counts().to_dict(),
            **{f"by_{c}": frame[c].value_counts().to_dict() for c in ("type_code", "district_id", "station_id",
                                                                       "priority", "source")}}


def measure(url: str, ids: dict[str, int], now: datetime, prefix: str) -> dict[str, Any]:
    """Measure the aggregates and the baseline on the store at ``url``."""
    from precinct.app import session_factory
    from precinct.core.db import make_engine
    from precinct.forecasts import aggregates
    from precinct.org import service as org_service

    engine = make_engine(url)
    factory = session_factory(engine)
    everything = aggregates.IncidentFilter()
    year = aggregates.IncidentFilter(since=now - timedelta(days=365), until=now)
    out: dict[str, Any] = {}
    cases: dict[str, Callable[[Session], Any]] = {
        "profiles": lambda s: aggregates.profiles(s, everything, zone=ZONE),
        "trend": lambda s: aggregates.trend(s, year, zone=ZONE, size="week"),
        "heat": lambda s: aggregates.heat_cells(s, everything, cell_m=250),
        "station_profiles": lambda s: aggregates.profiles(s, aggregates.IncidentFilter(
            scope=org_service.scope_of(s, ids["station_id"])), zone=ZONE),
    }
    answers = {}
    for name, work in cases.items():
        samples, answers[name] = timed(factory, work, RUNS)
        out[f"{prefix}_{name}_p50_ms"] = percentile_ms(samples, 50)
        out[f"{prefix}_{name}_max_ms"] = max(samples) * 1000
    samples, baseline = timed(factory, python_profiles, BASELINE_RUNS)
    out[f"{prefix}_baseline_profiles_p50_ms"] = percentile_ms(samples, 50)
    engine.dispose()
    profiles = answers["profiles"]
    assert profiles["total"] == baseline["total"] == INCIDENTS, (profiles["total"], baseline["total"])
    assert profiles["by_hour"] == [baseline["by_hour"].get(h, 0) for h in range(24)], "hour profiles differ"
    assert {r["key"]: r["count"] for r in profiles["by_type"]} == baseline["by_type_code"], "type counts differ"
    out[f"{prefix}_trend_weeks"] = len(answers["trend"]["bins"])
    out[f"{prefix}_trend_last_year_total"] = answers["trend"]["last_year_total"]
    out[f"{prefix}_heat_cells"] = len(answers["heat"]["cells"])
    out[f"{prefix}_station_total"] = answers["station_profiles"]["total"]
    out[f"{prefix}_profiles_speedup"] = out[f"{prefix}_baseline_profiles_p50_ms"] / out[f"{prefix}_profiles_p50_ms"]
    return out


def main() -> None:
    """Seed both databases, run the measurements and print the JSON."""
    rng = np.random.default_rng(20261202)
    started = time.monotonic()
    now = datetime.now(UTC).replace(microsecond=0)
    result: dict[str, Any] = {"incidents": INCIDENTS, "days": DAYS, "cpu_count": os.cpu_count()}
    url, handle = scratch_database()
    try:
        log(f"PostgreSQL: seeding {INCIDENTS:,} incidents…")
        ids = seed(url, rng, now)
        log("PostgreSQL: measuring…")
        result |= measure(url, ids, now, "postgresql")
    finally:
        drop_database(handle)
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        log(f"SQLite: seeding {INCIDENTS:,} incidents…")
        ids = seed(sqlite_url, np.random.default_rng(20261202), now)
        log("SQLite: measuring…")
        result |= measure(sqlite_url, ids, now, "sqlite")
    # PostgreSQL is the production database; SQLite (one file, one writer) gets half a second more
    result["goals"] = {f"{db}_{name}": goal + (500.0 if db == "sqlite" and name.endswith("_ms") else 0.0)
                       for db in ("postgresql", "sqlite") for name, goal in (
                           ("profiles_p50_ms", 1000.0), ("trend_p50_ms", 1000.0), ("heat_p50_ms", 1000.0),
                           ("station_profiles_p50_ms", 500.0), ("profiles_speedup", 2.0))}
    result["seconds"] = time.monotonic() - started
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}, indent=1))


if __name__ == "__main__":
    main()
