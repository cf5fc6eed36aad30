"""Drivable edges from OpenStreetMap extracts (``.osm``, ``.osm.pbf``) via pyosmium.

Ways are split at every node shared with another drivable way (and at their ends), so the graph has
one edge between consecutive junctions. Coordinates are projected to the extract's UTM zone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

from precinct.core.errors import ValidationError
from precinct.geo.edges import EdgeTable, edge_table, require_readable_file
from precinct.geo.projection import WGS84
from precinct.geo.speeds import parse_oneway

if TYPE_CHECKING:
    import osmium  # at run time inside read_osm only: the library loads when an extract is read

#: ``highway`` values a patrol car may drive on.
DRIVABLE_HIGHWAYS = frozenset(
    {
        "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
        "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
        "residential", "living_street", "service", "road", "busway",
    }
)  # fmt: skip
_EXCLUDED_SERVICE = frozenset({"parking", "parking_aisle", "driveway"})
_NO_ACCESS = frozenset({"no", "private"})
_IMPLIED_ONEWAY = frozenset({"motorway", "motorway_link"})
#: one drivable way: node ids, lon/lat of the nodes, highway, oneway (1, -1 or 0), maxspeed tag, name
_WayRecord = tuple[list[int], list[tuple[float, float]], str, int, str | None, str]


def read_osm(path: str | Path) -> EdgeTable:
    """Read the drivable road edges of an OSM extract.

    Keeps ways whose ``highway`` is in :data:`DRIVABLE_HIGHWAYS`, dropping ``access=no|private``,
    ``motor_vehicle=no``, ``area=yes`` and parking/driveway service roads. ``oneway`` (yes/-1) is
    read, and implied on motorways and roundabouts; ``maxspeed`` and the street ``name`` are kept.

    Raises
    ------
    NotFoundError
        If the file does not exist.
    ValidationError
        If the file is empty or unreadable, cannot be parsed, or holds no drivable way.
    """
    import osmium

    path = Path(path)
    require_readable_file(path, "OSM file")
    ways: list[_WayRecord] = []
    try:
        processor = osmium.FileProcessor(str(path)).with_locations()
        for obj in processor:
            if not isinstance(obj, osmium.osm.Way):
                continue
            record = _drivable_way(obj)
            if record is not None:
                ways.append(record)
    except (RuntimeError, ValueError, osmium.InvalidLocationError) as exc:  # parse errors, bad coordinates
        raise ValidationError(f"OSM 文件 {path} 无法读取：{exc} / OSM file {path} could not be read: {exc}") from exc
    if not ways:
        raise ValidationError(f"OSM 文件 {path} 没有可通车的道路（highway=residential、primary 等） / "
                              f"OSM file {path} holds no drivable ways (highway=residential, primary, ...)")
    return _split_ways(ways, source=f"OSM file {path}")


def _drivable_way(way: osmium.osm.Way) -> _WayRecord | None:
    tags = way.tags
    highway = tags.get("highway")
    if highway not in DRIVABLE_HIGHWAYS or tags.get("area") == "yes":
        return None
    if tags.get("access") in _NO_ACCESS or tags.get("motor_vehicle") == "no" or tags.get("motorcar") == "no":
        return None
    if highway == "service" and tags.get("service") in _EXCLUDED_SERVICE:
        return None
    refs, coords = [], []
    for node in way.nodes:
        if not node.location.valid():
            return None
        refs.append(node.ref)
        coords.append((node.location.lon, node.location.lat))
    if len(refs) < 2:
        return None
    oneway = parse_oneway(tags.get("oneway"))
    if tags.get("oneway") is None and (highway in _IMPLIED_ONEWAY or tags.get("junction") == "roundabout"):
        oneway = 1
    return refs, coords, highway, oneway, tags.get("maxspeed"), tags.get("name") or ""


def _split_ways(ways: list[_WayRecord], *, source: str) -> EdgeTable:
    all_refs = np.concatenate([np.asarray(w[0], np.int64) for w in ways])
    unique, counts = np.unique(all_refs, return_counts=True)
    shared = set(unique[counts > 1].tolist())
    us, vs, lines, classes, oneways, maxspeeds, names = [], [], [], [], [], [], []
    for refs, coords, highway, oneway, maxspeed, name in ways:
        start = 0
        last = len(refs) - 1
        for i in range(1, last + 1):
            if i == last or refs[i] in shared:
                us.append(refs[start])
                vs.append(refs[i])
                lines.append(coords[start : i + 1])
                classes.append(highway)
                oneways.append(oneway)
                maxspeeds.append(maxspeed)
                names.append(name)
                start = i
    sizes = np.fromiter((len(c) for c in lines), dtype=np.int64, count=len(lines))
    flat = np.asarray([xy for c in lines for xy in c], dtype=float)
    geometry = shapely.linestrings(flat, indices=np.repeat(np.arange(len(lines)), sizes))
    return edge_table(
        np.asarray(us, np.int64),
        np.asarray(vs, np.int64),
        np.asarray(classes, dtype=object),
        geometry,
        crs=WGS84,
        oneway=np.asarray(oneways, dtype=object),
        maxspeed=np.asarray(maxspeeds, dtype=object),
        name=np.asarray(names, dtype=object),
        source=source,
    )
