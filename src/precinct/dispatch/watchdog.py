"""A background job that escalates assignments nobody acknowledged in time."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from precinct.core.jobs import BackgroundLoop
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.dispatch import assignments

logger = logging.getLogger("precinct.dispatch")
WATCHDOG = Actor(username="dispatch-watchdog", role=Role.SUPERVISOR, ip="local")


def watchdog_job(
    session_factory: sessionmaker[Session], settings: Settings, *, every_s: float = 10.0,
) -> BackgroundLoop:
    """Return the job that escalates unacknowledged assignments every ``every_s`` seconds.

    An assignment not acknowledged within ``settings.dispatch_ack_timeout_s`` is escalated once.
    """

    def step() -> None:
        with session_factory() as session:
            escalated = assignments.escalate_unacknowledged(session, timeout_s=settings.dispatch_ack_timeout_s,
                                                            actor=WATCHDOG)
            session.commit()
        if escalated:
            logger.info("escalated %d unacknowledged assignments", len(escalated))

    return BackgroundLoop("dispatch-watchdog", step, every_s=every_s)
