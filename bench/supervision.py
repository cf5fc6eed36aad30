"""Supervision benchmark: the overdue board of one station and the deadline sweep, on 20,000 open incidents.

    .venv/bin/python bench/supervision.py         # or: precinct bench supervision

Runs against a scratch PostgreSQL database (PRECINCT_BENCH_DATABASE_URL, default the test server)
created and dropped by the run. The city: 4 district branches of 5 stations each. The store: a backlog
of 20,000 open incidents that entered their current stage during the last four hours (about 83 a
minute, none closed: 30 % waiting for dispatch, 30 % dispatched, 40 % on scene; priorities 1-4 at
10/30/40/20 %), 5,000 recently closed ones still waiting for their call-back, and 60,000 closed
ones of the past with their ended deadlines and breaches: as the deadline hook and the sweep
would have left them when the last sweep ran 15 s ago.

Measured, with a baseline in the same run:

- ``board_*``: ``supervision.service.board`` for the busiest station (what
  ``GET /api/v1/supervision/overdue`` runs, without HTTP), each call in a session of its own;
  baseline ``baseline_board_*``: the same query after dropping the board's partial indexes.
- ``sweep_*``: the incremental sweep that finds the deadlines due since the last sweep and the
  escalations due, and writes their breaches and events (in a transaction rolled back after each
  repetition, so each finds the same work); ``sweep_committed_ms``: one such sweep committed (with
  its live events sent); ``catch_up_*``: the sweep of a server started again after ten minutes
  down; baseline ``baseline_sweep_*``: a full sweep that reads every open deadline and every
  breach and picks the same work in Python.

- ``directive_*``: with 2,000 open directives beside the incidents, the station's overdue
  directives (what ``GET /api/v1/directives/overdue`` runs) and the directive sweep (rolled back
  after each repetition).

The machine's load average (1 minute) at the start and the end is in ``load_average``: the
figures are wall-clock times and a loaded machine stretches them. Prints one JSON object;
``goals`` holds the targets (names ending ``_ms`` are maxima) and ``met`` whether each was met.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the dispatch benchmark's scratch-database helpers

from dispatch import drop_database, log, percentile_ms, scratch_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

OPEN, RECENT_CLOSED, HISTORY = 20_000, 5_000, 60_000
DISTRICTS, STATIONS_PER_DISTRICT = 4, 5
SWEPT_AGO_S = 15.0  # the last sweep ran this long before the measured one (its interval)
BACKLOG_S = 4 * 3600.0  # the open incidents entered their stages during the last four hours
CATCH_UP_S = 600.0  # the catch-up sweep runs as after a server was down for ten minutes
BOARD_RUNS, SWEEP_RUNS, BASELINE_SWEEP_RUNS = 500, 30, 10
BOARD_INDEXES = ("ix_incident_deadlines_open_station", "ix_incident_deadlines_open_district",
                 "ix_incident_deadlines_open_warn")


class Store:
    """Rows to insert, with ids handed out in order."""

    def __init__(self) -> None:
        self.incidents: list[dict[str, Any]] = []
        self.deadlines: list[dict[str, Any]] = []
        self.breaches: list[dict[str, Any]] = []

    def incident(self, *, station: int, district: int, priority: int, status: str, received_at: datetime,
                 closed_at: datetime | None = None) -> int:
        """Add an incident; return its id."""
        self.incidents.append({
            "id": len(self.incidents) + 1, "source": "phone_110", "type_code": "theft", "priority": priority,
            "status": status, "disposition": "resolved" if closed_at else None, "description": "bench",
            "address": "", "lon": 114.3, "lat": 30.6, "received_at": received_at, "closed_at": closed_at,
            "district_id": district, "station_id": station, "simulated": False, "created_by": "bench",
            "updated_at": received_at, "version": 1})
        return len(self.incidents)

    def deadline(self, incident: int, stage: str, priority: int, limit_s: int, entered_at: datetime, *,
                 station: int, district: int, ended_at: datetime | None, swept_at: datetime) -> None:
        """Add a deadline as the hook set it and the sweep at ``swept_at`` left it (with its breach)."""
        deadline_at = entered_at + timedelta(seconds=limit_s)
        breached = deadline_at <= (ended_at or swept_at)
        breached_at = deadline_at if breached else None
        level, next_at = 0, None
        if breached_at is not None and ended_at is None:
            waited_s = (swept_at - breached_at).total_seconds()
            level, next_at = ((1, breached_at + timedelta(seconds=600)) if waited_s < 600 else
                              (2, breached_at + timedelta(seconds=1800)) if waited_s < 1800 else (3, None))
        deadline_id = len(self.deadlines) + 1
        self.deadlines.append({
            "id": deadline_id, "incident_id": incident, "stage": stage, "priority": priority, "version_id": 1,
            "limit_s": limit_s, "entered_at": entered_at, "deadline_at": deadline_at,
            "warn_at": entered_at + timedelta(seconds=limit_s * 0.8), "station_id": station,
            "district_id": district, "ended_at": ended_at,
            "outcome": None if ended_at is None else ("late" if breached else "met"),
            "breached_at": breached_at, "escalation_level": level, "next_escalation_at": next_at})
        if breached_at is not None:
            self.breaches.append({
                "id": len(self.breaches) + 1, "deadline_id": deadline_id, "incident_id": incident, "stage": stage,
                "deadline_at": deadline_at, "detected_at": breached_at, "late_s": 0, "station_id": station,
                "district_id": district, "unit_id": None})


STAGES_BEFORE = {"dispatch": [], "arrival": ["dispatch"], "handling": ["dispatch", "arrival"]}
STATUS_OF = {"dispatch": "received", "arrival": "dispatched", "handling": "on_scene"}


def build(now: datetime, stations: list[tuple[int, int]], rng: np.random.Generator) -> Store:
    """Lay out the incidents and deadlines as the hook and the sweep would have left them."""
    from precinct.supervision.limits import DEFAULT_LIMITS_S
    from precinct.supervision.models import Stage

    def limit(stage: str, priority: int) -> int:
        return DEFAULT_LIMITS_S[Stage(stage)][priority - 1]

    swept_at = now - timedelta(seconds=SWEPT_AGO_S)
    store = Store()
    priorities = rng.choice([1, 2, 3, 4], size=OPEN + RECENT_CLOSED + HISTORY, p=[0.1, 0.3, 0.4, 0.2])
    places = rng.integers(len(stations), size=len(priorities))
    current = rng.choice(list(STATUS_OF), size=OPEN, p=[0.3, 0.3, 0.4])
    for i in range(OPEN):
        priority, (station, district), stage = int(priorities[i]), stations[places[i]], str(current[i])
        entered = now - timedelta(seconds=float(rng.uniform(0, BACKLOG_S)))
        earlier = [(s, entered - timedelta(seconds=float(rng.uniform(0.3, 1.0)) * limit(s, priority)))
                   for s in STAGES_BEFORE[stage]]
        starts = [when for _, when in earlier] + [entered]
        incident = store.incident(station=station, district=district, priority=priority, status=STATUS_OF[stage],
                                  received_at=starts[0])
        for (before, when), ended in zip(earlier, starts[1:], strict=True):
            store.deadline(incident, before, priority, limit(before, priority), when, station=station,
                           district=district, ended_at=ended, swept_at=swept_at)
        store.deadline(incident, stage, priority, limit(stage, priority), entered, station=station,
                       district=district, ended_at=None, swept_at=swept_at)
    for i in range(OPEN, len(priorities)):
        priority, (station, district) = int(priorities[i]), stations[places[i]]
        recent = i < OPEN + RECENT_CLOSED
        closed = now - timedelta(seconds=float(rng.uniform(0, 1.5 * limit("callback", priority))) if recent
                                 else float(rng.uniform(7, 365)) * 86400)
        arrived = closed - timedelta(seconds=float(rng.uniform(0.2, 1.2)) * limit("handling", priority))
        sent = arrived - timedelta(seconds=float(rng.uniform(0.2, 1.2)) * limit("arrival", priority))
        received = sent - timedelta(seconds=float(rng.uniform(0.2, 1.2)) * limit("dispatch", priority))
        incident = store.incident(station=station, district=district, priority=priority, status="closed",
                                  received_at=received, closed_at=closed)
        steps: list[tuple[str, datetime, datetime | None]] = [
            ("dispatch", received, sent), ("arrival", sent, arrived), ("handling", arrived, closed),
            ("feedback", closed, closed + timedelta(hours=2)),
            ("callback", closed, None if recent else closed + timedelta(days=2))]
        for stage, entered, finished in steps:
            store.deadline(incident, stage, priority, limit(stage, priority), entered, station=station,
                           district=district, ended_at=finished, swept_at=swept_at)
    return store


OPEN_DIRECTIVES = 2_000
DIRECTIVE_STATUSES = ("issued", "signed_for", "in_progress", "reported")
DIRECTIVE_ESCALATE_S = 1800.0  # the directive sweep's default escalate_after_s


def seed_extra(url: str, now: datetime, rng: np.random.Generator, stations: list[tuple[int, int]],
               ) -> dict[str, Any]:
    """Add 2,000 open directives to the stations, as the directive sweep 15 s ago left them.

    Deadlines run from two hours ago to a day ahead; the overdue ones are marked and escalated once.
    """
    from sqlalchemy import insert, text

    from precinct.app import session_factory
    from precinct.core.db import make_engine
    from precinct.directives.models import Directive

    swept_at = now - timedelta(seconds=SWEPT_AGO_S)
    rows = []
    for i in range(OPEN_DIRECTIVES):
        station, district = stations[int(rng.integers(len(stations)))]
        deadline = now + timedelta(seconds=float(rng.uniform(-2 * 3600, 24 * 3600)))
        overdue = deadline <= swept_at
        # as the sweep every 15 s left it: breached at the deadline, one level up per half hour since
        climbs = min(int((swept_at - deadline).total_seconds() // DIRECTIVE_ESCALATE_S), 2) if overdue else 0
        rows.append({
            "id": i + 1, "kind": "patrol", "status": str(rng.choice(DIRECTIVE_STATUSES)), "title": f"bench {i}",
            "text": "bench", "deadline": deadline, "issued_by": "bench", "issued_at": deadline - timedelta(hours=26),
            "issuer_org_unit_id": 1, "target_org_unit_id": station, "station_id": station, "district_id": district,
            "overdue_at": deadline if overdue else None, "escalation_level": 1 + climbs if overdue else 0,
            "escalated_at": deadline + timedelta(seconds=climbs * DIRECTIVE_ESCALATE_S) if overdue else None,
            "updated_at": now, "version": 1})
    engine = make_engine(url)
    with session_factory(engine)() as session:
        session.execute(insert(Directive), rows)
        session.execute(text("SELECT setval(pg_get_serial_sequence('directives', 'id'), (SELECT max(id) "
                             "FROM directives))"))
        session.commit()
    engine.dispose()
    return {"open_directives": OPEN_DIRECTIVES, "overdue_directives": sum(r["overdue_at"] is not None for r in rows)}


def seed(url: str, now: datetime, rng: np.random.Generator) -> tuple[dict[str, Any], int]:
    """Migrate and load the city and the store; return its figures and the busiest station's id."""
    from sqlalchemy import insert, text

    from precinct.app import session_factory
    from precinct.core import migrate
    from precinct.core.db import make_engine
    from precinct.incidents import service as incident_service
    from precinct.incidents.models import Incident
    from precinct.org.models import OrgUnit
    from precinct.supervision.models import DeadlineBreach, IncidentDeadline

    migrate.upgrade(url)
    units = [{"id": 1, "code": "C", "name_zh": "市局", "name_en": "City", "tier": "city", "parent_id": None}]
    stations = []
    for d in range(DISTRICTS):
        district = 2 + d
        units.append({"id": district, "code": f"D{d}", "name_zh": f"分局{d}", "name_en": f"District {d}",
                      "tier": "district", "parent_id": 1})
        for s in range(STATIONS_PER_DISTRICT):
            station = 100 + d * STATIONS_PER_DISTRICT + s
            units.append({"id": station, "code": f"S{d}-{s}", "name_zh": f"派出所{d}-{s}",
                          "name_en": f"Station {d}-{s}", "tier": "station", "parent_id": district})
            stations.append((station, district))
    store = build(now, stations, rng)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        incident_service.load_default_types(session)
        session.execute(insert(OrgUnit), units)
        for model, rows in ((Incident, store.incidents), (IncidentDeadline, store.deadlines),
                            (DeadlineBreach, store.breaches)):
            for start in range(0, len(rows), 20_000):
                session.execute(insert(model), rows[start:start + 20_000])
        for table in ("incidents", "incident_deadlines", "deadline_breaches"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) "
                                 f"FROM {table}))"))
        session.commit()
    figures = {"open_incidents": OPEN, "closed_incidents": RECENT_CLOSED + HISTORY,
               "deadlines": len(store.deadlines),
               "open_deadlines": sum(d["ended_at"] is None for d in store.deadlines),
               "breaches_before": len(store.breaches)} | seed_extra(url, now, rng, stations)
    with engine.connect() as conn:  # statistics for the freshly loaded tables, as autovacuum would gather
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()
    busiest = max({s for s, _ in stations}, key=lambda s: sum(
        1 for row in store.incidents[:OPEN] if row["station_id"] == s))
    return figures, busiest


