"""Jurisdictions drawn on the road network: station areas and community beats as road-weighted cells.

All geometry here is in the roads' metric CRS. Roads are sampled at an even spacing, so a sample
stands for the same length of road wherever it lies; k-means on the samples (seeded) puts sites
where the road network is dense, and each area is the Voronoi cell of its site clipped to the area
above it. A station area thus holds about the same length of road as its neighbours, which is
what a beat's workload follows more closely than its surface.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.cluster.vq import kmeans2

from precinct.core.errors import ValidationError
from precinct.geo.edges import EdgeTable

ROAD_SAMPLE_SPACING_M = 50.0
#: the city's outline when no districts are given: the roads' hull widened by this much
CITY_MARGIN_M = 300.0


def road_samples(table: EdgeTable, *, spacing_m: float = ROAD_SAMPLE_SPACING_M) -> np.ndarray:
    """Return points every ``spacing_m`` metres along every road edge (and each edge's midpoint), as (n, 2)."""
    lengths = shapely.length(table.geometry)
    counts = np.maximum(1, np.floor(lengths / spacing_m).astype(np.int64))
    edge = np.repeat(np.arange(len(lengths)), counts)
    starts = np.cumsum(counts) - counts
    step = (np.arange(len(edge)) - np.repeat(starts, counts) + 0.5) / np.repeat(counts, counts)
    points = shapely.line_interpolate_point(table.geometry[edge], step, normalized=True)
    coordinates: np.ndarray = shapely.get_coordinates(points)
    return coordinates


def outline_of_roads(samples: np.ndarray, *, margin_m: float = CITY_MARGIN_M) -> shapely.Geometry:
    """Return the area the roads cover: their convex hull widened by ``margin_m`` (metric CRS)."""
    if len(samples) == 0:
        raise ValidationError("the extract holds no roads to draw the city's outline from")
    return shapely.convex_hull(shapely.multipoints(samples)).buffer(margin_m)


def road_weighted_sites(samples: np.ndarray, k: int, *, seed: int) -> np.ndarray:
    """Return up to ``k`` distinct sites on the roads, spread by road length (k-means, snapped to a sample).

    Fewer come back when the samples hold fewer distinct points than ``k``.
    """
    if len(samples) == 0:
        return np.empty((0, 2))
    k = max(1, min(k, len(np.unique(samples, axis=0))))
    if k == 1:
        centres = samples.mean(axis=0, keepdims=True)
    else:
        centres, _ = kmeans2(samples, k, seed=np.random.default_rng(seed), minit="++")
    tree = shapely.STRtree(shapely.points(samples))
    nearest = tree.query_nearest(shapely.points(centres), all_matches=False)[1]
    return np.unique(samples[nearest], axis=0)


def cells_within(sites: np.ndarray, area: shapely.Geometry) -> list[shapely.Geometry]:
    """Return the Voronoi cell of each site clipped to ``area``, in the order of ``sites``.

    A site outside ``area`` still gets the part of ``area`` nearest to it (possibly empty).
    """
    if len(sites) == 1:
        return [area]
    regions = list(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=area).geoms)
    tree = shapely.STRtree(regions)
    owner = tree.query(shapely.points(sites), predicate="intersects")
    cell_of = {int(site): int(region) for site, region in zip(*owner, strict=True)}
    return [_polygonal(shapely.intersection(regions[cell_of[i]], area)) for i in range(len(sites))]


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts of an intersection (drop slivers of lines and points)."""
    geometry = shapely.make_valid(geometry)
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def assign_to_areas(points: np.ndarray, areas: list[shapely.Geometry]) -> np.ndarray:
    """Index of the area holding each point, else of the nearest area (for points just outside every one)."""
    shapes = shapely.points(points)
    tree = shapely.STRtree(areas)
    index = np.full(len(points), -1, dtype=np.int64)
    inside, area = tree.query(shapes, predicate="within")
    index[inside] = area
    outside = np.flatnonzero(index < 0)
    if len(outside):
        index[outside] = tree.query_nearest(shapes[outside], all_matches=False)[1]
    return index
