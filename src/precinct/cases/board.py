"""The overdue board of cases' legal deadlines per station and district branch, and the stored breaches.

As the incidents' board (:mod:`precinct.supervision.service`): open deadlines past their
reminder time (amber) or past due (red) in the reader's scope, most late first, read as one page
of deadline keys from a partial index of each station's open deadlines in due order (the reminder
time read from the index too) and joined to their cases, with both counts (one pass over the
same index), in one query built once; the counts per station and branch come from the same index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from precinct.cases.limit_models import CaseBreach, CaseDeadline
from precinct.cases.messages import said
from precinct.cases.models import Case
from precinct.core.db import UTCDateTime, utcnow
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


def station_in(scope: Scope, station: InstrumentedAttribute[int | None]) -> ColumnElement[bool] | None:
    """Return the filter of deadlines or breaches whose station lies in ``scope`` (``None``: citywide).

    A case always has a station (its deadlines and breaches copy it), so a station's board reads
    the index by station alone, in due order.
    """
    return None if scope.units is None else station.in_(sorted(scope.units))


def narrowed(session: Session, actor: Actor, station_id: int | None) -> Scope:
    """Return the actor's scope, or one station of it (NotFoundError for a station outside)."""
    scope = scope_of(session, actor)
    if station_id is None:
        return scope
    if not scope.holds(station_id):
        raise NotFoundError(said("case.org_unit_unknown", id=station_id))
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


@lru_cache(maxsize=2)
def _board_query(scoped: bool) -> Select[*tuple[Any, ...]]:
    """Return the board's query, built once (``scoped``: of the stations bound as ``units``; else citywide).

    Bound per call: ``now`` and ``limit`` (the rows to return). One round trip returns both counts
    (one pass over the index) with each row of the page (read off the index in due order, then
    joined to the deadline and its case).
    """
    d, now = CaseDeadline, bindparam("now", type_=UTCDateTime())
    conditions: list[ColumnElement[bool]] = [d.ended_at.is_(None), d.warn_at <= now]
    if scoped:
        conditions.append(d.station_id.in_(bindparam("units", expanding=True)))
    page = (select(d.id).where(*conditions).order_by(d.due_at, d.id).limit(bindparam("limit", type_=Integer()))
            .subquery("page"))
    counts = (select(func.count().filter(d.due_at <= now).label("red"), func.count().label("total"))
              .where(*conditions).subquery("counts"))
    return (select(d.id, d.case_id, Case.number, d.rule_code, d.station_id, d.district_id, Case.team_unit_id,
                   Case.lead_officer, d.started_at, d.due_at, d.warn_at, counts.c.red, counts.c.total)
            .select_from(counts).join(page, true()).join(d, d.id == page.c.id).join(Case, Case.id == d.case_id)
            .order_by(d.due_at, d.id))


def board(session: Session, actor: Actor, *, station_id: int | None = None, limit: int = BOARD_LIMIT,
          now: datetime | None = None) -> Board:
    """Return the amber and red deadlines of the actor's scope (or one station of it), most late first."""
    now = now or utcnow()
    scope = narrowed(session, actor, station_id)
    values: dict[str, Any] = {"now": now, "limit": limit + 1}
    if scope.units is not None:
        values["units"] = sorted(scope.units)
    session.flush()  # as session.execute would: the rows read include what this session holds
    rows = session.connection().execute(_board_query(scope.units is not None), values).all()
    items = [BoardRow(deadline_id=deadline_id, case_id=case_id, number=number, rule_code=rule_code,
                      station_id=station, district_id=district, team_unit_id=team, lead_officer=lead,
                      started_at=started_at, due_at=due_at, warn_at=warn_at,
                      state="red" if due_at <= now else "amber", late_s=int((now - due_at).total_seconds()))
             for (deadline_id, case_id, number, rule_code, station, district, team, lead, started_at, due_at, warn_at,
                  _red, _total) in rows[:limit]]
    red, total = (rows[0][11], rows[0][12]) if rows else (0, 0)
    return Board(now, red, total - red, items, len(rows) > limit)


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
    if (where := station_in(scope_of(session, actor), d.station_id)) is not None:
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
    if (where := station_in(narrowed(session, actor, station_id), b.station_id)) is not None:
        conditions.append(where)
    total = session.scalar(select(func.count()).select_from(b).where(*conditions)) or 0
    items = session.scalars(select(b).where(*conditions).order_by(b.detected_at.desc(), b.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total
