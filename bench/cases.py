"""Cases benchmark: recomputing every legal deadline of 100,000 open cases, and a station's overdue board.

    .venv/bin/python bench/cases.py         # or: precinct bench cases

Runs against a scratch PostgreSQL database (PRECINCT_BENCH_DATABASE_URL, default the test server)
created and dropped by the run. The city: 4 district branches of 5 stations each. The store:
100,000 open cases received during the last 60 days (60 % administrative, 40 % criminal); each
administrative case has its 30-day limit, each criminal one its decision-to-open limit, and 30 %
of the criminal ones a detention with its three limits; 20 % of the administrative cases have a
closed expert-examination pause and 5 % an open one; 10 % of the deadlines are extended. Their
times are as the service computed them, except one deadline in ten (:data:`STALE_EVERY`), stored
an hour late, so that a recomputation has that many to write back.

Measured, with a baseline in the same run:

- ``recompute_all_ms``: :func:`precinct.cases.deadlines.recompute_all` over every open deadline
  (bulk reads of the deadlines, rules and pauses, the computation, the writes of the stale tenth),
  in one transaction with its commit; the stale tenth is put back (and the table vacuumed, as
  autovacuum would) before each of three runs, the best kept (``recompute_runs_ms`` lists them,
  ``recompute_cpu_s`` is the benchmark process's own CPU time in the best run and
  ``recompute_server_cpu_s`` that of its PostgreSQL backend, ``null`` unless the server runs on
  this machine); baseline
  ``baseline_recompute_ms``: the per-case path (:func:`recompute_case`, what a pause or an
  extension runs) on 2,000 cases, scaled to all of them.
- ``board_p99_ms``: :func:`precinct.cases.board.board` for the busiest station (what
  ``GET /api/v1/cases/overdue`` runs), each call in a session of its own (``board_cpu_ms``: the
  benchmark process's CPU time per call); baseline ``baseline_board_p99_ms``: the same after
  dropping the board's partial indexes.

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
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the dispatch benchmark's scratch-database helpers

from dispatch import drop_database, log, percentile_ms, scratch_database

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

CASES, DISTRICTS, STATIONS_PER_DISTRICT = 100_000, 4, 5
BOARD_RUNS, BASELINE_CASES, RECOMPUTE_RUNS = 300, 2_000, 3
STALE_EVERY = 10  # one deadline in ten stored an hour late: the recomputation's writes
ZONE = ZoneInfo("Asia/Shanghai")
BOARD_INDEXES = ("ix_case_deadlines_open_station_due", "ix_case_deadlines_open_warn")
GOALS = {"recompute_all_ms": 2000, "board_p99_ms": 50}
STALE_SQL = (f"UPDATE case_deadlines SET due_at = due_at + interval '1 hour', warn_at = warn_at + interval '1 hour' "
             f"WHERE id % {STALE_EVERY} = 0 AND due_at IS NOT NULL")


def _stations() -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    units: list[dict[str, Any]] = [{"id": 1, "code": "C", "name_zh": "市局", "name_en": "City", "tier": "city",
                                    "parent_id": None}]
    stations = []
    for d in range(DISTRICTS):
        district = 2 + d
        units.append({"id": district, "code": f"D{d}", "name_zh": f"分局{d}", "name_en": f"District {d}",
                      "tier": "district", "parent_id": 1})
        for s in range(STATIONS_PER_DISTRICT):
            station = 100 + d * STATIONS_PER_DISTRICT + s
            units.append({"id": station, "code": f"S{d}-{s}", "name_zh": f"所{d}-{s}", "name_en": f"Station {d}-{s}",
                          "tier": "station", "parent_id": district})
            stations.append((station, district))
    return units, stations


def build(now: datetime, rules: dict[str, Any], rng: np.random.Generator) -> dict[str, list[dict[str, Any]]]:
    """Return the rows of the cases, their deadlines (computed) and pauses."""
    from precinct.cases.clock import Pause, compute, working_calendar

    _, stations = _stations()
    calendar = working_calendar()
    cases: list[dict[str, Any]] = []
    deadlines: list[dict[str, Any]] = []
    pauses: list[dict[str, Any]] = []
    pick = rng.integers(0, len(stations), CASES)
    ages_s = rng.uniform(0, 60 * 86400, CASES)
    for n in range(CASES):
        station, district = stations[pick[n]]
        received = now - timedelta(seconds=float(ages_s[n]))
        administrative = n % 10 < 6
        case_id = n + 1
        cases.append({"id": case_id, "number": f"B-{case_id:06d}", "kind": "administrative" if administrative
                      else "criminal", "type_code": "XZ-OD" if administrative else "XS-DQ",
                      "status": "investigating" if administrative else "received", "summary": "bench",
                      "address": "", "station_id": station, "district_id": district, "received_at": received,
                      "created_by": "bench", "updated_at": received, "version": 1})
        case_pauses = []
        if administrative and rng.random() < 0.25:
            start = received + timedelta(days=float(rng.uniform(0, 5)))
            end = None if rng.random() < 0.2 or start + timedelta(days=3) > now else start + timedelta(days=3)
            case_pauses.append(Pause("expert_examination", start, end))
            pauses.append({"case_id": case_id, "kind": "expert_examination", "started_at": start, "ended_at": end,
                           "reason": "鉴定", "created_at": start, "created_by": "bench"})
        starts = [("administrative_case", received)] if administrative else [("open_decision", received)]
        if not administrative and rng.random() < 0.3:
            detained = received + timedelta(hours=float(rng.uniform(0, 12)))
            starts += [(code, detained) for code in ("detention_family_notice", "detention_interrogation",
                                                     "arrest_request")]
        for code, started in starts:
            rule = rules[code]
            extended = rule.extensions[0][0] if rule.extensions and rng.random() < 0.1 else None
            result = compute(rule.terms, started, zone=ZONE, extended_to=extended, pauses=case_pauses,
                             calendar=calendar)
            deadline_id = len(deadlines) + 1
            due, warn = result.due_at, result.warn_at
            if deadline_id % STALE_EVERY == 0 and due is not None and warn is not None:  # as STALE_SQL
                due, warn = due + timedelta(hours=1), warn + timedelta(hours=1)
            deadlines.append({"id": deadline_id, "case_id": case_id, "rule_id": rule.id, "rule_code": code,
                              "started_at": started, "extended_to": extended, "due_at": due, "warn_at": warn,
                              "station_id": station, "district_id": district})
    return {"cases": cases, "deadlines": deadlines, "pauses": pauses}


def seed(url: str, now: datetime, rng: np.random.Generator) -> tuple[dict[str, Any], int]:
    """Migrate and load the city and the cases; return the figures and the busiest station's id."""
    from sqlalchemy import insert, text

    from precinct.app import session_factory
    from precinct.cases import rules as rule_table
    from precinct.cases.limit_models import CaseDeadline, CasePause
    from precinct.cases.models import Case
    from precinct.core import migrate
    from precinct.core.db import make_engine
    from precinct.org.models import OrgUnit

    migrate.upgrade(url)
    units, _stations_of = _stations()
    engine = make_engine(url)
    with session_factory(engine)() as session:
        rules = rule_table.current(session).rules
        rows = build(now, rules, rng)
        session.execute(insert(OrgUnit), units)
        for model, key in ((Case, "cases"), (CaseDeadline, "deadlines"), (CasePause, "pauses")):
            for start in range(0, len(rows[key]), 20_000):
                session.execute(insert(model), rows[key][start:start + 20_000])
        for table in ("cases", "case_deadlines"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
        session.commit()
    vacuum(engine)
    engine.dispose()
    counts: dict[int, int] = {}
    for row in rows["deadlines"]:
        if row["warn_at"] is not None and row["warn_at"] <= now:
            counts[row["station_id"]] = counts.get(row["station_id"], 0) + 1
    figures = {"open_cases": CASES, "open_deadlines": len(rows["deadlines"]), "pauses": len(rows["pauses"]),
               "extended": sum(r["extended_to"] is not None for r in rows["deadlines"])}
    return figures, max(counts, key=lambda s: counts[s])


def vacuum(engine: Engine) -> None:
    """Vacuum and analyse the tables (what autovacuum does after a bulk load or a bulk update)."""
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def server_cpu_s(backend_pid: int) -> float | None:
    """Return the CPU time of a PostgreSQL backend so far, when the server runs on this machine (else ``None``)."""
    try:
        with open(f"/proc/{backend_pid}/schedstat") as stats:
            return int(stats.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def measure_recompute(engine: Engine, factory: sessionmaker[Session]) -> dict[str, Any]:
    """Time the bulk recomputation (three runs, each after the stale tenth is put back) and the per-case baseline."""
    from sqlalchemy import select, text

    from precinct.cases import deadlines
    from precinct.cases.models import Case

    runs, cpu, server_cpu, result = [], [], [], None
    for run in range(RECOMPUTE_RUNS):
        if run:  # the first run finds the seeded stale tenth
            with engine.begin() as conn:
                conn.execute(text(STALE_SQL))
            vacuum(engine)
        with factory() as session:
            started, started_cpu = time.perf_counter(), time.process_time()
            backend = session.connection().connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
            started_server = server_cpu_s(backend)  # the checkout stays in the timed part, as before
            result = deadlines.recompute_all(session, zone=ZONE)
            session.commit()
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            ended_server = server_cpu_s(backend)
            server_cpu.append(None if started_server is None or ended_server is None
                              else ended_server - started_server)
    with engine.begin() as conn:  # the baseline writes the same stale tenth (of its sample), then rolls back
        conn.execute(text(STALE_SQL))
    vacuum(engine)
    with factory() as session:
        ids = list(session.scalars(select(Case.id).order_by(Case.id).limit(BASELINE_CASES)))
        started = time.perf_counter()
        for case_id in ids:
            deadlines.recompute_case(session, case_id, zone=ZONE)
        elapsed = time.perf_counter() - started
        session.rollback()
    with factory() as session:  # back to computed times, vacuumed, for the board
        deadlines.recompute_all(session, zone=ZONE)
        session.commit()
    vacuum(engine)
    assert result is not None
    baseline_ms = elapsed * 1000 * CASES / len(ids)
    best = min(range(len(runs)), key=runs.__getitem__)
    best_ms, best_server = runs[best] * 1000, server_cpu[best]
    return {"recompute_all_ms": round(best_ms, 1), "recompute_runs_ms": [round(r * 1000, 1) for r in runs],
            "recompute_cpu_s": round(cpu[best], 2),
            "recompute_server_cpu_s": None if best_server is None else round(best_server, 2),
            "recomputed_deadlines": result.computed,
            "recompute_changed": result.changed, "baseline_recompute_ms": round(baseline_ms, 1),
            "recompute_speedup": round(baseline_ms / best_ms, 1)}


def measure_board(factory: sessionmaker[Session], station: int, now: datetime, prefix: str) -> dict[str, Any]:
    """Time the station's overdue board, each call in a session of its own."""
    from precinct.cases import board
    from precinct.core.permissions import Role
    from precinct.core.security import Actor

    actor = Actor(username="bench", role=Role.SUPERVISOR, org_unit_id=station)
    samples, cpu, rows, red = [], 0.0, 0, 0
    for run in range(BOARD_RUNS + 20):
        started, started_cpu = time.perf_counter(), time.process_time()
        with factory() as session:
            found = board.board(session, actor, now=now)
            session.rollback()
        if run >= 20:
            samples.append(time.perf_counter() - started)
            cpu += time.process_time() - started_cpu
        rows, red = len(found.rows), found.red
    return {f"{prefix}_p50_ms": round(percentile_ms(samples, 50), 2),
            f"{prefix}_p99_ms": round(percentile_ms(samples, 99), 2),
            f"{prefix}_cpu_ms": round(cpu * 1000 / len(samples), 2), f"{prefix}_rows": rows, f"{prefix}_red": red}


def main() -> None:
    """Seed, measure, print the JSON."""
    from sqlalchemy import text

    from precinct.app import session_factory
    from precinct.core.db import make_engine

    rng = np.random.default_rng(14)
    now = datetime.now(UTC)
    load_at_start = round(os.getloadavg()[0], 2)
    url, handle = scratch_database()
    try:
        log("seeding 100,000 open cases ...")
        figures, station = seed(url, now, rng)
        engine = make_engine(url)
        factory = session_factory(engine)
        log("recomputing every deadline ...")
        result: dict[str, Any] = {"benchmark": "cases", **figures, **measure_recompute(engine, factory)}
        log("the overdue board ...")
        result |= measure_board(factory, station, now, "board")
        with engine.begin() as conn:
            for index in BOARD_INDEXES:
                conn.execute(text(f"DROP INDEX {index}"))
            conn.execute(text("ANALYZE case_deadlines"))
        result |= measure_board(factory, station, now, "baseline_board")
        result["board_ratio"] = round(result["baseline_board_p99_ms"] / result["board_p99_ms"], 1)
        result["goals"] = GOALS
        result["met"] = {name: result[name] <= goal for name, goal in GOALS.items()}
        result["load_average"] = {"start": load_at_start, "end": round(os.getloadavg()[0], 2),
                                  "cpus": os.cpu_count()}
        engine.dispose()
    finally:
        drop_database(handle)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
