"""Fastest routes and travel-time vectors on a :class:`RoadGraph`.

Method: scipy.sparse.csgraph Dijkstra (binary-heap, C) on CSR matrices of free-flow seconds. A snapped
point becomes a *virtual node* appended to the CSR for one query (O(1) rows added, arrays
concatenated), whose arcs carry the partial edge time to the ends of its edge. Searches are bounded by a
``limit`` estimated from straight-line distance and widened only when a wanted node was not settled,
so a query near an incident settles a few thousand nodes instead of the whole city. A caller that
needs only the fastest ``fastest`` of many points (unit recommendation ranks the best K of a
prefiltered pool) bounds the search by the ``fastest``-th nearest point instead of the farthest, and
stops widening once that many are settled: every point left unsettled is slower than all settled
ones, so the fastest ``fastest`` are exact. Travel-time vectors
(``travel_times_to`` / ``travel_times_from``) search the contracted graph (degree-2 chains merged into
single arcs, ``contraction.py``: 4.9x fewer nodes on Wuhan) and read chain interiors off their ends;
``route`` searches the full graph, whose predecessors give the path geometry. Congestion factors
scale every arc equally, so searches run on free-flow times and results are multiplied by
``SpeedProfile.time_factor(hour)``. ``bench/routing.py`` compares this with igraph and networkx.
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra

from precinct.core.errors import NoRouteError, ValidationError
from precinct.geo.graph import RoadGraph, SnappedPoints
from precinct.geo.projection import as_lonlat_array, xy_to_lonlat

#: First search bound: limit = pad + detour * crow / speed (free-flow s), widened x growth until every
#: wanted point is settled. Tuned on Wuhan with bench/routing.py (river crossings need big detours).
_BOUND_SPEED_MPS = 30 / 3.6
_BOUND_DETOUR = 2.2
_BOUND_PAD_S = 60.0
_BOUND_GROWTH = 1.5


@dataclass(frozen=True, eq=False)
class Route:
    """A fastest route.

    Attributes
    ----------
    distance_m
        Driven length, partial first and last edges included.
    travel_time_s
        Travel time at the requested hour's congestion.
    path
        The driven line in WGS84 lon/lat (a shapely LineString).
    """

    distance_m: float
    travel_time_s: float
    path: shapely.LineString

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with the path as a GeoJSON LineString (lon/lat)."""
        return {
            "distance_m": round(self.distance_m, 1),
            "travel_time_s": round(self.travel_time_s, 1),
            "path": shapely.geometry.mapping(self.path),
        }


def as_snapped(graph: RoadGraph, points: object, name: str) -> SnappedPoints:
    """Return ``points`` snapped: pass :class:`SnappedPoints` through, snap lon/lat pairs or arrays."""
    if isinstance(points, SnappedPoints):
        if len(points) and (points.edge.min() < 0 or points.edge.max() >= graph.edge_count):
            raise ValidationError(f"{name} were snapped on another graph")
        return points
    lonlat = as_lonlat_array(points, name)
    return graph.snap(lonlat[:, 0], lonlat[:, 1])


def leave_costs(graph: RoadGraph, points: SnappedPoints) -> tuple[np.ndarray, np.ndarray]:
    """Nodes (k, 2) = edge ends (u, v) and free-flow seconds to drive from each point to them (inf: forbidden)."""
    edge = points.edge
    time = graph.edge_time_s[edge]
    cost = np.column_stack(
        [
            np.where(graph.edge_backward[edge], points.fraction * time, np.inf),
            np.where(graph.edge_forward[edge], (1 - points.fraction) * time, np.inf),
        ]
    )
    return np.column_stack([graph.edge_u[edge], graph.edge_v[edge]]), cost


def arrive_costs(graph: RoadGraph, points: SnappedPoints) -> tuple[np.ndarray, np.ndarray]:
    """Nodes (k, 2) = edge ends (u, v) and free-flow seconds to drive from them to each point."""
    edge = points.edge
    time = graph.edge_time_s[edge]
    cost = np.column_stack(
        [
            np.where(graph.edge_forward[edge], points.fraction * time, np.inf),
            np.where(graph.edge_backward[edge], (1 - points.fraction) * time, np.inf),
        ]
    )
    return np.column_stack([graph.edge_u[edge], graph.edge_v[edge]]), cost


