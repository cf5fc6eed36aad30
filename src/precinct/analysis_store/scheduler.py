"""Runs today's forecast in the background when there is none (outside the request path)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from precinct.analysis_store import service
from precinct.analysis_store.models import StoredForecast
from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor

logger = logging.getLogger("precinct.analysis")
SCHEDULER = Actor(username="forecast-scheduler", role=Role.ANALYST, ip="local")


def start_forecast_scheduler(session_factory: sessionmaker[Session], *, method: str, every_s: float = 600.0) -> threading.Event:
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                with session_factory() as session:
                    today = utcnow().astimezone(service.LOCAL_ZONE).date()
                    if session.scalar(select(StoredForecast.id).where(StoredForecast.target_date == today).limit(1)) is None:
                        stored = service.run_forecast(session, actor=SCHEDULER, method=method)
                        session.commit()
                        logger.info("forecast %s for %s stored (%.1f s)", stored.method, today, stored.seconds)
            except ValidationError as exc:
                logger.info("no forecast yet: %s", exc)
            except Exception:  # keep the schedule through a hiccup; the error is logged in full
                logger.exception("forecast scheduler step failed")
            if stop.wait(every_s):
                return

    threading.Thread(target=loop, name="precinct-forecast-scheduler", daemon=True).start()
    return stop
