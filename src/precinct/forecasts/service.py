"""The edge between the incident store and the pure analysis core.

Reads incidents into the analysis layout, runs forecasts (stored: slow work stays out of the
request path) and the on-demand pattern analyses on bounded windows. Officer-initiated incidents
are left out of forecasts and hot spots unless a user asks for them, so that what patrols find does
not decide where patrols go.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from precinct.analysis import (
    district_flag_shares,
    event_table_from_frame,
    forecast_next_day,
    forecast_to_geojson,
    repeat_call_places,
    spike_alerts_for_areas,
)
from precinct.analysis.events import EventTable, day_number
from precinct.audit import service as audit_service
from precinct.core.db import end_read, utcnow
from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.forecasts.models import StoredForecast
from precinct.incidents.demand import reported_demand
from precinct.incidents.models import Incident, IncidentType
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit


def incident_frame(
    session: Session, *, zone: ZoneInfo, since: datetime, until: datetime | None = None,
    include_officer_initiated: bool = False, district_id: int | None = None,
    scope: org_service.Scope = org_service.CITYWIDE, where: Sequence[ColumnElement[bool]] = (),
) -> pd.DataFrame:
    """Return the demand received in [since, until) in the analysis layout, of the incidents in ``scope``.

    ``where`` adds conditions on the incidents (the analyst view's filters).

    Columns ``occurred_at`` (local time in ``zone``, tz-aware), ``category`` (the type's common
    category), ``type_code``, ``lat``, ``lon``, ``source``, ``district_id``, ``station_id``, ``address``.
    """
    query = (reported_demand(Incident.id, Incident.received_at, IncidentType.category, Incident.type_code,
                             Incident.lat, Incident.lon, Incident.source, Incident.district_id, Incident.station_id,
                             Incident.address, since=since, until=until,
                             include_officer_initiated=include_officer_initiated, district_id=district_id)
             .join(IncidentType, IncidentType.code == Incident.type_code)
             .where(*where).order_by(Incident.received_at))
    if (in_scope := org_service.where_in_scope(scope, Incident.station_id, Incident.district_id)) is not None:
        query = query.where(in_scope)
    rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=["id", "received_at", "category", "type_code", "lat", "lon", "source",
                                        "district_id", "station_id", "address"])
    frame["occurred_at"] = pd.to_datetime(frame["received_at"], utc=True).dt.tz_convert(zone)
    frame["source"] = frame["source"].map(lambda s: s.value if hasattr(s, "value") else s)
    return frame.drop(columns=["received_at"])


def features_in_scope(session: Session, collection: dict[str, Any], scope: org_service.Scope) -> dict[str, Any]:
    """Keep the features of a GeoJSON collection whose centre lies in ``scope``'s jurisdiction.

    A forecast cell belongs to the station (or, outside every station, the district) that holds
    its centre; a city-wide scope keeps everything.
    """
    features = collection.get("features", [])
    if scope.citywide or not features:
        return collection
    centres = shapely.centroid([shape(f["geometry"]) for f in features])
    index = org_service.jurisdiction_index(session)
    districts, stations, _ = index.resolve_many(shapely.get_x(centres), shapely.get_y(centres))
    kept = [f for f, district, station in zip(features, districts.tolist(), stations.tolist(), strict=True)
            if scope.holds(station if station >= 0 else None) or (station < 0 and scope.holds(district))]
    return {**collection, "features": kept}


def _districts(session: Session) -> dict[str, shapely.Geometry]:
    return {unit.name_zh: shape(json.loads(unit.boundary_geojson))
            for unit in session.scalars(select(OrgUnit).where(OrgUnit.tier == OrgTier.DISTRICT))
            if unit.boundary_geojson}


def run_forecast(
    session: Session, *, actor: Actor, method: str = "best", category: str = "all", cell_m: float = 250.0,
    coverage: float = 0.05, history_days: int = 365, include_officer_initiated: bool = False,
    target_date: date | None = None, now: datetime | None = None, zone: ZoneInfo,
) -> StoredForecast:
    """Forecast ``target_date`` from the history before it, and store it.

    ``target_date`` defaults to today in ``zone``, the city's time zone. The history is read first
    and that transaction is ended (committed: ``session`` must hold no other changes) before the
    model runs, which takes up to a minute: no lock is held meanwhile, and the forecast is stored in
    a short transaction of its own, which the caller commits.

    Raises
    ------
    ValidationError
        For a coverage outside (0, 0.5], or with no incidents to learn from.
    ConfigurationError
        If ``session`` holds unsaved changes (they would be committed with the read).
    """
    if not 0 < coverage <= 0.5:
        raise ValidationError("coverage must be a share of the study area in (0, 0.5]")
    now = now or utcnow()
    target_date = target_date or now.astimezone(zone).date()
    start_of_target = datetime.combine(target_date, datetime.min.time(), tzinfo=zone)
    started = time.perf_counter()
    frame = incident_frame(session, zone=zone, since=start_of_target - timedelta(days=history_days),
                           until=start_of_target, include_officer_initiated=include_officer_initiated)
    if frame.empty:
        raise ValidationError(f"no incidents in the {history_days} days before {target_date}: nothing to learn from")
    districts = _districts(session)
    end_read(session)
    events = event_table_from_frame(frame, include_officer_initiated=include_officer_initiated,
                                    timezone=zone.key)
    stored = forecast_from_events(events, districts, created_by=actor.username, method=method, category=category,
                                  cell_m=cell_m, coverage=coverage, target_date=target_date,
                                  history_days=history_days, include_officer_initiated=include_officer_initiated)
    stored.seconds = time.perf_counter() - started
    session.add(stored)
    session.flush()
    audit_service.record(session, actor=actor, action="forecast.run", resource_type="forecast", resource_id=stored.id,
                         detail={"method": stored.method, "category": category, "target_date": target_date.isoformat()})
    return stored


def forecast_from_events(
    events: EventTable, districts: dict[str, shapely.Geometry], *, created_by: str, method: str, category: str,
    cell_m: float, coverage: float, target_date: date, history_days: int, include_officer_initiated: bool,
) -> StoredForecast:
    """Forecast ``target_date`` from the ``events`` before it; return the (unsaved) stored forecast.

    ``districts`` are the district boundaries by name, for the feedback-loop guard's shares.
    """
    started = time.perf_counter()
    forecast = forecast_next_day(events, method=method, category=category, cell_m=cell_m,
                                 day=day_number(target_date.isoformat()))
    geojson = forecast_to_geojson(forecast, coverage=coverage)
    shares = district_flag_shares(forecast.top_cells(coverage), forecast.grid, districts, events)
    return StoredForecast(
        created_by=created_by, method=forecast.method, category=category, cell_m=cell_m, coverage=coverage,
        target_date=target_date, history_days=history_days, include_officer_initiated=include_officer_initiated,
        n_events=int((events.day < day_number(target_date.isoformat())).sum()),
        geojson=json.dumps(geojson, separators=(",", ":")),
        district_shares=[_plain(asdict(s)) for s in shares], seconds=time.perf_counter() - started,
    )


def district_boundaries(session: Session) -> dict[str, shapely.Geometry]:
    """Return the district boundaries by zh-CN name (the feedback-loop guard's areas)."""
    return _districts(session)


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, np.floating) else int(v) if isinstance(v, np.integer) else v)
            for k, v in record.items()}


