"""The road graph of a server process, built once per roads file and shared by every request."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import anyio.to_thread
from fastapi import Depends

from precinct.api.deps import SettingsDep
from precinct.geo import RoadGraph, graph_from_file

_graphs: dict[str, RoadGraph] = {}
_lock = threading.Lock()


def road_graph(roads_file: str | Path) -> RoadGraph:
    """Return the graph of ``roads_file`` (any file ``geo.graph_from_file`` reads), built on first use.

    Raises
    ------
    NotFoundError, ValidationError
        If the file is missing or not a road network (from ``geo``).
    """
    path = str(roads_file)
    graph = _graphs.get(path)
    if graph is None:
        with _lock:
            graph = _graphs.get(path)
            if graph is None:
                graph = graph_from_file(path)
                _graphs[path] = graph
    return graph


async def current_graph(settings: SettingsDep) -> RoadGraph:
    """Return the configured road graph (a route dependency).

    It is built in a worker thread the first time, so the event loop never waits for it.
    """
    graph = _graphs.get(str(settings.roads_file))
    if graph is not None:
        return graph
    return await anyio.to_thread.run_sync(road_graph, settings.roads_file)


RoadGraphDep = Annotated[RoadGraph, Depends(current_graph)]
