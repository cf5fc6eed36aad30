"""The road graph used by dispatch, built once per process from the configured roads file."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

from precinct.geo import RoadGraph, graph_from_file

_graphs: dict[str, RoadGraph] = {}
_lock = threading.Lock()


def default_roads_file() -> Path:
    return Path(str(resources.files("precinct.demo").joinpath("data", "wuhan_roads.parquet")))


def road_graph(roads_file: str | Path | None = None) -> RoadGraph:
    path = str(roads_file or default_roads_file())
    graph = _graphs.get(path)
    if graph is None:
        with _lock:
            graph = _graphs.get(path)
            if graph is None:
                graph = graph_from_file(path)
                _graphs[path] = graph
    return graph
