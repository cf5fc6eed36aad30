"""The road graph: nodes, directed arcs weighted by free-flow travel time, and edge snapping.

Build one with :func:`graph_from_edges_file`, :func:`graph_from_osm` or :func:`graph_from_edge_table`;
query it through its methods (``route``, ``travel_times_to``, ``travel_times_from``,
``reachable_within``), implemented in ``routing.py`` and ``isochrones.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from pyproj import CRS

from precinct.core.errors import ValidationError
from precinct.geo.contraction import ContractedGraph, contract_degree_two
from precinct.geo.edges import EdgeTable, read_edges_file
from precinct.geo.projection import as_lonlat_array, lonlat_to_xy
from precinct.geo.speeds import SpeedProfile

#: Points farther than this from every road are refused by default when snapping.
DEFAULT_MAX_SNAP_DISTANCE_M = 1000.0


@dataclass(frozen=True, eq=False)
class SnappedPoints:
    """Points placed on their nearest edge.

    Attributes
    ----------
    edge
        Index of the edge each point lies on.
    fraction
        Position along the edge geometry (oriented ``u`` -> ``v``), 0 at ``u`` and 1 at ``v``.
    x, y
        Snapped position in the graph CRS (metres).
    snap_distance_m
        Straight-line distance from the input point to the snapped position.
    """

    edge: np.ndarray
    fraction: np.ndarray
    x: np.ndarray
    y: np.ndarray
    snap_distance_m: np.ndarray

    def __len__(self) -> int:
        """Return the number of snapped points."""
        return len(self.edge)

    def take(self, indices: np.ndarray | list[int]) -> SnappedPoints:
        """Return the subset of points at ``indices`` (e.g. the candidates of one incident)."""
        indices = np.asarray(indices, dtype=np.int64)
        return SnappedPoints(*(getattr(self, name)[indices] for name in _SNAP_FIELDS))


_SNAP_FIELDS = ("edge", "fraction", "x", "y", "snap_distance_m")


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed road graph in a projected CRS (metres) with travel times per arc.

    Edges are the undirected road pieces of the source table; arcs are the directions a vehicle may
    drive them (both, unless one-way). ``forward`` and ``backward`` are CSR matrices of free-flow
    travel time (s) for arc ``i -> j`` and its reverse; ``arc_edge[k]`` is the edge of
    ``forward.data[k]``. ``contracted`` is the same network with degree-2 chains merged into single
    arcs (see ``contraction.py``), which searches run on. Treat every array as read-only.
    """

    crs: CRS
    speeds: SpeedProfile
    node_id: np.ndarray
    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_highway: np.ndarray
    edge_geometry: np.ndarray
    edge_length_m: np.ndarray
    edge_speed_kph: np.ndarray
    edge_time_s: np.ndarray
    edge_forward: np.ndarray
    edge_backward: np.ndarray
    forward: sp.csr_matrix
    backward: sp.csr_matrix
    arc_edge: np.ndarray
    tree: shapely.STRtree
    contracted: ContractedGraph
    edge_name: np.ndarray | None = None
    """Street name per edge (``""`` where unnamed), or ``None`` when the roads file has no names."""

    @property
    def node_count(self) -> int:
        """Number of nodes."""
        return len(self.node_id)

    @property
    def edge_count(self) -> int:
        """Number of edges (road pieces, either or both directions)."""
        return len(self.edge_u)

    def snap(
        self,
        lon: np.ndarray | float,
        lat: np.ndarray | float,
        *,
        max_distance_m: float = DEFAULT_MAX_SNAP_DISTANCE_M,
    ) -> SnappedPoints:
        """Place WGS84 points on their nearest edge (vectorised STRtree nearest search).

        Parameters
        ----------
        lon, lat
            Degrees, scalars or equal-length arrays.
        max_distance_m
            Refuse points farther than this from any road.

        Raises
        ------
        ValidationError
            If coordinates are invalid or a point is farther than ``max_distance_m`` from the roads.
        """
        lonlat = as_lonlat_array(np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)]), "points")
        x, y = lonlat_to_xy(self.crs, lonlat[:, 0], lonlat[:, 1])
        return self.snap_xy(np.asarray(x), np.asarray(y), max_distance_m=max_distance_m, lonlat=lonlat)

    def snap_xy(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        max_distance_m: float = DEFAULT_MAX_SNAP_DISTANCE_M,
        lonlat: np.ndarray | None = None,
    ) -> SnappedPoints:
        """Place points given in the graph CRS (metres) on their nearest edge; see :meth:`snap`."""
        points = shapely.points(np.asarray(x, float), np.asarray(y, float))
        _, edge = self.tree.query_nearest(points, all_matches=False)
        geometry = self.edge_geometry[edge]
        fraction = np.clip(shapely.line_locate_point(geometry, points, normalized=True), 0.0, 1.0)
        snapped = shapely.line_interpolate_point(geometry, fraction, normalized=True)
        distance = shapely.distance(points, snapped)
        far = distance > max_distance_m
        if far.any():
            i = int(np.argmax(far))
            where = f"({lonlat[i, 0]:.6f}, {lonlat[i, 1]:.6f})" if lonlat is not None else f"#{i}"
            raise ValidationError(
                f"point {where} is {distance[i]:.0f} m from the nearest road (max {max_distance_m:.0f} m); "
                "check the lon/lat order and that the point lies inside the road network"
            )
        xy = shapely.get_coordinates(snapped)
        return SnappedPoints(edge.astype(np.int64), fraction, xy[:, 0], xy[:, 1], distance)