def latest_forecast(session: Session, *, category: str = "all") -> StoredForecast:
    """Return the latest stored forecast of ``category``; NotFoundError before the first."""
    forecast = session.scalar(select(StoredForecast).where(StoredForecast.category == category)
                              .order_by(StoredForecast.id.desc()).limit(1))
    if forecast is None:
        raise NotFoundError(
            "no forecast has been run yet: run `precinct forecast run` or POST /api/v1/analysis/forecasts")
    return forecast


def list_forecasts(session: Session, *, limit: int = 50) -> list[StoredForecast]:
    """Return the ``limit`` latest stored forecasts, latest first."""
    return list(session.scalars(select(StoredForecast).order_by(StoredForecast.id.desc()).limit(limit)))


def repeat_places(session: Session, *, zone: ZoneInfo, window_days: int = 90, min_calls: int = 5,
                  now: datetime | None = None, scope: org_service.Scope = org_service.CITYWIDE,
                  where: Sequence[ColumnElement[bool]] = (), include_officer_initiated: bool = False,
                  ) -> list[dict[str, Any]]:
    """Return the repeat-call places (钉子警情) of ``scope``: at least ``min_calls`` calls in ``window_days``.

    A place is an address, else a ~25 m spot. ``where`` and ``include_officer_initiated`` narrow or
    widen the incidents counted (the analyst view's filters).
    """
    now = now or utcnow()
    frame = incident_frame(session, zone=zone, since=now - timedelta(days=window_days), until=now, scope=scope,
                           where=where, include_officer_initiated=include_officer_initiated)
    if frame.empty:
        return []
    frame = frame.rename(columns={"type_code": "type"})
    places = repeat_call_places(frame.assign(category=frame["type"]), as_of=now.astimezone(zone).date().isoformat(),
                                window_days=window_days, min_calls=min_calls)
    return [_plain(asdict(p)) for p in places]


