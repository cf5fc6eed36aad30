"""Malformed roads files: every reader says which file and what is wrong, and the CLI exits 2 without a traceback.

Each case writes one bad file into ``tmp_path`` and is read through the three doors a roads file
comes in by: ``geo.read_roads_file`` (the map layer's reader), ``roads.graph.road_graph`` (the
server's graph and ``precinct plan``/``drill``) and ``precinct route``.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from geo_grid import grid_columns, write_geoparquet
from pyproj import CRS
from test_geo_files import OSM_XML

from precinct.core.errors import NotFoundError, ValidationError
from precinct.geo import read_roads_file
from precinct.roads.graph import road_graph
from precinct.roads.layer import road_layer

Writer = Callable[[Path, pytest.MonkeyPatch], None]
CASES: list[tuple[str, Writer, type[Exception], str]] = []


def case(name: str, error: type[Exception], reason: str) -> Callable[[Writer], Writer]:
    """Register a writer of the bad file ``name`` and the error (class, message pattern) it must give."""
    def register(writer: Writer) -> Writer:
        CASES.append((name, writer, error, reason))
        return writer
    return register


def _geoparquet_with(path: Path, geo: bytes, *, geometry: pa.Array | None = None) -> None:
    columns = grid_columns()
    data = {k: v for k, v in columns.items() if k != "geometry"}
    data["geometry"] = geometry if geometry is not None else shapely.to_wkb(columns["geometry"])
    pq.write_table(pa.table(data).replace_schema_metadata({b"geo": geo}), path)


def _geo(**column: object) -> bytes:
    return json.dumps({"version": "1.0.0", "primary_column": "geometry",
                       "columns": {"geometry": {"encoding": "WKB", **column}}}).encode()


def _geopackage(path: Path, *, drop: tuple[str, ...] = (), geometry: object = None, crs: str | None = "EPSG:32650"):
    import geopandas

    columns = grid_columns()
    frame = geopandas.GeoDataFrame({k: v for k, v in columns.items() if k != "geometry" and k not in drop},
                                   geometry=list(columns["geometry"] if geometry is None else geometry), crs=crs)
    if crs is None:
        with pytest.warns(UserWarning, match="'crs' was not provided"):
            frame.to_file(path, driver="GPKG")
    else:
        frame.to_file(path, driver="GPKG")


def _osm(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="precinct-tests">{body}</osm>\n'


NODE = '<node id="{id}" lat="{lat}" lon="{lon}" version="1"/>'
WAY = '<way id="100" version="1">{refs}<tag k="highway" v="residential"/></way>'


# ---- empty, unreadable, not a file -----------------------------------------------------------------


@case("empty.parquet", ValidationError, r"is empty \(0 bytes\)")
def _(path, _):
    path.write_bytes(b"")


@case("empty.gpkg", ValidationError, r"is empty \(0 bytes\)")
def _(path, _):
    path.write_bytes(b"")


@case("empty.osm.pbf", ValidationError, r"is empty \(0 bytes\)")
def _(path, _):
    path.write_bytes(b"")


@case("missing.parquet", NotFoundError, "does not exist")
def _(path, _):
    pass


@case("folder.parquet", ValidationError, r"is a directory, not a file")
def _(path, _):
    path.mkdir()


@case("locked.parquet", ValidationError, r"cannot be read: permission denied")
def _(path, monkeypatch):
    write_geoparquet(path, grid_columns())
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: refuse it as the OS refuses the server's own user
        real_open = pathlib.Path.open

        def refuse(self, *args, **kwargs):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "open", refuse)


# ---- not the format its name says ------------------------------------------------------------------


@case("zip.gpkg", ValidationError, "is not a readable GeoPackage")
def _(path, _):
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 60)  # a zip header, cut off: neither a zip nor SQLite


@case("plain-sqlite.gpkg", ValidationError, "is not a readable GeoPackage")
def _(path, _):
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE roads (u INTEGER, v INTEGER)")
    connection.close()


@case("text.parquet", ValidationError, "is not a readable Parquet file")
def _(path, _):
    path.write_text("u,v,highway\n0,1,residential\n")


@case("truncated.osm.pbf", ValidationError, "could not be read: PBF error")
def _(path, _):
    import osmium

    source, full = path.with_name("whole.osm"), path.with_name("whole.osm.pbf")
    source.write_text(OSM_XML)
    writer = osmium.SimpleWriter(str(full))
    for obj in osmium.FileProcessor(str(source)):
        if isinstance(obj, osmium.osm.Node):
            writer.add_node(obj)
        elif isinstance(obj, osmium.osm.Way):
            writer.add_way(obj)
    writer.close()
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@case("broken-tags.osm", ValidationError, "could not be read: XML parsing error at line 12")
def _(path, _):
    path.write_text(OSM_XML.replace('<tag k="highway" v="residential"/>', '<tag k="highway" v="residential"'))


@case("prose.osm", ValidationError, "could not be read: XML parsing error at line 1")
def _(path, _):
    path.write_text("these are the roads of the city, in words\n")


# ---- formats it does not read ------------------------------------------------------------------------


@case("no-features.geojson", ValidationError, r"has an unknown type '\.geojson'; use \.parquet, \.gpkg")
def _(path, _):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))


@case("points.geojson", ValidationError, r"has an unknown type '\.geojson'.*convert other formats")
def _(path, _):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [114.3, 30.58]}}]}))


@case("roads.csv", ValidationError, r"has an unknown type '\.csv'")
def _(path, _):
    path.write_text("u,v,highway,wkt\n0,1,residential,LINESTRING (0 0, 1 1)\n")


@case("roads.shp.zip", ValidationError, r"has an unknown type '\.zip'")
def _(path, _):
    path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive


@case("roads", ValidationError, "has no file extension")
def _(path, _):
    write_geoparquet(path, grid_columns())


# ---- geometry that is not a road network ---------------------------------------------------------------


@case("points.parquet", ValidationError, r"12 geometries are not LineStrings \(first at row 0\)")
def _(path, _):
    columns = grid_columns()
    columns["geometry"] = shapely.points(500_000.0 + np.arange(12.0), np.full(12, 3_380_000.0))
    write_geoparquet(path, columns)


@case("points.gpkg", ValidationError, r"12 geometries are not LineStrings")
def _(path, _):
    _geopackage(path, geometry=shapely.points(500_000.0 + np.arange(12.0), np.full(12, 3_380_000.0)))


@case("no-rows.parquet", ValidationError, "has no edges")
def _(path, _):
    write_geoparquet(path, {name: values[:0] for name, values in grid_columns().items()})


@case("null-geometry.parquet", ValidationError, "has 12 edges without geometry")
def _(path, _):
    _geoparquet_with(path, _geo(), geometry=pa.array([None] * 12, pa.binary()))


@case("empty-geometry.parquet", ValidationError, "has 12 edges without geometry")
def _(path, _):
    _geoparquet_with(path, _geo(), geometry=pa.array(shapely.to_wkb([shapely.LineString()] * 12)))


@case("junk-wkb.parquet", ValidationError, "geometry column 'geometry' is not valid WKB")
def _(path, _):
    _geoparquet_with(path, _geo(), geometry=pa.array([b"\x01junk"] * 12))


@case("nan.parquet", ValidationError, r"edges with coordinates that are not numbers \(NaN or infinite\): 1, "
                                      r"the first at row 3")
def _(path, _):
    columns = grid_columns()
    with np.errstate(invalid="ignore"):
        columns["geometry"][3] = shapely.LineString([(np.nan, np.nan), (500_100.0, 3_380_000.0)])
    write_geoparquet(path, columns)


@case("one-node.parquet", ValidationError, "has no edge between two different nodes")
def _(path, _):
    columns = {name: values[:1] for name, values in grid_columns().items()}
    columns["v"] = columns["u"]
    columns["geometry"] = np.array([shapely.LineString([(500_000.0, 3_380_000.0)] * 2)], dtype=object)
    write_geoparquet(path, columns)


@case("one-node.osm", ValidationError, "has no edge between two different nodes")
def _(path, _):
    path.write_text(_osm(NODE.format(id=1, lat=30.58, lon=114.3) + WAY.format(refs='<nd ref="1"/><nd ref="1"/>')))


@case("nodes-only.osm", ValidationError, r"holds no drivable ways \(highway=residential")
def _(path, _):
    path.write_text(_osm(NODE.format(id=1, lat=30.58, lon=114.3) + NODE.format(id=2, lat=30.59, lon=114.3)))


@case("nan-coordinates.osm", ValidationError, "could not be read: wrong format for coordinate: 'NaN'")
def _(path, _):
    nodes = NODE.format(id=1, lat="NaN", lon=114.3) + NODE.format(id=2, lat=30.59, lon=114.3)
    path.write_text(_osm(nodes + WAY.format(refs='<nd ref="1"/><nd ref="2"/>')))


# ---- attributes a road graph needs -----------------------------------------------------------------


@case("no-highway.parquet", ValidationError, r"has no column 'highway' \(needs u, v, highway, geometry\)")
def _(path, _):
    write_geoparquet(path, grid_columns(), drop=("highway",))


@case("no-highway.gpkg", ValidationError, r"has no column 'highway' \(needs u, v, highway\)")
def _(path, _):
    _geopackage(path, drop=("highway",))


@case("no-nodes.parquet", ValidationError, r"has no column 'u'")
def _(path, _):
    write_geoparquet(path, grid_columns(), drop=("u", "v"))


@case("blank-highway.parquet", ValidationError, r"edges without a 'highway' class: 12, the first at row 0")
def _(path, _):
    columns = grid_columns()
    columns["highway"] = np.array([None] * 12, dtype=object)
    write_geoparquet(path, columns)


@case("named-nodes.parquet", ValidationError, r"columns 'u' and 'v' must hold integer node ids")
def _(path, _):
    columns = grid_columns()
    columns["u"] = np.array([f"node-{i}" for i in range(12)], dtype=object)
    write_geoparquet(path, columns)


@case("holes-in-nodes.parquet", ValidationError, r"must hold integer node ids; some are empty or fractional")
def _(path, _):
    columns = grid_columns()
    columns["v"] = np.where(np.arange(12) == 5, np.nan, columns["v"].astype(float))
    write_geoparquet(path, columns)


# ---- CRS declarations ------------------------------------------------------------------------------


@case("feet.parquet", ValidationError, r"CRS 'NAD83 / California zone 3 \(ftUS\)' is not projected in metres")
def _(path, _):
    write_geoparquet(path, grid_columns(), crs=CRS.from_epsg(2227))


@case("unknown-crs.parquet", ValidationError, r"its CRS 'EPSG:999999' is not one PROJ knows")
def _(path, _):
    _geoparquet_with(path, _geo(crs="EPSG:999999"))


@case("metres-as-degrees.parquet", ValidationError,
      r"its CRS 'WGS 84' is lon/lat in degrees, but it holds the point \(500000\.0, 3380000\.0\)")
def _(path, _):
    write_geoparquet(path, grid_columns(), crs=CRS.from_epsg(4326))


@case("geocentric.parquet", ValidationError, r"CRS 'WGS 84' is not projected in metres")
def _(path, _):
    write_geoparquet(path, grid_columns(), crs=CRS.from_epsg(4978))


@case("no-crs.gpkg", ValidationError, r"has no CRS; set one \(e\.g\. EPSG:4326\)")
def _(path, _):
    _geopackage(path, crs=None)


@case("geo-not-json.parquet", ValidationError, r"its GeoParquet 'geo' metadata is not valid JSON")
def _(path, _):
    _geoparquet_with(path, b"{primary_column: geometry")


@case("geo-a-list.parquet", ValidationError, r"its GeoParquet 'geo' metadata does not describe a geometry column")
def _(path, _):
    _geoparquet_with(path, b'["geometry"]')


@case("plain.parquet", ValidationError, r"has no GeoParquet 'geo' metadata")
def _(path, _):
    columns = grid_columns()
    pq.write_table(pa.table({"u": columns["u"], "v": columns["v"], "highway": columns["highway"]}), path)


@pytest.fixture(params=CASES, ids=[name for name, *_ in CASES])
def malformed(request, tmp_path, monkeypatch) -> tuple[Path, type[Exception], str]:
    """A malformed roads file in ``tmp_path``, the error class it must raise, and a pattern of its message."""
    name, writer, error, reason = request.param
    path = tmp_path / name
    writer(path, monkeypatch)
    return path, error, reason


def test_there_are_enough_malformed_cases():
    assert len(CASES) >= 26
    assert len({name for name, *_ in CASES}) == len(CASES)


def test_readers_name_the_file_and_what_is_wrong(malformed):
    path, error, reason = malformed
    pattern = re.escape(str(path)) + ".*" + reason
    with pytest.raises(error, match=pattern):
        read_roads_file(path)
    with pytest.raises(error, match=pattern):
        road_graph(path)
    with pytest.raises(error, match=pattern):
        road_layer(str(path), "all")


def test_route_command_exits_2_with_the_message_and_no_traceback(malformed, cli):
    path, _, reason = malformed
    result = cli("route", "--roads", str(path), "--from", "114.30,30.58", "--to", "114.31,30.59")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith("错误 / error: ")
    assert re.search(re.escape(str(path)) + ".*" + reason, result.stderr), result.stderr
    assert "Traceback" not in result.output