def same_edge_times(graph: RoadGraph, origin: SnappedPoints, destination: SnappedPoints) -> np.ndarray:
    """Free-flow seconds along a shared edge; inf for points on different edges or against a one-way."""
    edge = origin.edge
    delta = destination.fraction - origin.fraction
    time = graph.edge_time_s[edge]
    ahead = np.where(graph.edge_forward[edge] & (delta >= 0), delta * time, np.inf)
    behind = np.where(graph.edge_backward[edge] & (delta <= 0), -delta * time, np.inf)
    return np.where(origin.edge == destination.edge, np.minimum(ahead, behind), np.inf)


def with_virtual_sources(matrix: sp.csr_matrix, nodes: np.ndarray, costs: np.ndarray) -> sp.csr_matrix:
    """Append one row per source whose arcs go to ``nodes[i]`` with ``costs[i]`` (inf entries skipped)."""
    n = matrix.shape[0]
    allowed = np.isfinite(costs)
    counts = allowed.sum(axis=1)
    indptr = np.concatenate([matrix.indptr, matrix.indptr[-1] + np.cumsum(counts)]).astype(matrix.indptr.dtype)
    indices = np.concatenate([matrix.indices, nodes[allowed].astype(matrix.indices.dtype)])
    data = np.concatenate([matrix.data, costs[allowed]])
    size = n + len(nodes)
    return sp.csr_matrix((data, indices, indptr), shape=(size, size))


def first_limit_s(
    graph: RoadGraph, origin: SnappedPoints, others: SnappedPoints, *, fastest: int | None = None,
) -> float:
    """Return the first search bound (free-flow s).

    Pad + detour x the longest straight line / 30 km/h, or the ``fastest``-th shortest straight
    line when only the fastest few points are wanted.
    """
    crow = np.hypot(others.x - origin.x[0], others.y - origin.y[0])
    if fastest is not None and fastest < len(crow):
        crow_m = float(np.partition(crow, fastest - 1)[fastest - 1])
    else:
        crow_m = float(np.max(crow))
    return _BOUND_PAD_S + _BOUND_DETOUR * crow_m / _BOUND_SPEED_MPS


def _bounded_times(
    graph: RoadGraph,
    nodes: np.ndarray,
    costs: np.ndarray,
    end_nodes: np.ndarray,
    end_costs: np.ndarray,
    direct: np.ndarray,
    *,
    outbound: bool,
    limit_s: float,
    hard_limit: bool,
    settle: int,
) -> np.ndarray:
    """Free-flow seconds between one point and each end point on the contracted graph.

    ``outbound``: the point drives to the end points (search on ``forward``); otherwise the end
    points drive to it (search on ``backward``). The bound widens until ``settle`` end points are
    settled (the others come back inf).
    """
    contracted = graph.contracted
    entry_nodes, entry_costs = contracted.entry_arcs(nodes, costs, outbound=outbound)
    matrix = contracted.forward if outbound else contracted.backward
    augmented = with_virtual_sources(matrix, entry_nodes, entry_costs)
    source = contracted.node_count
    # Drives that never reach a kept node: along the chain shared by the point and an end point.
    mine, theirs = nodes[0][None, :, None], end_nodes[:, None, :]
    along = contracted.along_chain(mine, theirs) if outbound else contracted.along_chain(theirs, mine)
    inside = costs[0][None, :, None] + along + end_costs[:, None, :]
    direct = np.minimum(direct, inside.min(axis=(1, 2)))
    while True:
        distance = dijkstra(augmented, directed=True, indices=source, limit=limit_s)
        ends = contracted.expand(distance, end_nodes, outbound=outbound)
        times = np.minimum((ends + end_costs).min(axis=1), direct)
        if hard_limit or np.count_nonzero(times <= limit_s) >= settle or not np.isfinite(limit_s):
            return np.where(times <= limit_s, times, np.inf)
        limit_s = limit_s * _BOUND_GROWTH if limit_s < 6 * 3600 else np.inf


