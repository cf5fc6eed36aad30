"""Road-network adapters: travel-time matrices and callables for the planning cores.

Thin layer over :mod:`precinct.geo`: posts and demand points are snapped once, then one Dijkstra
per post (``RoadGraph.travel_times_from``) fills a row of the posts x demand matrix that
:class:`~precinct.planning.location.MaximalCoveringModel`, :func:`coverage_by_threshold`,
:class:`HypercubeModel` and :func:`simulate_incidents` take.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from precinct.core.errors import ValidationError

__all__ = ["travel_time_matrix", "travel_time_callable"]


def _lonlat(name: str, value: object) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] == 0:
        raise ValidationError(f"{name} must be an (n, 2) array of lon, lat degrees, got shape {array.shape}")
    return array


def travel_time_matrix(
    graph, posts_lonlat: object, demand_lonlat: object, *, hour: int | None = None, limit_s: float | None = None
) -> np.ndarray:  # noqa: ANN001
    """Seconds from each post to each demand point over the road graph.

    Parameters
    ----------
    graph : precinct.geo.RoadGraph
    posts_lonlat, demand_lonlat : array_like, shape (n, 2)
        WGS84 lon, lat in degrees.
    hour : int, optional
        Hour of day for the congestion factor; None = free flow.
    limit_s : float, optional
        Stop each search beyond this many seconds (farther pairs are ``inf``) - set it to the
        largest threshold when only coverage matters; it makes large matrices much cheaper.

    Returns
    -------
    ndarray, shape (n_posts, n_demand)
        ``inf`` where a demand point is unreachable (or beyond ``limit_s``).
    """
    posts = _lonlat("posts_lonlat", posts_lonlat)
    demand = _lonlat("demand_lonlat", demand_lonlat)
    snapped_posts = graph.snap(posts[:, 0], posts[:, 1])
    snapped_demand = graph.snap(demand[:, 0], demand[:, 1])
    rows = [
        graph.travel_times_from(snapped_posts.take([index]), snapped_demand, hour=hour, limit_s=limit_s)
        for index in range(len(snapped_posts))
    ]
    return np.vstack(rows).astype(float)


def travel_time_callable(
    graph, posts_lonlat: object, demand_lonlat: object, *, hour: int | None = None
) -> Callable[[int], np.ndarray]:  # noqa: ANN001
    """``cell -> seconds from every post`` for :func:`simulate_incidents`, computed lazily and cached.

    One reverse Dijkstra per distinct demand cell (``RoadGraph.travel_times_to``), so a simulation
    only pays for the cells its incidents fall in.
    """
    posts = _lonlat("posts_lonlat", posts_lonlat)
    demand = _lonlat("demand_lonlat", demand_lonlat)
    snapped_posts = graph.snap(posts[:, 0], posts[:, 1])
    snapped_demand = graph.snap(demand[:, 0], demand[:, 1])
    cache: dict[int, np.ndarray] = {}

    def times_from_posts(cell: int) -> np.ndarray:
        if cell not in cache:
            if not 0 <= cell < len(snapped_demand):
                raise ValidationError(f"cell {cell} is outside the {len(snapped_demand)} demand points")
            cache[cell] = np.asarray(
                graph.travel_times_to(snapped_demand.take([cell]), snapped_posts, hour=hour), dtype=float
            )
        return cache[cell]

    return times_from_posts
