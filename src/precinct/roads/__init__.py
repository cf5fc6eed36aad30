"""The edge of the pure ``geo`` core: the road network a server process routes on.

Owns the per-process road graph (built once from ``settings.roads_file``, offered to routes as
:data:`precinct.roads.graph.RoadGraphDep`), the console's offline base-map layer, and the route
endpoint. May import ``core``, ``api`` and ``geo``.
"""
