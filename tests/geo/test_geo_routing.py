"""Routing on the tiny grid: exact travel times, partial edges, one-way, congestion."""

from __future__ import annotations

import numpy as np
import pytest
from geo_grid import X0, Y0, build_grid, lonlat, node_lonlat

from precinct.core.errors import ValidationError
from precinct.geo import route, travel_times_from, travel_times_to
from precinct.geo.edges import edge_table
from precinct.geo.graph import graph_from_edge_table
from precinct.geo.routing import NoRouteError
from precinct.geo.speeds import SpeedProfile, parse_maxspeed_kph, parse_oneway


def test_route_between_corners_takes_four_blocks(grid):
    found = route(grid, node_lonlat(0), node_lonlat(8))
    assert found.travel_time_s == pytest.approx(40.0)
    assert found.distance_m == pytest.approx(400.0)
    start, end = found.path.coords[0], found.path.coords[-1]
    assert start == pytest.approx(node_lonlat(0), abs=1e-7)
    assert end == pytest.approx(node_lonlat(8), abs=1e-7)
    assert found.to_dict()["path"]["type"] == "LineString"


def test_travel_times_to_one_target_from_many_sources(grid):
    sources = np.array([node_lonlat(0), node_lonlat(4), node_lonlat(2), node_lonlat(8)])
    times = travel_times_to(grid, node_lonlat(8), sources)
    np.testing.assert_allclose(times, [40.0, 20.0, 20.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(travel_times_from(grid, node_lonlat(8), sources), [40.0, 20.0, 20.0, 0.0], atol=1e-6)


def test_partial_edges_count_from_the_snap_point(grid):
    mid_first_block = lonlat(X0 + 50.0, Y0 + 3.0)  # 3 m off the street, halfway from node 0 to 1
    found = route(grid, mid_first_block, node_lonlat(2))
    assert found.travel_time_s == pytest.approx(15.0)
    assert found.distance_m == pytest.approx(150.0)
    times = travel_times_to(grid, lonlat(X0 + 200.0, Y0 + 30.0), [mid_first_block])  # 30 % up block 2-5
    assert times[0] == pytest.approx(15.0 + 3.0)


def test_points_on_the_same_edge_drive_along_it(grid):
    found = route(grid, lonlat(X0 + 20.0, Y0), lonlat(X0 + 70.0, Y0))
    assert found.travel_time_s == pytest.approx(5.0)
    assert found.distance_m == pytest.approx(50.0)


def test_snapping_places_points_on_the_nearest_edge(grid):
    snapped = grid.snap(*np.array([lonlat(X0 + 40.0, Y0 - 5.0), lonlat(X0 + 200.0, Y0 + 160.0)]).T)
    assert snapped.snap_distance_m == pytest.approx([5.0, 0.0], abs=1e-3)
    assert snapped.x == pytest.approx([X0 + 40.0, X0 + 200.0], abs=1e-3)
    assert snapped.y == pytest.approx([Y0, Y0 + 160.0], abs=1e-3)
    assert len(snapped.take([1])) == 1


def test_one_way_street_forces_a_detour():
    graph = build_grid(oneway={(0, 1): "yes"})
    assert route(graph, node_lonlat(0), node_lonlat(1)).travel_time_s == pytest.approx(10.0)
    assert route(graph, node_lonlat(1), node_lonlat(0)).travel_time_s == pytest.approx(30.0)
    # Against the one-way on the same block: drive out and around.
    back = route(graph, lonlat(X0 + 80.0, Y0), lonlat(X0 + 20.0, Y0))
    assert back.travel_time_s == pytest.approx(2.0 + 30.0 + 2.0)


def test_reverse_one_way_and_reversed_geometries():
    graph = build_grid(oneway={(0, 1): "-1"}, reverse_geometry=True)
    assert route(graph, node_lonlat(1), node_lonlat(0)).travel_time_s == pytest.approx(10.0)
    assert route(graph, node_lonlat(0), node_lonlat(1)).travel_time_s == pytest.approx(30.0)
    assert route(graph, node_lonlat(0), node_lonlat(8)).distance_m == pytest.approx(400.0)


def test_congestion_factor_scales_time_by_hour(grid):
    assert route(grid, node_lonlat(0), node_lonlat(8), hour=8).travel_time_s == pytest.approx(80.0)
    assert route(grid, node_lonlat(0), node_lonlat(8), hour=3).travel_time_s == pytest.approx(40.0)
    with pytest.raises(ValidationError, match="hour must be an integer from 0 to 23"):
        route(grid, node_lonlat(0), node_lonlat(8), hour=24)


def test_limit_gives_inf_beyond_it(grid):
    times = travel_times_to(grid, node_lonlat(8), [node_lonlat(0), node_lonlat(7)], limit_s=25.0)
    assert np.isinf(times[0]) and times[1] == pytest.approx(10.0)
    with pytest.raises(ValidationError, match="limit_s must be a positive number"):
        travel_times_to(grid, node_lonlat(8), [node_lonlat(0)], limit_s=-1)


def test_maxspeed_overrides_class_speed():
    from geo_grid import CRS_UTM50, SPEEDS, grid_columns

    columns = grid_columns()
    maxspeed = np.array(["72"] + [None] * (len(columns["u"]) - 1), dtype=object)  # block 0-1 at 20 m/s
    table = edge_table(
        columns["u"], columns["v"], columns["highway"], columns["geometry"], crs=CRS_UTM50, maxspeed=maxspeed
    )
    graph = graph_from_edge_table(table, speeds=SPEEDS)
    assert route(graph, node_lonlat(0), node_lonlat(1)).travel_time_s == pytest.approx(5.0)
    ignoring = graph_from_edge_table(table, speeds=SpeedProfile(speed_kph={"residential": 36.0}, use_maxspeed=False))
    assert route(ignoring, node_lonlat(0), node_lonlat(1)).travel_time_s == pytest.approx(10.0)


def test_unconnected_points_raise_no_route():
    import shapely
    from geo_grid import CRS_UTM50

    lines = np.array(
        [shapely.LineString([(X0, Y0), (X0 + 100, Y0)]), shapely.LineString([(X0, Y0 + 500), (X0 + 100, Y0 + 500)])]
    )
    table = edge_table(np.array([1, 3]), np.array([2, 4]), np.array(["residential"] * 2), lines, crs=CRS_UTM50)
    graph = graph_from_edge_table(table)
    with pytest.raises(NoRouteError, match="no drivable route"):
        route(graph, lonlat(X0, Y0), lonlat(X0 + 50, Y0 + 500))
    assert isinstance(NoRouteError("x"), LookupError)
    assert np.isinf(travel_times_to(graph, lonlat(X0, Y0), [lonlat(X0 + 50, Y0 + 500)])[0])


def test_bad_points_are_refused(grid):
    with pytest.raises(ValidationError, match="from the nearest road"):
        route(grid, lonlat(X0 + 5000, Y0), node_lonlat(0))
    with pytest.raises(ValidationError, match="not a valid lon/lat"):
        travel_times_to(grid, (200.0, 30.0), [node_lonlat(0)])
    with pytest.raises(ValidationError, match=r"must be a \(lon, lat\) pair"):
        travel_times_to(grid, node_lonlat(0), [[1.0, 2.0, 3.0]])


def test_parsers_for_osm_tags():
    assert parse_maxspeed_kph("50") == 50.0
    assert parse_maxspeed_kph("30 mph") == pytest.approx(48.28, abs=0.01)
    assert np.isnan(parse_maxspeed_kph("signals"))
    assert parse_oneway("yes") == 1 and parse_oneway("-1") == -1 and parse_oneway(None) == 0
    with pytest.raises(ValidationError, match="24 positive travel-time factors"):
        SpeedProfile(congestion_by_hour=(1.0,))
