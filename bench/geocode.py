"""Geocoding benchmark: search as you type and reverse geocoding over 500,000 addresses.

    .venv/bin/python bench/geocode.py         # or: precinct bench geocode

The register: 500,000 generated addresses at points along the Wuhan road network (13 real district
names, 6,000 generated road names, house numbers, a building on one in three), written to a scratch
SQLite file and, when the PostgreSQL bench server answers (PRECINCT_BENCH_DATABASE_URL, default the
test server), to a scratch PostgreSQL database; both are removed afterwards.

Measured on each database, with a baseline in the same run:

- ``index_build_s``: loading the complete imports' addresses and building the in-memory index
  (what the first search of a server process waits for);
- ``search_*``: ``addresses.service.search`` (index, then the rows of the 10 results from the
  database) for 2,000 queries as a call taker types them: 1 to 6 Chinese characters of a road
  name, the road and a house number, pinyin prefixes and initials, with the map's centre within
  3 km of the address; baseline ``baseline_like_*``: the same Chinese and pinyin queries as one SQL
  ``LIKE '%q%'`` scan over the text and the search keys, nearest 10 first (200 queries);
  on PostgreSQL also ``pg_trgm_*``: the same ``LIKE`` with a GIN trigram index (if ``CREATE
  EXTENSION pg_trgm`` works);
- ``reverse_*``: ``addresses.service.reverse`` without the road (KD-tree, then the row) for 2,000
  points near the roads; baseline ``baseline_bbox_*``: the nearest address by an SQL bounding
  box of 300 m on the (lon, lat) index, ordered by distance.

Prints one JSON object; ``goals`` holds the targets (names ending ``_ms`` are maxima; ``speedup``
minima).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the dispatch benchmark's scratch-database helpers

from dispatch import drop_database, log, percentile_ms, scratch_database

if TYPE_CHECKING:
    from sqlalchemy import TextClause
    from sqlalchemy.orm import Session

ADDRESSES = int(os.environ.get("PRECINCT_BENCH_ADDRESSES", "500000"))
ROADS, SEARCHES, REVERSES, BASELINE_QUERIES = 6_000, 2_000, 2_000, 200
SEED = 20261203
DISTRICTS = ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "汉南区", "蔡甸区",
             "江夏区", "黄陂区", "新洲区"]
WORDS = list("解放中山建设和平友谊青年人民胜利光明幸福长江汉水黄鹤珞珈东湖南湖北京上海民主团结沿江发展新华")
SUFFIXES = ["路", "大道", "街", "巷", "大街"]


def register(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Generate the addresses at road points, with their search keys built as the importer builds them."""
    from precinct.addresses.keys import search_keys
    from precinct.demo.calls import road_points

    points = road_points()
    roads = sorted({"".join(rng.choice(WORDS, size=int(rng.integers(2, 4)))) + str(rng.choice(SUFFIXES))
                    for _ in range(ROADS * 2)})[:ROADS]
    at = rng.choice(len(points.lon), size=ROADS)  # each road runs from one road point
    rows = []
    for i in range(ADDRESSES):
        road = int(rng.integers(ROADS))
        base = at[road] + int(rng.integers(-40, 40))
        base = min(max(base, 0), len(points.lon) - 1)
        district = DISTRICTS[road % len(DISTRICTS)]
        number = f"{int(rng.integers(1, 1000))}号"
        building = f"{int(rng.integers(1, 30))}栋" if i % 3 == 0 else ""
        lon = float(points.lon[base]) + float(rng.normal(0, 0.0005))
        lat = float(points.lat[base]) + float(rng.normal(0, 0.0005))
        text = f"{district}{roads[road]}{number}{building}"
        rows.append({"code": f"B{i:07d}", "import_id": 1, "text": text,
                     "text_en": "", "name": "", "district": district, "road": roads[road], "number": number,
                     "building": building, "unit": "", "lon": lon, "lat": lat, "district_id": None,
                     "station_id": None, "beat_id": None, "generated": True,
                     # the keys as an import stores them: the parts, then the whole text
                     "search_keys": search_keys("", district, roads[road], number, building, "", "", text=text)})
    return rows


def queries(rows: list[dict[str, Any]], rng: np.random.Generator, n: int) -> list[tuple[str, float, float]]:
    """Return queries as typed, each with a map centre within 3 km of its address."""
    from precinct.addresses.keys import pinyin_tokens

    out = []
    for i in rng.choice(len(rows), size=n):
        row = rows[int(i)]
        road, kind = row["road"], int(rng.integers(4))
        if kind == 0:
            text = road[:int(rng.integers(1, len(road) + 1))]
        elif kind == 1:
            text = f"{road} {row['number'][:-1]}"
        elif kind == 2:
            full = pinyin_tokens(road)[0]
            text = full[:int(rng.integers(2, len(full) + 1))]
        else:
            text = pinyin_tokens(road)[-1]
        out.append((text, row["lon"] + float(rng.uniform(-0.02, 0.02)), row["lat"] + float(rng.uniform(-0.02, 0.02))))
    return out


def load(url: str, rows: list[dict[str, Any]]) -> None:
    """Migrate and write the register as one complete import."""
    from sqlalchemy import insert

    from precinct.addresses.models import Address, AddressImport, ImportKind, ImportStatus
    from precinct.app import session_factory
    from precinct.core import migrate
    from precinct.core.db import make_engine, utcnow

    migrate.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        session.add(AddressImport(id=1, kind=ImportKind.DEMO, source_name="bench", status=ImportStatus.COMPLETE,
                                  imported=len(rows), created_by="bench", refused_rows=[], finished_at=utcnow()))
        session.flush()
        for start in range(0, len(rows), 20_000):
            session.execute(insert(Address), [r | {"created_at": utcnow()} for r in rows[start:start + 20_000]])
        session.commit()
    engine.dispose()