def measure_board(factory: sessionmaker[Session], station: int, now: datetime, prefix: str) -> dict[str, Any]:
    """Time the station's board, each call in a session of its own."""
    from precinct.core.permissions import Role
    from precinct.core.security import Actor
    from precinct.supervision import service

    actor = Actor(username="bench", role=Role.DISPATCHER, org_unit_id=station)
    samples, rows, red = [], 0, 0
    for run in range(BOARD_RUNS + 20):
        started = time.perf_counter()
        with factory() as session:
            board = service.board(session, actor, now=now)
            session.rollback()
        if run >= 20:  # the first ones warm the caches
            samples.append(time.perf_counter() - started)
        rows, red = len(board.items), board.red
    return {f"{prefix}_p50_ms": percentile_ms(samples, 50), f"{prefix}_p99_ms": percentile_ms(samples, 99),
            f"{prefix}_rows": rows, f"{prefix}_red": red}


def measure_directives(factory: sessionmaker[Session], station: int, now: datetime) -> dict[str, Any]:
    """Time the station's overdue directives (``GET /directives/overdue``'s query) and the directive sweep."""
    from precinct.core.permissions import Role
    from precinct.core.security import Actor
    from precinct.directives import service, sweep

    actor = Actor(username="bench", role=Role.SUPERVISOR, org_unit_id=station)
    board, total = [], 0
    for run in range(BOARD_RUNS + 20):
        started = time.perf_counter()
        with factory() as session:
            _, total = service.list_(session, service.DirectiveFilter(overdue=True), actor=actor, page_size=200,
                                     now=now)
            session.rollback()
        if run >= 20:
            board.append(time.perf_counter() - started)
    swept, result = [], None
    for _ in range(SWEEP_RUNS):
        with factory() as session:
            started = time.perf_counter()
            result = sweep.sweep(session, now=now)
            swept.append(time.perf_counter() - started)
            session.rollback()
    return {"directive_board_p50_ms": percentile_ms(board, 50), "directive_board_p99_ms": percentile_ms(board, 99),
            "directive_board_rows": total, "directive_sweep_p50_ms": percentile_ms(swept, 50),
            "directive_sweep_max_ms": max(swept) * 1000,
            "directive_sweep_breaches": len(result.breached) if result else 0,
            "directive_sweep_escalations": len(result.escalated) if result else 0}


