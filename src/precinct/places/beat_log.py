"""The community beat log (社区警务): visits and work per beat, counted per beat per week.

Beat officers record where they went (a place, optionally key premises and a point), why (a
purpose) and what was done (notes). The log is read per beat, and counted per beat and ISO week
by purpose; it is never counted per officer and names no resident (there is no field for one).
Only the accounts of the beat's own station record its log; reading follows the scope (a beat
outside it answers 404).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.db import utcnow
from precinct.core.errors import NotFoundError, PermissionDeniedError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.org.models import Beat, OrgUnit
from precinct.places.messages import field_error, said
from precinct.places.models import BeatVisit, Premises, VisitPurpose

MAX_WEEKS = 52


def beat_visible(session: Session, beat_id: int, actor: Actor) -> Beat:
    """Return a beat of a station in ``actor``'s scope; NotFoundError for any other."""
    beat = session.get(Beat, beat_id)
    if beat is None:
        raise NotFoundError(said("beat.not_found", id=beat_id))
    station = session.get(OrgUnit, beat.station_id)
    if not org_service.scope_of(session, actor.org_unit_id).holds(beat.station_id,
                                                                  station.parent_id if station else None):
        raise NotFoundError(said("beat.not_found", id=beat_id))
    return beat


def add(session: Session, beat_id: int, *, place: str, purpose: VisitPurpose, actor: Actor, notes: str = "",
        visited_at: datetime | None = None, premises_id: int | None = None, lon: float | None = None,
        lat: float | None = None, now: datetime | None = None) -> BeatVisit:
    """Record a visit to ``place`` on beat ``beat_id``.

    Raises
    ------
    NotFoundError
        For a beat outside the caller's scope.
    PermissionDeniedError
        For an account that is not of the beat's station.
    ValidationError
        For a visit ahead of now, or premises not of the beat's station.
    """
    now = now or utcnow()
    beat = beat_visible(session, beat_id, actor)
    if actor.org_unit_id != beat.station_id:
        raise PermissionDeniedError(said("beat.not_your_beat"))
    visited_at = visited_at or now
    if visited_at > now:
        raise field_error("visited_at", "inspection.future")
    if premises_id is not None:
        premises = session.get(Premises, premises_id)
        if premises is None or premises.station_id != beat.station_id:
            raise field_error("premises_id", "beat.premises_elsewhere", id=premises_id)
        if lon is None or lat is None:
            lon, lat = premises.lon, premises.lat
    station = session.get(OrgUnit, beat.station_id)
    visit = BeatVisit(beat_id=beat.id, station_id=beat.station_id, district_id=station.parent_id if station else None,
                      visited_at=visited_at, place=place.strip(), premises_id=premises_id, lon=lon, lat=lat,
                      purpose=purpose, notes=notes, recorded_by=actor.username, recorded_at=now)
    session.add(visit)
    session.flush()
    return visit


def _week_start(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone).date()
    return (local - timedelta(days=local.weekday())).isoformat()


def log(session: Session, beat_id: int, *, actor: Actor, zone: ZoneInfo, weeks: int = 8,
        now: datetime | None = None) -> dict[str, Any]:
    """Return the beat's visits of the last ``weeks`` local weeks (latest first) and their counts per week and purpose.

    Weeks run Monday to Sunday in ``zone``; every week of the span is listed, empty ones with 0.

    Raises
    ------
    ValidationError
        For ``weeks`` outside 1..:data:`MAX_WEEKS`.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise field_error("weeks", "beat.weeks", n=MAX_WEEKS)
    beat = beat_visible(session, beat_id, actor)
    now = now or utcnow()
    today = now.astimezone(zone).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    visits = list(session.scalars(select(BeatVisit).where(BeatVisit.beat_id == beat.id, BeatVisit.visited_at >= since)
                                  .order_by(BeatVisit.visited_at.desc(), BeatVisit.id.desc())))
    counts: dict[str, Counter[str]] = {(first + timedelta(weeks=i)).isoformat(): Counter() for i in range(weeks)}
    for visit in visits:
        counts.setdefault(_week_start(visit.visited_at, zone), Counter())[visit.purpose.value] += 1
    return {"beat": beat, "visits": visits,
            "weeks": [{"week_start": week, "visits": sum(c.values()), "by_purpose": dict(sorted(c.items()))}
                      for week, c in sorted(counts.items())]}


def weekly_counts(session: Session, *, actor: Actor, zone: ZoneInfo, station_id: int, weeks: int = 8,
                  now: datetime | None = None) -> list[dict[str, Any]]:
    """Return, for each beat of a station in ``actor``'s scope, its visits per local week (oldest week first)."""
    beats = [beat_visible(session, b.id, actor) for b in org_service.list_beats(session, station_id=station_id)]
    return [{"beat_id": beat.id, "code": beat.code, "name_zh": beat.name_zh, "name_en": beat.name_en,
             "weeks": [{"week_start": w["week_start"], "visits": w["visits"]}
                       for w in log(session, beat.id, actor=actor, zone=zone, weeks=weeks, now=now)["weeks"]]}
            for beat in beats]
