"""Session hooks that turn committed changes into live events.

The composition root installs :class:`LiveEvents` on the application's sessionmaker with the
record types to publish (``{Incident: ("incident", payload), ...}``); services publish anything
else (duty levels, escalations) with :func:`publish`. Events are queued on the session and sent
only when it commits: on PostgreSQL with ``pg_notify`` inside the transaction (so every server
process relays them), on SQLite straight to this process's hub after the commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, sessionmaker

from precinct.live.hub import CHANNEL, hub

_KEY = "precinct_live_events"
NOTIFY_LIMIT_BYTES = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more

#: what a record type publishes when it is added or changed: (event kind, payload of the record)
Publisher = tuple[str, Callable[[Any], dict[str, Any]]]


def _events(session: Session) -> dict[tuple[str, Hashable], dict[str, Any]]:
    events: dict[tuple[str, Hashable], dict[str, Any]] = session.info.setdefault(_KEY, {})
    return events


def publish(session: Session, kind: str, key: Hashable, data: dict[str, Any]) -> None:
    """Queue an event for delivery when ``session`` commits (the latest per kind and key wins)."""
    _events(session)[(kind, key)] = {"kind": kind, "data": data}
    hub.changed(kind)


def _notify_text(item: dict[str, Any]) -> str:
    text_ = json.dumps(item, ensure_ascii=False)
    if len(text_.encode("utf-8")) <= NOTIFY_LIMIT_BYTES:
        return text_
    data = item["data"]
    slim = {"kind": item["kind"],
            "data": {k: data[k] for k in ("id", "status", "version") if k in data} | {"truncated": True}}
    return json.dumps(slim, ensure_ascii=False)


class LiveEvents:
    """The live-event hooks of one sessionmaker; ``publishers`` maps ORM classes to what they publish."""

    def __init__(self, publishers: dict[type, Publisher]) -> None:
        self.publishers = publishers

    def install(self, factory: sessionmaker[Session]) -> None:
        """Register the hooks on ``factory``.

        The NOTIFY hook runs before any other before-commit hook registered later, e.g. the audit
        chain's.
        """
        event.listen(factory, "after_flush", self.collect)
        event.listen(factory, "before_commit", notify_postgres)
        event.listen(factory, "after_commit", publish_locally)
        event.listen(factory, "after_soft_rollback", drop)

    def collect(self, session: Session, _context: UOWTransaction) -> None:
        """Queue an event for every new or changed record of a published type."""
        for obj in list(session.new) + list(session.dirty):
            publisher = self.publishers.get(type(obj))
            if publisher is not None:
                kind, payload = publisher
                publish(session, kind, obj.id, payload(obj))


def notify_postgres(session: Session) -> None:
    """Send the queued events with ``pg_notify`` inside the committing transaction (PostgreSQL).

    Runs before the audit hook, so that the NOTIFY round trips happen before the audit chain's
    head-row lock is taken, not while every other writer waits for it.
    """
    if not session.info.get(_KEY):
        return
    session.flush()
    if session.get_bind().dialect.name != "postgresql":
        return
    payloads = [_notify_text(item) for item in session.info.pop(_KEY).values()]
    if len(payloads) == 1:
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payloads[0]})
    else:  # one round trip for a whole batch, in order; one JSON text dumps far faster than a text[]
        session.execute(text("SELECT pg_notify(:channel, p) FROM (SELECT p FROM "
                             "json_array_elements_text(CAST(:payloads AS json)) "
                             "WITH ORDINALITY AS t(p, n) ORDER BY n) AS ordered"),
                        {"channel": CHANNEL, "payloads": json.dumps(payloads, ensure_ascii=False)})


def publish_locally(session: Session) -> None:
    """After a commit on SQLite: hand the queued events to this process's hub."""
    for item in (session.info.pop(_KEY, None) or {}).values():
        hub.publish(item)


def drop(session: Session, _previous: SessionTransaction) -> None:
    """After a rollback: forget the queued events (caches built from the rolled-back state go too)."""
    dropped = session.info.pop(_KEY, None) or {}
    for kind in {kind for kind, _ in dropped}:
        hub.changed(kind)
