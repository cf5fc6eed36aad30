"""The base map's water and parks, written by ``city init`` as one GeoJSON file the map serves as is.

Features are simplified in metres (``SIMPLIFY_M``), taken back to lon/lat and rounded to 6
decimals (about 0.1 m); each carries ``kind`` (``water`` or ``park``) and its OSM ``name`` where it
has one. Water is drawn before parks (a park on an island stays visible).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from precinct.cities.extract import ExtractFeatures
from precinct.geo.projection import geometry_from_lonlat, geometry_to_lonlat

SIMPLIFY_M = 2.0


def basemap_features(found: ExtractFeatures, crs: CRS) -> dict[str, Any]:
    """Return the water and parks of an extract as a GeoJSON FeatureCollection (lon/lat)."""
    features: list[dict[str, Any]] = []
    for kind, geometries, names in (("water", found.water, found.water_names), ("park", found.parks, found.park_names)):
        for geometry, name in zip(geometries, names, strict=True):
            if geometry is None or geometry.is_empty:
                continue
            simple = shapely.simplify(geometry_from_lonlat(geometry, crs), SIMPLIFY_M, preserve_topology=True)
            lonlat = shapely.transform(geometry_to_lonlat(simple, crs), lambda xy: np.round(xy, 6))
            if lonlat.is_empty:
                continue
            properties: dict[str, Any] = {"kind": kind}
            if name:
                properties["name"] = name
            features.append({"type": "Feature", "properties": properties,
                             "geometry": shapely.geometry.mapping(lonlat)})
    return {"type": "FeatureCollection", "features": features}


def write_basemap(collection: dict[str, Any], path: str | Path) -> Path:
    """Write ``collection`` to ``path`` (its folder created if needed) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return path
