"""Session hooks that make audit entries part of every commit."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.cache import clear_registered


@event.listens_for(Session, "before_commit")
def _write_audit_entries(session: Session) -> None:
    audit_service.flush_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_audit_entries(session: Session, _previous_transaction: object) -> None:
    audit_service.discard_pending(session)
    clear_registered(session)


@event.listens_for(Session, "after_commit")
def _refresh_caches(session: Session) -> None:
    clear_registered(session)
import precinct.live.hooks  # noqa: E402,F401  (live events join every commit)
