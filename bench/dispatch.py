"""Dispatch benchmark: recommendation latency, HTTP intake throughput, position updates.

    .venv/bin/python bench/dispatch.py            # or: precinct bench dispatch --json

Runs on the Wuhan demo roads with 1,000 units and 10,000 calls at random road points, against a
scratch PostgreSQL database (PRECINCT_BENCH_DATABASE_URL, default the test server) created and
dropped by the run. Prints one JSON object. Baseline in the same run: networkx Dijkstra from the
incident's nearest node to the same candidates (networkx's pure-Python heap). Intake is measured
twice: alone, and (``intake_with_positions_*``) while an AVL feed reports every unit every 30 s,
which is what a command centre's server sees (each position batch drops the per-process unit
snapshot that ranking reads).

The HTTP load comes from ``wrk`` (C, with a Lua script that varies the call's location) when it is
installed (``bash scripts/bench-deps.sh``), since a Python load generator on the same two cores
takes a large share of them; otherwise from httpx, and ``load_generator`` says which.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sqlalchemy import Engine

BENCH_URL = os.environ.get("PRECINCT_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
UNITS, CALLS = 1000, 10_000
RECOMMEND_FULL_CALLS = 1000
BASELINE_CALLS = 100
INTAKE_SECONDS = 15.0
INTAKE_CONCURRENCY = 24
SERVER_WORKERS = 2
POSITION_BATCH, POSITION_BATCHES = 500, 40


def log(message: str) -> None:
    """Print a progress line to stderr (stdout carries the JSON)."""
    print(message, file=sys.stderr, flush=True)


def percentile_ms(samples: list[float], q: float) -> float:
    """Return the ``q``-th percentile of ``samples`` (seconds) in milliseconds."""
    return float(np.percentile(np.array(samples) * 1000, q))


def scratch_database() -> tuple[str, tuple[Engine, str]]:
    """Create a scratch database on the bench server; return its URL and the handle that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"precinct_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(BENCH_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(BENCH_URL).set(database=name).render_as_string(hide_password=False), (admin, name)


