"""A background job that runs today's forecast when there is none (outside the request path)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.core.jobs import BackgroundLoop
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.forecasts import service
from precinct.forecasts.models import StoredForecast

logger = logging.getLogger("precinct.analysis")
SCHEDULER = Actor(username="forecast-scheduler", role=Role.ANALYST, ip="local")


def forecast_scheduler_job(session_factory: sessionmaker[Session], *, method: str, zone: ZoneInfo,
                           every_s: float = 600.0) -> BackgroundLoop:
    """Return the job that stores today's forecast when there is none yet.

    At start and then every ``every_s`` seconds: if no forecast exists for today (in ``zone``), run
    one with ``method`` and store it.
    """

    def step() -> None:
        try:
            with session_factory() as session:
                today = utcnow().astimezone(zone).date()
                stored_today = select(StoredForecast.id).where(StoredForecast.target_date == today).limit(1)
                if session.scalar(stored_today) is None:
                    stored = service.run_forecast(session, actor=SCHEDULER, method=method, zone=zone)
                    session.commit()
                    logger.info("forecast %s for %s stored (%.1f s)", stored.method, today, stored.seconds)
        except ValidationError as exc:
            logger.info("no forecast yet: %s", exc)

    return BackgroundLoop("forecast-scheduler", step, every_s=every_s, first_at_once=True)
