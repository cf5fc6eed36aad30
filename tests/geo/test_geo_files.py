"""Reading roads files: GeoParquet, GeoPackage, OSM XML, and their error messages."""

from __future__ import annotations

import numpy as np
import pytest
from geo_grid import SPEEDS, grid_columns, node_lonlat, write_geoparquet
from pyproj import CRS

from precinct.core.errors import NotFoundError, ValidationError
from precinct.geo import route
from precinct.geo.graph import graph_from_edges_file, graph_from_file, graph_from_osm
from precinct.geo.osm import read_osm
from precinct.geo.projection import project_lonlat_geometries
from precinct.geo.routing import NoRouteError

OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="precinct-tests">
  <node id="1" lat="30.5800" lon="114.3000" version="1"/>
  <node id="2" lat="30.5800" lon="114.3010" version="1"/>
  <node id="3" lat="30.5800" lon="114.3020" version="1"/>
  <node id="4" lat="30.5810" lon="114.3010" version="1"/>
  <node id="5" lat="30.5820" lon="114.3010" version="1"/>
  <node id="6" lat="30.5820" lon="114.3020" version="1"/>
  <way id="10" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/>
  </way>
  <way id="11" version="1">
    <nd ref="2"/><nd ref="4"/><nd ref="5"/>
    <tag k="highway" v="primary"/><tag k="oneway" v="yes"/><tag k="maxspeed" v="72"/>
  </way>
  <way id="12" version="1">
    <nd ref="3"/><nd ref="6"/>
    <tag k="highway" v="footway"/>
  </way>
  <way id="13" version="1">
    <nd ref="5"/><nd ref="6"/>
    <tag k="highway" v="service"/><tag k="service" v="parking_aisle"/>
  </way>
</osm>
"""


def test_geoparquet_round_trip_with_reversed_geometries(tmp_path):
    path = tmp_path / "grid.parquet"
    write_geoparquet(path, grid_columns(reverse_geometry=True))
    graph = graph_from_edges_file(path, speeds=SPEEDS)
    assert (graph.node_count, graph.edge_count) == (9, 12)
    assert graph.crs.to_epsg() == 32650
    assert route(graph, node_lonlat(0), node_lonlat(8)).travel_time_s == pytest.approx(40.0)


def test_lonlat_geoparquet_is_projected_to_utm(tmp_path):
    columns = grid_columns()
    columns["geometry"] = _to_lonlat(columns["geometry"])
    path = tmp_path / "lonlat.parquet"
    write_geoparquet(path, columns, crs=CRS.from_epsg(4326))
    graph = graph_from_edges_file(path, speeds=SPEEDS)
    assert graph.crs.to_epsg() == 32650
    assert route(graph, node_lonlat(0), node_lonlat(8)).distance_m == pytest.approx(400.0, abs=0.5)


def test_geopackage_is_read(tmp_path):
    geopandas = pytest.importorskip("geopandas")
    columns = grid_columns()
    frame = geopandas.GeoDataFrame(
        {k: v for k, v in columns.items() if k != "geometry"}, geometry=list(columns["geometry"]), crs="EPSG:32650"
    )
    path = tmp_path / "grid.gpkg"
    frame.to_file(path, driver="GPKG")
    graph = graph_from_file(path, speeds=SPEEDS)
    assert route(graph, node_lonlat(0), node_lonlat(8)).travel_time_s == pytest.approx(40.0)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "nohighway.parquet"
    write_geoparquet(path, grid_columns(), drop=("highway",))
    with pytest.raises(ValidationError, match=r"roads file .*nohighway.parquet has no column 'highway'"):
        graph_from_edges_file(path)


def test_bad_files_give_clear_errors(tmp_path):
    with pytest.raises(NotFoundError, match=r"^道路文件 .*missing\.parquet 不存在 / roads file .* does not exist$"):
        graph_from_edges_file(tmp_path / "missing.parquet")
    text = tmp_path / "roads.csv"
    text.write_text("u,v\n")
    with pytest.raises(ValidationError, match=r"unknown type '.csv'"):
        graph_from_edges_file(text)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet")
    with pytest.raises(ValidationError, match="not a readable Parquet file"):
        graph_from_edges_file(junk)
    geographic_metres = tmp_path / "feet.parquet"
    write_geoparquet(geographic_metres, grid_columns(), crs=CRS.from_epsg(2227))  # US survey feet
    with pytest.raises(ValidationError, match="not projected in metres"):
        graph_from_edges_file(geographic_metres)


def test_osm_xml_keeps_drivable_ways_split_at_junctions(tmp_path):
    path = tmp_path / "tiny.osm"
    path.write_text(OSM_XML)
    table = read_osm(path)
    assert sorted(zip(table.u.tolist(), table.v.tolist(), strict=True)) == [(1, 2), (2, 3), (2, 5)]
    assert table.crs.to_epsg() == 32650
    graph = graph_from_osm(path)
    primary = int(np.flatnonzero(graph.edge_highway == "primary")[0])
    assert graph.edge_speed_kph[primary] == 72.0
    assert graph.edge_forward[primary] and not graph.edge_backward[primary]
    node2, node5 = (114.3010, 30.5800), (114.3010, 30.5820)
    found = route(graph, node2, node5)
    assert found.travel_time_s == pytest.approx(graph.edge_length_m[primary] / 20.0)
    assert found.distance_m == pytest.approx(222.0, abs=2.0)
    with pytest.raises(NoRouteError):
        route(graph, node5, node2)


def test_osm_without_drivable_ways_is_refused(tmp_path):
    path = tmp_path / "paths.osm"
    path.write_text(OSM_XML.replace('v="residential"', 'v="footway"').replace('v="primary"', 'v="cycleway"'))
    with pytest.raises(ValidationError, match="holds no drivable ways"):
        read_osm(path)


def _to_lonlat(geometry: np.ndarray) -> np.ndarray:
    import shapely
    from pyproj import Transformer

    back = Transformer.from_crs(32650, 4326, always_xy=True)
    lonlat = shapely.transform(geometry, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))
    assert project_lonlat_geometries(lonlat[:1], CRS.from_epsg(32650))[0].length == pytest.approx(100.0)
    return lonlat