def travel_times_to(
    graph: RoadGraph,
    target: object,
    sources: object,
    *,
    hour: int | None = None,
    limit_s: float | None = None,
    fastest: int | None = None,
) -> np.ndarray:
    """Travel time (s) from each source to one target: one Dijkstra on the reversed graph.

    The hot path of unit recommendation (many units -> one incident, ``fastest=K``). Snap units once
    when their positions arrive and pass :class:`SnappedPoints` to skip snapping here.

    Parameters
    ----------
    target
        (lon, lat) or a one-point :class:`SnappedPoints`.
    sources
        (n, 2) lon/lat array or :class:`SnappedPoints`.
    hour
        Hour of day (0-23) for the congestion factor; ``None`` = free flow.
    limit_s
        Stop searching beyond this many seconds; farther sources get ``inf``.
    fastest
        Only the fastest this many sources are wanted: the others may come back ``inf`` (each is
        slower than every finite result). ``None`` = all.

    Returns
    -------
    numpy.ndarray
        Seconds per source; ``inf`` where unreachable (or beyond ``limit_s``).

    Raises
    ------
    ValidationError
        For invalid coordinates, points far from any road, a bad hour, limit or ``fastest``.
    """
    factor = graph.speeds.time_factor(hour)
    target_point = _single(as_snapped(graph, target, "target"), "target")
    source_points = as_snapped(graph, sources, "sources")
    nodes, costs = arrive_costs(graph, target_point)
    end_nodes, end_costs = leave_costs(graph, source_points)
    direct = same_edge_times(graph, source_points, _repeat(target_point, len(source_points)))
    bound = _limit(graph, target_point, source_points, limit_s, factor, fastest)
    times = _bounded_times(graph, nodes, costs, end_nodes, end_costs, direct, outbound=False, **bound)
    return times * factor


def travel_times_from(
    graph: RoadGraph,
    source: object,
    targets: object,
    *,
    hour: int | None = None,
    limit_s: float | None = None,
    fastest: int | None = None,
) -> np.ndarray:
    """Travel time (s) from one source to each target: one Dijkstra on the graph.

    Parameters and return value mirror :func:`travel_times_to`.
    """
    factor = graph.speeds.time_factor(hour)
    source_point = _single(as_snapped(graph, source, "source"), "source")
    target_points = as_snapped(graph, targets, "targets")
    nodes, costs = leave_costs(graph, source_point)
    end_nodes, end_costs = arrive_costs(graph, target_points)
    direct = same_edge_times(graph, _repeat(source_point, len(target_points)), target_points)
    bound = _limit(graph, source_point, target_points, limit_s, factor, fastest)
    times = _bounded_times(graph, nodes, costs, end_nodes, end_costs, direct, outbound=True, **bound)
    return times * factor


def route(graph: RoadGraph, from_lonlat: object, to_lonlat: object, *, hour: int | None = None) -> Route:
    """Return the fastest route between two points.

    Parameters
    ----------
    from_lonlat, to_lonlat
        (lon, lat) in degrees, or one-point :class:`SnappedPoints`.
    hour
        Hour of day (0-23) for the congestion factor; ``None`` = free flow.

    Raises
    ------
    NoRouteError
        If no drivable path joins the points.
    ValidationError
        For invalid coordinates or points far from any road.
    """
    factor = graph.speeds.time_factor(hour)
    origin = _single(as_snapped(graph, from_lonlat, "from"), "from")
    destination = _single(as_snapped(graph, to_lonlat, "to"), "to")
    nodes, costs = leave_costs(graph, origin)
    end_nodes, end_costs = arrive_costs(graph, destination)
    direct = float(same_edge_times(graph, origin, destination)[0])
    augmented = with_virtual_sources(graph.forward, nodes, costs)
    source = graph.node_count
    limit_s = first_limit_s(graph, origin, destination)
    while True:
        distance, predecessors = dijkstra(
            augmented, directed=True, indices=source, limit=limit_s, return_predecessors=True
        )
        arrival = distance[end_nodes[0]] + end_costs[0]
        best = float(min(arrival.min(), direct))
        if best <= limit_s or not np.isfinite(limit_s):
            break
        limit_s = limit_s * _BOUND_GROWTH if limit_s < 6 * 3600 else np.inf
    if not np.isfinite(best):
        raise NoRouteError("no drivable route joins the two points (one-way streets or a separate road network)")
    if direct <= arrival.min():
        coords, distance_m = _same_edge_path(graph, origin, destination)
    else:
        last = int(end_nodes[0][np.argmin(arrival)])
        coords, distance_m = _path(graph, origin, destination, predecessors, last)
    lon, lat = xy_to_lonlat(graph.crs, coords[:, 0], coords[:, 1])
    path = shapely.LineString(np.column_stack([lon, lat]))
    return Route(distance_m=distance_m, travel_time_s=best * factor, path=path)