def full_sweep_work(session: Session, now: datetime) -> tuple[list[Any], list[Any]]:
    """Select the baseline's work: every open deadline and every breach read, the due ones picked in Python."""
    from sqlalchemy import select

    from precinct.supervision.models import DeadlineBreach, IncidentDeadline

    recorded = set(session.scalars(select(DeadlineBreach.deadline_id)))
    open_ = session.scalars(select(IncidentDeadline).where(IncidentDeadline.ended_at.is_(None))).all()
    due = [d for d in open_ if d.deadline_at <= now and d.id not in recorded]
    rising = [d for d in open_ if d.next_escalation_at is not None and d.next_escalation_at <= now]
    return due, rising


def measure_sweep(factory: sessionmaker[Session], now: datetime, *, prefix: str, full: bool = False,
                  runs: int = SWEEP_RUNS) -> dict[str, Any]:
    """Time a sweep at ``now`` (rolled back after each run, so each finds the same work)."""
    from precinct.supervision import sweep

    samples, result = [], None
    for _ in range(runs):
        with factory() as session:
            started = time.perf_counter()
            if full:
                due, rising = full_sweep_work(session, now)
                result = sweep.apply(session, due, rising, now=now)
            else:
                result = sweep.sweep(session, now=now)
            samples.append(time.perf_counter() - started)
            session.rollback()
    assert result is not None
    return {f"{prefix}_p50_ms": percentile_ms(samples, 50), f"{prefix}_max_ms": max(samples) * 1000,
            f"{prefix}_breaches": result.breached, f"{prefix}_escalations": result.escalated - result.breached}


