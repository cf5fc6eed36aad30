"""Road-network adapters: travel-time matrices and callables for the planning cores.

Thin layer over :mod:`precinct.geo`: posts and demand points are snapped once, then one Dijkstra
per post (``geo.travel_times_from``) fills a row of the posts x demand matrix that
:class:`~precinct.planning.location.MaximalCoveringModel`, :func:`coverage_by_threshold`,
:class:`HypercubeModel` and :func:`simulate_incidents` take.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from precinct.core.errors import ValidationError
from precinct.geo import RoadGraph, reachable_within, travel_times_from, travel_times_to

__all__ = [
    "label_points_by_polygons", "on_road_mask", "response_areas_geojson", "travel_time_callable", "travel_time_matrix",
]


def _lonlat(name: str, value: object) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] == 0:
        raise ValidationError(f"{name} must be an (n, 2) array of lon, lat degrees, got shape {array.shape}")
    return array


def travel_time_matrix(
    graph: RoadGraph, posts_lonlat: object, demand_lonlat: object, *, hour: int | None = None,
    limit_s: float | None = None,
) -> np.ndarray:
    """Return the seconds from each post to each demand point over the road graph.

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
        travel_times_from(graph, snapped_posts.take([index]), snapped_demand, hour=hour, limit_s=limit_s)
        for index in range(len(snapped_posts))
    ]
    return np.vstack(rows).astype(float)


def travel_time_callable(
    graph: RoadGraph, posts_lonlat: object, demand_lonlat: object, *, hour: int | None = None
) -> Callable[[int], np.ndarray]:
    """``cell -> seconds from every post`` for :func:`simulate_incidents`, computed lazily and cached.

    One reverse Dijkstra per distinct demand cell (``geo.travel_times_to``), so a simulation
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
                travel_times_to(graph, snapped_demand.take([cell]), snapped_posts, hour=hour), dtype=float
            )
        return cache[cell]

    return times_from_posts


def response_areas_geojson(
    graph: RoadGraph, posts_lonlat: object, minutes: tuple[float, ...] = (1, 3, 5), *,
    properties: list[dict[str, Any]] | None = None, hour: int | None = None,
) -> dict[str, Any]:
    """Response areas ("circles" on roads) of each post as a GeoJSON FeatureCollection.

    One feature per post and threshold (``geo.reachable_within``), with properties
    ``post`` (input position), ``minutes``, ``area_km2`` and whatever ``properties[post]`` adds.

    Parameters
    ----------
    graph : precinct.geo.RoadGraph
    posts_lonlat : array_like, shape (n, 2)
        WGS84 lon, lat degrees.
    minutes : tuple of float
        Thresholds, minutes.
    properties : list of dict, optional
        Extra properties per post (e.g. station id and names).
    hour : int, optional
        Hour of day for the congestion factor; None = free flow.

    Raises
    ------
    ValidationError
        On bad coordinates or thresholds, or a post more than 1 km from any road.
    """
    from shapely.geometry import mapping

    posts = _lonlat("posts_lonlat", posts_lonlat)
    if properties is not None and len(properties) != len(posts):
        raise ValidationError(f"properties must have one dict per post ({len(posts)}), got {len(properties)}")
    areas = reachable_within(graph, posts, tuple(float(m) for m in minutes), hour=hour)
    features = []
    for index, per_threshold in enumerate(areas):
        extra = properties[index] if properties is not None else {}
        for area in per_threshold:
            features.append({
                "type": "Feature",
                "properties": {"post": index, "minutes": float(area.minutes),
                               "area_km2": round(area.area_km2, 4)} | extra,
                "geometry": mapping(area.polygon),
            })
    return {"type": "FeatureCollection", "features": features}


def label_points_by_polygons(
    points_lonlat: object, feature_collection: Mapping[str, Any], *, label_property: str = "name",
) -> np.ndarray:
    """Label each lon/lat point with the ``label_property`` of the polygon feature containing it.

    Points outside every polygon get ``""``; where polygons overlap the first feature wins.

    Raises
    ------
    ValidationError
        When the collection has no polygon features or a feature lacks ``label_property``.
    """
    import shapely
    from shapely.geometry import shape

    points = _lonlat("points_lonlat", points_lonlat)
    features = [f for f in feature_collection.get("features", []) if f.get("geometry")]
    if not features:
        raise ValidationError("the districts GeoJSON has no features with a geometry")
    labels = []
    for number, feature in enumerate(features):
        value = (feature.get("properties") or {}).get(label_property)
        if value is None:
            raise ValidationError(
                f"districts feature {number} has no property {label_property!r}; pick another with the label option")
        labels.append(str(value))
    tree = shapely.STRtree([shape(f["geometry"]) for f in features])
    point_index, polygon_index = tree.query(shapely.points(points[:, 0], points[:, 1]), predicate="within")
    result = np.full(len(points), "", dtype=object)
    order = np.lexsort((-polygon_index, point_index))  # first feature last, so it wins the assignment
    result[point_index[order]] = np.asarray(labels, dtype=object)[polygon_index[order]]
    return result.astype(str)


def on_road_mask(graph: RoadGraph, points_lonlat: object) -> np.ndarray:
    """Flag the lon/lat points that lie within snapping distance (1 km) of a road.

    One vectorised snap when every point is fine; otherwise one snap per point to find the bad
    ones (e.g. posts in a river, stations far outside the road file's extent).
    """
    points = _lonlat("points_lonlat", points_lonlat)
    try:
        graph.snap(points[:, 0], points[:, 1])
        return np.ones(len(points), bool)
    except ValidationError:
        mask = np.zeros(len(points), bool)
        for index, (lon, lat) in enumerate(points):
            try:
                graph.snap(lon, lat)
                mask[index] = True
            except ValidationError:
                continue
        return mask
