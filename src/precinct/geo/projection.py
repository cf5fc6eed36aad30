"""Explicit conversions between WGS84 lon/lat and metric CRSs.

The platform's only projection module: road graphs, analysis grids, the demo city and the map
layer all use it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info

from precinct.core.errors import ValidationError
from precinct.geo.wording import what_zh

WGS84 = CRS.from_epsg(4326)


def projected_crs_for(lon: np.ndarray, lat: np.ndarray) -> str:
    """Return the WGS 84 / UTM zone CRS (``"EPSG:326xx"`` or ``"EPSG:327xx"``) of the points' centroid.

    The zone comes from the PROJ database, so the exceptions to the 6-degree rule around Norway are
    right.

    Raises
    ------
    ValidationError
        If there are no points, or no UTM zone covers them.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.size == 0:
        raise ValidationError("lon/lat: no points to choose a projection from")
    centre_lon, centre_lat = float(np.mean(lon)), float(np.mean(lat))
    infos = query_utm_crs_info(datum_name="WGS 84",
                               area_of_interest=AreaOfInterest(centre_lon, centre_lat, centre_lon, centre_lat))
    if not infos:  # pragma: no cover - polar regions
        raise ValidationError("lon/lat: no UTM zone covers these points; pass crs explicitly")
    return f"{infos[0].auth_name}:{infos[0].code}"


def utm_crs_for(lon: float, lat: float) -> CRS:
    """Return the WGS84 UTM zone CRS (EPSG:326xx north, 327xx south) containing ``(lon, lat)``."""
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def require_metric_crs(crs: CRS, source: str) -> None:
    """Raise ValidationError unless ``crs`` is projected with metre units."""
    units = {axis.unit_name for axis in crs.axis_info}
    if not crs.is_projected or not units <= {"metre", "meter", "m"}:
        raise ValidationError(f"{what_zh(source)}：坐标参考系 {crs.name!r} 不是米制投影，请重新投影（如 UTM） / "
                              f"{source}: CRS {crs.name!r} is not projected in metres; reproject it (e.g. to UTM)")


def _transformer(source: CRS | str, target: CRS | str) -> Transformer:
    # Keyed by the CRS's definition string: hashing a pyproj CRS renders its WKT every time, which
    # cost more than the transform itself on dispatch's per-call path.
    return _transformer_for(source if isinstance(source, str) else source.srs,
                            target if isinstance(target, str) else target.srs)


@lru_cache(maxsize=32)
def _transformer_for(source: str, target: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True)


def lonlat_to_xy(crs: CRS | str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 lon/lat (degrees) to ``crs`` x/y (metres), as float arrays."""
    x, y = _transformer(WGS84, crs).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def xy_to_lonlat(crs: CRS | str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unproject ``crs`` x/y (metres) to WGS84 lon/lat (degrees), as float arrays."""
    lon, lat = _transformer(crs, WGS84).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def project_lonlat_geometries(geometry: np.ndarray, crs: CRS) -> np.ndarray:
    """Return shapely geometries in lon/lat transformed to ``crs``."""
    projected: np.ndarray = _transform(geometry, _transformer(WGS84, crs))
    return projected


def geometry_from_lonlat(geometry: shapely.Geometry, crs: CRS) -> shapely.Geometry:
    """Return a shapely geometry in WGS84 lon/lat transformed to ``crs``."""
    return _transform(geometry, _transformer(WGS84, crs))


def geometry_to_lonlat(geometry: shapely.Geometry, crs: CRS) -> shapely.Geometry:
    """Return a shapely geometry in ``crs`` transformed to WGS84 lon/lat."""
    return _transform(geometry, _transformer(crs, WGS84))


def _transform(geometry: shapely.Geometry | np.ndarray, transformer: Transformer) -> shapely.Geometry | np.ndarray:
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def as_lonlat_array(points: object, name: str) -> np.ndarray:
    """Validate lon/lat input (a pair or an (n, 2) array) and return a float (n, 2) array.

    Raises
    ------
    ValidationError
        If the shape is wrong or a coordinate is not finite or out of range.
    """
    try:
        array = np.asarray(points, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be (lon, lat) pairs of numbers") from exc
    if array.ndim == 1 and array.shape == (2,):
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValidationError(f"{name} must be a (lon, lat) pair or an (n, 2) array, got shape {array.shape}")
    if len(array) == 0:
        raise ValidationError(f"{name} holds no points")
    lon, lat = array[:, 0], array[:, 1]
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValidationError(f"{name}[{i}] = ({lon[i]}, {lat[i]}) is not a valid lon/lat in degrees")
    return array
