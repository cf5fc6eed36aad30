"""Routing benchmark on the Wuhan demo network; prints one JSON object.

Run: ``.venv/bin/python bench/routing.py`` (about 30 s on 2 quiet cores). Measures precinct.geo
(scipy.sparse.csgraph Dijkstra on the degree-2-contracted graph with virtual nodes and bounded
searches) against the same bounded search on the uncontracted graph, igraph and networkx, on the same
graph in the same run. Fixed seed; times are wall clock (time.perf_counter); keys with ``cpu`` are
process CPU time (time.process_time), steadier on a shared machine. The hot path runs
``HOT_PASSES`` passes over the incidents; ``reachable_within`` runs ``AREA_RUNS`` times (median).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
from scipy.sparse.csgraph import dijkstra

import precinct
from precinct.geo import reachable_within, route, travel_times_to
from precinct.geo.contraction import contract_degree_two
from precinct.geo.graph import RoadGraph, SnappedPoints, graph_from_edges_file
from precinct.geo.projection import xy_to_lonlat
from precinct.geo.routing import (
    arrive_costs,
    as_snapped,
    first_limit_s,
    leave_costs,
    same_edge_times,
    with_virtual_sources,
)

WUHAN = Path(precinct.__file__).parent / "data" / "wuhan_roads.parquet"
SEED = 20240601
UNITS, INCIDENTS, CANDIDATES, POSTS = 1000, 300, 20, 300
HOT_PASSES, AREA_RUNS = 3, 3
T = TypeVar("T")


def _ms(samples: list[float]) -> dict[str, float]:
    values = np.asarray(samples) * 1000
    return {"p50": round(float(np.percentile(values, 50)), 3), "p99": round(float(np.percentile(values, 99)), 3)}


def _random_lonlat(graph: RoadGraph, rng: np.random.Generator, count: int) -> np.ndarray:
    """Points 0-40 m off random nodes of the largest connected part of the network."""
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(graph.forward, directed=True, connection="strong")
    main = np.flatnonzero(labels == np.bincount(labels).argmax())
    nodes = rng.choice(main, count)
    offset = rng.uniform(-20, 20, (count, 2))
    lon, lat = xy_to_lonlat(graph.crs, graph.node_xy[nodes, 0] + offset[:, 0], graph.node_xy[nodes, 1] + offset[:, 1])
    return np.column_stack([lon, lat])


def main() -> None:
    """Run every routing measurement on the Wuhan network and print the JSON."""
    rng = np.random.default_rng(SEED)
    out: dict[str, object] = {}
    t0 = time.perf_counter()
    graph = graph_from_edges_file(WUHAN)
    out["graph_build_s"] = round(time.perf_counter() - t0, 3)
    out["nodes"], out["edges"], out["arcs"] = graph.node_count, graph.edge_count, int(graph.forward.nnz)
    contracted = graph.contracted
    out["contracted_nodes"], out["contracted_arcs"] = contracted.node_count, int(contracted.forward.nnz)
    t0 = time.perf_counter()
    contract_degree_two(graph.forward)
    out["contraction_s"] = round(time.perf_counter() - t0, 3)

    units_lonlat = _random_lonlat(graph, rng, UNITS)
    t0 = time.perf_counter()
    units = graph.snap(units_lonlat[:, 0], units_lonlat[:, 1])
    out["snap_1000_units_ms"] = round((time.perf_counter() - t0) * 1000, 3)
    incidents = _random_lonlat(graph, rng, INCIDENTS)

    # Hot path: snap the incident, pick the 20 nearest units by straight line, one reversed Dijkstra.
    # The uncontracted variant is the same bounded search on the full graph (the method before
    # contraction), timed in the same loop so that both see the same machine load.
    samples: list[float] = []
    samples_limited: list[float] = []
    samples_all: list[float] = []
    samples_full_graph: list[float] = []
    cpu: list[float] = []
    methods: tuple[tuple[Callable[..., np.ndarray], float | None, list[float]], ...] = (
        (partial(travel_times_to, graph), None, samples),
        (partial(travel_times_to, graph), 900.0, samples_limited),
        (lambda *a, **k: _uncontracted_travel_times_to(graph, *a, **k), None, samples_full_graph),
    )
    for _ in range(HOT_PASSES):
        for lon, lat in incidents:
            for method, limit_s, bucket in methods:
                t0, c0 = time.perf_counter(), time.process_time()
                target = graph.snap(lon, lat)
                crow = np.hypot(units.x - target.x[0], units.y - target.y[0])
                nearest = np.argpartition(crow, CANDIDATES)[:CANDIDATES]
                times = method(target, units.take(nearest), hour=8, limit_s=limit_s)
                bucket.append(time.perf_counter() - t0)
                if bucket is samples:
                    cpu.append(time.process_time() - c0)
                assert times.shape == (CANDIDATES,)
    for lon, lat in incidents[:50]:  # the contracted graph gives the same times
        target = graph.snap(lon, lat)
        nearest = np.argpartition(np.hypot(units.x - target.x[0], units.y - target.y[0]), CANDIDATES)[:CANDIDATES]
        expected = _uncontracted_travel_times_to(graph, target, units.take(nearest), hour=8)
        np.testing.assert_allclose(travel_times_to(graph, target, units.take(nearest), hour=8), expected, rtol=1e-6)
    for lon, lat in incidents[:100]:
        t0 = time.perf_counter()
        travel_times_to(graph, (lon, lat), units, hour=8)
        samples_all.append(time.perf_counter() - t0)
    hot, limited, full = _ms(samples), _ms(samples_limited), _ms(samples_all)
    out["travel_times_to_20_p50_ms"], out["travel_times_to_20_p99_ms"] = hot["p50"], hot["p99"]
    out["travel_times_to_20_limit_15min_p50_ms"] = limited["p50"]
    out["travel_times_to_20_limit_15min_p99_ms"] = limited["p99"]
    out["travel_times_to_1000_p50_ms"], out["travel_times_to_1000_p99_ms"] = full["p50"], full["p99"]
    hot_cpu, before = _ms(cpu), _ms(samples_full_graph)
    out["travel_times_to_20_cpu_p50_ms"], out["travel_times_to_20_cpu_p99_ms"] = hot_cpu["p50"], hot_cpu["p99"]
    out["travel_times_to_20_uncontracted_p50_ms"] = before["p50"]
    out["travel_times_to_20_uncontracted_p99_ms"] = before["p99"]
    out["hot_path_samples"] = len(samples)

    pairs = _random_lonlat(graph, rng, 2 * 100).reshape(100, 2, 2)
    samples = []
    for start, end in pairs:
        t0 = time.perf_counter()
        route(graph, start, end)
        samples.append(time.perf_counter() - t0)
    r = _ms(samples)
    out["route_p50_ms"], out["route_p99_ms"] = r["p50"], r["p99"]

    posts = _random_lonlat(graph, rng, POSTS)
    wall, cpu = [], []
    for _ in range(AREA_RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        areas = reachable_within(graph, posts, (1, 3, 5))
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out["reachable_within_300_posts_s"] = round(float(np.median(wall)), 3)
    out["reachable_within_300_posts_max_s"] = round(max(wall), 3)
    out["reachable_within_300_posts_cpu_s"] = round(float(np.median(cpu)), 3)
    out["reachable_5min_nodes_mean"] = round(float(np.mean([len(a[2].node_index) for a in areas])), 1)

    # Engine choice: same single-source search, scipy (bounded / unbounded) vs igraph with target early exit.
    sources = units.take(np.arange(50))
    source_nodes = graph.edge_v[sources.edge]
    out["scipy_full_dijkstra_p50_ms"] = _ms(_timed(lambda s: dijkstra(graph.backward, indices=s), source_nodes))["p50"]
    bounded = _timed(lambda s: dijkstra(graph.backward, indices=s, limit=600), source_nodes)
    out["scipy_bounded_600s_p50_ms"] = _ms(bounded)["p50"]
    kept = contracted.node_of[source_nodes]
    kept = kept[kept >= 0]
    contracted_samples = _timed(lambda s: dijkstra(contracted.backward, indices=s), kept)
    out["scipy_full_dijkstra_contracted_p50_ms"] = _ms(contracted_samples)["p50"]
    out.update(_igraph(graph, source_nodes, units))
    out.update(_networkx(graph, rng, posts))
    print(json.dumps(out, indent=1))


def _uncontracted_travel_times_to(
    graph: RoadGraph, target: object, sources: object, *, hour: int | None = None,
    limit_s: float | None = None,
) -> np.ndarray:
    """travel_times_to as it ran before contraction: bounded, widening searches on the full graph."""
    factor = graph.speeds.time_factor(hour)
    target, sources = as_snapped(graph, target, "target"), as_snapped(graph, sources, "sources")
    nodes, costs = arrive_costs(graph, target)
    end_nodes, end_costs = leave_costs(graph, sources)
    direct = same_edge_times(graph, sources, target.take(np.zeros(len(sources), np.int64)))
    augmented = with_virtual_sources(graph.backward, nodes, costs)
    limit = first_limit_s(graph, target, sources) if limit_s is None else limit_s / factor
    while True:
        distance = dijkstra(augmented, directed=True, indices=graph.node_count, limit=limit)
        times = np.minimum((distance[end_nodes] + end_costs).min(axis=1), direct)
        if limit_s is not None or np.all(times <= limit) or not np.isfinite(limit):
            return np.where(times <= limit, times, np.inf) * factor
        limit = limit * 1.5 if limit < 6 * 3600 else np.inf


def _timed(fn: Callable[[T], object], items: Iterable[T]) -> list[float]:
    samples = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - t0)
    return samples


def _igraph(graph: RoadGraph, source_nodes: np.ndarray, units: SnappedPoints) -> dict[str, float]:
    import igraph

    coo = graph.backward.tocoo()
    g = igraph.Graph(n=graph.node_count, edges=np.column_stack([coo.row, coo.col]).tolist(), directed=True)
    g.es["w"] = coo.data.tolist()
    unit_nodes = graph.edge_v[units.edge]
    samples = []
    for s in source_nodes:
        crow = np.hypot(*(graph.node_xy[unit_nodes] - graph.node_xy[s]).T)
        targets = np.unique(unit_nodes[np.argpartition(crow, CANDIDATES)[:CANDIDATES]]).tolist()
        t0 = time.perf_counter()
        g.distances(source=[int(s)], target=targets, weights="w")
        samples.append(time.perf_counter() - t0)
    r = _ms(samples)
    return {"igraph_20_targets_p50_ms": r["p50"], "igraph_20_targets_p99_ms": r["p99"]}


def _networkx(graph: RoadGraph, rng: np.random.Generator, posts: np.ndarray) -> dict[str, float]:
    import networkx as nx

    coo = graph.forward.tocoo()
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    nodes = list(g.nodes)
    samples = []
    for _ in range(30):
        s, t = (int(x) for x in rng.choice(nodes, 2))
        t0 = time.perf_counter()
        with contextlib.suppress(nx.NetworkXNoPath):
            nx.single_source_dijkstra(g, s, target=t, weight="weight")
        samples.append(time.perf_counter() - t0)
    r = _ms(samples)
    post_nodes = [int(n) for n in graph.edge_v[graph.snap(posts[:, 0], posts[:, 1]).edge]]
    t0 = time.perf_counter()
    for node in post_nodes:
        for minutes in (1, 3, 5):
            nx.ego_graph(g, node, radius=minutes * 60, distance="weight")
    coverage_s = round(time.perf_counter() - t0, 3)
    return {"baseline_route_p50_ms": r["p50"], "baseline_route_p99_ms": r["p99"], "baseline_coverage_s": coverage_s}


if __name__ == "__main__":
    main()