def _path(
    graph: RoadGraph, origin: SnappedPoints, destination: SnappedPoints, predecessors: np.ndarray, last: int
) -> tuple[np.ndarray, float]:
    n = graph.node_count
    chain = [last]
    while predecessors[chain[-1]] < n:
        chain.append(int(predecessors[chain[-1]]))
    chain.reverse()
    pieces = []
    o_edge, o_frac = int(origin.edge[0]), float(origin.fraction[0])
    first_end = 1.0 if chain[0] == graph.edge_v[o_edge] and graph.edge_forward[o_edge] else 0.0
    pieces.append(_partial(graph, o_edge, o_frac, first_end))
    distance_m = abs(first_end - o_frac) * graph.edge_length_m[o_edge]
    indptr, indices = graph.forward.indptr, graph.forward.indices
    for tail, head in itertools.pairwise(chain):
        row = slice(indptr[tail], indptr[tail + 1])
        edge = int(graph.arc_edge[row][indices[row] == head][0])
        coords = shapely.get_coordinates(graph.edge_geometry[edge])
        pieces.append(coords if graph.edge_u[edge] == tail else coords[::-1])
        distance_m += graph.edge_length_m[edge]
    d_edge, d_frac = int(destination.edge[0]), float(destination.fraction[0])
    start = 0.0 if chain[-1] == graph.edge_u[d_edge] and graph.edge_forward[d_edge] else 1.0
    pieces.append(_partial(graph, d_edge, start, d_frac))
    distance_m += abs(d_frac - start) * graph.edge_length_m[d_edge]
    return _joined(pieces), float(distance_m)


def _same_edge_path(graph: RoadGraph, origin: SnappedPoints, destination: SnappedPoints) -> tuple[np.ndarray, float]:
    edge = int(origin.edge[0])
    a, b = float(origin.fraction[0]), float(destination.fraction[0])
    return _joined([_partial(graph, edge, a, b)]), abs(b - a) * float(graph.edge_length_m[edge])


def _partial(graph: RoadGraph, edge: int, start: float, end: float) -> np.ndarray:
    """Coordinates of an edge between two fractions (reversed when ``start > end``)."""
    coords = shapely.get_coordinates(graph.edge_geometry[edge])
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    total = along[-1] or 1.0
    lo, hi = sorted((start, end))
    inside = coords[(along > lo * total) & (along < hi * total)]
    cut = [lo * total, hi * total]
    ends = np.column_stack([np.interp(cut, along, coords[:, 0]), np.interp(cut, along, coords[:, 1])])
    piece = np.vstack([ends[:1], inside, ends[1:]])
    return piece if start <= end else piece[::-1]


def _joined(pieces: list[np.ndarray]) -> np.ndarray:
    coords = np.vstack(pieces)
    keep = np.ones(len(coords), bool)
    keep[1:] = np.any(np.abs(np.diff(coords, axis=0)) > 1e-6, axis=1)
    coords = coords[keep]
    return coords if len(coords) > 1 else np.vstack([coords, coords])


def _single(points: SnappedPoints, name: str) -> SnappedPoints:
    if len(points) != 1:
        raise ValidationError(f"{name} must be one point, got {len(points)}")
    return points


def _repeat(point: SnappedPoints, count: int) -> SnappedPoints:
    return point.take(np.zeros(count, np.int64))


def _limit(
    graph: RoadGraph, origin: SnappedPoints, others: SnappedPoints, limit_s: float | None, factor: float,
    fastest: int | None,
) -> dict[str, Any]:
    if fastest is not None:
        if isinstance(fastest, bool) or not isinstance(fastest, numbers.Integral) or fastest < 1:
            raise ValidationError(f"fastest must be a positive whole number or None, got {fastest!r}")
        fastest = int(fastest)
    settle = len(others) if fastest is None else min(fastest, len(others))
    if limit_s is None:
        return {"limit_s": first_limit_s(graph, origin, others, fastest=fastest), "hard_limit": False, "settle": settle}
    if not (isinstance(limit_s, int | float) and limit_s > 0):
        raise ValidationError(f"limit_s must be a positive number of seconds or None, got {limit_s!r}")
    return {"limit_s": float(limit_s) / factor, "hard_limit": True, "settle": settle}
