"""Pure road-network routing: graphs from local files, snapping, travel times, response areas.

Typical use::

    from precinct.geo import graph_from_edges_file, reachable_within, route, travel_times_to

    graph = graph_from_edges_file("wuhan_roads.parquet")
    found = route(graph, (114.30, 30.58), (114.35, 30.55), hour=8)
    units = graph.snap(unit_lon, unit_lat)           # once, when positions arrive
    seconds = travel_times_to(graph, (lon, lat), units, hour=8)
    areas = reachable_within(graph, posts_lonlat, (1, 3, 5))

Pure: imports only itself and ``precinct.core.errors``, never a web framework or the database
(a test walks the imports).
"""

from precinct.core.errors import NoRouteError
from precinct.geo.edges import EdgeTable, edge_table, read_edges_file
from precinct.geo.graph import (
    RoadGraph,
    SnappedPoints,
    graph_from_edge_table,
    graph_from_edges_file,
    graph_from_file,
    graph_from_osm,
    read_roads_file,
)
from precinct.geo.isochrones import ReachableArea, reachable_within
from precinct.geo.osm import read_osm
from precinct.geo.routing import Route, route, travel_times_from, travel_times_to
from precinct.geo.speeds import DEFAULT_CONGESTION_BY_HOUR, DEFAULT_SPEED_KPH, SpeedProfile, free_flow_profile

__all__ = [
    "DEFAULT_CONGESTION_BY_HOUR",
    "DEFAULT_SPEED_KPH",
    "EdgeTable",
    "NoRouteError",
    "ReachableArea",
    "RoadGraph",
    "Route",
    "SnappedPoints",
    "SpeedProfile",
    "edge_table",
    "free_flow_profile",
    "graph_from_edge_table",
    "graph_from_edges_file",
    "graph_from_file",
    "graph_from_osm",
    "reachable_within",
    "read_edges_file",
    "read_osm",
    "read_roads_file",
    "route",
    "travel_times_from",
    "travel_times_to",
]
