"""Helpers for precinct.geo tests: a tiny 3 x 3 street grid with round numbers.

Nodes 0..8 sit on a 100 m grid in UTM zone 50N (EPSG:32650, the Wuhan demo CRS); node id = 3 * row
+ col. With residential streets at 36 km/h (10 m/s) every block takes exactly 10 s.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

from precinct.geo.edges import edge_table
from precinct.geo.graph import graph_from_edge_table
from precinct.geo.projection import xy_to_lonlat
from precinct.geo.speeds import SpeedProfile

CRS_UTM50 = CRS.from_epsg(32650)
X0, Y0 = 500_000.0, 3_380_000.0
BLOCK_M = 100.0
SPEEDS = SpeedProfile(
    speed_kph={"residential": 36.0, "primary": 72.0},
    congestion_by_hour=tuple(2.0 if h == 8 else 1.0 for h in range(24)),
)


def node_xy(node: int) -> tuple[float, float]:
    row, col = divmod(node, 3)
    return X0 + BLOCK_M * col, Y0 + BLOCK_M * row


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = xy_to_lonlat(CRS_UTM50, np.array([x]), np.array([y]))
    return float(lon[0]), float(lat[0])


def node_lonlat(node: int) -> tuple[float, float]:
    return lonlat(*node_xy(node))


def grid_edges() -> list[tuple[int, int]]:
    pairs = []
    for node in range(9):
        row, col = divmod(node, 3)
        if col < 2:
            pairs.append((node, node + 1))
        if row < 2:
            pairs.append((node, node + 3))
    return pairs


def grid_columns(oneway: dict[tuple[int, int], str] | None = None, reverse_geometry: bool = False) -> dict:
    pairs = grid_edges()
    lines = []
    for i, (a, b) in enumerate(pairs):
        ends = [node_xy(a), node_xy(b)]
        if reverse_geometry and i % 2:
            ends.reverse()
        lines.append(shapely.LineString(ends))
    columns = {
        "u": np.array([a for a, _ in pairs]),
        "v": np.array([b for _, b in pairs]),
        "highway": np.array(["residential"] * len(pairs), dtype=object),
        "geometry": np.array(lines, dtype=object),
    }
    if oneway is not None:
        columns["oneway"] = np.array([oneway.get(p, "no") for p in pairs], dtype=object)
    return columns


def build_grid(**kwargs: object):
    columns = grid_columns(**kwargs)
    table = edge_table(
        columns["u"], columns["v"], columns["highway"], columns["geometry"], crs=CRS_UTM50, oneway=columns.get("oneway")
    )
    return graph_from_edge_table(table, speeds=SPEEDS)


def write_geoparquet(path, columns: dict, crs: CRS = CRS_UTM50, drop: tuple[str, ...] = ()) -> None:
    data = {k: v for k, v in columns.items() if k != "geometry" and k not in drop}
    data["geometry"] = shapely.to_wkb(columns["geometry"])
    table = pa.table(data)
    geo = {
        "version": "1.0.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["LineString"], "crs": crs.to_json_dict()}},
    }
    table = table.replace_schema_metadata({b"geo": json.dumps(geo).encode()})
    pq.write_table(table, path)
