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
