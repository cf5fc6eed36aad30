"""Boundary and station files a city is set up from: what they must hold and what is wrong with them.

- Areas (districts or beats): GeoJSON (lon/lat, as RFC 7946 says) or GeoPackage (any CRS, taken to
  lon/lat), one Polygon or MultiPolygon per feature, with a name column.
- Stations: CSV with ``name`` (or ``name_zh`` and/or ``name_en``), ``lon`` and ``lat`` (WGS84), and
  optionally ``code``.

Every error names the file, the feature or line, and what to change.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry import shape

from precinct.core.errors import ValidationError
from precinct.geo.edges import require_geopackage_header, require_readable_file
from precinct.geo.projection import WGS84, geometry_to_lonlat
from precinct.geo.wording import what_zh

#: name columns tried in this order when none is given
NAME_FIELDS = ("name", "name_zh", "name_en", "NAME", "Name", "district", "beat")
AREA_SUFFIXES = (".geojson", ".json", ".gpkg")


@dataclass(frozen=True)
class NamedArea:
    """A district or beat read from a file: its names, optional code and polygon in lon/lat."""

    name_zh: str
    name_en: str
    code: str | None
    polygon: shapely.Geometry


@dataclass(frozen=True)
class StationSite:
    """A police station: names, optional code and position (WGS84 degrees)."""

    name_zh: str
    name_en: str
    code: str | None
    lon: float
    lat: float


def read_areas(path: str | Path, *, what: str, name_field: str | None = None,
               name_en_field: str | None = None, code_field: str | None = None,
               names_required: bool = True) -> list[NamedArea]:
    """Read the named polygons of a GeoJSON or GeoPackage file.

    Parameters
    ----------
    path
        ``.geojson``/``.json`` (lon/lat) or ``.gpkg`` (its declared CRS).
    what
        What the areas are, for messages (``"districts file"``).
    name_field, name_en_field, code_field
        Property names; by default the first of :data:`NAME_FIELDS` present, ``name_en`` if
        present (else the name), and ``code`` if present.
    names_required
        Without it, a file with no name property is read too (its areas named ``feature N``), for a
        single boundary whose unit is named on the command line.

    Raises
    ------
    NotFoundError
        If the file does not exist.
    ValidationError
        If the file cannot be read, holds no polygon, a feature is not a valid polygon or lacks a
        name, or two features share a name.
    """
    path = Path(path)
    require_readable_file(path, what)
    suffix = path.suffix.lower()
    if suffix not in AREA_SUFFIXES:
        kind = repr(suffix) if suffix else "a file without extension"
        raise ValidationError(f"{what_zh(what)} {path}：请用 GeoJSON（.geojson）或 GeoPackage（.gpkg），"
                              f"不能用 {kind} / "
                              f"{what} {path}: use GeoJSON (.geojson) or GeoPackage (.gpkg), not {kind}")
    features = _geopackage_features(path, what) if suffix == ".gpkg" else _geojson_features(path, what)
    if not features:
        raise ValidationError(f"{what_zh(what)} {path} 没有要素：每个区域需要一个多边形 / "
                              f"{what} {path} holds no features; it needs one polygon per area")
    present = set().union(*(props.keys() for props, _ in features))
    if not names_required and not name_field and not present & set(NAME_FIELDS):
        features = [({**props, "name": f"feature {n}"}, g) for n, (props, g) in enumerate(features, start=1)]
        present.add("name")
    name_key = _pick_field(name_field, NAME_FIELDS, present, path, what)
    en_key = name_en_field or ("name_en" if "name_en" in present else name_key)
    code_key = code_field or ("code" if "code" in present else None)
    for given in (name_en_field, code_field):
        if given and given not in present:
            raise ValidationError(f"{what_zh(what)} {path} 没有属性 {given!r}；已有 {sorted(present)} / "
                                  f"{what} {path} has no property {given!r}; it has {sorted(present)}")
    areas, seen = [], set()
    for number, (props, polygon) in enumerate(features, start=1):
        label = _text(props.get(name_key))
        if not label:
            raise ValidationError(f"{what_zh(what)} {path}：第 {number} 个要素没有 {name_key!r}，请给每个区域命名 / "
                                  f"{what} {path}: feature {number} has no {name_key!r}; give every area a name")
        if label in seen:
            raise ValidationError(f"{what_zh(what)} {path}：有两个区域都叫 {label!r}，名称须唯一 / "
                                  f"{what} {path}: two areas are named {label!r}; names must be unique")
        seen.add(label)
        if polygon.geom_type not in {"Polygon", "MultiPolygon"} or polygon.is_empty:
            raise ValidationError(f"{what_zh(what)} {path}：第 {number} 个要素（{label}）是 {polygon.geom_type}，"
                                  "不是多边形 / "
                                  f"{what} {path}: feature {number} ({label}) is a {polygon.geom_type}, not a polygon")
        if not polygon.is_valid:
            polygon = shapely.make_valid(polygon)
            polygon = shapely.union_all([g for g in getattr(polygon, "geoms", [polygon])
                                         if g.geom_type in {"Polygon", "MultiPolygon"}])
        _require_lonlat(polygon, path, what, number)
        code = _text(props.get(code_key)) if code_key else None
        areas.append(NamedArea(label, _text(props.get(en_key)) or label, code or None, polygon))
    return areas


def _geojson_features(path: Path, what: str) -> list[tuple[dict[str, Any], shapely.Geometry]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(f"{what_zh(what)} {path} 不是有效的 GeoJSON（{exc}），请重新导出为 GeoJSON / "
                              f"{what} {path} is not valid GeoJSON ({exc}); export it again as GeoJSON") from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(f"{what_zh(what)} {path} 不是 GeoJSON 要素集合（FeatureCollection） / "
                              f"{what} {path} is not a GeoJSON FeatureCollection")
    features = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not geometry:
            raise ValidationError(f"{what_zh(what)} {path}：第 {number} 个要素没有几何图形 / "
                                  f"{what} {path}: feature {number} has no geometry")
        try:
            polygon = shape(geometry)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
            raise ValidationError(f"{what_zh(what)} {path}：第 {number} 个要素的几何图形无法读取（{exc}） / "
                                  f"{what} {path}: feature {number} has a geometry that cannot be read "
                                  f"({exc})") from exc
        features.append((dict(feature.get("properties") or {}), polygon))
    return features


def _geopackage_features(path: Path, what: str) -> list[tuple[dict[str, Any], shapely.Geometry]]:
    import pyogrio

    require_geopackage_header(path, what)
    try:
        meta, table = pyogrio.read_arrow(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise ValidationError(f"{what_zh(what)} {path} 不是可读的 GeoPackage：{exc} / "
                              f"{what} {path} is not a readable GeoPackage: {exc}") from exc
    column = meta.get("geometry_name") or "geom"
    if column not in table.column_names:
        raise ValidationError(f"{what_zh(what)} {path} 没有几何列 / {what} {path} has no geometry column")
    if not meta.get("crs"):
        raise ValidationError(f"{what_zh(what)} {path} 没有坐标参考系，请设置（如 EPSG:4326）后重新写出 / "
                              f"{what} {path} has no CRS; set one (e.g. EPSG:4326) and write it again")
    crs = CRS.from_user_input(meta["crs"])
    geometries = shapely.from_wkb(table.column(column).to_numpy(zero_copy_only=False))
    if not crs.equals(WGS84, ignore_axis_order=True):
        geometries = [geometry_to_lonlat(g, crs) for g in geometries]
    rows = table.drop_columns([column]).to_pylist()
    return list(zip(rows, geometries, strict=True))


def _pick_field(given: str | None, candidates: tuple[str, ...], present: set[str], path: Path, what: str) -> str:
    if given:
        if given not in present:
            raise ValidationError(f"{what_zh(what)} {path} 没有属性 {given!r}；已有 {sorted(present)} / "
                                  f"{what} {path} has no property {given!r}; it has {sorted(present)}")
        return given
    for name in candidates:
        if name in present:
            return name
    raise ValidationError(f"{what_zh(what)} {path} 没有名称属性（{', '.join(candidates)}），请用 --name-field 指定"
                          f"（已有 {sorted(present)}） / "
                          f"{what} {path} has no name property ({', '.join(candidates)}); name the one to use with "
                          f"--name-field (it has {sorted(present)})")


def _require_lonlat(polygon: shapely.Geometry, path: Path, what: str, number: int) -> None:
    west, south, east, north = polygon.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationError(f"{what_zh(what)} {path}：第 {number} 个要素的坐标（{west:.1f}, {south:.1f}）不是经纬度；"
                              "GeoJSON 须为 WGS84 经纬度（其他坐标系请用 GeoPackage） / "
                              f"{what} {path}: feature {number} has coordinates ({west:.1f}, {south:.1f}) that are "
                              "not lon/lat degrees; GeoJSON must be WGS84 lon/lat (use a GeoPackage for other CRSs)")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_stations_csv(path: str | Path) -> list[StationSite]:
    """Read police stations from a CSV file (``name`` or ``name_zh``/``name_en``, ``lon``, ``lat``, ``code``).

    Raises
    ------
    NotFoundError
        If the file does not exist.
    ValidationError
        If a column is missing, a line has no name or a position that is not a lon/lat in degrees
        (the line is named), or the file holds no station.
    """
    path = Path(path)
    require_readable_file(path, "stations file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = set(rows[0].keys()) if rows else set()
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError(f"派出所文件 {path} 不是 UTF-8 编码的 CSV 文件：{exc} / "
                              f"stations file {path} is not a UTF-8 CSV file: {exc}") from exc
    if not rows:
        raise ValidationError(f"派出所文件 {path} 没有派出所（需要一行表头，每个派出所一行） / "
                              f"stations file {path} holds no stations (a header line and one line per station)")
    missing = [c for c in ("lon", "lat") if c not in header]
    if missing or not header & {"name", "name_zh", "name_en"}:
        raise ValidationError(f"派出所文件 {path} 需要 name（或 name_zh、name_en）、lon 和 lat 列；"
                              f"已有 {sorted(k for k in header if k)} / "
                              f"stations file {path} needs the columns name (or name_zh, name_en), lon and lat; "
                              f"it has {sorted(k for k in header if k)}")
    stations, codes = [], set()
    for line, row in enumerate(rows, start=2):
        zh = _text(row.get("name_zh")) or _text(row.get("name")) or _text(row.get("name_en"))
        en = _text(row.get("name_en")) or _text(row.get("name")) or zh
        if not zh:
            raise ValidationError(f"派出所文件 {path} 第 {line} 行：派出所没有名称 / "
                                  f"stations file {path}, line {line}: the station has no name")
        lon = _coordinate(row.get("lon"), 180, "lon", path, line)
        lat = _coordinate(row.get("lat"), 90, "lat", path, line)
        code = _text(row.get("code")) or None
        if code is not None and code in codes:
            raise ValidationError(f"派出所文件 {path} 第 {line} 行：编码 {code!r} 重复 / "
                                  f"stations file {path}, line {line}: code {code!r} is used twice")
        codes.add(code)
        stations.append(StationSite(zh, en, code, lon, lat))
    return stations


def _coordinate(value: str | None, limit: float, column: str, path: Path, line: int) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise ValidationError(f"派出所文件 {path} 第 {line} 行：{column} {value!r} 不是 -{limit:g} 到 {limit:g} "
                              "之间的度数 / "
                              f"stations file {path}, line {line}: {column} {value!r} is not a number of degrees "
                              f"between -{limit:g} and {limit:g}")
    return number