def drop_database(handle: tuple[Engine, str]) -> None:
    """Drop the scratch database of :func:`scratch_database`."""
    from sqlalchemy import text

    admin, name = handle
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed(url: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Migrate, load the types, 1,000 available units and 10,000 calls at random road points."""
    from sqlalchemy import insert, text

    from precinct.app import session_factory
    from precinct.core import migrate
    from precinct.core.db import make_engine
    from precinct.demo.calls import road_points
    from precinct.incidents import service as incident_service
    from precinct.incidents.models import Incident
    from precinct.units.models import Unit

    migrate.upgrade(url)
    points = road_points()
    picks = rng.choice(len(points.lon), size=UNITS + CALLS, replace=False)
    lon, lat = points.lon[picks], points.lat[picks]
    now = datetime.now(UTC)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        incident_service.load_default_types(session)
        session.execute(insert(Unit), [
            {"call_sign": f"B-{i:04d}", "unit_type": "patrol_car", "status": "available", "status_at": now,
             "lon": float(lon[i]), "lat": float(lat[i]), "position_at": now, "simulated": True, "version": 1}
            for i in range(UNITS)])
        session.execute(insert(Incident), [
            {"source": "phone_110", "type_code": "theft", "priority": 3, "status": "received", "description": "bench",
             "address": "", "lon": float(lon[UNITS + j]), "lat": float(lat[UNITS + j]), "received_at": now,
             "simulated": True, "created_by": "bench", "updated_at": now, "version": 1}
            for j in range(CALLS)])
        session.commit()
    with engine.connect() as conn:  # statistics for the freshly loaded tables, as autovacuum would gather
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()
    return lon[UNITS:], lat[UNITS:]


def measure_recommendations(url: str) -> dict[str, Any]:
    """Time unit recommendations in process (snapshot, ranking by road), as the intake answer runs them."""
    from sqlalchemy import select

    from precinct.app import session_factory
    from precinct.core.db import make_engine
    from precinct.core.settings import BUNDLED_ROADS
    from precinct.dispatch import service
    from precinct.incidents.models import Incident
    from precinct.roads.graph import road_graph

    graph = road_graph(BUNDLED_ROADS)
    engine = make_engine(url)
    factory = session_factory(engine)
    with factory() as session:
        ids = list(session.scalars(select(Incident.id).order_by(Incident.id)))
        service.recommend(session, ids[0], graph=graph)  # warm caches
        cached = []  # the API path: the per-process unit snapshot, dropped whenever a unit changes
        for incident_id in ids:
            started = time.perf_counter()
            result = service.recommend(session, incident_id, graph=graph)
            cached.append(time.perf_counter() - started)
            assert result.items, incident_id
        fresh = []  # reading all 1,000 units from PostgreSQL on every call
        for incident_id in ids[:RECOMMEND_FULL_CALLS]:
            started = time.perf_counter()
            service.recommend(session, incident_id, graph=graph, units=service.unit_snapshot(session))
            fresh.append(time.perf_counter() - started)
    engine.dispose()
    return {"recommend_p50_ms": percentile_ms(cached, 50), "recommend_p99_ms": percentile_ms(cached, 99),
            "recommend_calls": len(cached),
            "recommend_reading_units_p50_ms": percentile_ms(fresh, 50),
            "recommend_reading_units_p99_ms": percentile_ms(fresh, 99)}


def measure_baseline(call_lon: np.ndarray, call_lat: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """networkx: nearest-node snapping by KD-tree, then single-source Dijkstra to the 20 candidates."""
    import networkx as nx
    import pyarrow.parquet as pq
    import shapely
    from pyproj import Transformer
    from scipy.spatial import cKDTree

    from precinct.core.settings import BUNDLED_ROADS
    from precinct.demo.calls import road_points
    from precinct.geo import SpeedProfile

    table = pq.read_table(BUNDLED_ROADS, columns=["u", "v", "highway", "geometry"])
    lines = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    speeds = SpeedProfile()
    speed_kph = np.array([speeds.class_speed_kph(h) for h in table.column("highway").to_pylist()])
    seconds = shapely.length(lines) / (speed_kph / 3.6)
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(table.column("u").to_pylist(), table.column("v").to_pylist(), seconds.tolist(),
                                      strict=True))
    starts = shapely.get_coordinates(shapely.get_point(lines, 0))
    ends = shapely.get_coordinates(shapely.get_point(lines, -1))
    node_ids = np.concatenate([table.column("u").to_numpy(), table.column("v").to_numpy()])
    tree = cKDTree(np.concatenate([starts, ends]))
    to_m = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)
    points = road_points()
    unit_idx = rng.choice(len(points.lon), size=UNITS, replace=False)
    unit_x, unit_y = to_m.transform(points.lon[unit_idx], points.lat[unit_idx])
    unit_nodes = node_ids[tree.query(np.column_stack([unit_x, unit_y]))[1]]
    samples = []
    for j in range(BASELINE_CALLS):
        started = time.perf_counter()
        x, y = to_m.transform(call_lon[j], call_lat[j])
        source = node_ids[tree.query([x, y])[1]]
        nearest = np.argsort((unit_x - x) ** 2 + (unit_y - y) ** 2)[:20]
        lengths = nx.single_source_dijkstra_path_length(graph, source, weight="weight")
        _ = [lengths.get(unit_nodes[k], np.inf) for k in nearest]
        samples.append(time.perf_counter() - started)
    return {"baseline_recommend_p50_ms": percentile_ms(samples, 50),
            "baseline_recommend_p99_ms": percentile_ms(samples, 99),
            "baseline_calls": BASELINE_CALLS, "baseline": "networkx single_source_dijkstra + KD-tree snapping"}


def measure_group_commit(url: str, call_lon: np.ndarray, call_lat: np.ndarray) -> dict[str, Any]:
    """Measure the CPU of storing one call alone and in the intake writer's batches of 8 and 32.

    One call is insert, event, audit, NOTIFY, commit; the batches show what group commit saves
    under a surge.
    """
    from precinct.app import session_factory
    from precinct.core.db import make_engine
    from precinct.core.permissions import Role
    from precinct.core.security import Actor
    from precinct.dispatch.intake import GroupCommit
    from precinct.incidents.models import IncidentSource
    from precinct.incidents.schemas import IncidentCreate

    engine = make_engine(url)
    writer = GroupCommit(session_factory(engine))
    actor = Actor(username="bench", role=Role.DISPATCHER, ip=None)
    calls = iter([IncidentCreate(source=IncidentSource.PHONE_110, type_code="theft", lon=float(x), lat=float(y))
                  for x, y in zip(call_lon[:3000], call_lat[:3000], strict=True)])
    for _ in range(20):
        writer.create(next(calls), actor=actor)
    result = {}
    for batch in (1, 8, 32):
        n = 320
        started = time.process_time()
        for _ in range(n // batch):
            pending = [writer.submit(next(calls), actor=actor) for _ in range(batch)]
            writer.start()
            for p in pending:
                p.result()
        result[f"store_cpu_ms_per_call_batch_{batch}"] = (time.process_time() - started) / n * 1000
    writer.stop()
    engine.dispose()
    return result


def free_port() -> int:
    """Return a free local TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def measure_http(url: str, call_lon: np.ndarray, call_lat: np.ndarray) -> dict[str, Any]:
    """Serve the API with uvicorn and measure intake throughput and latency, alone and under an AVL feed."""
    import asyncio

    import httpx

    env = {**os.environ, "PRECINCT_DATABASE_URL": url, "PRECINCT_ENVIRONMENT": "development"}
    subprocess.run([sys.executable, "-m", "precinct.cli.main", "user", "add", "bench", "--role", "dispatcher"],
                   input="kestrel-harbour-lantern-42\n", text=True, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "precinct.app:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(SERVER_WORKERS), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        token = httpx.post(f"{base}/auth/token",
                           data={"username": "bench", "password": "kestrel-harbour-lantern-42"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(20):  # warm both workers (graph load, caches)
            httpx.post(f"{base}/intake", headers=headers, timeout=60,
                       json={"source": "phone_110", "type_code": "theft", "lon": float(call_lon[0]),
                             "lat": float(call_lat[0])})

        async def intake() -> tuple[int, int, list[float]]:
            ok = failed = 0
            latencies: list[float] = []
            stop_at = time.monotonic() + INTAKE_SECONDS
            async with httpx.AsyncClient(headers=headers, timeout=30) as client:
                async def worker(offset: int) -> None:
                    nonlocal ok, failed
                    i = offset
                    while time.monotonic() < stop_at:
                        started = time.perf_counter()
                        response = await client.post(f"{base}/intake", json={
                            "source": "phone_110", "type_code": "theft",
                            "lon": float(call_lon[i % len(call_lon)]), "lat": float(call_lat[i % len(call_lat)])})
                        latencies.append(time.perf_counter() - started)
                        ok, failed = (ok + 1, failed) if response.status_code == 201 else (ok, failed + 1)
                        i += INTAKE_CONCURRENCY
                await asyncio.gather(*(worker(k) for k in range(INTAKE_CONCURRENCY)))
            return ok, failed, latencies

        if shutil.which("wrk"):
            intake_result = intake_with_wrk(f"http://127.0.0.1:{port}", token, call_lon, call_lat)
            with position_feed(base, headers) as fed:  # the same load while every unit reports every 30 s
                during = intake_with_wrk(f"http://127.0.0.1:{port}", token, call_lon, call_lat)
            intake_result.update({"intake_with_positions_per_s": during["intake_per_s"],
                                  "intake_with_positions_p99_ms": during["intake_p99_ms"],
                                  "intake_with_positions_failed": during["intake_failed"],
                                  "positions_fed_per_s": fed["per_s"]})
        else:
            started = time.monotonic()
            ok, failed, latencies = asyncio.run(intake())
            elapsed = time.monotonic() - started
            intake_result = {"intake_per_s": ok / elapsed, "intake_ok": ok, "intake_failed": failed,
                             "intake_p50_ms": percentile_ms(latencies, 50),
                             "intake_p99_ms": percentile_ms(latencies, 99),
                             "load_generator": "httpx (Python, same machine)"}
        units = httpx.get(f"{base}/units", headers=headers).json()
        unit_ids = [u["id"] for u in units]
        rng = np.random.default_rng(5)
        at = datetime.now(UTC)
        batches = []
        for b in range(POSITION_BATCHES):
            ids = rng.choice(unit_ids, size=POSITION_BATCH)
            batches.append({"reports": [
                {"unit_id": int(uid), "lon": 114.3 + float(rng.normal(0, 0.01)),
                 "lat": 30.58 + float(rng.normal(0, 0.01)), "at": (at + timedelta(seconds=b)).isoformat()}
                for uid in ids]})

        async def positions() -> int:
            async with httpx.AsyncClient(headers=headers, timeout=60) as client:
                sem = asyncio.Semaphore(4)

                async def send(batch: dict[str, Any]) -> int:
                    async with sem:
                        response = await client.post(f"{base}/unit-positions", json=batch)
                        return response.json()["recorded"] if response.status_code == 200 else 0
                return sum(await asyncio.gather(*(send(b) for b in batches)))

        started = time.monotonic()
        recorded = asyncio.run(positions())
        position_elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
    return {**intake_result, "intake_concurrency": INTAKE_CONCURRENCY, "server_workers": SERVER_WORKERS,
            "position_updates_per_s": recorded / position_elapsed, "position_batch": POSITION_BATCH,
            "positions_recorded": recorded}


@contextlib.contextmanager
def position_feed(base: str, headers: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Run an AVL gateway in a thread: every second, positions of 1/30 of the units, as one batch.

    Each unit reports every 30 s. Yields a dict that holds the reports per second sent once it ends.
    """
    import threading

    import httpx

    units = {u["id"]: (u["lon"], u["lat"]) for u in httpx.get(f"{base}/units", headers=headers).json()}
    ids = np.random.default_rng(9).permutation(list(units))  # in turn: each unit once every 30 batches
    per_batch = max(1, len(ids) // 30)
    stop, sent = threading.Event(), [0]
    result: dict[str, Any] = {}

    def feed() -> None:
        rng = np.random.default_rng(9)
        turn = 0
        with httpx.Client(headers=headers, timeout=30) as client:
            while not stop.is_set():
                at = datetime.now(UTC).isoformat()
                reporting = np.take(ids, np.arange(turn, turn + per_batch), mode="wrap")
                turn += per_batch
                batch = [{"unit_id": int(u), "lon": units[u][0] + float(rng.normal(0, 0.001)),  # ~100 m moves
                          "lat": units[u][1] + float(rng.normal(0, 0.001)), "at": at} for u in reporting]
                if client.post(f"{base}/unit-positions", json={"reports": batch}).status_code == 200:
                    sent[0] += per_batch
                stop.wait(1.0)

    thread = threading.Thread(target=feed, name="bench-avl", daemon=True)
    started = time.monotonic()
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join(30)
        result["per_s"] = sent[0] / (time.monotonic() - started)


WRK_SCRIPT = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  i = id * 7919
  created = 0
  other = 0
end
function request()
  i = i + 1
  local p = points[(i % #points) + 1]
  local body = string.format('{"source":"phone_110","type_code":"theft","lon":%.7f,"lat":%.7f}', p[1], p[2])
  return wrk.format("POST", "/api/v1/intake", headers, body)
end
function response(status, hdrs, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("WRKRESULT %d %d %.3f %.3f %.3f\\n", c, o, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.duration / 1e6))
end
"""


def intake_with_wrk(base: str, token: str, call_lon: np.ndarray, call_lat: np.ndarray) -> dict[str, Any]:
    """POST /intake for INTAKE_SECONDS from wrk (one thread, INTAKE_CONCURRENCY connections)."""
    import tempfile

    points = ",".join(f"{{{lon:.7f},{lat:.7f}}}" for lon, lat in zip(call_lon, call_lat, strict=True))
    script = (f"points = {{{points}}}\n"
              f'headers = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {token}"}}\n'
              + WRK_SCRIPT)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        def run(seconds: float) -> str:
            command = ["wrk", "-t1", f"-c{INTAKE_CONCURRENCY}", f"-d{seconds:.0f}s", "-s", handle.name, base]
            return subprocess.run(command, capture_output=True, text=True, check=True).stdout
        run(3)  # warm-up: both workers past their first calls (and, on a second run, the feed started)
        output = run(INTAKE_SECONDS)
    finally:
        os.unlink(handle.name)
    match = re.search(r"WRKRESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", output)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    created, other = int(match[1]), int(match[2])
    seconds = float(match[5])
    return {"intake_per_s": created / seconds, "intake_ok": created, "intake_failed": other,
            "intake_p50_ms": float(match[3]), "intake_p99_ms": float(match[4]),
            "load_generator": "wrk (C, one thread, same machine)"}


def main() -> None:
    """Run every dispatch measurement on a scratch database and print the JSON."""
    rng = np.random.default_rng(20261122)
    started = time.monotonic()
    url, handle = scratch_database()
    try:
        log("seeding 1,000 units and 10,000 calls…")
        call_lon, call_lat = seed(url, rng)
        log("recommendations…")
        result = {"units": UNITS, "calls": CALLS, "database": "postgresql", "cpu_count": os.cpu_count()}
        result.update(measure_recommendations(url))
        log("networkx baseline…")
        result.update(measure_baseline(call_lon, call_lat, rng))
        log("group commit…")
        result.update(measure_group_commit(url, call_lon, call_lat))
        log("HTTP intake and positions…")
        result.update(measure_http(url, call_lon, call_lat))
    finally:
        drop_database(handle)
    result["goals"] = {"recommend_p99_ms": 5.0, "intake_per_s": 200.0, "position_updates_per_s": 5000.0}
    result["seconds"] = time.monotonic() - started
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}, indent=1))


if __name__ == "__main__":
    main()
