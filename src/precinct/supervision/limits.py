"""The versioned time-limit table: seconds allowed per priority and stage.

The migration stores version 1, the bureau's defaults (:data:`DEFAULT_LIMITS_S`). The table is
the city's: only a supervisor acting at the city tier changes it. A change makes a new version
from the one in force with the changed cells; old versions are kept, and every deadline records
the version and the limit it was computed with, so a change applies to stages entered from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.cache import TTLCache
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.supervision.messages import said
from precinct.supervision.models import Stage, TimeLimit, TimeLimitVersion

PRIORITIES = (1, 2, 3, 4)
MAX_LIMIT_S = 30 * 86400  # a month: anything longer is no time limit

#: seconds allowed per stage for priorities 1, 2, 3 and 4 (the bureau's practice; version 1)
DEFAULT_LIMITS_S: dict[Stage, tuple[int, int, int, int]] = {
    Stage.DISPATCH: (60, 120, 300, 900),
    Stage.ARRIVAL: (300, 600, 1200, 3600),
    Stage.HANDLING: (7200, 14400, 28800, 86400),
    Stage.FEEDBACK: (86400, 86400, 172800, 259200),
    Stage.CALLBACK: (259200, 259200, 604800, 604800),
}


@dataclass(frozen=True)
class LimitTable:
    """One version of the table, detached: ``limits[(priority, stage)]`` in seconds."""

    version_id: int
    limits: dict[tuple[int, Stage], int]

    def limit_s(self, priority: int, stage: Stage) -> int:
        """Return the seconds allowed for ``stage`` at ``priority`` (an unknown priority: the least urgent)."""
        key = (priority if priority in PRIORITIES else PRIORITIES[-1], stage)
        return self.limits.get(key, DEFAULT_LIMITS_S[stage][key[0] - 1])


@dataclass(frozen=True)
class LimitChange:
    """A new value for one cell of the table."""

    priority: int
    stage: Stage | str
    limit_s: int


_current = TTLCache[LimitTable](ttl_s=30.0)


def _load(session: Session, version_id: int) -> LimitTable:
    rows = session.execute(select(TimeLimit.priority, TimeLimit.stage, TimeLimit.limit_s)
                           .where(TimeLimit.version_id == version_id)).all()
    return LimitTable(version_id, {(priority, Stage(stage)): limit_s for priority, stage, limit_s in rows})


def current(session: Session) -> LimitTable:
    """Return the version in force (the latest), from a short-lived per-database cache.

    The first use on a database without any version stores the defaults as version 1 (the
    migration stores it already).
    """
    table = in_force(session)
    if table is None:
        _store(session, _defaults(), created_by="system", reason="bureau defaults")
        table = in_force(session)
    assert table is not None  # just stored
    return table


def in_force(session: Session) -> LimitTable | None:
    """Return the version in force, or ``None`` on a database that has none (usable inside a flush)."""
    key = session.get_bind().engine.url
    table = _current.peek(key)
    if table is not None:
        return table
    latest = _latest(session)
    if latest is None:
        return None
    return _current.get_or_load(key, lambda: _load(session, latest))


def _latest(session: Session, *, lock: bool = False) -> int | None:
    """Return the id of the version in force, read from the database (``lock``: held until the transaction ends)."""
    query = select(TimeLimitVersion.id).order_by(TimeLimitVersion.id.desc()).limit(1)
    # FOR NO KEY UPDATE: serialises saves without blocking the foreign-key checks of deadlines set meanwhile
    return session.scalar(query.with_for_update(key_share=True) if lock else query)


def _defaults() -> dict[tuple[int, Stage], int]:
    return {(priority, stage): row[priority - 1] for stage, row in DEFAULT_LIMITS_S.items() for priority in PRIORITIES}


def _store(session: Session, limits: dict[tuple[int, Stage], int], *, created_by: str, reason: str) -> int:
    version = TimeLimitVersion(created_at=utcnow(), created_by=created_by, reason=reason)
    session.add(version)
    session.flush()
    session.add_all(TimeLimit(version_id=version.id, priority=priority, stage=stage, limit_s=limit_s)
                    for (priority, stage), limit_s in sorted(limits.items()))
    session.flush()
    _current.clear_when_done(session)
    return version.id


def get_version(session: Session, version_id: int) -> tuple[TimeLimitVersion, LimitTable]:
    """Return a version and its table; NotFoundError if there is none."""
    version = session.get(TimeLimitVersion, version_id)
    if version is None:
        raise NotFoundError(said("supervision.version_unknown", id=version_id))
    return version, _load(session, version_id)


def list_versions(session: Session) -> list[TimeLimitVersion]:
    """Return every version of the table, the latest first."""
    return list(session.scalars(select(TimeLimitVersion).order_by(TimeLimitVersion.id.desc())))


def check_change(index: int, change: LimitChange) -> tuple[int, Stage]:
    """Return the cell a change names; ValidationError naming the field of a bad one.

    Raises
    ------
    ValidationError
        An unknown priority or stage, or a limit that is not a whole number of seconds between 1
        and :data:`MAX_LIMIT_S`.
    """
    where = f"limits[{index}]"
    if change.priority not in PRIORITIES:
        raise ValidationError(f"{where}.priority: " + said("supervision.bad_priority", value=repr(change.priority)))
    try:
        stage = Stage(change.stage)
    except ValueError:
        raise ValidationError(f"{where}.stage: " + said("supervision.bad_stage", value=repr(change.stage),
                                                        stages=", ".join(s.value for s in Stage))) from None
    if isinstance(change.limit_s, bool) or not isinstance(change.limit_s, int) or change.limit_s <= 0:
        raise ValidationError(f"{where}.limit_s: " + said("supervision.bad_limit", value=repr(change.limit_s)))
    if change.limit_s > MAX_LIMIT_S:
        raise ValidationError(f"{where}.limit_s: " + said("supervision.limit_too_long", value=change.limit_s,
                                                          most=MAX_LIMIT_S))
    return change.priority, stage


def update(session: Session, changes: list[LimitChange], *, reason: str, actor: Actor,
           base_version_id: int | None = None) -> tuple[TimeLimitVersion, LimitTable]:
    """Store a new version: the one in force with ``changes`` applied; audited.

    The table holds for every incident of the city, so only an account acting at the city tier
    (a city bureau's, or the command line's) changes it. Nothing is stored when any
    change is bad (checked all before anything is written).

    ``base_version_id`` is the version the editor changed: when another version was stored since,
    the change is refused rather than stored over it. The version in force is read from the
    database, not the cache, and locked (PostgreSQL) so that two saves at once cannot both build on
    it: the second waits, then finds the first's version and is refused.

    Raises
    ------
    PermissionDeniedError
        For an account of a district branch or a station.
    ValidationError
        No change, a bad change (:func:`check_change`), a cell named twice, or no reason.
    ConflictError
        When a version newer than ``base_version_id`` is in force, or one was stored meanwhile.
    """
    org_service.require_citywide(session, actor, said("supervision.limits_city_only"))
    if not changes:
        raise ValidationError("limits: " + said("supervision.no_change"))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError("reason: " + said("supervision.reason_needed"))
    cells: dict[tuple[int, Stage], int] = {}
    for index, change in enumerate(changes):
        cell = check_change(index, change)
        if cell in cells:
            raise ValidationError(f"limits[{index}]: " + said("supervision.cell_twice", priority=cell[0],
                                                              stage=cell[1].value))
        cells[cell] = change.limit_s
    latest = _latest(session, lock=True)
    if latest is None:  # a database the migration did not fill: the defaults become version 1
        latest = current(session).version_id
    if base_version_id is not None and base_version_id != latest:
        raise ConflictError(said("supervision.limits_stale", base=base_version_id, latest=latest))
    previous = dict(_load(session, latest).limits) or _defaults()
    version_id = _store(session, previous | cells, created_by=actor.username, reason=reason)
    before = session.scalar(select(func.max(TimeLimitVersion.id)).where(TimeLimitVersion.id < version_id))
    if before != latest:  # another save was committed between the read and this one's
        raise ConflictError(said("supervision.limits_stale", base=latest, latest=before))
    audit_service.record(session, actor=actor, action="time_limits.update", resource_type="time_limit_version",
                         resource_id=version_id, detail={
                             "previous_version_id": latest, "reason": reason,
                             "changes": [{"priority": p, "stage": s.value, "from_s": previous.get((p, s)),
                                          "to_s": v} for (p, s), v in cells.items()]})
    return get_version(session, version_id)
