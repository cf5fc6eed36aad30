"""Planning a city: districts, stations and beats drawn from the roads where files do not give them."""

from __future__ import annotations

import pytest
import shapely
from city_kit import halves_geojson, helsinki_extract, tiny_extract

from precinct.cities.extract import read_extract_features
from precinct.cities.plan import CityInputs, plan_city, require_city_code
from precinct.cities.sources import StationSite, read_areas
from precinct.core.errors import ValidationError
from precinct.geo.osm import read_osm


@pytest.fixture(scope="module")
def helsinki_roads():
    return read_osm(helsinki_extract())


def _inside(inner, outer, tolerance_deg=1e-5):
    """Whether ``inner`` lies within ``outer`` up to about a metre (lon/lat edges bend slightly off the metric ones)."""
    return shapely.difference(inner, outer.buffer(tolerance_deg)).is_empty


def test_helsinki_without_files_gets_one_district_generated_stations_and_beats(helsinki_roads):
    plan = plan_city(CityInputs("HEL", "赫尔辛基", "Helsinki", helsinki_roads, road_km_per_station=15))
    assert plan.projected_crs == "EPSG:32635"  # UTM 35N, chosen from the data
    assert plan.bounds == pytest.approx((24.93527, 60.16417, 24.95338, 60.17899), abs=1e-4)
    assert plan.centre == pytest.approx((24.94433, 60.17158), abs=1e-4)
    assert [d.code for d in plan.districts] == ["HEL-D01"]
    assert [s.code for s in plan.stations] == ["HEL-D01-01", "HEL-D01-02", "HEL-D01-03", "HEL-D01-04"]
    assert {s.origin for s in plan.stations} == {"generated"}
    assert len(plan.beats) == 12
    district = plan.districts[0].polygon
    # the station areas tile the district: no gaps, no overlaps
    union = shapely.union_all([s.polygon for s in plan.stations])
    assert union.area == pytest.approx(district.area, rel=1e-6)
    assert sum(s.polygon.area for s in plan.stations) == pytest.approx(district.area, rel=1e-6)
    for station in plan.stations:
        assert station.polygon.contains(shapely.Point(station.lon, station.lat))
    for beat in plan.beats:
        assert _inside(beat.polygon, plan.stations[beat.station].polygon)
    assert plan.notes[0] == "no districts file: one district branch covers the city (the roads' outline)"


def test_the_plan_is_the_same_every_time(helsinki_roads):
    first = plan_city(CityInputs("HEL", "赫尔辛基", "Helsinki", helsinki_roads))
    second = plan_city(CityInputs("HEL", "赫尔辛基", "Helsinki", helsinki_roads))
    assert [(s.lon, s.lat) for s in first.stations] == [(s.lon, s.lat) for s in second.stations]
    assert [b.polygon.wkt for b in first.beats] == [b.polygon.wkt for b in second.beats]


def test_districts_file_and_stations_csv(tmp_path, helsinki_roads):
    districts = read_areas(halves_geojson(tmp_path / "d.geojson", 24.930, 60.160, 24.958, 60.182),
                           what="districts file")
    stations = [StationSite("西站", "West One", "W1", 24.938, 60.170), StationSite("西二", "West Two", None, 24.941,
                                                                                    60.166)]
    plan = plan_city(CityInputs("HEL", "赫尔辛基", "Helsinki", helsinki_roads, districts=districts, stations=stations,
                                beats_per_station=2))
    assert [(d.code, d.name_en) for d in plan.districts] == [("T-W", "West"), ("T-E", "East")]
    assert [(s.code, s.district, s.origin) for s in plan.stations] == [
        ("W1", 0, "file"), ("T-W-02", 0, "file"), ("T-E-01", 1, "generated")]  # the east half had none
    assert plan.notes[0].startswith("East: no station given, 1 generated")
    assert {b.station for b in plan.beats} == {0, 1, 2}
    assert len(plan.beats) == 6


def test_police_stations_of_the_extract(tmp_path):
    path = tiny_extract(tmp_path / "tiny.osm")
    found = read_extract_features(path)
    assert [(s.name_en, round(s.lon, 4), round(s.lat, 4)) for s in found.stations] == [("Polizei Mitte", 10.0042,
                                                                                         50.0027)]
    plan = plan_city(CityInputs("T", "测试", "Test", read_osm(path), extract_stations=found.stations,
                                beats_per_station=2))
    assert [(s.code, s.name_en, s.origin) for s in plan.stations] == [("T-D01-01", "Polizei Mitte", "extract")]
    assert plan.notes[0] == "no districts file: one district branch covers the city (the roads' outline)"
    assert plan.notes[1] == "stations: 1 from the extract's amenity=police"
    assert plan.projected_crs == "EPSG:32632"


def test_bad_plans_are_refused(tmp_path, helsinki_roads):
    with pytest.raises(ValidationError, match="code 'hel': use 1 to 8 capital letters or digits"):
        require_city_code("hel")
    far = [StationSite("远", "Far away", None, 25.5, 60.17)]
    with pytest.raises(ValidationError, match=r"station 'Far away' at \(25.50000, 60.17000\) lies 30 km from every "
                                              r"district: .* lon comes before lat"):
        plan_city(CityInputs("HEL", "赫尔辛基", "Helsinki", helsinki_roads, stations=far))
    twice = [StationSite("a", "a", "S", 24.94, 60.17), StationSite("b", "b", "S", 24.945, 60.172)]
    with pytest.raises(ValidationError, match="two stations have the code 'S'"):
        plan_city(CityInputs("HEL", "赫尔辛基", "Helsinki", helsinki_roads, stations=twice))
    with pytest.raises(ValidationError, match="beats_per_station 0: give 1 to 20"):
        plan_city(CityInputs("HEL", "赫尔辛基", "Helsinki", helsinki_roads, beats_per_station=0))
