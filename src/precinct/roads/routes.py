"""Map routes for the console under /api/v1/map: the offline base map and navigation lines."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from precinct.api.deps import SettingsDep, require
from precinct.core.errors import ConfigurationError, NotFoundError
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.geo import route
from precinct.roads import layer
from precinct.roads.graph import RoadGraphDep
from precinct.roads.schemas import RouteRead

router = APIRouter(prefix="/map", tags=["map"])


@router.get("/roads", response_class=Response, responses={200: {"content": {"application/geo+json": {}}}})
def get_roads(
    request: Request, settings: SettingsDep, _: Annotated[Actor, require(Permission.ANY)],
    detail: Literal["major", "all"] = "major",
) -> Response:
    """Road lines as GeoJSON (lon/lat), merged per class and simplified; gzip-compressed when accepted."""
    try:
        road_layer = layer.road_layer(settings.roads_file, detail)
    except NotFoundError as exc:
        raise ConfigurationError(f"{exc}; set PRECINCT_ROADS_FILE to a roads file") from exc
    return _geojson(request, road_layer)


def _geojson(request: Request, prepared: layer.RoadLayer) -> Response:
    headers = {"Cache-Control": "private, max-age=86400", "Vary": "Accept-Encoding",
               "X-Feature-Count": str(prepared.feature_count)}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(prepared.gzip_body, media_type="application/geo+json", headers=headers)
    return Response(prepared.body(), media_type="application/geo+json", headers=headers)


@router.get("/labels", response_class=Response, responses={200: {"content": {"application/geo+json": {}}}})
def get_road_labels(
    request: Request, settings: SettingsDep, _: Annotated[Actor, require(Permission.ANY)],
) -> Response:
    """Street-name label points (``name``, ``angle_deg``) of the roads file's named roads, as GeoJSON.

    Empty where the roads have no names (the Wuhan demo roads); gzip-compressed when accepted.
    """
    try:
        labels = layer.road_labels(settings.roads_file)
    except NotFoundError as exc:
        raise ConfigurationError(f"{exc}; set PRECINCT_ROADS_FILE to a roads file") from exc
    return _geojson(request, labels)


@router.get("/route", response_model=RouteRead)
def get_route(
    settings: SettingsDep, graph: RoadGraphDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    from_lon: Annotated[float, Query(ge=-180, le=180)], from_lat: Annotated[float, Query(ge=-90, le=90)],
    to_lon: Annotated[float, Query(ge=-180, le=180)], to_lat: Annotated[float, Query(ge=-90, le=90)],
) -> RouteRead:
    """Return the fastest road route between two points at the current local hour (the officer's navigation line)."""
    found = route(graph, (from_lon, from_lat), (to_lon, to_lat), hour=datetime.now(settings.zone).hour)
    return RouteRead.model_validate(found.to_dict())
