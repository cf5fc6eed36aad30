"""Response shapes of the address register (addresses, search results, reverse geocoding, imports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from precinct.addresses import service
from precinct.addresses.models import Address, AddressImport, ImportKind, ImportStatus


class JurisdictionRead(BaseModel):
    """The district branch, station (辖区派出所) and community beat (警务区) of a place, with their names."""

    district_id: int | None
    district_name_zh: str = ""
    district_name_en: str = ""
    station_id: int | None
    station_name_zh: str = ""
    station_name_en: str = ""
    beat_id: int | None
    beat_name_zh: str = ""
    beat_name_en: str = ""


class AddressRead(BaseModel):
    id: int
    code: str
    text: str
    text_en: str
    name: str
    district: str
    road: str
    number: str
    building: str
    unit: str
    lon: float
    lat: float
    jurisdiction: JurisdictionRead
    generated: bool = Field(description="made up for the demo city (its road file has no names), not registered")


class AddressMatch(AddressRead):
    distance_m: float | None = Field(description="from the given centre; null without one")
    start_of_word: bool = Field(description="the Chinese text matched at the start of a part (ranked first)")


class AddressSearchPage(BaseModel):
    query: str
    items: list[AddressMatch]
    engine: str = Field(description="what answered the search")


class NearestRoadRead(BaseModel):
    highway: str = Field(description="OpenStreetMap road class of the nearest road piece")
    distance_m: float
    lon: float
    lat: float
    name: str = Field(description="the road of the nearest address, where the road network has no names")


class ReverseRead(BaseModel):
    lon: float
    lat: float
    jurisdiction: JurisdictionRead
    address: AddressMatch | None
    road: NearestRoadRead | None


class RefusedRowRead(BaseModel):
    at: str = Field(description="where in the file: 'line 12' (CSV), 'node 123' or 'way 45' (OpenStreetMap)")
    reason: str


class AddressImportRead(BaseModel):
    id: int
    kind: ImportKind
    source_name: str
    status: ImportStatus
    rows: int
    imported: int
    skipped_existing: int
    refused: int
    refused_rows: list[RefusedRowRead]
    started_at: datetime
    finished_at: datetime | None
    created_by: str


def _jurisdiction(names: dict[tuple[str, int], tuple[str, str]], district_id: int | None, station_id: int | None,
                  beat_id: int | None) -> JurisdictionRead:
    def pair(kind: str, key: int | None) -> tuple[str, str]:
        return names.get((kind, key), ("", "")) if key is not None else ("", "")

    district, station, beat = pair("org", district_id), pair("org", station_id), pair("beat", beat_id)
    return JurisdictionRead(district_id=district_id, district_name_zh=district[0], district_name_en=district[1],
                            station_id=station_id, station_name_zh=station[0], station_name_en=station[1],
                            beat_id=beat_id, beat_name_zh=beat[0], beat_name_en=beat[1])


def _fields(address: Address, names: dict[tuple[str, int], tuple[str, str]]) -> dict[str, Any]:
    return {name: getattr(address, name) for name in ("id", "code", "text", "text_en", "name", "district", "road",
                                                      "number", "building", "unit", "lon", "lat", "generated")} | {
        "jurisdiction": _jurisdiction(names, address.district_id, address.station_id, address.beat_id)}


def _names(session: Session, addresses: list[Address], extra_org: set[int] | None = None,
           extra_beats: set[int] | None = None) -> dict[tuple[str, int], tuple[str, str]]:
    org = {i for a in addresses for i in (a.district_id, a.station_id) if i is not None} | (extra_org or set())
    beats = {a.beat_id for a in addresses if a.beat_id is not None} | (extra_beats or set())
    return service.unit_names(session, org, beats)


def address_read(session: Session, address: Address) -> AddressRead:
    """Return an address with the names of its district, station and beat."""
    return AddressRead(**_fields(address, _names(session, [address])))


def matches_read(session: Session, matches: list[service.Match]) -> list[AddressMatch]:
    """Return search results with their jurisdictions' names (one query for all)."""
    names = _names(session, [m.address for m in matches])
    return [AddressMatch(**_fields(m.address, names), distance_m=m.distance_m, start_of_word=m.start_of_word)
            for m in matches]


def reverse_read(session: Session, lon: float, lat: float, found: service.Reverse) -> ReverseRead:
    """Return a reverse-geocoding answer with the names of the point's jurisdiction."""
    place = found.jurisdiction
    names = _names(session, [found.address.address] if found.address else [],
                   {i for i in (place.district_id, place.station_id) if i is not None},
                   {place.beat_id} if place.beat_id is not None else set())
    address = None
    if found.address is not None:
        address = AddressMatch(**_fields(found.address.address, names), distance_m=found.address.distance_m,
                               start_of_word=True)
    road = NearestRoadRead(**vars(found.road)) if found.road is not None else None
    return ReverseRead(lon=lon, lat=lat, jurisdiction=_jurisdiction(names, place.district_id, place.station_id,
                                                                    place.beat_id), address=address, road=road)


def import_read(record: AddressImport) -> AddressImportRead:
    """Return an import's record."""
    return AddressImportRead.model_validate({c: getattr(record, c) for c in AddressImportRead.model_fields})