def graph_from_edges_file(path: str | Path, *, speeds: SpeedProfile | None = None) -> RoadGraph:
    """Build a graph from a GeoParquet or GeoPackage edge table (``u``, ``v``, ``highway``, geometry).

    Raises
    ------
    NotFoundError
        If the file does not exist.
    ValidationError
        If a required column is missing or the data cannot form a graph.
    """
    return graph_from_edge_table(read_edges_file(path), speeds=speeds)


def graph_from_osm(path: str | Path, *, speeds: SpeedProfile | None = None) -> RoadGraph:
    """Build a drivable graph from an OpenStreetMap ``.osm`` / ``.osm.pbf`` extract (UTM metres)."""
    from precinct.geo.osm import read_osm

    return graph_from_edge_table(read_osm(path), speeds=speeds)


OSM_SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.xml")


def read_roads_file(path: str | Path) -> EdgeTable:
    """Read the road edges of any supported roads file (GeoParquet, GeoPackage, OSM extract).

    The reader is chosen by the file's suffix.
    """
    if str(path).lower().endswith(OSM_SUFFIXES):
        from precinct.geo.osm import read_osm

        return read_osm(path)
    return read_edges_file(path)


def graph_from_file(path: str | Path, *, speeds: SpeedProfile | None = None) -> RoadGraph:
    """Build a graph from any supported roads file, choosing the reader by suffix."""
    return graph_from_edge_table(read_roads_file(path), speeds=speeds)


