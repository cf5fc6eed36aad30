"""Planning benchmark: prints one JSON object.

Travel times for MCLP and the simulation are road travel times on the Wuhan demo network
(OpenStreetMap, free flow), computed in the run (``travel_time_matrix_s`` reports how long).

* MCLP: 300 posts among 2,000 candidate road points over 10,000 demand points (road points,
  log-normal weights), threshold 180 s, HiGHS with a 55 s time limit; baseline = greedy.
* Simulation: one day, 25,000 Poisson incidents, 1,500 units on 500 posts (two overlapping
  12-hour shifts plus a day-long core), 10,000 demand points; baseline = the same dispatch done
  with a Python loop over units, timed on 1,000 incidents and extrapolated to 25,000.
* Hypercube: exact model with 12 units (4,096 states) and Larson's approximation with 1,500 units.
* Coverage on the Wuhan demo roads: response areas of 300 posts (random road midpoints) x {1, 3, 5}
  min with ``geo.reachable_within`` (node sets + polygons) = ``coverage_s``; baseline = networkx
  ``ego_graph`` per post and threshold on the same free-flow edge times (node sets only) =
  ``baseline_coverage_s``.

Run: .venv/bin/python bench/planning.py
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np

from precinct.planning import (
    Deployment,
    HypercubeModel,
    MaximalCoveringModel,
    simulate_incidents,
    synthetic_incidents,
)


def _road_points(rng: np.random.Generator, count: int) -> np.ndarray:
    from precinct.demo.calls import road_points

    points = road_points()
    pick = rng.choice(len(points.lon), size=count, replace=False)
    return np.column_stack([points.lon[pick], points.lat[pick]])


def _network_times(
    origins: np.ndarray, destinations: np.ndarray, *, limit_s: float | None,
) -> tuple[np.ndarray, float]:
    from precinct.core.settings import BUNDLED_ROADS
    from precinct.planning.network import travel_time_matrix
    from precinct.roads.graph import road_graph

    graph = road_graph(BUNDLED_ROADS)
    started = time.perf_counter()
    times = travel_time_matrix(graph, origins, destinations, limit_s=limit_s).astype(np.float32)
    return times, time.perf_counter() - started


def bench_mclp(rng: np.random.Generator) -> dict[str, Any]:
    """Time MCLP with HiGHS against the greedy heuristic (300 of 2,000 candidate posts)."""
    candidates = _road_points(rng, 2_000)
    cells = _road_points(rng, 10_000)
    weights = rng.lognormal(0, 1, 10_000)
    times, matrix_s = _network_times(candidates, cells, limit_s=180.0)
    started = time.perf_counter()
    model = MaximalCoveringModel.from_cost_matrix(times, 300, 180.0, weights=weights)
    build_s = time.perf_counter() - started
    greedy = model.greedy()
    optimal = model.solve(time_limit_s=55.0, seed=0)
    return {
        "mclp_candidates": 2_000,
        "mclp_demand_cells": 10_000,
        "mclp_posts": 300,
        "mclp_threshold_s": 180.0,
        "mclp_build_s": round(build_s, 3),
        "mclp_travel_time_matrix_s": round(matrix_s, 3),
        "mclp_s": round(build_s + optimal.solve_s, 3),
        "mclp_status": optimal.status,
        "mclp_gap": optimal.mip_gap,
        "mclp_covered": optimal.covered_share,
        "mclp_bound_share": optimal.objective_bound / float(weights.sum()),
        "mclp_coverable": optimal.coverable_share,
        "baseline_mclp_covered": greedy.covered_share,
        "baseline_mclp_s": round(build_s + greedy.solve_s, 3),
    }


def bench_simulation(rng: np.random.Generator) -> dict[str, Any]:
    """Time the replay of a day of 25,000 incidents against a Python dispatch loop."""
    posts = _road_points(rng, 500)
    cells = _road_points(rng, 10_000)
    times, matrix_s = _network_times(posts, cells, limit_s=None)
    times[~np.isfinite(times)] = 3_600.0  # the network is one component; guard against snapping gaps
    incidents = synthetic_incidents(25_000, 10_000, mean_service_s=1_800, seed=1)
    unit = np.arange(1_500)
    start = np.select([unit < 500, unit < 1_000], [0.0, 0.0], 43_200.0)
    end = np.select([unit < 500, unit < 1_000], [np.inf, 43_200.0], np.inf)
    deployment = Deployment.from_arrays(unit % 500, shift_start_s=start, shift_end_s=end)
    started = time.perf_counter()
    report = simulate_incidents(incidents, deployment, times)
    simulate_s = time.perf_counter() - started
    # baseline: closest-available search as a Python loop over units, 1,000 incidents, extrapolated
    by_cell = np.ascontiguousarray(times.T).tolist()
    posts_of = deployment.unit_post.tolist()
    busy = [False] * 1_500
    started = time.perf_counter()
    for cell in incidents.cell[:1_000].tolist():
        row = by_cell[cell]
        _best, best_time = -1, float("inf")
        for index in range(1_500):
            if not busy[index] and row[posts_of[index]] < best_time:
                _best, best_time = index, row[posts_of[index]]
    baseline_s = (time.perf_counter() - started) * 25
    return {
        "simulate_incidents": 25_000,
        "simulate_units": 1_500,
        "simulate_cells": 10_000,
        "simulate_day_s": round(simulate_s, 3),
        "simulate_travel_time_matrix_s": round(matrix_s, 3),
        "baseline_simulate_day_s": round(baseline_s, 3),
        "simulate_p1_p90_response_s": report.by_priority[0].p90_response_s,
        "simulate_p1_within_300s": report.by_priority[0].share_within[2],
        "simulate_mean_utilisation": float(report.unit_utilisation.mean()),
        "simulate_share_queued": report.share_queued,
    }


def bench_hypercube(rng: np.random.Generator) -> dict[str, Any]:
    """Time the exact hypercube model (12 units) and Larson's approximation (1,500 units)."""
    times = rng.uniform(60, 900, (12, 100))
    rates = np.full(100, 0.6 * 12 * 2 / 100)  # 60% workload at 30-minute service
    started = time.perf_counter()
    HypercubeModel.from_cost_matrix(times, rates, 1_800).solve(method="exact")
    exact_s = time.perf_counter() - started
    times = rng.uniform(60, 900, (1_500, 400)).astype(np.float64)
    rates = np.full(400, 0.6 * 1_500 * 2 / 400)
    started = time.perf_counter()
    HypercubeModel.from_cost_matrix(times, rates, 1_800).solve(method="approximate")
    return {"hypercube_exact_12_units_s": round(exact_s, 3),
            "hypercube_larson_1500_units_s": round(time.perf_counter() - started, 3)}


