"""Road lines for the console's offline base map, built once per process from the roads file.

The roads file is the one routing uses (``settings.roads_file``; default the bundled Wuhan roads),
in any format ``geo`` reads (GeoParquet, GeoPackage, OSM extract) and whatever metric CRS it holds.
For the map the edges of each road class are merged into long lines and simplified in metres, then
transformed to WGS84 lon/lat and rounded to 5 decimals (about 1 m); the gzip-compressed GeoJSON
is kept in memory.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import shapely
from pyproj import CRS

from precinct.core.errors import ValidationError
from precinct.geo import read_roads_file
from precinct.geo.projection import geometry_to_lonlat

RoadDetail = Literal["major", "all"]
MAJOR_CLASSES = ("motorway", "trunk", "primary", "secondary")
# Simplification tolerance in metres: coarse for the city overview, finer when zoomed in.
TOLERANCE_M: dict[str, float] = {"major": 25.0, "all": 8.0}
DRAW_ORDER = ("living_street", "pedestrian", "residential", "unclassified", "tertiary", "secondary", "primary",
              "trunk", "motorway")


@dataclass(frozen=True)
class RoadLayer:
    """One prepared road layer: gzip-compressed GeoJSON and what it holds."""

    gzip_body: bytes
    feature_count: int
    coordinate_count: int

    def body(self) -> bytes:
        """Return the uncompressed GeoJSON (for clients that do not accept gzip)."""
        return gzip.decompress(self.gzip_body)


def road_class(highway: str) -> str:
    """Fold ``*_link`` ramps into their road class (``trunk_link`` -> ``trunk``)."""
    return highway.removesuffix("_link")


@lru_cache(maxsize=4)
def road_layer(path: str, detail: RoadDetail) -> RoadLayer:
    """Build (once per process and file) the road layer for ``detail``.

    Parameters
    ----------
    path
        A roads file (``.parquet``, ``.gpkg``, ``.osm``, ``.osm.pbf``) with OSM ``highway`` classes.
    detail
        ``"major"``: motorway, trunk, primary and secondary roads, simplified to 25 m;
        ``"all"``: every class, simplified to 8 m.

    Raises
    ------
    NotFoundError
        If the road file does not exist (set ``PRECINCT_ROADS_FILE``).
    ValidationError
        For an unknown ``detail`` or a file that is not a road network.
    """
    if detail not in TOLERANCE_M:
        raise ValidationError(f"detail must be 'major' or 'all', not {detail!r}")
    edges = read_roads_file(path)
    classes = np.array([road_class(str(h)) for h in edges.highway], dtype=object)
    wanted = MAJOR_CLASSES if detail == "major" else DRAW_ORDER
    features, coordinate_count = [], 0
    for name in [c for c in DRAW_ORDER if c in wanted]:
        selected = edges.geometry[classes == name]
        if len(selected) == 0:
            continue
        merged = shapely.line_merge(shapely.multilinestrings(selected))
        lonlat = geometry_to_lonlat(shapely.simplify(merged, TOLERANCE_M[detail]), edges.crs)
        rounded = shapely.transform(lonlat, lambda xy: np.round(xy, 5))
        coordinate_count += int(shapely.get_num_coordinates(rounded))
        features.append({"type": "Feature", "properties": {"highway": name},
                         "geometry": shapely.geometry.mapping(rounded)})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return RoadLayer(gzip.compress(body.encode("utf-8"), 6), len(features), coordinate_count)


@lru_cache(maxsize=4)
def road_extent(path: str) -> tuple[float, float, float, float]:
    """Return the (west, south, east, north) lon/lat extent of a roads file (cached per process and file).

    Raises
    ------
    NotFoundError, ValidationError
        If the file is missing or not a road network (from ``geo``).
    """
    edges = read_roads_file(path)
    lonlat = geometry_to_lonlat(shapely.box(*shapely.total_bounds(edges.geometry)), edges.crs)
    west, south, east, north = shapely.bounds(lonlat)
    return float(west), float(south), float(east), float(north)


#: a named road gets a label every this many metres of its length (and one if shorter but long enough)
LABEL_SPACING_M = 400.0
LABEL_MIN_LENGTH_M = 60.0
LABEL_GAP_M = 150.0  # no two labels of one name closer than this


@lru_cache(maxsize=4)
def road_labels(path: str) -> RoadLayer:
    """Build (once per process and file) label points for the named roads of a roads file.

    Each named road's edges are merged; every merged line of at least ``LABEL_MIN_LENGTH_M`` gets a
    label at its middle and one more every ``LABEL_SPACING_M``. A label is a GeoJSON Point with
    ``name`` and ``angle_deg``, the road's direction there as a screen rotation (clockwise, within
    -90..90 so text never reads upside down). A file without names (the Wuhan demo roads) has none.

    Raises
    ------
    NotFoundError, ValidationError
        If the file is missing or not a road network.
    """
    edges = read_roads_file(path)
    features: list[dict[str, object]] = []
    if edges.name is not None:
        named = edges.name != ""
        for name in sorted(set(edges.name[named].tolist())):
            merged = shapely.line_merge(shapely.multilinestrings(edges.geometry[edges.name == name]))
            placed: list[shapely.Point] = []  # the two carriageways of one street get one label
            for line in getattr(merged, "geoms", [merged]):
                features.extend(_labels_along(line, str(name), edges.crs, placed))
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"), ensure_ascii=False)
    return RoadLayer(gzip.compress(body.encode("utf-8"), 6), len(features), len(features))


def _labels_along(line: shapely.LineString, name: str, crs: CRS,
                  placed: list[shapely.Point]) -> list[dict[str, object]]:
    length = float(line.length)
    if length < LABEL_MIN_LENGTH_M:
        return []
    count = max(1, int(length // LABEL_SPACING_M))
    labels: list[dict[str, object]] = []
    for position in (np.arange(count) + 0.5) * (length / count):
        at = line.interpolate(position)
        if any(at.distance(other) < LABEL_GAP_M for other in placed):
            continue
        placed.append(at)
        before = line.interpolate(max(0.0, position - 10.0))
        after = line.interpolate(min(length, position + 10.0))
        angle = -float(np.degrees(np.arctan2(after.y - before.y, after.x - before.x)))
        angle = (angle + 90.0) % 180.0 - 90.0
        point = geometry_to_lonlat(at, crs)
        labels.append({"type": "Feature", "properties": {"name": name, "angle_deg": round(angle, 1)},
                       "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]}})
    return labels
