"""Analysis routes: stored forecasts (GeoJSON for the map), their accuracy, repeat-call places, spikes."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from precinct.analysis.methods import METHODS
from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.forecasts import service

router = APIRouter(prefix="/analysis", tags=["analysis"])
logger = logging.getLogger("precinct.analysis")


class ForecastRequest(BaseModel):
    method: str = "best"
    category: str = "all"
    cell_m: float = Field(default=250.0, ge=50, le=2000)
    coverage: float = Field(default=0.05, gt=0, le=0.5)
    history_days: int = Field(default=365, ge=14, le=3650)
    include_officer_initiated: bool = Field(
        default=False, description="also learn from patrol-found incidents (off: they would steer patrols to themselves)")
    target_date: date | None = None


class ForecastSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    created_at: datetime
    created_by: str
    method: str
    category: str
    cell_m: float
    coverage: float
    target_date: date
    history_days: int
    include_officer_initiated: bool
    n_events: int
    district_shares: list[dict[str, Any]]
    seconds: float


@router.get("/hotspots/forecast")
def latest_forecast_geojson(session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)], category: str = "all"):
    """The latest stored forecast's flagged cells as GeoJSON (lon/lat), with the district shares.
    Before the first forecast the collection is empty and says why.
    """
    try:
        stored = service.latest_forecast(session, category=category)
    except NotFoundError as exc:
        return JSONResponse({"type": "FeatureCollection", "features": [], "properties": {
            "message": str(exc), "message_zh": "尚未生成预测：运行 precinct forecast run 或等待每日自动预测"}},
            media_type="application/geo+json")
    collection = json.loads(stored.geojson)
    collection["properties"].update({
        "forecast_id": stored.id, "method": stored.method, "target_date": stored.target_date.isoformat(),
        "n_events": stored.n_events, "include_officer_initiated": stored.include_officer_initiated,
        "district_shares": stored.district_shares})
    return JSONResponse(collection, media_type="application/geo+json")


@router.get("/forecasts", response_model=list[ForecastSummary])
def list_forecasts(session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)]):
    return service.list_forecasts(session)


@router.post("/forecasts", status_code=status.HTTP_202_ACCEPTED)
def run_forecast(body: ForecastRequest, request: Request, background: BackgroundTasks, settings: SettingsDep,
                 actor: Annotated[Actor, require(Permission.RUN_ANALYSIS)]) -> dict:
    """Start a forecast after the response is sent (the boosted model takes up to a minute); it
    appears in GET /analysis/forecasts when done, or the server log says why not.
    """
    if body.method not in METHODS:
        raise ValidationError(f"method must be one of {', '.join(METHODS)}")
    background.add_task(_run_in_background, request.app.state.session_factory, actor,
                        body.model_dump() | {"zone": settings.zone})
    return {"status": "started", "method": body.method, "category": body.category}


def _run_in_background(factory, actor: Actor, options: dict) -> None:  # type: ignore[no-untyped-def]
    try:
        with factory() as session:
            service.run_forecast(session, actor=actor, **options)
            session.commit()
    except ValidationError as exc:
        logger.warning("forecast not run: %s", exc)
    except Exception:  # a background job has no client to answer; the error is logged in full
        logger.exception("forecast failed")


@router.get("/forecast-accuracy")
def forecast_accuracy(session: SessionDep, settings: SettingsDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
                      limit: Annotated[int, Query(ge=1, le=365)] = 30) -> list[dict]:
    return service.forecast_accuracy(session, zone=settings.zone, limit=limit)


@router.get("/repeat-places")
def repeat_places(session: SessionDep, settings: SettingsDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
                  window_days: Annotated[int, Query(ge=7, le=365)] = 90,
                  min_calls: Annotated[int, Query(ge=2, le=1000)] = 5) -> list[dict]:
    """Repeat-call places (钉子警情): places with at least ``min_calls`` calls in ``window_days``."""
    return service.repeat_places(session, zone=settings.zone, window_days=window_days, min_calls=min_calls)


@router.get("/spikes")
def spikes(session: SessionDep, settings: SettingsDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
           window_days: Annotated[int, Query(ge=1, le=28)] = 7) -> list[dict]:
    return service.spikes(session, zone=settings.zone, window_days=window_days)