def bench_network_coverage(rng: np.random.Generator) -> dict[str, Any]:
    """Time response areas of 300 posts at 1, 3 and 5 min against networkx ego graphs."""
    import networkx as nx
    import pyarrow.parquet as pq
    import shapely

    from precinct.core.settings import BUNDLED_ROADS
    from precinct.demo.calls import road_points
    from precinct.geo import DEFAULT_SPEED_KPH, graph_from_file, reachable_within

    roads = BUNDLED_ROADS
    started = time.perf_counter()
    graph = graph_from_file(roads)
    build_s = time.perf_counter() - started
    points = road_points()
    chosen = rng.choice(len(points.lon), 300, replace=False)
    posts = np.column_stack([points.lon[chosen], points.lat[chosen]])
    started = time.perf_counter()
    areas = reachable_within(graph, posts, (1, 3, 5))
    coverage_s = time.perf_counter() - started
    # networkx baseline: two-way free-flow edge times from the same file, source = each edge's u node.
    table = pq.read_table(roads, columns=["u", "v", "highway", "geometry"]).to_pandas()
    length_m = shapely.length(shapely.from_wkb(table["geometry"].to_numpy()))
    speed_kph = np.array([DEFAULT_SPEED_KPH.get(str(h), 25.0) for h in table["highway"]])
    seconds = length_m / (speed_kph / 3.6)
    g = nx.Graph()
    g.add_weighted_edges_from(zip(table["u"].tolist(), table["v"].tolist(), seconds.tolist(), strict=True))
    sources = table["u"].to_numpy()[chosen].tolist()
    started = time.perf_counter()
    reached = [len(nx.ego_graph(g, node, radius=minutes * 60, distance="weight"))
               for node in sources for minutes in (1, 3, 5)]
    baseline_s = time.perf_counter() - started
    return {"coverage_posts": 300, "coverage_graph_build_s": round(build_s, 3), "coverage_s": round(coverage_s, 3),
            "coverage_mean_area_km2": [round(float(np.mean([a[j].area_km2 for a in areas])), 3) for j in range(3)],
            "coverage_mean_nodes": [round(float(np.mean([a[j].node_index.size for a in areas])), 1) for j in range(3)],
            "baseline_coverage_s": round(baseline_s, 3),
            "baseline_coverage_mean_nodes": [round(float(np.mean(reached[j::3])), 1) for j in range(3)]}


def main() -> None:
    """Run every planning measurement and print the JSON."""
    rng = np.random.default_rng(7)
    figures = {"coverage_data": "Wuhan demo roads (OpenStreetMap), free flow"}
    figures |= bench_network_coverage(rng)
    figures["data"] = ("MCLP and simulation: road travel times on the Wuhan demo network (free flow); "
                       "hypercube: synthetic travel-time matrices")
    figures |= bench_simulation(rng)
    figures |= bench_hypercube(rng)
    figures |= bench_mclp(rng)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
