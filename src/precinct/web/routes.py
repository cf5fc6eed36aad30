"""Map routes for the console under /api/v1/map: the offline base map and navigation lines."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from precinct.api.deps import SettingsDep, require
from precinct.core.errors import ConfigurationError, NotFoundError
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.web import roads

router = APIRouter(prefix="/map", tags=["map"])
LOCAL_TIME = ZoneInfo("Asia/Shanghai")


class RouteRead(BaseModel):
    distance_m: float
    travel_time_s: float
    path: dict


def roads_path(settings: Settings) -> str:
    return str(settings.roads_file or roads.default_roads_file())


@router.get("/roads", response_class=Response, responses={200: {"content": {"application/geo+json": {}}}})
def get_roads(
    request: Request, settings: SettingsDep, _: Annotated[Actor, require(Permission.ANY)],
    detail: Literal["major", "all"] = "major",
) -> Response:
    """Road lines as GeoJSON (lon/lat), merged per class and simplified; gzip-compressed when accepted."""
    try:
        layer = roads.road_layer(roads_path(settings), detail)
    except FileNotFoundError as exc:
        raise ConfigurationError(str(exc)) from exc
    headers = {"Cache-Control": "private, max-age=86400", "Vary": "Accept-Encoding",
               "X-Feature-Count": str(layer.feature_count)}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(layer.gzip_body, media_type="application/geo+json", headers=headers)
    return Response(layer.body(), media_type="application/geo+json", headers=headers)


@router.get("/route", response_model=RouteRead)
def get_route(
    settings: SettingsDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    from_lon: Annotated[float, Query(ge=-180, le=180)], from_lat: Annotated[float, Query(ge=-90, le=90)],
    to_lon: Annotated[float, Query(ge=-180, le=180)], to_lat: Annotated[float, Query(ge=-90, le=90)],
) -> dict:
    """The fastest road route between two points at the current local hour (the officer's navigation line)."""
    from precinct.dispatch.roads import road_graph  # the one graph per process that dispatch also uses
    from precinct.geo import NoRouteError, route

    graph = road_graph(roads_path(settings))
    try:
        found = route(graph, (from_lon, from_lat), (to_lon, to_lat), hour=datetime.now(LOCAL_TIME).hour)
    except NoRouteError as exc:
        raise NotFoundError(f"no drivable route between the two points: {exc}") from exc
    return found.to_dict()