def spikes(session: Session, *, zone: ZoneInfo, window_days: int = 7, baseline_days: int = 182, alpha: float = 0.05,
           now: datetime | None = None, scope: org_service.Scope = org_service.CITYWIDE,
           where: Sequence[ColumnElement[bool]] = (), include_officer_initiated: bool = False) -> list[dict[str, Any]]:
    """Return each area's calls in the last ``window_days`` complete days against what its baseline predicts.

    The areas are the districts for a city-wide scope, and the stations of a district's or a
    station's scope (on that scope's incidents only). The baseline is clamped to the days the store
    actually covers (a store that starts 60 days ago has no 182-day baseline; counting empty days
    would raise false alarms everywhere). ``where`` and ``include_officer_initiated`` narrow or widen
    the incidents counted (the analyst view's filters).
    """
    now = now or utcnow()
    as_of = now.astimezone(zone).date()  # the window ends at local midnight: complete days only
    as_of_start = datetime.combine(as_of, datetime.min.time(), tzinfo=zone)
    frame = incident_frame(session, zone=zone, since=as_of_start - timedelta(days=window_days + baseline_days),
                           until=as_of_start, scope=scope, where=where,
                           include_officer_initiated=include_officer_initiated)
    area_id, tier = ("district_id", OrgTier.DISTRICT) if scope.citywide else ("station_id", OrgTier.STATION)
    frame = frame[frame[area_id].notna()]
    if frame.empty:
        return []
    first_day = frame["occurred_at"].min().date()
    covered = (as_of - first_day).days - window_days
    baseline = min(baseline_days, covered - covered % window_days)
    if baseline < 2 * window_days:
        raise ValidationError(
            f"spikes need at least {3 * window_days} days of history; the store covers {covered + window_days}")
    names = dict(session.execute(select(OrgUnit.id, OrgUnit.name_zh).where(OrgUnit.tier == tier)).all())
    frame = frame.assign(district=frame[area_id].astype(int).map(names))
    alerts = spike_alerts_for_areas(frame, area_column="district", as_of=as_of.isoformat(),
                                    window_days=window_days, baseline_days=baseline, alpha=alpha)
    return [{**_plain(asdict(a)), "window_days": window_days, "baseline_days": baseline} for a in alerts]


def area_names_en(session: Session) -> dict[str, str]:
    """Return each district's and station's English name by its zh-CN name (the spikes' area names)."""
    rows = session.execute(select(OrgUnit.name_zh, OrgUnit.name_en)
                           .where(OrgUnit.tier.in_((OrgTier.DISTRICT, OrgTier.STATION)))).all()
    return {zh: en or zh for zh, en in rows}


def forecast_accuracy(
    session: Session, *, zone: ZoneInfo, limit: int = 30, now: datetime | None = None,
    scope: org_service.Scope = org_service.CITYWIDE,
) -> list[dict[str, Any]]:
    """Return how the stored forecasts did on their day, latest first.

    The share of that day's reported incidents that fell in the flagged cells (hit rate), and
    PAI = hit rate / share of the area flagged. In a district's or station's ``scope``, the
    incidents and flagged cells of that scope only (the coverage stays the city-wide share).
    """
    now = now or utcnow()
    today = now.astimezone(zone).date()
    rows = []
    for stored in session.scalars(select(StoredForecast).where(StoredForecast.target_date < today)
                                  .order_by(StoredForecast.target_date.desc(), StoredForecast.id.desc()).limit(limit)):
        day_start = datetime.combine(stored.target_date, datetime.min.time(), tzinfo=zone)
        frame = incident_frame(session, zone=zone, since=day_start, until=day_start + timedelta(days=1),
                               include_officer_initiated=stored.include_officer_initiated, scope=scope)
        if stored.category != "all":
            frame = frame[frame["category"] == stored.category]
        flagged = features_in_scope(session, json.loads(stored.geojson), scope)["features"]
        cells = [shape(f["geometry"]) for f in flagged]
        hits = 0
        if cells and not frame.empty:
            tree = shapely.STRtree(cells)
            points = shapely.points(frame["lon"].to_numpy(), frame["lat"].to_numpy())
            hits = int(np.unique(tree.query(points, predicate="within")[0]).size)
        hit_rate = hits / len(frame) if len(frame) else None
        rows.append({"forecast_id": stored.id, "target_date": stored.target_date.isoformat(), "method": stored.method,
                     "category": stored.category, "coverage": stored.coverage, "incidents": len(frame), "hits": hits,
                     "hit_rate": hit_rate, "pai": hit_rate / stored.coverage if hit_rate is not None else None})
    return rows
