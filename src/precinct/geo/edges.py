"""Edge tables: the common shape every road source is read into before a graph is built.

Sources: GeoParquet and GeoPackage edge tables (columns ``u``, ``v``, ``highway``, optional
``oneway`` and ``maxspeed``, LineString geometry) and OpenStreetMap extracts (see ``osm.py``).
Geometries end up in a projected CRS in metres; lon/lat inputs get their UTM zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

from precinct.core.errors import NotFoundError, ValidationError
from precinct.geo.projection import project_lonlat_geometries, require_metric_crs, utm_crs_for
from precinct.geo.speeds import first_highway_class, parse_maxspeed_kph, parse_oneway

REQUIRED_COLUMNS = ("u", "v", "highway")
OPTIONAL_COLUMNS = ("oneway", "maxspeed")


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
    """

    u: np.ndarray
    v: np.ndarray
    highway: np.ndarray
    geometry: np.ndarray
    crs: CRS
    oneway: np.ndarray
    maxspeed_kph: np.ndarray

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
    columns = {"u": u, "v": v, "highway": highway}
    for name, values in columns.items():
        if len(values) != n:
            raise ValidationError(f"{source}: column {name!r} has {len(values)} values for {n} geometries")
    if n == 0:
        raise ValidationError(f"{source} has no edges")
    geometry = np.asarray(geometry, dtype=object)
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if missing.any():
        raise ValidationError(f"{source} has {int(missing.sum())} edges without geometry")
    geometry = _as_linestrings(geometry, source)
    if crs.is_geographic:
        coords = shapely.get_coordinates(geometry)
        crs = utm_crs_for(float(np.median(coords[:, 0])), float(np.median(coords[:, 1])))
        geometry = project_lonlat_geometries(geometry, crs)
    else:
        require_metric_crs(crs, source)
    try:
        u_ids = np.asarray(u, dtype=np.int64)
        v_ids = np.asarray(v, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{source}: columns 'u' and 'v' must hold integer node ids") from exc
    classes = np.array([first_highway_class(h) for h in highway], dtype=object)
    ways = np.zeros(n, np.int8) if oneway is None else np.array([parse_oneway(x) for x in oneway], np.int8)
    speeds = (
        np.full(n, np.nan) if maxspeed is None else np.array([parse_maxspeed_kph(x) for x in maxspeed], float)
    )
    return EdgeTable(u_ids, v_ids, classes, geometry, crs, ways, speeds)


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
    if not path.is_file():
        raise NotFoundError(f"roads file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".geoparquet", ".pq"}:
        return _read_geoparquet(path)
    if suffix == ".gpkg":
        return _read_geopackage(path)
    raise ValidationError(f"roads file {path} has an unknown type {suffix!r}; use .parquet, .gpkg, .osm or .osm.pbf")


def _read_geoparquet(path: Path) -> EdgeTable:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValidationError(f"roads file {path} is not a readable Parquet file: {exc}") from exc
    metadata = schema.metadata or {}
    if b"geo" not in metadata:
        raise ValidationError(
            f"roads file {path} has no GeoParquet 'geo' metadata; write it with GeoPandas to_parquet"
        )
    geo = json.loads(metadata[b"geo"])
    geometry_column = geo.get("primary_column", "geometry")
    column_meta = geo.get("columns", {}).get(geometry_column, {})
    if column_meta.get("encoding", "WKB").upper() != "WKB":
        raise ValidationError(
            f"roads file {path}: geometry encoding {column_meta['encoding']!r} is not supported; use WKB")
    present = set(schema.names)
    _require_columns(path, present, [*REQUIRED_COLUMNS, geometry_column])
    wanted = [*REQUIRED_COLUMNS, geometry_column, *[c for c in OPTIONAL_COLUMNS if c in present]]
    table = pq.read_table(path, columns=wanted)
    crs = CRS.from_user_input(column_meta["crs"]) if column_meta.get("crs") else CRS.from_user_input("OGC:CRS84")
    wkb = table.column(geometry_column).to_numpy(zero_copy_only=False)
    try:
        geometry = shapely.from_wkb(wkb)
    except shapely.errors.GEOSException as exc:
        raise ValidationError(f"roads file {path}: geometry column {geometry_column!r} is not valid WKB") from exc
    return _from_columns(path, _columns(table), geometry, crs)


def _read_geopackage(path: Path) -> EdgeTable:
    try:
        import pyogrio
    except ImportError as exc:  # pragma: no cover - pyogrio ships with geopandas
        raise ValidationError("reading GeoPackage needs pyogrio: pip install pyogrio") from exc
    try:
        meta, table = pyogrio.read_arrow(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise ValidationError(f"roads file {path} is not a readable GeoPackage: {exc}") from exc
    geometry_column = meta.get("geometry_name") or "wkb_geometry"
    _require_columns(path, set(table.column_names), list(REQUIRED_COLUMNS))
    if geometry_column not in table.column_names:
        raise ValidationError(f"roads file {path} has no geometry column")
    geometry = shapely.from_wkb(table.column(geometry_column).to_numpy(zero_copy_only=False))
    if not meta.get("crs"):
        raise ValidationError(f"roads file {path} has no CRS; set one (e.g. EPSG:4326) before using it")
    return _from_columns(path, _columns(table), geometry, CRS.from_user_input(meta["crs"]))


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
        source=f"roads file {path}",
    )


def _require_columns(path: Path, present: set[str], required: list[str]) -> None:
    for name in required:
        if name not in present:
            raise ValidationError(f"roads file {path} has no column {name!r} (needs {', '.join(required)})")


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
            f"{source}: {int(bad.sum())} geometries are not LineStrings (first at row {int(np.argmax(bad))})"
        )
    return geometry
