"""What an OpenStreetMap extract holds besides its roads: police stations, water and parks.

One pass with pyosmium's area assembler (closed ways and multipolygon relations become areas).
Geometries stay in WGS84 lon/lat; ways or areas that reach outside the extract (missing node
locations) are left out, as a clipped extract always has some.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import shapely

from precinct.cities.sources import StationSite
from precinct.core.errors import ValidationError
from precinct.geo.edges import require_readable_file

if TYPE_CHECKING:
    import osmium  # at run time inside the readers only: the library loads when an extract is read

#: tags that make an area water, and the waterway lines drawn as water
WATER_AREAS = {"natural": {"water", "bay"}, "waterway": {"riverbank", "dock"},
               "landuse": {"reservoir", "basin"}}
WATER_LINES = frozenset({"river", "canal", "stream"})
#: tags that make an area a park (green space the public uses)
PARK_AREAS = {"leisure": {"park", "garden", "nature_reserve", "common"},
              "landuse": {"forest", "grass", "recreation_ground", "meadow", "village_green", "cemetery"},
              "natural": {"wood", "scrub"}}


@dataclass
class ExtractFeatures:
    """Police stations, water (areas and lines) and parks of an extract, in lon/lat."""

    stations: list[StationSite] = field(default_factory=list)
    water: list[shapely.Geometry] = field(default_factory=list)
    water_names: list[str] = field(default_factory=list)
    parks: list[shapely.Geometry] = field(default_factory=list)
    park_names: list[str] = field(default_factory=list)
    bounds: tuple[float, float, float, float] | None = None


def _matches(tags: osmium.osm.TagList, table: dict[str, set[str]]) -> bool:
    return any(tags.get(key) in values for key, values in table.items())


def read_extract_features(path: str | Path) -> ExtractFeatures:
    """Read the ``amenity=police`` stations, water and parks of an ``.osm``/``.osm.pbf`` extract.

    Raises
    ------
    NotFoundError
        If the file does not exist.
    ValidationError
        If it cannot be parsed as an OSM file.
    """
    import osmium

    path = Path(path)
    require_readable_file(path, "OSM file")
    found = ExtractFeatures()
    wkb = osmium.geom.WKBFactory()
    try:
        box = osmium.io.Reader(str(path)).header().box()
        if box.valid():
            found.bounds = (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
        for obj in osmium.FileProcessor(str(path)).with_areas():
            _collect(obj, found, wkb)
    except (RuntimeError, ValueError) as exc:
        raise ValidationError(f"OSM file {path} could not be read: {exc}; download the extract again") from exc
    return found


def _collect(obj: osmium.osm.Node | osmium.osm.Way | osmium.osm.Relation | osmium.osm.Area | osmium.osm.Changeset,
             found: ExtractFeatures, wkb: osmium.geom.WKBFactory) -> None:
    import osmium

    tags = obj.tags
    name = tags.get("name") or ""
    try:
        if isinstance(obj, osmium.osm.Node):
            if tags.get("amenity") == "police" and obj.location.valid():
                found.stations.append(_station(name, tags, obj.location.lon, obj.location.lat))
        elif isinstance(obj, osmium.osm.Area):
            if tags.get("amenity") == "police":
                centre = shapely.from_wkb(wkb.create_multipolygon(obj)).representative_point()
                found.stations.append(_station(name, tags, centre.x, centre.y))
            elif _matches(tags, WATER_AREAS):
                found.water.append(shapely.from_wkb(wkb.create_multipolygon(obj)))
                found.water_names.append(name)
            elif _matches(tags, PARK_AREAS):
                found.parks.append(shapely.from_wkb(wkb.create_multipolygon(obj)))
                found.park_names.append(name)
        elif isinstance(obj, osmium.osm.Way) and tags.get("waterway") in WATER_LINES:
            found.water.append(shapely.from_wkb(wkb.create_linestring(obj)))
            found.water_names.append(name)
    except (osmium.InvalidLocationError, RuntimeError):  # cut by the extract's edge
        return


def _station(name: str, tags: osmium.osm.TagList, lon: float, lat: float) -> StationSite:
    zh = tags.get("name:zh") or name
    en = tags.get("name:en") or name
    return StationSite(zh, en, None, float(lon), float(lat))