def timed(calls: list[Any], run: Callable[[Any], object]) -> list[float]:
    """Return the seconds each ``run(call)`` took."""
    samples = []
    for call in calls:
        started = time.perf_counter()
        run(call)
        samples.append(time.perf_counter() - started)
    return samples


def stats(prefix: str, samples: list[float]) -> dict[str, float]:
    """Return the median and the 99th percentile of ``samples`` in milliseconds, named with ``prefix``."""
    return {f"{prefix}_p50_ms": percentile_ms(samples, 50), f"{prefix}_p99_ms": percentile_ms(samples, 99)}


def measure(url: str, typed: list[tuple[str, float, float]], points: list[tuple[float, float]]) -> dict[str, Any]:
    """Every measurement on the database at ``url``."""
    from sqlalchemy import text

    from precinct.addresses import service
    from precinct.app import session_factory
    from precinct.core.db import make_engine
    from precinct.core.permissions import Role
    from precinct.core.security import Actor

    actor = Actor(username="bench", role=Role.DISPATCHER, ip=None)
    engine = make_engine(url)
    factory = session_factory(engine)
    result: dict[str, Any] = {}
    with factory() as session:
        started = time.perf_counter()
        index = service.current_index(session)
        result["index_build_s"] = round(time.perf_counter() - started, 2)
        result["addresses"] = len(index)
        found = []

        def search(query: tuple[str, float, float]) -> None:
            found.append(len(service.search(session, query[0], actor=actor, centre=(query[1], query[2]))))

        result |= stats("search", timed(typed, search))
        result["search_found_share"] = round(float(np.mean([f > 0 for f in found])), 3)
        result |= stats("reverse", timed(points, lambda p: service.reverse(session, p[0], p[1], actor=actor)))
        like = text("SELECT id FROM addresses WHERE text LIKE :q OR search_keys LIKE :q "
                    "ORDER BY (lon - :lon) * (lon - :lon) + (lat - :lat) * (lat - :lat) LIMIT 10")
        baseline = typed[:BASELINE_QUERIES]
        result |= stats("baseline_like", timed(baseline, lambda q: session.execute(
            like, {"q": f"%{q[0].split()[0]}%", "lon": q[1], "lat": q[2]}).all()))
        bbox = text("SELECT id FROM addresses WHERE lon BETWEEN :lon - 0.0031 AND :lon + 0.0031 AND lat BETWEEN "
                    ":lat - 0.0027 AND :lat + 0.0027 ORDER BY (lon - :lon) * (lon - :lon) + (lat - :lat) * "
                    "(lat - :lat) LIMIT 1")
        result |= stats("baseline_bbox", timed(points, lambda p: session.execute(
            bbox, {"lon": p[0], "lat": p[1]}).all()))
        if engine.dialect.name == "postgresql":
            result |= trigram(session, baseline, like)
        session.rollback()
    engine.dispose()
    result["search_speedup"] = round(result["baseline_like_p99_ms"] / result["search_p99_ms"], 1)
    return result


def trigram(session: Session, baseline: list[tuple[str, float, float]], like: TextClause) -> dict[str, Any]:
    """Measure the LIKE baseline again with pg_trgm GIN indexes on the text and the search keys, where installable."""
    from sqlalchemy import text

    try:
        session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        session.execute(text("CREATE INDEX bench_trgm_text ON addresses USING gin (text gin_trgm_ops)"))
        session.execute(text("CREATE INDEX bench_trgm_keys ON addresses USING gin (search_keys gin_trgm_ops)"))
    except Exception as exc:
        session.rollback()
        return {"pg_trgm": f"unavailable: {str(exc).splitlines()[0]}"}
    session.execute(text("ANALYZE addresses"))
    out = stats("pg_trgm_like", timed(baseline, lambda q: session.execute(
        like, {"q": f"%{q[0].split()[0]}%", "lon": q[1], "lat": q[2]}).all()))
    return {"pg_trgm": "installed"} | out


def main() -> None:
    """Generate the register, load it into SQLite and (if reachable) PostgreSQL, measure, print the JSON."""
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    rows = register(rng)
    log(f"generated {len(rows)} addresses in {time.perf_counter() - started:.1f} s")
    typed = queries(rows, rng, SEARCHES)
    picks = rng.choice(len(rows), size=REVERSES)
    points = [(rows[int(i)]["lon"] + float(rng.normal(0, 0.0008)), rows[int(i)]["lat"] + float(rng.normal(0, 0.0008)))
              for i in picks]
    result: dict[str, Any] = {"addresses": len(rows), "searches": SEARCHES, "reverses": REVERSES,
                              "engine": "memory-token-index (CSR postings of Chinese characters and of sorted "
                                        "pinyin/Latin keys) + cKDTree"}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/geocode.db"
        load(url, rows)
        log("loaded SQLite")
        result["sqlite"] = measure(url, typed, points)
    try:
        pg_url, handle = scratch_database()
    except Exception as exc:
        result["postgresql"] = f"not measured: {str(exc).splitlines()[0]}"
    else:
        try:
            load(pg_url, rows)
            log("loaded PostgreSQL")
            result["postgresql"] = measure(pg_url, typed, points)
        finally:
            drop_database(handle)
    result["goals"] = {"search_p99_ms": 20.0, "reverse_p99_ms": 5.0, "search_speedup": 10.0}
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
