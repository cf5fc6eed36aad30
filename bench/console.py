"""Console benchmark: first paint and map responsiveness in headless Chromium, clustering on and off.

    .venv/bin/python bench/console.py         # or: precinct bench console

Serves the console (uvicorn, as the browser tests do: tests/web/console_kit.py) on a temporary
SQLite database with the Wuhan demo city, and drives Debian's Chromium at 1366×768 as the demo
dispatcher (city-wide).

Measured:

- ``demo_first_paint_*``: navigation → the queue drawn, the road map loaded and the live markers
  drawn (``performance.now()`` when all three are on the page, polled every frame), on the demo as
  loaded (its few open calls), the median and worst of the runs;
- then 2,000 open incidents and 1,000 units (positions spread over the central city) are added to
  the store and ``loaded_first_paint_*`` is measured the same way;
- ``pan_*``: a scripted pan and zoom on that loaded map (eight drags of 250 px, a wheel zoom in and
  out between them): the frame times (``requestAnimationFrame``; median, 95th percentile, worst) and
  the total long-task time (``PerformanceObserver``, tasks over 50 ms) while it runs.

Each figure with clustering on (the console's default) and as the baseline with clustering off (the
console opened with ``?cluster=off``: every marker drawn on its own), in the same run. Prints one
JSON object with the ``speedup`` ratios (baseline / clustered) and ``goals`` (names ending ``_ms`` are
maxima, ``_speedup`` minima). The machine's load average (1 minute) at the start and at the end is in
``load_average``: the figures are wall-clock and frame times, which a loaded machine stretches.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "web"), str(REPO / "bench")]  # the browser tests' kit

from console_kit import (  # type: ignore[import-not-found]  # noqa: E402  (tests/web, not a package)
    Console,
    ConsoleServer,
    chromium,
    running_console,
)

from dispatch import log  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser

INCIDENTS, UNITS = 2_000, 1_000
PAINT_RUNS, PAN_RUNS = 5, 3
VIEWPORT = (1366, 768)
LON0, LAT0, HALF_LON, HALF_LAT = 114.30, 30.585, 0.15, 0.11  # the central city
OPEN_STATUSES = ("received", "dispatched", "en_route", "on_scene")

DRAWN = """() => document.body.dataset.ready === 'true' && document.querySelector('#queue-count')
  && document.querySelector('#map')?.dataset.roads
  && document.querySelector('#map .leaflet-marker-icon, #map .leaflet-overlay-pane canvas')"""
WATCH = """() => {
  window.__frames = []; window.__long = 0; window.__stop = false;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long += e.duration; })
    .observe({ type: "longtask" });
  let last = performance.now();
  const loop = (now) => {
    window.__frames.push(now - last); last = now;
    if (!window.__stop) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}"""


def add_load(url: str, rng: np.random.Generator) -> None:
    """Add the open incidents and the units (bulk inserts) to the served store."""
    from sqlalchemy import insert, select

    from precinct.app import session_factory
    from precinct.core.db import make_engine
    from precinct.incidents.models import Incident, IncidentType
    from precinct.org.models import OrgTier, OrgUnit
    from precinct.units.models import Unit, UnitStatus, UnitType

    now = datetime.now(UTC).replace(microsecond=0)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        types = sorted(session.scalars(select(IncidentType.code)))
        stations = session.execute(select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.tier == OrgTier.STATION)).all()
        lon = rng.uniform(LON0 - HALF_LON, LON0 + HALF_LON, INCIDENTS + UNITS)
        lat = rng.uniform(LAT0 - HALF_LAT, LAT0 + HALF_LAT, INCIDENTS + UNITS)
        station = rng.integers(0, len(stations), INCIDENTS + UNITS)
        session.execute(insert(Incident), [
            {"source": "phone_110", "type_code": types[int(rng.integers(0, len(types)))],
             "priority": int(rng.integers(1, 5)), "status": OPEN_STATUSES[i % 4], "description": "bench",
             "address": f"基准路 {i} 号", "lon": float(lon[i]), "lat": float(lat[i]), "received_at": now,
             "district_id": stations[station[i]][1], "station_id": stations[station[i]][0], "simulated": False,
             "created_by": "bench", "updated_at": now, "version": 1} for i in range(INCIDENTS)])
        statuses = (UnitStatus.AVAILABLE, UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE, UnitStatus.DISPATCHED)
        session.execute(insert(Unit), [
            {"call_sign": f"BENCH-{j:04d}", "unit_type": UnitType.PATROL_CAR,
             "home_station_id": stations[station[i]][0],
             "status": statuses[j % 4], "status_at": now, "lon": float(lon[i]), "lat": float(lat[i]),
             "heading_deg": float(rng.uniform(0, 360)), "position_at": now, "simulated": True, "version": 1}
            for j, i in enumerate(range(INCIDENTS, INCIDENTS + UNITS))])
        session.commit()
    engine.dispose()


def first_paint_ms(console: Console, query: str) -> float:
    """Open the console afresh (the session's token kept) and return the ms until queue and map are drawn."""
    page = console.page
    page.goto(f"{console.server.base_url}/{query}")
    page.wait_for_function(DRAWN, polling="raf", timeout=120_000)
    return float(page.evaluate("() => performance.now()"))


def pan(console: Console) -> dict[str, float]:
    """Pan and zoom the map by mouse; return the frame times and the long-task time while it ran."""
    page = console.page
    page.wait_for_timeout(1500)  # chunked loading and the first clusters
    box = page.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5
    page.evaluate(WATCH)
    started = time.perf_counter()
    for step in range(8):
        dx, dy = (250, 0) if step % 2 == 0 else (-250, 60 if step % 4 == 1 else -60)
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + dx, y + dy, steps=12)
        page.mouse.up()
        if step in (2, 5):
            page.mouse.wheel(0, -240 if step == 2 else 240)
        page.wait_for_timeout(250)
    page.wait_for_timeout(800)
    wall_s = time.perf_counter() - started
    frames, long_ms = page.evaluate("() => { window.__stop = true; return [window.__frames.slice(1), window.__long]; }")
    frames = np.array(frames)
    return {"frame_p50_ms": float(np.percentile(frames, 50)), "frame_p95_ms": float(np.percentile(frames, 95)),
            "frame_max_ms": float(frames.max()), "long_task_ms": float(long_ms), "frames_per_s": len(frames) / wall_s}


