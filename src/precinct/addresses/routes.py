"""Address routes under /api/v1/addresses: search as you type, reverse geocoding, the register's imports."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request, status
from sqlalchemy.orm import Session

from precinct.addresses import service
from precinct.addresses.importer import import_addresses
from precinct.addresses.messages import field_error
from precinct.addresses.models import ImportKind
from precinct.addresses.schemas import (
    AddressImportRead,
    AddressRead,
    AddressSearchPage,
    ReverseRead,
    address_read,
    import_read,
    matches_read,
    reverse_read,
)
from precinct.addresses.sources import read_csv_text
from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.api.inputs import Id, Latitude, Longitude
from precinct.core.errors import ValidationError
from precinct.core.permissions import Permission
from precinct.core.security import Actor

router = APIRouter(prefix="/addresses", tags=["addresses"])
Reader = Annotated[Actor, require(Permission.READ_INCIDENTS)]
Loader = Annotated[Actor, require(Permission.COMMAND)]


def _centre(lon: float | None, lat: float | None) -> tuple[float, float] | None:
    if (lon is None) != (lat is None):
        raise field_error("lat" if lat is None else "lon", "address.centre_both")
    return None if lon is None or lat is None else (lon, lat)


@router.get("/search", response_model=AddressSearchPage)
def search_addresses(
    session: SessionDep, actor: Reader,
    q: Annotated[str, Query(min_length=1, max_length=64, description="中文（部分）、拼音、首字母、英文或门牌号")],
    lon: Annotated[Longitude | None, Query(description="the map's centre: nearer addresses first")] = None,
    lat: Annotated[Latitude | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> AddressSearchPage:
    """标准地址联想 / search as you type: Chinese (partial), pinyin, initials, English; nearest to the centre first."""
    matches = service.search(session, q, actor=actor, centre=_centre(lon, lat), limit=limit)
    return AddressSearchPage(query=q, items=matches_read(session, matches), engine=service.ENGINE)


@router.get("/reverse", response_model=ReverseRead)
def reverse_geocode(
    session: SessionDep, settings: SettingsDep, actor: Reader, lon: Longitude, lat: Latitude,
    radius_m: Annotated[float, Query(gt=0, le=5000, description="how far to look for an address")] = 500.0,
) -> ReverseRead:
    """逆地理编码 / what is at a point: its jurisdiction and beat, the nearest address, the nearest road."""
    found = service.reverse(session, lon, lat, actor=actor, roads_file=settings.roads_file, max_distance_m=radius_m)
    return reverse_read(session, lon, lat, found)


@router.get("/imports", response_model=list[AddressImportRead])
def list_address_imports(
    session: SessionDep, actor: Loader, limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AddressImportRead]:
    """Return the register's imports, latest first, each with its counts and refused rows (where, why).

    The register is the city's: a city-tier account only (403 below it).
    """
    return [import_read(record) for record in service.list_imports(session, actor=actor, limit=limit)]


def _import_csv(session: Session, text: str, actor: Actor, name: str) -> AddressImportRead:
    report = import_addresses(session, read_csv_text(text, name=name), kind=ImportKind.CSV, source_name=name,
                              actor=actor, on_done=service.forget_index)
    record = next(r for r in service.list_imports(session, actor=actor, limit=5) if r.id == report.import_id)
    return import_read(record)


@router.post("/imports", response_model=AddressImportRead, status_code=status.HTTP_201_CREATED,
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}})
async def import_address_csv(
    request: Request, session: SessionDep, actor: Loader,
    name: Annotated[str, Query(min_length=1, max_length=128,
                               description="the file's name, for the record")] = "upload.csv",
) -> AddressImportRead:
    """导入标准地址 CSV / load addresses from the register's CSV in the body (large files: the CLI).

    Refused rows are listed with their line and reason; good rows are kept; the import shows in
    search only once it is complete. A city-tier account only (403 below it); one import at a time
    (409 while another runs).
    """
    body = await request.body()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"body: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return await anyio.to_thread.run_sync(_import_csv, session, text, actor, name)


@router.get("/{address_id}", response_model=AddressRead)
def get_address(address_id: Id, session: SessionDep, actor: Reader) -> AddressRead:
    """Return an address of your scope with its jurisdiction and beat."""
    return address_read(session, service.get(session, address_id, actor=actor))
