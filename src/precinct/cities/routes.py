"""City routes under /api/v1: the map's view of the city and its base map (water, parks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Response

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.cities import service
from precinct.cities.schemas import CityRead
from precinct.core.errors import ConfigurationError
from precinct.core.permissions import Permission
from precinct.core.security import Actor

router = APIRouter(prefix="/city", tags=["city"])
NO_CITY: dict[int | str, dict[str, str]] = {404: {"description": "尚未设置城市 / no city is set up"}}


@router.get("", response_model=CityRead, responses=NO_CITY)
def get_city(session: SessionDep, settings: SettingsDep, _: Annotated[Actor, require(Permission.ANY)]) -> CityRead:
    """Return the city's names, map centre and bounds, time zone and whether it has a base map."""
    return service.describe(session, settings)


@router.get("/basemap", response_class=Response,
            responses={200: {"content": {"application/geo+json": {}}}, **NO_CITY})
def get_basemap(session: SessionDep, _: Annotated[Actor, require(Permission.ANY)]) -> Response:
    """Water and parks of the city's extract as GeoJSON (lon/lat), as ``city init`` wrote them."""
    path = Path(service.basemap_file(session))
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"the city's base map file {path} cannot be read ({exc.strerror}); run "
                                 "precinct city init again or restore the file") from exc
    return Response(body, media_type="application/geo+json", headers={"Cache-Control": "private, max-age=86400"})
