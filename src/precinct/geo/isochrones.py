"""Response areas: what a unit at each post reaches within 1, 3, 5 ... minutes.

One bounded multi-row Dijkstra (scipy) from virtual source nodes, bounded by the largest threshold.
Each area is the set of nodes within the threshold plus the points where its frontier arcs run out
of time; the polygon is the concave hull of those points (thinned to one per grid cell) buffered by
``buffer_m`` (GEOS, vectorised over all areas at once), returned in WGS84 lon/lat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from precinct.core.errors import ValidationError
from precinct.geo.graph import RoadGraph
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
    clouds, keys = [], []
    for i, (index, times) in enumerate(reached):
        for j, limit in enumerate(limits_s):
            within = times <= limit
            cloud = _frontier_points(graph, points, i, index[within], times[within], limit)
            clouds.append(_thinned(cloud, cell_m=max(_MIN_CELL_M, _CELL_M_PER_MINUTE * thresholds[j])))
            keys.append((i, j, index[within]))
    hulls = shapely.concave_hull(shapely.multipoints(np.vstack(clouds), indices=_indices(clouds)), ratio=concavity)
    polygons = shapely.buffer(hulls, buffer_m, quad_segs=4)
    areas_km2 = shapely.area(polygons) / 1e6
    polygons_lonlat = geometry_to_lonlat(polygons, graph.crs)
    result: list[list[ReachableArea]] = [[] for _ in range(len(points))]
    for k, (i, j, index) in enumerate(keys):
        result[i].append(ReachableArea(i, thresholds[j], index, n, polygons_lonlat[k], float(areas_km2[k])))
    return tuple(tuple(row) for row in result)


def _frontier_points(
    graph: RoadGraph, points: object, i: int, index: np.ndarray, times: np.ndarray, limit_s: float
) -> np.ndarray:
    """Reached node positions, the source, and the points where outgoing arcs run out of time."""
    own = _own_edge_points(graph, points, i, limit_s)
    if len(index) == 0:
        return own
    indptr = graph.forward.indptr
    counts = indptr[index + 1] - indptr[index]
    arc = np.repeat(indptr[index] - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
    tail_time = np.repeat(times, counts)
    arc_time = graph.forward.data[arc]
    partial = tail_time + arc_time > limit_s
    arc, share = arc[partial], ((limit_s - tail_time[partial]) / np.maximum(arc_time[partial], 1e-9))
    edge = graph.arc_edge[arc]
    tail = np.repeat(index, counts)[partial]
    fraction = np.where(graph.edge_u[edge] == tail, share, 1.0 - share)
    tips = shapely.get_coordinates(shapely.line_interpolate_point(graph.edge_geometry[edge], fraction, normalized=True))
    return np.vstack([own, graph.node_xy[index], tips])


def _own_edge_points(graph: RoadGraph, points: object, i: int, limit_s: float) -> np.ndarray:
    edge = int(points.edge[i])
    fraction = float(points.fraction[i])
    reach = limit_s / max(float(graph.edge_time_s[edge]), 1e-9)
    ends = [fraction]
    if graph.edge_forward[edge]:
        ends.append(min(1.0, fraction + reach))
    if graph.edge_backward[edge]:
        ends.append(max(0.0, fraction - reach))
    return shapely.get_coordinates(shapely.line_interpolate_point(graph.edge_geometry[edge], ends, normalized=True))


def _thinned(points: np.ndarray, *, cell_m: float) -> np.ndarray:
    """Keep one point per ``cell_m`` grid cell (the hull barely changes, GEOS does far less work)."""
    if len(points) < 64:
        return points
    cells = np.floor(points / cell_m).astype(np.int64)
    _, first = np.unique(cells[:, 0] * 4_000_003 + cells[:, 1], return_index=True)
    return points[first]


def _indices(clouds: list[np.ndarray]) -> np.ndarray:
    return np.repeat(np.arange(len(clouds)), [len(c) for c in clouds])


def _thresholds(minutes: object) -> tuple[float, ...]:
    try:
        values = tuple(float(m) for m in np.atleast_1d(np.asarray(minutes, dtype=float)))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"minutes must be positive numbers, got {minutes!r}") from exc
    if not values or not all(np.isfinite(v) and v > 0 for v in values):
        raise ValidationError(f"minutes must be positive numbers, got {minutes!r}")
    return values
