"""A background loop that escalates assignments nobody acknowledged in time."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from precinct.core.permissions import Role

from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.dispatch import service

logger = logging.getLogger("precinct.dispatch")
WATCHDOG = Actor(username="dispatch-watchdog", role=Role.SUPERVISOR, ip="local")


def start_watchdog(session_factory: sessionmaker[Session], settings: Settings, *, every_s: float = 10.0) -> threading.Event:
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                with session_factory() as session:
                    escalated = service.escalate_unacknowledged(
                        session, timeout_s=settings.dispatch_ack_timeout_s, actor=WATCHDOG)
                    session.commit()
                if escalated:
                    logger.info("escalated %d unacknowledged assignments", len(escalated))
            except Exception:  # keep watching through a database hiccup; the error is logged in full
                logger.exception("dispatch watchdog step failed")

    threading.Thread(target=loop, name="precinct-dispatch-watchdog", daemon=True).start()
    return stop