def measure_committed_sweep(factory: sessionmaker[Session], now: datetime) -> dict[str, Any]:
    """Time one sweep with its commit (audit, live events by NOTIFY); the store keeps its writes."""
    from precinct.supervision import sweep

    with factory() as session:
        started = time.perf_counter()
        sweep.sweep(session, now=now)
        session.commit()
        return {"sweep_committed_ms": (time.perf_counter() - started) * 1000}


def set_board_indexes(url: str, *, present: bool) -> None:
    """Drop the board's partial indexes, or create them again as the migration does."""
    from sqlalchemy import text

    from precinct.core.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        for name in BOARD_INDEXES:
            if present:
                columns = {"ix_incident_deadlines_open_station": "station_id, warn_at",
                           "ix_incident_deadlines_open_district": "district_id, warn_at",
                           "ix_incident_deadlines_open_warn": "warn_at"}[name]
                conn.execute(text(f"CREATE INDEX {name} ON incident_deadlines ({columns}) WHERE ended_at IS NULL"))
            else:
                conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(text("ANALYZE incident_deadlines"))
        conn.commit()
    engine.dispose()


def main() -> None:
    """Seed a scratch database, run the measurements and print the JSON."""
    from precinct.app import session_factory
    from precinct.core.db import make_engine

    rng = np.random.default_rng(20261202)
    started = time.monotonic()
    load_at_start = round(os.getloadavg()[0], 2)
    now = datetime.now(UTC).replace(microsecond=0)
    url, handle = scratch_database()
    try:
        log(f"seeding {OPEN:,} open and {RECENT_CLOSED + HISTORY:,} closed incidents…")
        result: dict[str, Any] = {"database": "postgresql", "cpu_count": os.cpu_count()}
        figures, station = seed(url, now, rng)
        result |= figures | {"station_id": station}
        engine = make_engine(url)
        factory = session_factory(engine)
        log("overdue board…")
        result |= measure_board(factory, station, now, "board")
        log("overdue directives and their sweep…")
        result |= measure_directives(factory, station, now)
        log("incremental sweep…")
        result |= measure_sweep(factory, now, prefix="sweep")
        result |= measure_sweep(factory, now + timedelta(seconds=CATCH_UP_S), prefix="catch_up", runs=10)
        log("full sweep (baseline)…")
        result |= measure_sweep(factory, now, prefix="baseline_sweep", full=True, runs=BASELINE_SWEEP_RUNS)
        result |= measure_committed_sweep(factory, now)
        engine.dispose()
        log("overdue board without its indexes (baseline)…")
        set_board_indexes(url, present=False)
        engine = make_engine(url)
        result |= measure_board(session_factory(engine), station, now, "baseline_board")
        engine.dispose()
        set_board_indexes(url, present=True)
    finally:
        drop_database(handle)
    assert result["sweep_breaches"] == result["baseline_sweep_breaches"], "the two sweeps found different work"
    result["board_speedup_p99"] = result["baseline_board_p99_ms"] / result["board_p99_ms"]
    result["sweep_speedup_p50"] = result["baseline_sweep_p50_ms"] / result["sweep_p50_ms"]
    result["goals"] = {"board_p99_ms": 50.0, "sweep_max_ms": 200.0, "sweep_committed_ms": 200.0,
                       "directive_board_p99_ms": 50.0, "directive_sweep_max_ms": 200.0}
    result["met"] = {name: result[name] <= goal for name, goal in result["goals"].items()}
    result["load_average"] = {"start": load_at_start, "end": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    result["seconds"] = time.monotonic() - started
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}, indent=1))


if __name__ == "__main__":
    main()