def graph_from_edge_table(table: EdgeTable, *, speeds: SpeedProfile | None = None) -> RoadGraph:
    """Build a :class:`RoadGraph` from an :class:`EdgeTable`.

    Geometries are re-oriented to run from ``u`` to ``v`` (some exports store them either way);
    ``oneway=-1`` edges are flipped to ``oneway=1``. Speed is the tagged ``maxspeed`` if present and
    enabled, else the class speed of ``speeds``.
    """
    speeds = speeds or SpeedProfile()
    node_id, inverse = np.unique(np.concatenate([table.u, table.v]), return_inverse=True)
    m = len(table)
    u, v = inverse[:m].astype(np.int64), inverse[m:].astype(np.int64)
    geometry = _oriented(u, v, table.geometry, len(node_id))
    reverse = table.oneway == -1
    if reverse.any():
        u, v = np.where(reverse, v, u), np.where(reverse, u, v)
        geometry = np.where(reverse, shapely.reverse(geometry), geometry)
    forward = np.ones(m, bool)
    backward = table.oneway == 0
    node_xy = np.empty((len(node_id), 2))
    node_xy[u] = shapely.get_coordinates(shapely.get_point(geometry, 0))
    node_xy[v] = shapely.get_coordinates(shapely.get_point(geometry, -1))
    length = shapely.length(geometry)
    class_speed = np.array([speeds.class_speed_kph(h) for h in table.highway], float)
    tagged = np.isfinite(table.maxspeed_kph) if speeds.use_maxspeed else np.zeros(m, bool)
    speed = np.where(tagged, table.maxspeed_kph, class_speed)
    time = length / (speed / 3.6)
    forward_csr, arc_edge = _arcs(u, v, time, forward, backward, len(node_id))
    return RoadGraph(
        crs=table.crs,
        speeds=speeds,
        node_id=node_id,
        node_xy=node_xy,
        edge_u=u,
        edge_v=v,
        edge_highway=table.highway,
        edge_geometry=geometry,
        edge_length_m=length,
        edge_speed_kph=speed,
        edge_time_s=time,
        edge_forward=forward,
        edge_backward=backward,
        forward=forward_csr,
        backward=forward_csr.transpose().tocsr(),
        arc_edge=arc_edge,
        tree=shapely.STRtree(geometry),
        contracted=contract_degree_two(forward_csr),
        edge_name=table.name,
    )


def _arcs(
    u: np.ndarray, v: np.ndarray, time: np.ndarray, forward: np.ndarray, backward: np.ndarray, n: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Directed arcs as CSR (keeping the fastest of parallel arcs) and the edge of each arc."""
    edges = np.arange(len(u))
    tail = np.concatenate([u[forward], v[backward]])
    head = np.concatenate([v[forward], u[backward]])
    weight = np.concatenate([time[forward], time[backward]])
    edge = np.concatenate([edges[forward], edges[backward]])
    keep = tail != head
    tail, head, weight, edge = tail[keep], head[keep], weight[keep], edge[keep]
    order = np.lexsort((weight, head, tail))
    tail, head, weight, edge = tail[order], head[order], weight[order], edge[order]
    first = np.ones(len(tail), bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, weight, edge = tail[first], head[first], weight[first], edge[first]
    indptr = np.zeros(n + 1, np.int32)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    matrix = sp.csr_matrix((weight, head.astype(np.int32), indptr), shape=(n, n))
    return matrix, edge


def _oriented(u: np.ndarray, v: np.ndarray, geometry: np.ndarray, n: int) -> np.ndarray:
    """Reverse geometries that run from ``v`` to ``u``.

    Each node's position is the endpoint coordinate shared by most of its edges (undecided for
    dead ends, which have one edge). An edge is flipped when its endpoints fit the decided node
    positions better reversed.
    """
    start = shapely.get_coordinates(shapely.get_point(geometry, 0))
    end = shapely.get_coordinates(shapely.get_point(geometry, -1))
    frame = pd.DataFrame(
        {
            "node": np.concatenate([u, u, v, v]),
            "x": np.round(np.concatenate([start[:, 0], end[:, 0]] * 2), 2),
            "y": np.round(np.concatenate([start[:, 1], end[:, 1]] * 2), 2),
        }
    )
    votes = frame.groupby(["node", "x", "y"], sort=False).size().reset_index(name="count")
    votes = votes.sort_values(["node", "count"], ascending=[True, False], kind="stable")
    top = votes.drop_duplicates("node", keep="first").set_index("node")
    second = votes[votes.duplicated("node", keep="first")].drop_duplicates("node").set_index("node")["count"]
    known = np.zeros(n, bool)
    xy = np.zeros((n, 2))
    index = top.index.to_numpy()
    known[index] = top["count"].to_numpy() > second.reindex(index, fill_value=0).to_numpy()
    xy[index] = top[["x", "y"]].to_numpy()

    def misfit(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(known[u], np.hypot(*(a - xy[u]).T), 0.0) + np.where(known[v], np.hypot(*(b - xy[v]).T), 0.0)

    flip = misfit(end, start) < misfit(start, end)
    if not flip.any():
        return geometry
    geometry = geometry.copy()
    geometry[flip] = shapely.reverse(geometry[flip])
    return geometry
