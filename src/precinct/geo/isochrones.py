"""Response areas: what a unit at each post reaches within 1, 3, 5 ... minutes.

One bounded multi-row Dijkstra (scipy) from virtual source nodes, bounded by the largest threshold.
Each area is the set of nodes within the threshold plus the points where its frontier arcs run out
of time; the polygon is the concave hull of those points (thinned to one per grid cell) buffered by
``buffer_m``, returned in WGS84 lon/lat. Point clouds, thinning, hulls and buffers are built for all
areas at once (numpy and GEOS, no per-area Python loop); the hull reads LineStrings made straight from
the coordinate array, which carry the same vertices as MultiPoints without one Python Point each.

The search runs on the full graph, not the contracted one: it is ~0.1 s of ~1 s here, and every
reached node needs its time anyway (the GEOS concave hull is about half the total).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from precinct.core.errors import ValidationError
from precinct.geo.graph import RoadGraph, SnappedPoints
from precinct.geo.projection import geometry_to_lonlat
from precinct.geo.routing import as_snapped, leave_costs, with_virtual_sources

_BATCH = 64
#: Hull input is thinned to one point per grid cell of this size (grows with the threshold).
_MIN_CELL_M = 20.0
_CELL_M_PER_MINUTE = 20.0


@dataclass(frozen=True, eq=False)
class ReachableArea:
    """What one source reaches within one threshold.

    Attributes
    ----------
    source_index
        Position of the source in the input.
    minutes
        The threshold.
    node_index
        Sorted indices of graph nodes reached within ``minutes``.
    node_count
        Number of nodes in the graph (length of :meth:`node_mask`).
    polygon
        The area in WGS84 lon/lat (GeoJSON-ready via ``shapely.geometry.mapping``).
    area_km2
        Area of the polygon, computed in the graph's metric CRS.
    """

    source_index: int
    minutes: float
    node_index: np.ndarray
    node_count: int
    polygon: shapely.Geometry
    area_km2: float

    def node_mask(self) -> np.ndarray:
        """Return a boolean array over graph nodes, True where reached."""
        mask = np.zeros(self.node_count, bool)
        mask[self.node_index] = True
        return mask


def reachable_within(
    graph: RoadGraph,
    sources: object,
    minutes: tuple[float, ...] | list[float] = (1, 3, 5),
    *,
    hour: int | None = None,
    buffer_m: float = 30.0,
    concavity: float = 0.3,
) -> tuple[tuple[ReachableArea, ...], ...]:
    """Return the area each source reaches within each threshold: ``result[source][threshold]``.

    Parameters
    ----------
    sources
        (n, 2) lon/lat array or :class:`SnappedPoints` (e.g. police posts).
    minutes
        Positive thresholds in minutes, e.g. (1, 3, 5).
    hour
        Hour of day (0-23) for the congestion factor; ``None`` = free flow.
    buffer_m
        Buffer around the hull of reached points, metres (roads have width; tiny areas stay visible).
    concavity
        GEOS concave-hull ratio: 0 hugs the points, 1 is the convex hull.

    Raises
    ------
    ValidationError
        For invalid coordinates, thresholds, or points far from any road.
    """
    thresholds = _thresholds(minutes)
    factor = graph.speeds.time_factor(hour)
    points = as_snapped(graph, sources, "sources")
    limits_s = np.asarray(thresholds) * 60.0 / factor
    nodes, costs = leave_costs(graph, points)
    augmented = with_virtual_sources(graph.forward, nodes, costs)
    n = graph.node_count
    reached: list[tuple[np.ndarray, np.ndarray]] = []
    for start in range(0, len(points), _BATCH):
        rows = np.arange(start, min(start + _BATCH, len(points))) + n
        distance = np.atleast_2d(dijkstra(augmented, directed=True, indices=rows, limit=limits_s.max()))[:, :n]
        for row in distance:
            index = np.flatnonzero(row <= limits_s.max())
            reached.append((index, row[index]))
    coords, group = _clouds(graph, points, reached, limits_s, thresholds)
    # The hull only reads coordinates: LineStrings give the same hull as MultiPoints, far cheaper.
    hulls = shapely.concave_hull(shapely.linestrings(coords, indices=group), ratio=concavity)
    polygons = shapely.buffer(hulls, buffer_m, quad_segs=4)
    areas_km2 = shapely.area(polygons) / 1e6
    polygons_lonlat = geometry_to_lonlat(polygons, graph.crs)
    result: list[list[ReachableArea]] = [[] for _ in range(len(points))]
    for i, (index, times) in enumerate(reached):
        for j, limit in enumerate(limits_s):
            k = i * len(limits_s) + j
            area = ReachableArea(i, thresholds[j], index[times <= limit], n, polygons_lonlat[k], float(areas_km2[k]))
            result[i].append(area)
    return tuple(tuple(row) for row in result)


def _clouds(
    graph: RoadGraph,
    points: SnappedPoints,
    reached: list[tuple[np.ndarray, np.ndarray]],
    limits_s: np.ndarray,
    thresholds: tuple[float, ...],
) -> tuple[np.ndarray, np.ndarray]:
    """Hull input of every area, vectorised over sources and thresholds.

    Area ``k = source * len(limits_s) + threshold`` gets, in this order: the source and the ends of
    its own edge it reaches, the reached nodes, and the points where arcs leaving reached nodes run
    out of time; clouds of 64 points or more keep one point per grid cell. Returns coordinates
    sorted by area and the area of each.
    """
    count = len(limits_s)
    size = np.array([len(index) for index, _ in reached])
    source = np.repeat(np.arange(len(reached)), size)
    node = np.concatenate([index for index, _ in reached]).astype(np.int64)
    time = np.concatenate([times for _, times in reached])
    indptr = graph.forward.indptr
    arcs = indptr[node + 1] - indptr[node]
    arc = np.repeat(indptr[node] - (np.cumsum(arcs) - arcs), arcs) + np.arange(arcs.sum())
    arc_source, tail, tail_time = np.repeat(source, arcs), np.repeat(node, arcs), np.repeat(time, arcs)
    arc_time = graph.forward.data[arc]
    arc_edge = graph.arc_edge[arc]
    groups, xys, edges, fractions = [], [], [], []
    for j, limit in enumerate(limits_s):
        own_edge, own_fraction, own_source = _own_edge_ends(graph, points, limit)
        within = time <= limit
        partial = (tail_time <= limit) & (tail_time + arc_time > limit)
        share = (limit - tail_time[partial]) / np.maximum(arc_time[partial], 1e-9)
        edge = arc_edge[partial]
        groups += [own_source * count + j, source[within] * count + j, arc_source[partial] * count + j]
        xys.append(graph.node_xy[node[within]])
        edges += [own_edge, edge]
        fractions += [own_fraction, np.where(graph.edge_u[edge] == tail[partial], share, 1.0 - share)]
    located = shapely.line_interpolate_point(
        graph.edge_geometry[np.concatenate(edges)], np.concatenate(fractions), normalized=True
    )
    along = shapely.get_coordinates(located)
    pieces, offset = [], 0
    for j in range(count):  # own points and tips were interpolated together: put them back in place
        own, tips = len(groups[3 * j]), len(groups[3 * j + 2])
        pieces += [along[offset : offset + own], xys[j], along[offset + own : offset + own + tips]]
        offset += own + tips
    group, xy = np.concatenate(groups), np.vstack(pieces)
    order = np.argsort(group, kind="stable")  # an area's points were concatenated in the right order
    group, xy = group[order], xy[order]
    cell_m = np.maximum(_MIN_CELL_M, _CELL_M_PER_MINUTE * np.asarray(thresholds))[group % count]
    return _thinned(xy, group, cell_m)


def _own_edge_ends(graph: RoadGraph, points: SnappedPoints, limit_s: float) -> tuple[np.ndarray, ...]:
    """Edge, fraction and source of: each source, and how far along its own edge it gets each way."""
    edge, fraction = points.edge, points.fraction
    reach = limit_s / np.maximum(graph.edge_time_s[edge], 1e-9)
    ends = np.column_stack([fraction, np.minimum(1.0, fraction + reach), np.maximum(0.0, fraction - reach)])
    keep = np.column_stack([np.ones(len(edge), bool), graph.edge_forward[edge], graph.edge_backward[edge]])
    source = np.broadcast_to(np.arange(len(edge))[:, None], keep.shape)
    return np.broadcast_to(edge[:, None], keep.shape)[keep], ends[keep], source[keep]


def _thinned(xy: np.ndarray, group: np.ndarray, cell_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the first point per ``cell_m`` grid cell of clouds with 64 points or more.

    The hull barely changes and GEOS does far less work; smaller clouds stay whole. ``group`` must
    be sorted; returns (xy, group), cells in key order as ``np.unique`` gives them.
    """
    size = np.bincount(group)
    cells = np.floor(xy / cell_m[:, None]).astype(np.int64)
    key = np.where(size[group] >= 64, cells[:, 0] * 4_000_003 + cells[:, 1], np.arange(len(group)))
    key -= key.min()
    span = int(key.max()) + 1
    step = max(1, 2**62 // span)  # areas per np.unique call so that area * span + key fits int64
    bounds = np.searchsorted(group, [*range(0, len(size), step), len(size)])
    first = np.concatenate(
        [
            start + np.unique(group[start:stop] * span + key[start:stop], return_index=True)[1]
            for start, stop in itertools.pairwise(bounds)
        ]
    )
    group, xy = group[first], xy[first]
    single = np.flatnonzero(np.bincount(group, minlength=len(size)) == 1)
    if len(single):  # a LineString needs two vertices
        at = np.searchsorted(group, single)
        group, xy = np.insert(group, at, single), np.insert(xy, at, xy[at], axis=0)
    return xy, group


def _thresholds(minutes: object) -> tuple[float, ...]:
    try:
        values = tuple(float(m) for m in np.atleast_1d(np.asarray(minutes, dtype=float)))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"minutes must be positive numbers, got {minutes!r}") from exc
    if not values or not all(np.isfinite(v) and v > 0 for v in values):
        raise ValidationError(f"minutes must be positive numbers, got {minutes!r}")
    return values
