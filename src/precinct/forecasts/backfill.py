"""Forecasts for past days, so that a store loaded with history shows forecast accuracy at once.

A forecast is scored on its own day (:func:`precinct.forecasts.service.forecast_accuracy`), so a
store whose only forecasts are for today or later has nothing to score. Back-filling forecasts the
last days of the history, each from the days before it only (as it would have been made that
morning), and stores them; their hit rate and PAI are then computed from the incidents of their day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.analysis import event_table_from_frame
from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.core.security import Actor
from precinct.forecasts import service
from precinct.forecasts.models import StoredForecast

#: a fast method: back-filling runs inside `precinct demo load`
BACKFILL_METHOD = "kde"
#: the fewest days of history before a back-filled day
MIN_HISTORY_DAYS = 14


def backfill(session: Session, *, actor: Actor, zone: ZoneInfo, days: int = 14, method: str = BACKFILL_METHOD,
             cell_m: float = 250.0, coverage: float = 0.05, history_days: int = 365,
             now: datetime | None = None) -> int:
    """Store forecasts of the last ``days`` local days before today that have none; return how many.

    Each day is forecast from the ``history_days`` before it (reported calls only), and only days with
    at least 14 days of history before them are forecast. Nothing is committed: the caller's
    transaction holds the forecasts (the demo loader's, with the history it wrote).

    Raises
    ------
    ValidationError
        For ``days`` outside 1-90 (naming ``days``).
    """
    if not 1 <= days <= 90:
        raise ValidationError("days must be between 1 and 90")
    today = (now or utcnow()).astimezone(zone).date()
    wanted = [today - timedelta(days=d) for d in range(days, 0, -1)]
    have = set(session.scalars(select(StoredForecast.target_date).where(
        StoredForecast.target_date.in_(wanted), StoredForecast.category == "all")))
    start_of_today = datetime.combine(today, datetime.min.time(), tzinfo=zone)
    frame = service.incident_frame(session, zone=zone, since=start_of_today - timedelta(days=days + history_days),
                                   until=start_of_today)
    if frame.empty:
        return 0
    first_day = frame["occurred_at"].min().date()
    targets = [d for d in wanted if d not in have and (d - first_day).days >= MIN_HISTORY_DAYS]
    if not targets:
        return 0
    events = event_table_from_frame(frame, include_officer_initiated=False, timezone=zone.key)
    districts = service.district_boundaries(session)
    for target in targets:
        session.add(service.forecast_from_events(
            events, districts, created_by=actor.username, method=method, category="all", cell_m=cell_m,
            coverage=coverage, target_date=target, history_days=history_days, include_officer_initiated=False))
    session.flush()
    audit_service.record(session, actor=actor, action="forecast.backfill", resource_type="forecast",
                         detail={"method": method, "days": [d.isoformat() for d in targets]})
    return len(targets)
