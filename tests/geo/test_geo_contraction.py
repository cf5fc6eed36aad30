"""Degree-2 chain contraction: same travel times as a search on the full (uncontracted) graph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from geo_grid import CRS_UTM50, X0, Y0, lonlat
from scipy.sparse.csgraph import dijkstra

import precinct
from precinct.core.errors import ValidationError
from precinct.geo import reachable_within, route, travel_times_from, travel_times_to
from precinct.geo.edges import edge_table
from precinct.geo.graph import (
    RoadGraph,
    SnappedPoints,
    graph_from_edge_table,
    graph_from_edges_file,
)
from precinct.geo.projection import xy_to_lonlat
from precinct.geo.routing import (
    arrive_costs,
    leave_costs,
    same_edge_times,
    with_virtual_sources,
)
from precinct.geo.speeds import SpeedProfile

WUHAN = Path(precinct.__file__).parent / "data" / "wuhan_roads.parquet"
SPEEDS = SpeedProfile(speed_kph={"residential": 36.0, "primary": 54.0})


def uncontracted_times_to(graph: RoadGraph, target: SnappedPoints, sources: SnappedPoints) -> np.ndarray:
    """Reference: one unbounded Dijkstra on the full reversed graph (the method before contraction)."""
    nodes, costs = arrive_costs(graph, target)
    end_nodes, end_costs = leave_costs(graph, sources)
    distance = dijkstra(with_virtual_sources(graph.backward, nodes, costs), indices=graph.node_count)
    direct = same_edge_times(graph, sources, target.take(np.zeros(len(sources), np.int64)))
    return np.minimum((distance[end_nodes] + end_costs).min(axis=1), direct)


def uncontracted_times_from(graph: RoadGraph, source: SnappedPoints, targets: SnappedPoints) -> np.ndarray:
    nodes, costs = leave_costs(graph, source)
    end_nodes, end_costs = arrive_costs(graph, targets)
    distance = dijkstra(with_virtual_sources(graph.forward, nodes, costs), indices=graph.node_count)
    direct = same_edge_times(graph, source.take(np.zeros(len(targets), np.int64)), targets)
    return np.minimum((distance[end_nodes] + end_costs).min(axis=1), direct)


def assert_same_times(actual: np.ndarray, expected: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isinf(actual), np.isinf(expected))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(actual[finite], expected[finite], rtol=1e-6, atol=1e-9)


def points_on_edges(graph: RoadGraph, edges: np.ndarray, fractions: np.ndarray) -> SnappedPoints:
    located = shapely.line_interpolate_point(graph.edge_geometry[edges], fractions, normalized=True)
    xy = shapely.get_coordinates(located)
    return graph.snap_xy(xy[:, 0], xy[:, 1])


def street_network(seed: int) -> RoadGraph:
    """A 4 x 4 junction grid whose streets are split into 1-3 pieces, with one-way streets, a few
    one-way pieces inside two-way streets, a dead-end spur, a slower parallel piece, a loop off a
    junction, and two rings (two-way and one-way) not joined to the rest."""
    rng = np.random.default_rng(seed)
    pieces: list[tuple[int, int, list[tuple[float, float]], str, str]] = []
    next_id = iter(range(1000, 10_000))

    def street(a: int, b: int, ends: list[tuple[float, float]], parts: int, oneway: str, highway: str) -> list[int]:
        ids = [a, *(next(next_id) for _ in range(parts - 1)), b]
        along = np.linspace(0.0, 1.0, parts + 1)
        start, end = np.asarray(ends[0]), np.asarray(ends[1])
        xy = start + along[:, None] * (end - start)
        xy[1:-1] += rng.uniform(-8, 8, (parts - 1, 2))  # shape points off the straight line
        for k in range(parts):
            way = oneway if rng.random() > 0.15 else str(rng.choice(["yes", "-1", "no"]))
            coords = [tuple(xy[k]), tuple(xy[k + 1])]
            if rng.random() < 0.5:  # some exports store geometries backwards
                coords.reverse()
            pieces.append((ids[k], ids[k + 1], coords, way, highway))
        return ids

    def junction_xy(node: int) -> tuple[float, float]:
        row, col = divmod(node, 4)
        return X0 + 200.0 * col, Y0 + 200.0 * row

    for node in range(16):
        row, col = divmod(node, 4)
        for other in ([node + 1] if col < 3 else []) + ([node + 4] if row < 3 else []):
            way = str(rng.choice(["no", "no", "yes", "-1"]))
            highway = "primary" if row == 1 else "residential"
            street(node, other, [junction_xy(node), junction_xy(other)], int(rng.integers(1, 4)), way, highway)
    spur = street(15, next(next_id), [junction_xy(15), (X0 + 750.0, Y0 + 700.0)], 3, "no", "residential")
    assert len(spur) == 4
    a, b, coords, way, _ = pieces[0]
    pieces.append((a, b, [coords[0], (coords[0][0] + 40, coords[0][1] + 60), coords[1]], way, "residential"))
    corner = junction_xy(3)
    loop = [(corner[0] + 60, corner[1] - 40), (corner[0] + 60, corner[1] + 40)]
    first, second = next(next_id), next(next_id)
    pieces += [(3, first, [corner, loop[0]], "no", "residential"), (first, second, loop, "no", "residential")]
    pieces.append((second, 3, [loop[1], corner], "no", "residential"))
    for oneway, dy in (("no", -300.0), ("yes", -500.0)):
        ids = [next(next_id) for _ in range(5)]
        angles = np.linspace(0, 2 * np.pi, 6)[:-1]
        ring = [(X0 + 300 + 80 * np.cos(t), Y0 + dy + 80 * np.sin(t)) for t in angles]
        for k in range(5):
            pieces.append((ids[k], ids[(k + 1) % 5], [ring[k], ring[(k + 1) % 5]], oneway, "residential"))
    table = edge_table(
        np.array([p[0] for p in pieces]),
        np.array([p[1] for p in pieces]),
        np.array([p[4] for p in pieces], dtype=object),
        np.array([shapely.LineString(p[2]) for p in pieces], dtype=object),
        crs=CRS_UTM50,
        oneway=np.array([p[3] for p in pieces], dtype=object),
    )
    return graph_from_edge_table(table, speeds=SPEEDS)


@pytest.mark.parametrize("seed", range(6))
def test_contracted_times_match_full_search_on_streets_with_one_way_pieces(seed):
    graph = street_network(seed)
    assert graph.contracted.node_count < graph.node_count
    rng = np.random.default_rng(seed)
    points = points_on_edges(graph, rng.integers(0, graph.edge_count, 60), rng.uniform(0, 1, 60))
    for i in range(len(points)):
        one = points.take([i])
        assert_same_times(travel_times_to(graph, one, points), uncontracted_times_to(graph, one, points))
        assert_same_times(travel_times_from(graph, one, points), uncontracted_times_from(graph, one, points))
    expected = uncontracted_times_to(graph, points.take([0]), points)
    limited = travel_times_to(graph, points.take([0]), points, limit_s=30.0)
    assert_same_times(limited, np.where(expected <= 30.0, expected, np.inf))


def test_chains_become_single_arcs_and_keep_direction():
    # A one-way street 0 -> 1 -> 2 -> 3 -> 4 (100 m pieces at 10 m/s) between two junctions that a
    # two-way street 0 - 5 - 6 - 4 joins the long way round (200 + 400 + 200 m).
    xy = {0: (0, 0), 1: (100, 0), 2: (200, 0), 3: (300, 0), 4: (400, 0), 5: (0, 200), 6: (400, 200)}
    pairs = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 4)]
    lines = [shapely.LineString([np.add(xy[a], (X0, Y0)), np.add(xy[b], (X0, Y0))]) for a, b in pairs]
    ways = ["yes"] * 4 + ["no"] * 3
    table = edge_table(
        np.array([a for a, _ in pairs]),
        np.array([b for _, b in pairs]),
        np.array(["residential"] * len(pairs), dtype=object),
        np.array(lines, dtype=object),
        crs=CRS_UTM50,
        oneway=np.array(ways, dtype=object),
    )
    graph = graph_from_edge_table(table, speeds=SPEEDS)
    contracted = graph.contracted
    # Junctions 0 and 4 are kept (one-way out, two-way in); the rest become one arc each way.
    assert contracted.node_count == 2
    assert contracted.kept.tolist() == [0, 4]
    assert contracted.forward.toarray().tolist() == [[0.0, 40.0], [80.0, 0.0]]
    start, middle, end = lonlat(X0 + 50, Y0), lonlat(X0 + 250, Y0), lonlat(X0 + 400, Y0 + 100)
    assert travel_times_to(graph, middle, [start])[0] == pytest.approx(20.0)
    assert travel_times_to(graph, start, [middle])[0] == pytest.approx(15.0 + 80.0 + 5.0)  # around
    assert travel_times_from(graph, start, [end])[0] == pytest.approx(35.0 + 10.0)
    assert route(graph, middle, start).travel_time_s == pytest.approx(100.0)


def test_dead_end_street_hangs_off_its_junction():
    # A straight street 0 - 1 - 2 - 3 with dead ends at both ends: no junction at all.
    lines = [shapely.LineString([(X0 + 100 * k, Y0), (X0 + 100 * (k + 1), Y0)]) for k in range(3)]
    table = edge_table(np.arange(3), np.arange(1, 4), np.array(["residential"] * 3), np.array(lines), crs=CRS_UTM50)
    graph = graph_from_edge_table(table, speeds=SPEEDS)
    assert graph.contracted.node_count == 1
    far, near = lonlat(X0 + 290, Y0), lonlat(X0 + 10, Y0)
    np.testing.assert_allclose(travel_times_to(graph, far, [near, far]), [28.0, 0.0])
    np.testing.assert_allclose(travel_times_from(graph, far, [near]), [28.0])


@pytest.fixture(scope="module")
def wuhan():
    return graph_from_edges_file(WUHAN)


def test_contraction_shrinks_wuhan_about_five_times(wuhan):
    assert wuhan.node_count == 82_902
    assert 15_000 < wuhan.contracted.node_count < 20_000
    assert wuhan.contracted.forward.nnz < wuhan.forward.nnz / 3


def test_contracted_times_match_full_search_on_wuhan(wuhan):
    rng = np.random.default_rng(7)
    edges = rng.integers(0, wuhan.edge_count, 400)
    points = points_on_edges(wuhan, edges, rng.uniform(0, 1, 400))
    for i in range(15):  # 15 targets x 20 sources, both directions: 600 pairs
        one, others = points.take([i]), points.take(rng.choice(400, 20, replace=False))
        assert_same_times(travel_times_to(wuhan, one, others, hour=8), 1.45 * uncontracted_times_to(wuhan, one, others))
        assert_same_times(travel_times_from(wuhan, one, others), uncontracted_times_from(wuhan, one, others))


def test_fastest_k_are_exact_and_the_rest_slower_on_wuhan(wuhan):
    """``fastest=k`` stops at the k-th nearest point's bound: the k fastest are exact, every other
    point is either exact or inf, and an inf point is never faster than the k-th fastest."""
    rng = np.random.default_rng(11)
    points = points_on_edges(wuhan, rng.integers(0, wuhan.edge_count, 600), rng.uniform(0, 1, 600))
    narrower = 0
    for i in range(25):
        one, others = points.take([i]), points.take(rng.choice(np.arange(25, 600), 20, replace=False))
        for direction, reference in (("to", uncontracted_times_to), ("from", uncontracted_times_from)):
            search = travel_times_to if direction == "to" else travel_times_from
            expected = reference(wuhan, one, others)
            got = search(wuhan, one, others, fastest=5)
            kth = np.sort(expected)[4]
            fastest = np.argsort(expected)[:5]
            np.testing.assert_allclose(got[fastest], expected[fastest], rtol=1e-6)
            finite = np.isfinite(got)
            np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-6)
            assert np.all(expected[~finite] >= kth - 1e-9)
            narrower += int((~finite).sum())
    assert narrower > 0  # the bound really was narrower than the farthest point on some searches
    for bad in (0, True, 2.5):
        with pytest.raises(ValidationError, match="fastest must be a positive whole number"):
            travel_times_to(wuhan, points.take([0]), points.take([1, 2]), fastest=bad)
    assert np.isfinite(travel_times_to(wuhan, points.take([0]), points.take([1, 2]), fastest=np.int64(2))).all()


def test_points_on_one_wuhan_chain_drive_along_it(wuhan):
    contracted = wuhan.contracted
    chain = np.maximum(contracted.chain[wuhan.edge_u], contracted.chain[wuhan.edge_v])
    long_chain = np.argmax(np.bincount(chain[chain >= 0]))
    edges = np.flatnonzero(chain == long_chain)
    assert len(edges) >= 10
    rng = np.random.default_rng(3)
    points = points_on_edges(wuhan, np.repeat(edges, 3), rng.uniform(0, 1, 3 * len(edges)))
    for i in range(0, len(points), 5):
        one = points.take([i])
        assert_same_times(travel_times_to(wuhan, one, points), uncontracted_times_to(wuhan, one, points))
        assert_same_times(travel_times_from(wuhan, one, points), uncontracted_times_from(wuhan, one, points))


def reference_cloud(graph: RoadGraph, point: SnappedPoints, limit_s: float, cell_m: float) -> np.ndarray:
    """The documented hull input of one area, built the plain way: source and own-edge reach, reached
    nodes, frontier tips (uncontracted search), one point per grid cell when 64 or more."""
    nodes, costs = leave_costs(graph, point)
    distance = dijkstra(with_virtual_sources(graph.forward, nodes, costs), indices=graph.node_count)[: graph.node_count]
    edge, fraction = int(point.edge[0]), float(point.fraction[0])
    reach = limit_s / graph.edge_time_s[edge]
    ends = [fraction, min(1.0, fraction + reach)] + ([max(0.0, fraction - reach)] if graph.edge_backward[edge] else [])
    own = shapely.line_interpolate_point(graph.edge_geometry[edge], ends, normalized=True)
    tips = []
    for tail in np.flatnonzero(distance <= limit_s):
        for arc in range(graph.forward.indptr[tail], graph.forward.indptr[tail + 1]):
            arc_time = graph.forward.data[arc]
            if distance[tail] + arc_time > limit_s:
                share = (limit_s - distance[tail]) / max(arc_time, 1e-9)
                arc_edge = graph.arc_edge[arc]
                along = share if graph.edge_u[arc_edge] == tail else 1.0 - share
                tips.append(shapely.line_interpolate_point(graph.edge_geometry[arc_edge], along, normalized=True))
    cloud = np.vstack(
        [shapely.get_coordinates(own), graph.node_xy[distance <= limit_s], shapely.get_coordinates(np.array(tips))]
    )
    if len(cloud) < 64:
        return cloud
    cells = np.floor(cloud / cell_m).astype(np.int64)
    return cloud[np.unique(cells[:, 0] * 4_000_003 + cells[:, 1], return_index=True)[1]]


def test_wuhan_response_areas_match_the_documented_method(wuhan):
    posts = np.array([(114.30, 30.58), (114.35, 30.55), (114.27, 30.60)])
    areas = reachable_within(wuhan, posts, (1, 3, 5))
    snapped = wuhan.snap(posts[:, 0], posts[:, 1])
    for i, row in enumerate(areas):
        assert row[0].area_km2 < row[1].area_km2 < row[2].area_km2
        for area in row:
            limit_s = area.minutes * 60
            nodes, costs = leave_costs(wuhan, snapped.take([i]))
            graph_with_source = with_virtual_sources(wuhan.forward, nodes, costs)
            distance = dijkstra(graph_with_source, indices=wuhan.node_count)[: wuhan.node_count]
            np.testing.assert_array_equal(area.node_index, np.flatnonzero(distance <= limit_s))
            cloud = reference_cloud(wuhan, snapped.take([i]), limit_s, max(20.0, 20.0 * area.minutes))
            polygon = shapely.buffer(shapely.concave_hull(shapely.multipoints(cloud), ratio=0.3), 30.0, quad_segs=4)
            assert area.area_km2 == pytest.approx(polygon.area / 1e6, rel=1e-9)
            on_road = xy_to_lonlat(wuhan.crs, snapped.x[i : i + 1], snapped.y[i : i + 1])
            assert area.polygon.contains(shapely.Point(on_road[0][0], on_road[1][0]))
