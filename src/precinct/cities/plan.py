"""The plan of a city before anything is stored: its bureau, districts, stations, beats and map view.

:func:`plan_city` takes what was read from the files (roads, optional districts, stations and
beats, the extract's police stations) and fills in what is missing, saying so in
:attr:`CityPlan.notes`: one district covering the city when no districts file is given, stations
from the extract's ``amenity=police`` when no CSV is given and generated ones (road-weighted) where
neither has any, station areas as road-weighted Voronoi cells within each district, and beats
generated the same way within each station area unless a beats file is given. Geometry in lon/lat.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS

from precinct.cities.areas import assign_to_areas, cells_within, outline_of_roads, road_samples, road_weighted_sites
from precinct.cities.sources import NamedArea, StationSite
from precinct.core.errors import ValidationError
from precinct.geo.edges import EdgeTable
from precinct.geo.projection import geometry_from_lonlat, geometry_to_lonlat, lonlat_to_xy, xy_to_lonlat

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
ROAD_KM_PER_STATION = 110.0
MAX_STATIONS_PER_DISTRICT = 12
DEFAULT_BEATS_PER_STATION = 3
SEED = 20261202


@dataclass(frozen=True)
class PlannedArea:
    """A bureau or district branch: code, names, polygon (lon/lat) and the point its label sits on."""

    code: str
    name_zh: str
    name_en: str
    polygon: shapely.Geometry
    lon: float
    lat: float


@dataclass(frozen=True)
class PlannedStation:
    """A station: its district (index into :attr:`CityPlan.districts`), position and jurisdiction."""

    code: str
    name_zh: str
    name_en: str
    district: int
    lon: float
    lat: float
    polygon: shapely.Geometry
    origin: str  # "file", "extract" or "generated"


@dataclass(frozen=True)
class PlannedBeat:
    """A community beat of a station (index into :attr:`CityPlan.stations`)."""

    code: str
    name_zh: str
    name_en: str
    station: int
    polygon: shapely.Geometry


@dataclass(frozen=True)
class CityPlan:
    """Everything ``city init`` stores, before it is stored."""

    city: PlannedArea
    districts: list[PlannedArea]
    stations: list[PlannedStation]
    beats: list[PlannedBeat]
    centre: tuple[float, float]
    bounds: tuple[float, float, float, float]
    projected_crs: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CityInputs:
    """What the files gave: the roads, and what the operator supplied or the extract held."""

    code: str
    name_zh: str
    name_en: str
    roads: EdgeTable
    districts: list[NamedArea] | None = None
    stations: list[StationSite] | None = None
    extract_stations: list[StationSite] = field(default_factory=list)
    beats: list[NamedArea] | None = None
    beats_per_station: int = DEFAULT_BEATS_PER_STATION
    road_km_per_station: float = ROAD_KM_PER_STATION


def require_city_code(code: str) -> str:
    """Return ``code`` if it is 1-8 capital letters or digits starting with a letter (``HEL``, ``WH``).

    Raises
    ------
    ValidationError
        Otherwise, naming ``code``.
    """
    if not CODE_PATTERN.match(code or ""):
        raise ValidationError(f"code {code!r}: use 1 to 8 capital letters or digits, starting with a letter (e.g. HEL)")
    return code


def plan_city(inputs: CityInputs) -> CityPlan:
    """Plan the organisation and map view of a city from its inputs (see the module's description).

    Raises
    ------
    ValidationError
        For a bad city code, fewer than 1 beat per station, or stations that lie far from every
        district (more than 5 km: the wrong file, or lat/lon swapped).
    """
    require_city_code(inputs.code)
    if not 1 <= inputs.beats_per_station <= 20:
        raise ValidationError(f"beats_per_station {inputs.beats_per_station}: give 1 to 20")
    crs = inputs.roads.crs
    samples = road_samples(inputs.roads)
    notes: list[str] = []
    city_m, districts = _districts(inputs, samples, crs, notes)
    district_m = [geometry_from_lonlat(d.polygon, crs) for d in districts]
    stations = _stations(inputs, samples, district_m, districts, crs, notes)
    beats = _beats(inputs, samples, stations, crs, notes)
    lon, lat = xy_to_lonlat(crs, samples[:, 0], samples[:, 1])
    bounds = (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))
    centre = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    city_lonlat = geometry_to_lonlat(city_m, crs)
    city = PlannedArea(inputs.code, inputs.name_zh, inputs.name_en, city_lonlat, centre[0], centre[1])
    return CityPlan(city, districts, stations, beats, centre, bounds, crs.to_string(), notes)


def _districts(inputs: CityInputs, samples: np.ndarray, crs: CRS,
               notes: list[str]) -> tuple[shapely.Geometry, list[PlannedArea]]:
    if not inputs.districts:
        outline = outline_of_roads(samples)
        anchor = geometry_to_lonlat(outline.representative_point(), crs)
        notes.append("no districts file: one district branch covers the city (the roads' outline)")
        district = PlannedArea(f"{inputs.code}-D01", f"{inputs.name_zh}分局", f"{inputs.name_en} District Branch",
                               geometry_to_lonlat(outline, crs), anchor.x, anchor.y)
        return outline, [district]
    planned = []
    for number, area in enumerate(inputs.districts, start=1):
        anchor = area.polygon.representative_point()
        planned.append(PlannedArea(_code(area.code, f"{inputs.code}-D{number:02d}"), area.name_zh, area.name_en,
                                   area.polygon, anchor.x, anchor.y))
    outline = shapely.union_all([geometry_from_lonlat(d.polygon, crs) for d in planned])
    return outline, planned


def _code(given: str | None, default: str) -> str:
    code = (given or default)[:32]
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", code):
        raise ValidationError(f"code {given!r}: codes may hold letters, digits, '.', '_' and '-' only")
    return code


def _stations(inputs: CityInputs, samples: np.ndarray, district_m: list[shapely.Geometry],
              districts: list[PlannedArea], crs: CRS, notes: list[str]) -> list[PlannedStation]:
    sites, origin = inputs.stations, "file"
    if not sites:
        sites, origin = list(inputs.extract_stations), "extract"
        if sites:
            notes.append(f"stations: {len(sites)} from the extract's amenity=police")
    sites = [_named(s, n, inputs) for n, s in enumerate(sites, start=1)]
    xy = np.array([_xy(s, crs) for s in sites]).reshape(-1, 2)
    owner = assign_to_areas(xy, district_m) if sites else np.empty(0, np.int64)
    _refuse_far_stations(sites, xy, owner, district_m)
    stations = []
    for index, area in enumerate(district_m):
        mine = [(s, xy[i], origin) for i, s in enumerate(sites) if owner[i] == index]
        if not mine:
            mine = _generated_stations(inputs, samples, area, districts[index], crs, notes)
        cells = cells_within(np.array([site_xy for _, site_xy, _ in mine]), area)
        for number, ((site, _, kind), cell) in enumerate(zip(mine, cells, strict=True), start=1):
            code = _code(site.code, f"{districts[index].code}-{number:02d}")
            stations.append(PlannedStation(code, site.name_zh, site.name_en, index, site.lon, site.lat,
                                           geometry_to_lonlat(cell, crs), kind))
    _refuse_duplicate_codes([s.code for s in stations], "station")
    return stations


def _xy(site: StationSite, crs: CRS) -> tuple[float, float]:
    x, y = lonlat_to_xy(crs, np.array([site.lon]), np.array([site.lat]))
    return float(x[0]), float(y[0])


def _named(site: StationSite, number: int, inputs: CityInputs) -> StationSite:
    if site.name_zh and site.name_en:
        return site
    zh = site.name_zh or site.name_en or f"{inputs.name_zh}第{number}派出所"
    en = site.name_en or site.name_zh or f"{inputs.name_en} Police Station {number}"
    return StationSite(zh, en, site.code, site.lon, site.lat)


def _refuse_far_stations(sites: list[StationSite], xy: np.ndarray, owner: np.ndarray,
                         district_m: list[shapely.Geometry]) -> None:
    for i, site in enumerate(sites):
        gap = shapely.distance(shapely.Point(xy[i]), district_m[int(owner[i])])
        if gap > 5000:
            raise ValidationError(f"station {site.name_en!r} at ({site.lon:.5f}, {site.lat:.5f}) lies {gap / 1000:.0f} "
                                  "km from every district: check the file is for this city and that lon comes "
                                  "before lat")


def _generated_stations(inputs: CityInputs, samples: np.ndarray, area: shapely.Geometry, district: PlannedArea,
                        crs: CRS, notes: list[str]) -> list[tuple[StationSite, np.ndarray, str]]:
    inside = samples[shapely.contains_xy(area, samples[:, 0], samples[:, 1])]
    road_km = len(inside) * 0.05
    k = int(np.clip(math.ceil(road_km / inputs.road_km_per_station), 1, MAX_STATIONS_PER_DISTRICT))
    sites = road_weighted_sites(inside, k, seed=SEED) if len(inside) else np.array(
        [[area.representative_point().x, area.representative_point().y]])
    notes.append(f"{district.name_en}: no station given, {len(sites)} generated on its roads ({road_km:.0f} km)")
    lon, lat = xy_to_lonlat(crs, sites[:, 0], sites[:, 1])
    many = len(sites) > 1
    made = []
    for n, (x, y) in enumerate(zip(lon, lat, strict=True), start=1):
        suffix_zh, suffix_en = (f"第{n}派出所", f" Station {n}") if many else ("派出所", " Station")
        base_zh = district.name_zh.removesuffix("分局")
        base_en = district.name_en.removesuffix(" District Branch")
        made.append((StationSite(f"{base_zh}{suffix_zh}", f"{base_en}{suffix_en}", None, float(x), float(y)),
                     sites[n - 1], "generated"))
    return made


def _refuse_duplicate_codes(codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValidationError(f"two {what}s have the code {code!r}; codes must be unique")
        seen.add(code)


def _beats(inputs: CityInputs, samples: np.ndarray, stations: list[PlannedStation], crs: CRS,
           notes: list[str]) -> list[PlannedBeat]:
    station_m = [geometry_from_lonlat(s.polygon, crs) for s in stations]
    if inputs.beats:
        anchors = np.array([[b.polygon.representative_point().x, b.polygon.representative_point().y]
                            for b in inputs.beats])
        owner = assign_to_areas(np.column_stack(lonlat_to_xy(crs, anchors[:, 0], anchors[:, 1])),
                                station_m)
        beats = [PlannedBeat(_code(b.code, f"{stations[int(owner[i])].code}-{i + 1}"), b.name_zh, b.name_en,
                             int(owner[i]), b.polygon) for i, b in enumerate(inputs.beats)]
        _refuse_duplicate_codes([b.code for b in beats], "beat")
        return beats
    beats = []
    for index, (station, cell) in enumerate(zip(stations, station_m, strict=True)):
        inside = samples[shapely.contains_xy(cell, samples[:, 0], samples[:, 1])]
        sites = road_weighted_sites(inside, inputs.beats_per_station, seed=SEED + index)
        cells = cells_within(sites, cell) if len(sites) else [cell]
        for number, beat in enumerate((c for c in cells if not c.is_empty), start=1):
            beats.append(PlannedBeat(f"{station.code}-{number}", f"{station.name_zh}第{number}警务区",
                                     f"{station.name_en} beat {number}", index,
                                     geometry_to_lonlat(beat, crs)))
    notes.append(f"beats: {len(beats)} generated, up to {inputs.beats_per_station} per station, by road length")
    return beats
