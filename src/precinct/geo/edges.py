"""Edge tables: the common shape every road source is read into before a graph is built.

Sources: GeoParquet and GeoPackage edge tables (columns ``u``, ``v``, ``highway``, optional
``oneway``, ``maxspeed`` and ``name``, LineString geometry) and OpenStreetMap extracts (see ``osm.py``).
Geometries end up in a projected CRS in metres; lon/lat inputs get their UTM zone.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from precinct.core.errors import NotFoundError, ValidationError
from precinct.geo.projection import project_lonlat_geometries, require_metric_crs, utm_crs_for
from precinct.geo.speeds import first_highway_class, parse_maxspeed_kph, parse_oneway
from precinct.geo.wording import what_zh

REQUIRED_COLUMNS = ("u", "v", "highway")
OPTIONAL_COLUMNS = ("oneway", "maxspeed", "name")


@dataclass(frozen=True, eq=False)
class EdgeTable:
    """Road edges as parallel arrays, geometry in a projected CRS (metres).

    Attributes
    ----------
    u, v
        Node identifiers (int64) at the two ends; geometry should run from ``u`` to ``v`` (it is
        re-oriented when it does not, see ``graph.py``).
    highway
        Road class per edge (object array of str).
    geometry
        Shapely LineStrings in ``crs``.
    crs
        Projected CRS with metre units.
    oneway
        int8 per edge: 1 = only u->v, -1 = only v->u, 0 = both ways (or unknown).
    maxspeed_kph
        Tagged speed limit per edge, NaN where absent.
    name
        Street name per edge (object array of str, ``""`` where the source has none), or ``None``
        when the source has no names at all.
    """

    u: np.ndarray
    v: np.ndarray
    highway: np.ndarray
    geometry: np.ndarray
    crs: CRS
    oneway: np.ndarray
    maxspeed_kph: np.ndarray
    name: np.ndarray | None = None

    def __len__(self) -> int:
        """Return the number of edges."""
        return len(self.u)


def edge_table(
    u: np.ndarray,
    v: np.ndarray,
    highway: np.ndarray,
    geometry: np.ndarray,
    *,
    crs: CRS | str | int,
    oneway: np.ndarray | None = None,
    maxspeed: np.ndarray | None = None,
    name: np.ndarray | None = None,
    source: str = "edge table",
) -> EdgeTable:
    """Validate raw columns and return an :class:`EdgeTable` in a metric CRS.

    A geographic ``crs`` (lon/lat) is projected to its UTM zone; a projected one must use metres.

    Raises
    ------
    ValidationError
        On length mismatches, missing or non-line geometries, or a CRS not in metres.
    """
    crs = CRS.from_user_input(crs)
    n = len(geometry)
    names = _names(name, n, source)
    columns = {"u": u, "v": v, "highway": highway}
    for column, values in columns.items():
        if len(values) != n:
            raise ValidationError(f"{what_zh(source)}：{column!r} 列有 {len(values)} 个值，几何图形却有 {n} 个 / "
                                  f"{source}: column {column!r} has {len(values)} values for {n} geometries")
    if n == 0:
        raise ValidationError(f"{what_zh(source)} 没有道路段 / {source} has no edges")
    geometry = np.asarray(geometry, dtype=object)
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if missing.any():
        raise ValidationError(f"{what_zh(source)} 有 {int(missing.sum())} 段道路没有几何图形 / "
                              f"{source} has {int(missing.sum())} edges without geometry")
    _require_finite_coordinates(geometry, source)
    geometry = _as_linestrings(geometry, source)
    if crs.is_geographic:
        coords = shapely.get_coordinates(geometry)
        _require_degrees(coords, crs, source)
        crs = utm_crs_for(float(np.median(coords[:, 0])), float(np.median(coords[:, 1])))
        geometry = project_lonlat_geometries(geometry, crs)
    else:
        require_metric_crs(crs, source)
    u_ids, v_ids = _node_ids(u, source), _node_ids(v, source)
    if not (u_ids != v_ids).any():
        raise ValidationError(f"{what_zh(source)} 没有连接两个不同节点的道路段（每段都起止于同一节点）："
                              "路网需要连接至少两个节点的道路 / "
                              f"{source} has no edge between two different nodes (each starts and ends at one node): "
                              "a road network needs roads that join at least two nodes")
    classes = np.array([first_highway_class(h) for h in highway], dtype=object)
    blank = np.array([_is_blank(h) or c in ("", "None", "nan") for h, c in zip(highway, classes, strict=True)])
    if blank.any():
        raise ValidationError(f"{what_zh(source)}：{int(blank.sum())} 段道路没有 'highway' 等级，第一段在第 "
                              f"{int(np.argmax(blank))} 行；请给每段道路一个等级，如 residential 或 primary / "
                              f"{source}: edges without a 'highway' class: {int(blank.sum())}, the first at row "
                              f"{int(np.argmax(blank))}; give every edge one, e.g. residential or primary")
    ways = np.zeros(n, np.int8) if oneway is None else np.array([parse_oneway(x) for x in oneway], np.int8)
    speeds = (
        np.full(n, np.nan) if maxspeed is None else np.array([parse_maxspeed_kph(x) for x in maxspeed], float)
    )
    return EdgeTable(u_ids, v_ids, classes, geometry, crs, ways, speeds, names)


def _names(name: np.ndarray | None, n: int, source: str) -> np.ndarray | None:
    """Street names as an object array of str (``""`` where missing), or None without a name column."""
    if name is None:
        return None
    if len(name) != n:
        raise ValidationError(f"{what_zh(source)}：'name' 列有 {len(name)} 个值，几何图形却有 {n} 个 / "
                              f"{source}: column 'name' has {len(name)} values for {n} geometries")
    return np.array(["" if _is_blank(x) else str(x).strip() for x in name], dtype=object)


def _require_finite_coordinates(geometry: np.ndarray, source: str) -> None:
    coords, index = shapely.get_coordinates(geometry, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        rows = np.unique(index[bad])
        raise ValidationError(f"{what_zh(source)}：{len(rows)} 段道路的坐标不是数字（NaN 或无穷大），第一段在第 "
                              f"{int(rows[0])} 行；请修正或删除 / "
                              f"{source}: edges with coordinates that are not numbers (NaN or infinite): {len(rows)}, "
                              f"the first at row {int(rows[0])}; fix or drop them")


def _require_degrees(coords: np.ndarray, crs: CRS, source: str) -> None:
    outside = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    if outside.any():
        x, y = coords[int(np.argmax(outside))]
        raise ValidationError(
            f"{what_zh(source)}：坐标参考系 {crs.name!r} 是经纬度，但其中有点 ({x:.1f}, {y:.1f})，不是经纬度；"
            "请声明坐标实际所用的参考系（米制请用投影坐标系，如 UTM 带） / "
            f"{source}: its CRS {crs.name!r} is lon/lat in degrees, but it holds the point ({x:.1f}, {y:.1f}), "
            "which is no lon/lat; declare the CRS the coordinates are in (for metres, a projected CRS such as "
            "a UTM zone)")


def _node_ids(values: np.ndarray, source: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind == "f" and not (np.isfinite(array) & (array == np.round(array))).all():
        raise ValidationError(f"{what_zh(source)}：'u' 和 'v' 列须为整数节点编号，其中有空值或小数 / "
                              f"{source}: columns 'u' and 'v' must hold integer node ids; some are empty or "
                              "fractional")
    try:
        return np.asarray(array, dtype=np.int64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError(f"{what_zh(source)}：'u' 和 'v' 列须为整数节点编号 / "
                              f"{source}: columns 'u' and 'v' must hold integer node ids") from exc


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and not np.isfinite(value))


def require_readable_file(path: Path, what: str = "roads file") -> None:
    """Check that ``path`` is a file this process can read and that it is not empty.

    Raises
    ------
    NotFoundError
        If nothing exists at ``path``.
    ValidationError
        If ``path`` is a directory or another non-file, cannot be read (permissions), or is empty.
    """
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise ValidationError(f"{what_zh(what)} {path} 是目录而不是文件；请指定其中的道路文件"
                                  "（.parquet、.gpkg、.osm 或 .osm.pbf） / "
                                  f"{what} {path} is a directory, not a file; name the roads file in it "
                                  "(.parquet, .gpkg, .osm or .osm.pbf)")
        if not stat.S_ISREG(status.st_mode):
            raise ValidationError(f"{what_zh(what)} {path} 不是普通文件 / {what} {path} is not a regular file")
        with path.open("rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        raise NotFoundError(f"{what_zh(what)} {path} 不存在 / {what} {path} does not exist") from None
    except PermissionError:
        raise ValidationError(f"{what_zh(what)} {path} 无法读取：没有权限；请让运行 Precinct 的用户可以读取它 / "
                              f"{what} {path} cannot be read: permission denied; give the user that runs Precinct "
                              "read access to it") from None
    except OSError as exc:
        raise ValidationError(f"{what_zh(what)} {path} 无法读取：{exc.strerror or exc} / "
                              f"{what} {path} cannot be read: {exc.strerror or exc}") from None
    if status.st_size == 0:
        raise ValidationError(f"{what_zh(what)} {path} 是空文件（0 字节）；请重新写出道路或指定其他文件 / "
                              f"{what} {path} is empty (0 bytes); write the roads again or name another file")


def read_edges_file(path: str | Path) -> EdgeTable:
    """Read a GeoParquet (``.parquet``/``.geoparquet``) or GeoPackage (``.gpkg``) edge table.

    Raises
    ------
    NotFoundError
        If the file does not exist.
    ValidationError
        If a required column (``u``, ``v``, ``highway``, geometry) is missing or unreadable.
    """
    path = Path(path)
    require_readable_file(path)
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".geoparquet", ".pq"}:
        return _read_geoparquet(path)
    if suffix == ".gpkg":
        return _read_geopackage(path)
    kind = f"an unknown type {suffix!r}" if suffix else "no file extension"
    raise ValidationError(f"道路文件 {path} 的类型不受支持（{kind}）；请用 .parquet、.gpkg、.osm 或 .osm.pbf"
                          "（GeoJSON、CSV 等格式请用 GeoPandas 或 ogr2ogr 转换） / "
                          f"roads file {path} has {kind}; use .parquet, .gpkg, .osm or .osm.pbf (convert other "
                          "formats, such as GeoJSON or CSV, with GeoPandas or ogr2ogr)")


def _read_geoparquet(path: Path) -> EdgeTable:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValidationError(f"道路文件 {path} 不是可读的 Parquet 文件：{exc} / "
                              f"roads file {path} is not a readable Parquet file: {exc}") from exc
    geometry_column, column_meta = _geoparquet_geometry(path, schema.metadata or {})
    if str(column_meta.get("encoding", "WKB")).upper() != "WKB":
        raise ValidationError(
            f"道路文件 {path}：不支持几何编码 {column_meta['encoding']!r}，请用 WKB / "
            f"roads file {path}: geometry encoding {column_meta['encoding']!r} is not supported; use WKB")
    present = set(schema.names)
    _require_columns(path, present, [*REQUIRED_COLUMNS, geometry_column])
    wanted = [*REQUIRED_COLUMNS, geometry_column, *[c for c in OPTIONAL_COLUMNS if c in present]]
    try:
        table = pq.read_table(path, columns=wanted)
    except (pa.ArrowException, OSError) as exc:
        raise ValidationError(f"道路文件 {path} 不是可读的 Parquet 文件：{exc} / "
                              f"roads file {path} is not a readable Parquet file: {exc}") from exc
    crs = _crs(path, column_meta["crs"]) if column_meta.get("crs") else CRS.from_user_input("OGC:CRS84")
    geometry = _from_wkb(path, table.column(geometry_column), geometry_column)
    return _from_columns(path, _columns(table), geometry, crs)


def _geoparquet_geometry(path: Path, metadata: dict[bytes, bytes]) -> tuple[str, dict[str, Any]]:
    """Return the primary geometry column's name and metadata from a GeoParquet file's ``geo`` key."""
    if b"geo" not in metadata:
        raise ValidationError(
            f"道路文件 {path} 没有 GeoParquet 'geo' 元数据，请用 GeoPandas to_parquet 写出 / "
            f"roads file {path} has no GeoParquet 'geo' metadata; write it with GeoPandas to_parquet"
        )
    try:
        geo = json.loads(metadata[b"geo"])
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ValidationError(f"道路文件 {path}：GeoParquet 'geo' 元数据不是有效的 JSON（{exc}），请用 GeoPandas "
                              "to_parquet 重新写出 / "
                              f"roads file {path}: its GeoParquet 'geo' metadata is not valid JSON ({exc}); "
                              "write the file again with GeoPandas to_parquet") from exc
    geometry_column = geo.get("primary_column", "geometry") if isinstance(geo, dict) else None
    columns = geo.get("columns", {}) if isinstance(geo, dict) else None
    column_meta = columns.get(geometry_column, {}) if isinstance(columns, dict) else None
    if not isinstance(geometry_column, str) or not isinstance(column_meta, dict):
        raise ValidationError(f"道路文件 {path}：GeoParquet 'geo' 元数据没有描述几何列，请用 GeoPandas to_parquet "
                              "重新写出 / "
                              f"roads file {path}: its GeoParquet 'geo' metadata does not describe a geometry "
                              "column; write the file again with GeoPandas to_parquet")
    return geometry_column, column_meta


def _crs(path: Path, value: object) -> CRS:
    try:
        return CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError) as exc:
        shown = str(value) if len(str(value)) <= 60 else str(value)[:57] + "..."
        raise ValidationError(f"道路文件 {path}：PROJ 不认识坐标参考系 {shown!r}（{exc}），请用 EPSG 代码声明，"
                              "如经纬度 EPSG:4326 或 UTM 带 EPSG:32650 / "
                              f"roads file {path}: its CRS {shown!r} is not one PROJ knows ({exc}); declare it as "
                              "an EPSG code, e.g. EPSG:4326 for lon/lat or a UTM zone such as EPSG:32650") from exc


def _from_wkb(path: Path, column: pa.ChunkedArray, name: str) -> np.ndarray:
    try:
        with np.errstate(invalid="ignore"):  # NaN coordinates are refused with a message in edge_table
            geometry: np.ndarray = shapely.from_wkb(column.to_numpy(zero_copy_only=False))
    except (shapely.errors.GEOSException, TypeError, ValueError) as exc:
        raise ValidationError(f"道路文件 {path}：几何列 {name!r} 不是有效的 WKB / "
                              f"roads file {path}: geometry column {name!r} is not valid WKB") from exc
    return geometry


def _read_geopackage(path: Path) -> EdgeTable:
    try:
        import pyogrio
    except ImportError as exc:  # pragma: no cover - pyogrio ships with geopandas
        raise ValidationError("读取 GeoPackage 需要 pyogrio：pip install pyogrio / "
                              "reading GeoPackage needs pyogrio: pip install pyogrio") from exc
    require_geopackage_header(path)
    try:
        meta, table = pyogrio.read_arrow(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise ValidationError(f"道路文件 {path} 不是可读的 GeoPackage：{exc} / "
                              f"roads file {path} is not a readable GeoPackage: {exc}") from exc
    geometry_column = meta.get("geometry_name") or "wkb_geometry"
    _require_columns(path, set(table.column_names), list(REQUIRED_COLUMNS))
    if geometry_column not in table.column_names:
        raise ValidationError(f"道路文件 {path} 没有几何列 / roads file {path} has no geometry column")
    geometry = _from_wkb(path, table.column(geometry_column), geometry_column)
    if not meta.get("crs"):
        raise ValidationError(f"道路文件 {path} 没有坐标参考系，请先设置（如 EPSG:4326） / "
                              f"roads file {path} has no CRS; set one (e.g. EPSG:4326) before using it")
    return _from_columns(path, _columns(table), geometry, _crs(path, meta["crs"]))


SQLITE_HEADER = b"SQLite format 3\x00"
GEOPACKAGE_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")  # at offset 68 of the SQLite header


def require_geopackage_header(path: Path, what: str = "roads file") -> None:
    """Refuse a file that is no GeoPackage before GDAL reads it (and warns about it on standard error).

    Raises
    ------
    ValidationError
        If ``path`` is not an SQLite database or lacks the GeoPackage application id.
    """
    with path.open("rb") as handle:
        header = handle.read(72)
    if not header.startswith(SQLITE_HEADER):
        raise ValidationError(f"{what_zh(what)} {path} 不是可读的 GeoPackage：它不是 SQLite 数据库，请重新写出"
                              "（如 GeoPandas to_file(..., driver='GPKG')） / "
                              f"{what} {path} is not a readable GeoPackage: it is not an SQLite database, as a "
                              "GeoPackage is; write it again (e.g. GeoPandas to_file(..., driver='GPKG'))")
    if header[68:72] not in GEOPACKAGE_APPLICATION_IDS:
        raise ValidationError(f"{what_zh(what)} {path} 不是可读的 GeoPackage：它是没有 GeoPackage 应用标识的 SQLite "
                              "数据库，请用 GeoPandas 或 ogr2ogr 重新写出 / "
                              f"{what} {path} is not a readable GeoPackage: it is an SQLite database without "
                              "the GeoPackage application id; write it again with GeoPandas or ogr2ogr")


def _columns(table: pa.Table) -> dict[str, np.ndarray]:
    return {
        name: table.column(name).to_numpy(zero_copy_only=False)
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        if name in table.column_names
    }


def _from_columns(path: Path, columns: dict[str, np.ndarray], geometry: np.ndarray, crs: CRS) -> EdgeTable:
    return edge_table(
        columns["u"],
        columns["v"],
        columns["highway"],
        geometry,
        crs=crs,
        oneway=columns.get("oneway"),
        maxspeed=columns.get("maxspeed"),
        name=columns.get("name"),
        source=f"roads file {path}",
    )


def _require_columns(path: Path, present: set[str], required: list[str]) -> None:
    for name in required:
        if name not in present:
            raise ValidationError(f"道路文件 {path} 没有 {name!r} 列（需要 {', '.join(required)}） / "
                                  f"roads file {path} has no column {name!r} (needs {', '.join(required)})")


def _as_linestrings(geometry: np.ndarray, source: str) -> np.ndarray:
    kinds = shapely.get_type_id(geometry)
    multi = kinds == shapely.GeometryType.MULTILINESTRING
    if multi.any():
        geometry = geometry.copy()
        geometry[multi] = shapely.line_merge(geometry[multi])
        kinds = shapely.get_type_id(geometry)
    bad = kinds != shapely.GeometryType.LINESTRING
    if bad.any():
        raise ValidationError(
            f"{what_zh(source)}：{int(bad.sum())} 个几何图形不是线（LineString），"
            f"第一个在第 {int(np.argmax(bad))} 行 / "
            f"{source}: {int(bad.sum())} geometries are not LineStrings (first at row {int(np.argmax(bad))})"
        )
    return geometry


def write_edges_parquet(table: EdgeTable, path: str | Path) -> Path:
    """Write ``table`` as a GeoParquet edge table that :func:`read_edges_file` reads back unchanged.

    Columns ``u``, ``v``, ``highway``, ``oneway`` (1, -1, 0), ``maxspeed`` (km/h, empty where
    untagged), ``name`` (where the table has names) and WKB ``geometry`` in the table's metric CRS,
    declared in the GeoParquet ``geo`` metadata (version 1.0.0) as PROJJSON.

    Returns
    -------
    Path
        The file written (its folder is created if needed).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns: dict[str, pa.Array] = {
        "u": pa.array(table.u, pa.int64()),
        "v": pa.array(table.v, pa.int64()),
        "highway": pa.array([str(h) for h in table.highway], pa.string()),
        "oneway": pa.array(table.oneway.astype(np.int8), pa.int8()),
        "maxspeed": pa.array(np.where(np.isfinite(table.maxspeed_kph), table.maxspeed_kph, np.nan), pa.float64(),
                             mask=~np.isfinite(table.maxspeed_kph)),
    }
    if table.name is not None:
        columns["name"] = pa.array([str(n) for n in table.name], pa.string())
    columns["geometry"] = pa.array(shapely.to_wkb(table.geometry), pa.binary())
    bounds = shapely.total_bounds(table.geometry)
    geo = {"version": "1.0.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["LineString"],
                                    "crs": table.crs.to_json_dict(), "bbox": [float(b) for b in bounds]}}}
    arrow = pa.table(columns).replace_schema_metadata({b"geo": json.dumps(geo).encode("utf-8")})
    pq.write_table(arrow, path)
    return path
