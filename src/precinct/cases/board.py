"""The overdue board of cases' legal deadlines per station and district branch, and the stored breaches.

As the incidents' board (:mod:`precinct.supervision.service`): open deadlines past their
reminder time (amber) or past due (red) in the reader's scope, most late first, read as one page
of deadline keys from a partial index and then joined to their cases; the counts per station and
branch come from the same index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from precinct.cases.limit_models import CaseBreach, CaseDeadline
from precinct.cases.models import Case
from precinct.core.db import utcnow
from precinct.core.errors import NotFoundError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.org.service import Scope
from precinct.supervision.service import scope_of

BOARD_LIMIT = 200


def in_scope(scope: Scope, station: InstrumentedAttribute[int | None],
             district: InstrumentedAttribute[int | None]) -> ColumnElement[bool] | None:
    """Return the filter of rows whose station, or (stationless) district, lies in ``scope`` (``None``: citywide)."""
    if scope.units is None:
        return None
    units = sorted(scope.units)
    return or_(station.in_(units), and_(station.is_(None), district.in_(units)))


def narrowed(session: Session, actor: Actor, station_id: int | None) -> Scope:
    """Return the actor's scope, or one station of it (NotFoundError for a station outside)."""
    scope = scope_of(session, actor)
    if station_id is None:
        return scope
    if not scope.holds(station_id):
        raise NotFoundError(f"org unit {station_id} does not exist")
    org_service.get_unit(session, station_id)
    return Scope(frozenset({station_id}))


@dataclass(frozen=True)
class BoardRow:
    """One row of the board: a deadline with its case's number and placement."""

    deadline_id: int
    case_id: int
    number: str
    rule_code: str
    station_id: int | None
    district_id: int | None
    team_unit_id: int | None
    lead_officer: str | None
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    state: str  # amber or red
    late_s: int


@dataclass(frozen=True)
class Board:
    """The overdue board: amber and red counts and the rows shown (``truncated`` when more were found)."""

    now: datetime
    red: int
    amber: int
    rows: list[BoardRow]
    truncated: bool


def board(session: Session, actor: Actor, *, station_id: int | None = None, limit: int = BOARD_LIMIT,
          now: datetime | None = None) -> Board:
    """Return the amber and red deadlines of the actor's scope (or one station of it), most late first."""
    now = now or utcnow()
    d = CaseDeadline
    conditions: list[ColumnElement[bool]] = [d.ended_at.is_(None), d.warn_at <= now]
    if (where := in_scope(narrowed(session, actor, station_id), d.station_id, d.district_id)) is not None:
        conditions.append(where)
    page = select(d.id).where(*conditions).order_by(d.due_at, d.id).limit(limit + 1).subquery()
    rows = session.execute(
        select(d.id, d.case_id, Case.number, d.rule_code, d.station_id, d.district_id, Case.team_unit_id,
               Case.lead_officer, d.started_at, d.due_at, d.warn_at)
        .join(page, page.c.id == d.id).join(Case, Case.id == d.case_id).order_by(d.due_at, d.id)).all()
    items = [BoardRow(*row, state="red" if row.due_at <= now else "amber",  # type: ignore[arg-type]
                      late_s=int((now - row.due_at).total_seconds())) for row in rows[:limit]]
    truncated = len(rows) > limit
    if truncated:
        red, total = session.execute(select(func.count().filter(d.due_at <= now), func.count())
                                     .select_from(d).where(*conditions)).one()
    else:
        red, total = sum(item.state == "red" for item in items), len(items)
    return Board(now, red, total - red, items, truncated)


@dataclass(frozen=True)
class BoardCount:
    """Amber and red deadlines of one station (``station_id`` ``None``: a branch's own) of one branch."""

    station_id: int | None
    district_id: int | None
    red: int
    amber: int


def summary(session: Session, actor: Actor, *, now: datetime | None = None) -> list[BoardCount]:
    """Return the amber and red counts per station and branch of the actor's scope (stations with any only)."""
    now = now or utcnow()
    d = CaseDeadline
    conditions: list[ColumnElement[bool]] = [d.ended_at.is_(None), d.warn_at <= now]
    if (where := in_scope(scope_of(session, actor), d.station_id, d.district_id)) is not None:
        conditions.append(where)
    rows = session.execute(select(d.station_id, d.district_id, func.count().filter(d.due_at <= now), func.count())
                           .where(*conditions).group_by(d.station_id, d.district_id)
                           .order_by(d.district_id, d.station_id)).all()
    return [BoardCount(station, district, red, total - red) for station, district, red, total in rows]


def breaches(session: Session, actor: Actor, *, station_id: int | None = None, page: int = 1,
             page_size: int = 50) -> tuple[list[CaseBreach], int]:
    """Return one page of the recorded breaches of the actor's scope (latest first) and how many there are."""
    b = CaseBreach
    conditions = []
    if (where := in_scope(narrowed(session, actor, station_id), b.station_id, b.district_id)) is not None:
        conditions.append(where)
    total = session.scalar(select(func.count()).select_from(b).where(*conditions)) or 0
    items = session.scalars(select(b).where(*conditions).order_by(b.detected_at.desc(), b.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total
