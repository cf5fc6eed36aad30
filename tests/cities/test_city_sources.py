"""Boundary and station files: what is read from them, and the message for each thing wrong with them."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import box

from precinct.cities.sources import read_areas, read_stations_csv
from precinct.core.errors import NotFoundError, ValidationError


def _geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _square(name, x=10.0, **props):
    ring = [[x, 50.0], [x + 0.01, 50.0], [x + 0.01, 50.01], [x, 50.01], [x, 50.0]]
    return {"type": "Feature", "properties": {"name": name, **props},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_geojson_districts_with_names_and_codes(tmp_path):
    path = _geojson(tmp_path / "d.geojson", [_square("西区", name_en="West", code="W"), _square("东区", 10.01)])
    areas = read_areas(path, what="districts file")
    assert [(a.name_zh, a.name_en, a.code) for a in areas] == [("西区", "West", "W"), ("东区", "东区", None)]
    assert areas[0].polygon.bounds == pytest.approx((10.0, 50.0, 10.01, 50.01))


def test_a_geopackage_in_a_metric_crs_is_taken_to_lonlat(tmp_path):
    frame = gpd.GeoDataFrame({"bezirk": ["Mitte"]}, geometry=[box(10.0, 50.0, 10.01, 50.01)], crs="EPSG:4326")
    path = tmp_path / "d.gpkg"
    frame.to_crs("EPSG:32632").to_file(path, driver="GPKG")
    [area] = read_areas(path, what="districts file", name_field="bezirk")
    assert area.name_zh == "Mitte" and area.name_en == "Mitte"
    assert area.polygon.bounds == pytest.approx((10.0, 50.0, 10.01, 50.01), abs=1e-6)


@pytest.mark.parametrize(("features", "options", "message"), [
    ([_square("a"), _square("a", 10.01)], {}, "two areas are named 'a'"),
    ([{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [10, 50]}}], {},
     "feature 1 \\(x\\) is a Point, not a polygon"),
    ([{"type": "Feature", "properties": {"label": "x"}, "geometry": _square("x")["geometry"]}], {},
     "has no name property .* --name-field \\(it has \\['label'\\]\\)"),
    ([_square("a")], {"name_field": "bezirk"}, "has no property 'bezirk'; it has \\['name'\\]"),
    ([_square("a", 400000.0)], {}, "not lon/lat degrees"),
    ([], {}, "holds no features"),
])
def test_bad_area_files_say_what_to_fix(tmp_path, features, options, message):
    path = _geojson(tmp_path / "d.geojson", features)
    with pytest.raises(ValidationError, match=message):
        read_areas(path, what="districts file", **options)


def test_unreadable_area_files(tmp_path):
    with pytest.raises(NotFoundError, match=r"districts file .*missing\.geojson does not exist"):
        read_areas(tmp_path / "missing.geojson", what="districts file")
    (tmp_path / "d.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="is not valid GeoJSON"):
        read_areas(tmp_path / "d.geojson", what="districts file")
    (tmp_path / "d.shp").write_text("x", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"use GeoJSON \(\.geojson\) or GeoPackage \(\.gpkg\), not '\.shp'"):
        read_areas(tmp_path / "d.shp", what="districts file")
    (tmp_path / "d.gpkg").write_text("not sqlite", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"districts file .* is not a readable GeoPackage"):
        read_areas(tmp_path / "d.gpkg", what="districts file")


def test_stations_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name_zh,name_en,lon,lat,code\n中心派出所,Central,10.004,50.003,C1\n,Harbour,10.006,50.001,\n",
                    encoding="utf-8")
    stations = read_stations_csv(path)
    assert [(s.name_zh, s.name_en, s.code, s.lon, s.lat) for s in stations] == [
        ("中心派出所", "Central", "C1", 10.004, 50.003), ("Harbour", "Harbour", None, 10.006, 50.001)]


@pytest.mark.parametrize(("text", "message"), [
    ("name,x,y\na,1,2\n",
     "needs the columns name \\(or name_zh, name_en\\), lon and lat; it has \\['name', 'x', 'y'\\]"),
    ("name,lon,lat\na,10,50\nb,east,50\n", "line 3: lon 'east' is not a number of degrees between -180 and 180"),
    ("name,lon,lat\na,10,95\n", "line 2: lat '95' is not a number of degrees between -90 and 90"),
    ("name,lon,lat\n,10,50\n", "line 2: the station has no name"),
    ("name,lon,lat,code\na,10,50,X\nb,10,50,X\n", "line 3: code 'X' is used twice"),
    ("name,lon,lat\n", "holds no stations"),
])
def test_bad_station_files_name_the_line(tmp_path, text, message):
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message) as refused:
        read_stations_csv(path)
    zh, _, en = str(refused.value).partition(" / stations file ")
    assert zh.startswith("派出所文件 ") and en  # said in Chinese, then in English


def test_a_single_boundary_may_come_without_a_name(tmp_path):
    nameless = {"type": "Feature", "properties": {}, "geometry": _square("x")["geometry"]}
    path = _geojson(tmp_path / "b.geojson", [nameless])
    [area] = read_areas(path, what="boundary file", names_required=False)
    assert area.name_zh == "feature 1" and area.polygon.bounds == pytest.approx((10.0, 50.0, 10.01, 50.01))
