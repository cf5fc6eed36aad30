"""The pure ranking core (dispatch.ranking), offline: arrays and a tiny road graph, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import shapely
from pyproj import CRS

from precinct.dispatch.ranking import (
    DispatchPolicy,
    StationPoint,
    UnitSnapshot,
    available_after_dispatch,
    format_duration,
    rank_units,
)
from precinct.geo.edges import edge_table
from precinct.geo.graph import graph_from_edge_table
from precinct.geo.projection import xy_to_lonlat
from precinct.geo.speeds import SpeedProfile

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
UTM50 = CRS.from_epsg(32650)
X0, Y0 = 500_000.0, 3_380_000.0


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = xy_to_lonlat(UTM50, np.array([X0 + x]), np.array([Y0 + y]))
    return float(lon[0]), float(lat[0])


def snapshot(rows: list[dict], stations: dict[int, StationPoint] | None = None) -> UnitSnapshot:
    defaults = {"unit_type": "patrol_car", "status": "available", "position_at": NOW, "station_id": 1,
                "district_id": 10}
    rows = [defaults | {"id": i + 1, "call_sign": f"U-{i + 1}"} | row for i, row in enumerate(rows)]
    columns = {name: [row[name] for row in rows] for name in
               ("id", "call_sign", "unit_type", "status", "lon", "lat", "position_at", "station_id", "district_id")}
    return UnitSnapshot.from_columns(**columns, stations=stations)


def at(x: float, y: float) -> dict:
    lon, lat = lonlat(x, y)
    return {"lon": lon, "lat": lat}


STRAIGHT = DispatchPolicy(k=3)


def test_nearest_eligible_units_first_and_the_nearer_ineligible_ones_explained():
    units = snapshot([
        at(100, 0) | {"status": "on_scene"},                      # nearest, busy
        at(200, 0) | {"position_at": NOW - timedelta(hours=1)},  # stale position
        at(300, 0) | {"unit_type": "traffic"},                    # not in the plan
        at(900, 0),
        at(600, 0),
    ])
    lon, lat = lonlat(0, 0)
    ranking = rank_units(units, lon=lon, lat=lat, allowed_types={"patrol_car"}, now=NOW, policy=STRAIGHT, graph=None)
    assert [c.call_sign for c in ranking.items] == ["U-5", "U-4"]
    assert ranking.chosen == 4
    assert ranking.items[0].reasons[0].code == "fastest" and "straight-line estimate" in ranking.items[0].reasons[0].en
    assert ranking.items[0].travel_time_s == pytest.approx(600 / (25 / 3.6), rel=0.01)
    assert ranking.items[1].reasons[0].code == "alternative"
    assert [p.call_sign for p in ranking.excluded] == ["U-1", "U-2", "U-3"]
    assert "on scene at another call" in ranking.excluded[0].en
    assert "position is 60 min old" in ranking.excluded[1].en
    assert "not in the response plan" in ranking.excluded[2].en and "预案" in ranking.excluded[2].zh


def test_no_eligible_unit_gives_no_candidate_and_says_why_of_the_nearest():
    units = snapshot([at(100, 0) | {"status": "off_duty"}])
    ranking = rank_units(units, lon=lonlat(0, 0)[0], lat=lonlat(0, 0)[1], allowed_types={"patrol_car"}, now=NOW,
                         policy=STRAIGHT, graph=None)
    assert ranking.items == [] and ranking.chosen is None and ranking.move_ups == []
    assert [(p.call_sign, p.en) for p in ranking.excluded] == [("U-1", "U-1 is nearer but off duty")]


def river_graph():
    """Incident at (0, 0); a unit 300 m north across a river must drive 2.3 km round by the bridge
    at x = 1000 m; a unit 800 m west has a straight road."""
    nodes = {0: (0, 0), 1: (1000, 0), 2: (1000, 300), 3: (0, 300), 4: (-800, 0)}
    pairs = [(0, 1), (1, 2), (2, 3), (4, 0)]
    lines = shapely.linestrings([[(X0 + nodes[a][0], Y0 + nodes[a][1]), (X0 + nodes[b][0], Y0 + nodes[b][1])]
                                 for a, b in pairs])
    table = edge_table(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]),
                       np.array(["residential"] * len(pairs), dtype=object), lines, crs=UTM50)
    return graph_from_edge_table(table, speeds=SpeedProfile(speed_kph={"residential": 36.0},
                                                            congestion_by_hour=(1.0,) * 24))


def test_road_time_beats_straight_distance_and_says_so():
    units = snapshot([at(0, 300), at(-800, 0)])
    ranking = rank_units(units, lon=lonlat(0, 0)[0], lat=lonlat(0, 0)[1], allowed_types={"patrol_car"}, now=NOW,
                         policy=DispatchPolicy(k=2), graph=river_graph())
    assert [c.call_sign for c in ranking.items] == ["U-2", "U-1"]
    assert ranking.items[0].travel_time_s == pytest.approx(80.0, abs=0.5)  # 800 m at 10 m/s
    assert ranking.items[1].travel_time_s == pytest.approx(230.0, abs=0.5)
    assert [r.code for r in ranking.items[0].reasons] == ["fastest", "road_beats_distance"]
    assert "2 min 30 s slower" in ranking.items[1].reasons[0].en


def test_a_unit_off_the_roads_falls_back_to_straight_line_times():
    units = snapshot([at(0, 9000)])  # 9 km from any road of the graph
    ranking = rank_units(units, lon=lonlat(0, 0)[0], lat=lonlat(0, 0)[1], allowed_types={"patrol_car"}, now=NOW,
                         policy=DispatchPolicy(k=1, snap_max_m=2000), graph=river_graph())
    assert ranking.items[0].travel_time_s == pytest.approx(9000 / (25 / 3.6), rel=0.01)


def test_sending_the_last_unit_of_a_station_suggests_a_move_up():
    station = StationPoint(1, *lonlat(0, 0), "一所", "Station One")
    units = snapshot([at(100, 0) | {"station_id": 1}, at(5000, 0) | {"station_id": 2}, at(3000, 0) | {"station_id": 2}],
                     stations={1: station})
    ranking = rank_units(units, lon=lonlat(50, 0)[0], lat=lonlat(50, 0)[1], allowed_types={"patrol_car"}, now=NOW,
                         policy=STRAIGHT, graph=None)
    assert ranking.items[0].call_sign == "U-1"
    [move_up] = ranking.move_ups
    assert (move_up.call_sign, move_up.to_station_id) == ("U-3", 1)  # the nearer of station 2's units
    assert "Station One would have no available unit" in move_up.en and "3.0 km" in move_up.en


def test_duty_shortfall_counts_the_district_from_the_snapshot():
    units = snapshot([at(0, 0), at(0, 0), at(0, 0) | {"status": "off_duty"}, at(0, 0) | {"status": "on_scene"},
                      at(0, 0) | {"district_id": 11}])
    assert units.district_counts(10) == (3, 2)  # on duty: 2 available + 1 busy
    assert available_after_dispatch(units, 10, 0.6) == (1, 2)  # ceil(0.6 x 3) = 2 must stay available


def test_format_duration_in_both_languages():
    assert format_duration(185.4) == ("3分05秒", "3 min 05 s")
