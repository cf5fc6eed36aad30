"""The Wuhan demo city's address register, built from what is real and labelled generated where made up.

The bundled road file has no street names, so the register holds what can be said truthfully:

- every road intersection (a node where three or more road pieces meet), named by its real
  district and the real OpenStreetMap classes of the roads that meet there (主干道与次干道交叉口),
  numbered within its district: the names are generated, the places and classes are real;
- the generated police stations and key premises, at their points.

Every address is stored with ``generated = true`` and its text ends in （生成）/ (generated).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.addresses import service as address_service
from precinct.addresses.importer import import_addresses
from precinct.addresses.models import AddressImport, ImportKind, ImportStatus
from precinct.addresses.sources import AddressRow
from precinct.core.security import Actor
from precinct.core.settings import BUNDLED_DATA, BUNDLED_ROADS
from precinct.geo import read_edges_file
from precinct.geo.projection import xy_to_lonlat
from precinct.org.models import OrgTier, OrgUnit
from precinct.places.models import Premises

ROAD_CLASSES = {
    "motorway": ("高速公路", "motorway"), "trunk": ("快速路", "expressway"), "primary": ("主干道", "arterial"),
    "secondary": ("次干道", "secondary road"), "tertiary": ("支路", "minor road"),
    "residential": ("居住区道路", "residential street"), "living_street": ("生活街道", "living street"),
    "unclassified": ("一般道路", "local road"), "service": ("服务道路", "service road"),
}
SOURCE_NAME = "wuhan-demo-register"


def _class(highway: str) -> tuple[str, str]:
    base = highway.removesuffix("_link")
    zh, en = ROAD_CLASSES.get(base, ("道路", "road"))
    return (zh + "匝道", en + " ramp") if highway.endswith("_link") else (zh, en)


def intersections(district_names_en: dict[str, str] | None = None) -> Iterator[AddressRow]:
    """Yield one generated address per road intersection of the bundled Wuhan roads.

    ``district_names_en`` gives the English name of a district by its administrative code (``gb``).
    """
    table = read_edges_file(BUNDLED_ROADS)
    ends = np.concatenate([table.u, table.v])
    nodes, inverse, degree = np.unique(ends, return_inverse=True, return_counts=True)
    starts = shapely.get_point(table.geometry, 0)
    stops = shapely.get_point(table.geometry, -1)
    xy = np.zeros((len(nodes), 2))
    xy[inverse] = shapely.get_coordinates(np.concatenate([starts, stops]))
    lon, lat = xy_to_lonlat(table.crs, xy[:, 0], xy[:, 1])
    classes: dict[int, set[str]] = {}
    for node, highway in zip(inverse.tolist(), np.concatenate([table.highway, table.highway]).tolist(), strict=True):
        classes.setdefault(node, set()).add(str(highway))
    features = json.loads((BUNDLED_DATA / "wuhan_districts.geojson").read_text(encoding="utf-8"))["features"]
    polygons = [shape(f["geometry"]) for f in features]
    district_of = np.full(len(nodes), -1)
    for i, polygon in reversed(list(enumerate(polygons))):
        district_of[shapely.contains_xy(polygon, lon, lat)] = i
    numbers: dict[str, int] = {}
    for node in np.flatnonzero((degree >= 3) & (district_of >= 0)).tolist():
        properties = features[district_of[node]]["properties"]
        district = properties["name"]
        district_en = (district_names_en or {}).get(properties["gb"], district)
        kinds = sorted((_class(h) for h in classes[node]), key=lambda c: c[1])[:2]
        road = "与".join(k[0] for k in kinds) + "交叉口" if len(kinds) > 1 else kinds[0][0] + "路口"
        road_en = " and ".join(k[1] for k in kinds) + " junction"
        numbers[district] = number = numbers.get(district, 0) + 1
        yield AddressRow(at=f"node {nodes[node]}", code=f"demo:n{nodes[node]}", district=district, road=road,
                         number=f"第{number}处", text=f"{district}{road}第{number}处（生成）",
                         text_en=f"{road_en} {number}, {district_en} (generated)", lon=float(lon[node]),
                         lat=float(lat[node]))


def places(session: Session) -> Iterator[AddressRow]:
    """Yield the generated stations and key premises as addresses."""
    for unit in session.scalars(select(OrgUnit).where(OrgUnit.tier == OrgTier.STATION).order_by(OrgUnit.id)):
        if unit.lon is not None and unit.lat is not None:
            yield AddressRow(at=f"station {unit.id}", code=f"demo:s{unit.id}", name=unit.name_zh,
                             text=f"{unit.name_zh}（生成）", text_en=f"{unit.name_en} (generated)", lon=unit.lon,
                             lat=unit.lat)
    for premises in session.scalars(select(Premises).where(Premises.generated.is_(True)).order_by(Premises.id)):
        yield AddressRow(at=f"premises {premises.id}", code=f"demo:p{premises.id}", name=premises.name[:128],
                         text=premises.name[:256], lon=premises.lon, lat=premises.lat)


def load(session: Session, *, actor: Actor, district_names_en: dict[str, str] | None = None) -> int:
    """Build the demo register once (idempotent; it commits, in batches); return the addresses added."""
    done = session.scalar(select(AddressImport.id).where(AddressImport.source_name == SOURCE_NAME,
                                                         AddressImport.status == ImportStatus.COMPLETE))
    if done is not None:
        return 0

    def rows() -> Iterator[AddressRow]:
        yield from places(session)
        yield from intersections(district_names_en)

    report = import_addresses(session, rows(), kind=ImportKind.DEMO, source_name=SOURCE_NAME, actor=actor,
                              generated=True, on_done=address_service.forget_index)
    return report.imported
