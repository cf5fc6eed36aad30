"""Analysis routes: stored forecasts (GeoJSON for the map), their accuracy, repeat-call places, spikes."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, status
from sqlalchemy.orm import Session, sessionmaker

from precinct.analysis.methods import METHODS
from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.api.geojson import GeoJSONResponse
from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.forecasts import service
from precinct.forecasts.models import StoredForecast
from precinct.forecasts.schemas import (
    ForecastAccuracyRead,
    ForecastLayer,
    ForecastRequest,
    ForecastStarted,
    ForecastSummary,
    NoForecastProperties,
    RepeatPlaceRead,
    SpikeRead,
)
from precinct.forecasts.trend_routes import FilterDep
from precinct.org import service as org_service

router = APIRouter(prefix="/analysis", tags=["analysis"])
logger = logging.getLogger("precinct.analysis")


@router.get("/hotspots/forecast", response_class=GeoJSONResponse)
def latest_forecast_geojson(
    session: SessionDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)], category: str = "all",
) -> ForecastLayer:
    """Return the latest stored forecast's flagged cells in the caller's scope as GeoJSON (lon/lat).

    With the district shares.

    Before the first forecast the collection is empty and says why.
    """
    try:
        stored = service.latest_forecast(session, category=category)
    except NotFoundError as exc:
        return ForecastLayer(features=[], properties=NoForecastProperties(
            message=str(exc), message_zh="尚未生成预测：运行 precinct forecast run 或等待每日自动预测"))
    collection = service.features_in_scope(session, json.loads(stored.geojson), org_service.scope_for(session, actor))
    collection["properties"].update({
        "forecast_id": stored.id, "method": stored.method, "target_date": stored.target_date.isoformat(),
        "n_events": stored.n_events, "include_officer_initiated": stored.include_officer_initiated,
        "district_shares": stored.district_shares})
    return ForecastLayer.model_validate(collection)


@router.get("/forecasts", response_model=list[ForecastSummary])
def list_forecasts(
    session: SessionDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
) -> list[StoredForecast]:
    """Return the stored forecasts, latest first."""
    return service.list_forecasts(session)


@router.post("/forecasts", status_code=status.HTTP_202_ACCEPTED)
def run_forecast(body: ForecastRequest, request: Request, background: BackgroundTasks, settings: SettingsDep,
                 actor: Annotated[Actor, require(Permission.RUN_ANALYSIS)]) -> ForecastStarted:
    """Start a forecast after the response is sent (the boosted model takes up to a minute).

    It appears in GET /analysis/forecasts when done, or the server log says why not.
    """
    if body.method not in METHODS:
        raise ValidationError(f"method must be one of {', '.join(METHODS)}")
    background.add_task(_run_in_background, request.app.state.session_factory, actor,
                        body.model_dump() | {"zone": settings.zone})
    return ForecastStarted(status="started", method=body.method, category=body.category)


def _run_in_background(factory: sessionmaker[Session], actor: Actor, options: dict[str, Any]) -> None:
    try:
        with factory() as session:
            service.run_forecast(session, actor=actor, **options)
            session.commit()
    except ValidationError as exc:
        logger.warning("forecast not run: %s", exc)
    except Exception:  # a background job has no client to answer; the error is logged in full
        logger.exception("forecast failed")


@router.get("/forecast-accuracy")
def forecast_accuracy(
    session: SessionDep, settings: SettingsDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    limit: Annotated[int, Query(ge=1, le=365)] = 30,
) -> list[ForecastAccuracyRead]:
    """Return how the stored forecasts did on their day: hit rate and PAI, latest first.

    Counted on the caller's scope: its incidents of the day and the flagged cells inside it.
    """
    return [ForecastAccuracyRead.model_validate(row) for row in service.forecast_accuracy(
        session, zone=settings.zone, limit=limit, scope=org_service.scope_for(session, actor))]


@router.get("/repeat-places")
def repeat_places(session: SessionDep, settings: SettingsDep, spec: FilterDep,
                  window_days: Annotated[int, Query(ge=7, le=365)] = 90,
                  min_calls: Annotated[int, Query(ge=2, le=1000)] = 5) -> list[RepeatPlaceRead]:
    """Return the repeat-call places (钉子警情) of the caller's scope: ``min_calls`` calls in ``window_days``.

    The analyst view's filters apply; the window ends at ``received_to`` when given (else now).
    """
    return [RepeatPlaceRead.model_validate(place) for place in service.repeat_places(
        session, zone=settings.zone, window_days=window_days, min_calls=min_calls, scope=spec.scope,
        now=spec.until, where=spec.conditions(), include_officer_initiated=spec.officer_initiated)]


@router.get("/spikes")
def spikes(session: SessionDep, settings: SettingsDep, spec: FilterDep,
           window_days: Annotated[int, Query(ge=1, le=28)] = 7) -> list[SpikeRead]:
    """Return each area's calls in the last ``window_days`` complete days against its baseline.

    The areas are the districts for a city-wide account, the stations of the scope otherwise. The
    analyst view's filters apply; the window ends at ``received_to`` when given (else today).
    """
    alerts = service.spikes(session, zone=settings.zone, window_days=window_days, scope=spec.scope, now=spec.until,
                            where=spec.conditions(), include_officer_initiated=spec.officer_initiated)
    english = service.area_names_en(session)
    return [SpikeRead.model_validate(alert | {"area_en": english.get(alert["area"])}) for alert in alerts]
