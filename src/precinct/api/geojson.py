"""GeoJSON answers (RFC 7946, WGS84 lon/lat): the response class and the shapes the map layers share.

A domain declares its layer as ``FeatureCollection[ItsProperties]`` (adding members of its own where
the collection carries more) and answers with :class:`GeoJSONResponse`, so that the OpenAPI
document describes the layer under ``application/geo+json``.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

PropertiesT = TypeVar("PropertiesT", bound=BaseModel)


class GeoJSONResponse(JSONResponse):
    """A JSON answer served as ``application/geo+json``."""

    media_type = "application/geo+json"


class Geometry(BaseModel):
    """A GeoJSON geometry in WGS84 lon/lat degrees (a Point, Polygon or MultiPolygon here)."""

    type: str = Field(description="Point, Polygon, MultiPolygon, ...")
    coordinates: list[Any] = Field(description="lon, lat positions, nested as the geometry type says")


class Feature(BaseModel, Generic[PropertiesT]):
    """One GeoJSON feature: a geometry and its properties."""

    type: Literal["Feature"] = "Feature"
    geometry: Geometry
    properties: PropertiesT


class FeatureCollection(BaseModel, Generic[PropertiesT]):
    """A GeoJSON FeatureCollection whose features all carry the same properties."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature[PropertiesT]]
