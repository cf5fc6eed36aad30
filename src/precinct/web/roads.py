"""Road lines for the console's offline base map, built once per process from the road file.

The road file is the one routing uses (``settings.roads_file``; default the bundled Wuhan roads):
GeoParquet-like, one LineString per edge in a metric CRS (EPSG:32650 for Wuhan), with an OSM
``highway`` class. For the map we merge the edges of each class into long lines, simplify them in
metres, transform them to WGS84 lon/lat and round to 5 decimals (about 1 m), then keep the
gzip-compressed GeoJSON in memory.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow.parquet as pq
import shapely
from pyproj import Transformer

RoadDetail = Literal["major", "all"]
ROADS_CRS = "EPSG:32650"
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


def default_roads_file() -> Path:
    """The bundled Wuhan demo roads."""
    return Path(str(resources.files("precinct.demo").joinpath("data", "wuhan_roads.parquet")))


def road_class(highway: str) -> str:
    """Fold ``*_link`` ramps into their road class (``trunk_link`` -> ``trunk``)."""
    return highway.removesuffix("_link")


@lru_cache(maxsize=4)
def road_layer(path: str, detail: RoadDetail, crs: str = ROADS_CRS) -> RoadLayer:
    """Build (once per process and file) the road layer for ``detail``.

    Parameters
    ----------
    path
        Parquet file with ``highway`` (OSM class) and ``geometry`` (WKB LineStrings in ``crs``).
    detail
        ``"major"``: motorway, trunk, primary and secondary roads, simplified to 25 m;
        ``"all"``: every class, simplified to 8 m.
    crs
        The metric CRS of the file's geometries.

    Raises
    ------
    FileNotFoundError
        If the road file does not exist (set ``PRECINCT_ROADS_FILE``).
    ValueError
        For an unknown ``detail``.
    """
    if detail not in TOLERANCE_M:
        raise ValueError(f"detail must be 'major' or 'all', not {detail!r}")
    if not Path(path).exists():
        raise FileNotFoundError(f"road file {path} not found; set PRECINCT_ROADS_FILE to a road GeoParquet file")
    table = pq.read_table(path, columns=["highway", "geometry"])
    classes = np.array([road_class(str(h)) for h in table.column("highway").to_pylist()], dtype=object)
    lines = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    wanted = MAJOR_CLASSES if detail == "major" else DRAW_ORDER
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_lonlat.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 5)

    features, coordinate_count = [], 0
    for name in [c for c in DRAW_ORDER if c in wanted]:
        selected = lines[classes == name]
        if len(selected) == 0:
            continue
        merged = shapely.line_merge(shapely.multilinestrings(selected))
        simplified = shapely.transform(shapely.simplify(merged, TOLERANCE_M[detail]), project)
        coordinate_count += int(shapely.get_num_coordinates(simplified))
        features.append({"type": "Feature", "properties": {"highway": name},
                         "geometry": shapely.geometry.mapping(simplified)})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return RoadLayer(gzip.compress(body.encode("utf-8"), 6), len(features), coordinate_count)
