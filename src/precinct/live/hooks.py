"""Session hooks that turn committed changes into live events."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentRead
from precinct.live.hub import CHANNEL, hub
from precinct.units.models import Unit
from precinct.units.schemas import UnitRead

_KEY = "precinct_live_events"


def _events(session: Session) -> dict[tuple[str, Any], dict[str, Any]]:
    return session.info.setdefault(_KEY, {})


def publish(session: Session, kind: str, key: Any, data: dict[str, Any]) -> None:
    """Queue an event for delivery when ``session`` commits (the latest per kind and key wins)."""
    _events(session)[(kind, key)] = {"kind": kind, "data": data}
    hub.changed(kind)


TEXT_LIMIT = 300  # characters of free text carried in a live event; the full record is one GET away
NOTIFY_LIMIT_BYTES = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more


def incident_payload(incident: Incident) -> dict[str, Any]:
    data = IncidentRead.model_validate(incident).model_dump(mode="json", exclude={"extra"})
    for name in ("description", "address"):
        if len(data[name]) > TEXT_LIMIT:
            data[name] = data[name][:TEXT_LIMIT] + "…"
            data["truncated"] = True
    return data


def _notify_text(item: dict[str, Any]) -> str:
    text = json.dumps(item, ensure_ascii=False)
    if len(text.encode("utf-8")) <= NOTIFY_LIMIT_BYTES:
        return text
    data = item["data"]
    slim = {"kind": item["kind"], "data": {k: data[k] for k in ("id", "status", "version") if k in data} | {"truncated": True}}
    return json.dumps(slim, ensure_ascii=False)


def unit_payload(unit: Unit) -> dict[str, Any]:
    return UnitRead.model_validate(unit).model_dump(mode="json")


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Incident):
            publish(session, "incident", obj.id, incident_payload(obj))
        elif isinstance(obj, Unit):
            publish(session, "unit", obj.id, unit_payload(obj))


@event.listens_for(Session, "before_commit", insert=True)
def _notify_postgres(session: Session) -> None:
    # insert=True: runs before the audit hook, so that the NOTIFY round trips happen before the
    # audit chain's head-row lock is taken, not while every other writer waits for it.
    if not session.info.get(_KEY):
        return
    session.flush()
    if session.get_bind().dialect.name != "postgresql":
        return
    payloads = [_notify_text(item) for item in session.info.pop(_KEY).values()]
    if len(payloads) == 1:
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payloads[0]})
    else:  # one round trip for a whole batch, in order; one JSON text dumps far faster than a text[]
        session.execute(text("SELECT pg_notify(:channel, p) FROM (SELECT p FROM json_array_elements_text(CAST(:payloads AS json)) "
                             "WITH ORDINALITY AS t(p, n) ORDER BY n) AS ordered"),
                        {"channel": CHANNEL, "payloads": json.dumps(payloads, ensure_ascii=False)})


@event.listens_for(Session, "after_commit")
def _publish_locally(session: Session) -> None:
    for item in (session.info.pop(_KEY, None) or {}).values():
        hub.publish(item)


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, _previous: Any) -> None:
    dropped = session.info.pop(_KEY, None) or {}
    for kind in {kind for kind, _ in dropped}:
        hub.changed(kind)  # caches built from the rolled-back state must go too