def measure(browser: Browser, server: ConsoleServer, prefix: str, *, pan_too: bool) -> dict[str, float]:
    """First paint (and the pan) with clustering on and off; medians of the runs."""
    out: dict[str, float] = {}
    for label, query in (("", ""), ("baseline_", "?cluster=off")):
        console = Console(browser, server, viewport=VIEWPORT).log_in("dispatcher")
        try:
            samples = [first_paint_ms(console, query) for _ in range(PAINT_RUNS)]
            out[f"{prefix}_{label}first_paint_p50_ms"] = float(np.median(samples))
            out[f"{prefix}_{label}first_paint_max_ms"] = max(samples)
            if pan_too:
                runs = []
                for _ in range(PAN_RUNS):
                    first_paint_ms(console, query)
                    runs.append(pan(console))
                for key in runs[0]:
                    out[f"pan_{label}{key}"] = float(np.median([r[key] for r in runs]))
        finally:
            console.close()
    return out


def main() -> None:
    """Serve the demo, measure, add the load, measure again, print the JSON."""
    started = time.monotonic()
    result: dict[str, Any] = {"incidents_added": INCIDENTS, "units_added": UNITS, "viewport": list(VIEWPORT),
                              "cpu_count": os.cpu_count()}
    load_at_start = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        root = Path(folder)
        log("seeding the demo city and starting the server…")
        with running_console(root) as server:
            log("first paint on the demo…")
            result |= measure(browser, server, "demo", pan_too=False)
            log(f"adding {INCIDENTS:,} open incidents and {UNITS:,} units…")
            add_load(f"sqlite:///{root / 'console.db'}", np.random.default_rng(20261203))
            log("first paint and pan on the loaded map…")
            result |= measure(browser, server, "loaded", pan_too=True)
    for name in ("demo_first_paint_p50_ms", "loaded_first_paint_p50_ms", "pan_frame_p95_ms", "pan_long_task_ms"):
        baseline = name.replace("_first", "_baseline_first").replace("pan_", "pan_baseline_")
        clustered, baseline = result[name], result[baseline]
        result[name.removesuffix("_ms") + "_speedup"] = baseline / max(clustered, 1.0)
    result["goals"] = {"demo_first_paint_p50_ms": 2000.0, "loaded_first_paint_p50_ms": 5000.0,
                       "pan_frame_p95_ms": 100.0, "pan_frame_p95_speedup": 1.5, "pan_long_task_speedup": 1.5}
    result["load_average"] = {"start": load_at_start, "end": round(os.getloadavg()[0], 2)}
    result["seconds"] = time.monotonic() - started
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}, indent=1))


if __name__ == "__main__":
    main()
