"""Request and response shapes for key premises."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.geojson import FeatureCollection
from precinct.api.inputs import Latitude, Longitude, RequestModel
from precinct.places.models import PremisesCategory


class PremisesCreate(RequestModel):
    name: str = Field(min_length=1, max_length=128)
    category: PremisesCategory
    lon: Longitude
    lat: Latitude
    address: str = Field(default="", max_length=256)
    notes: str = Field(default="", max_length=2000)


class PremisesRead(PremisesCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int
    district_id: int | None
    station_id: int | None
    beat_id: int | None
    generated: bool


class PremisesProperties(BaseModel):
    id: int
    name: str
    category: PremisesCategory
    category_zh: str
    category_en: str
    address: str
    station_id: int | None
    generated: bool = Field(description="generated for the demo city, not registered by a user")


class PremisesLayer(FeatureCollection[PremisesProperties]):
    """Key premises as points (GeoJSON, lon/lat): the console's layer."""
