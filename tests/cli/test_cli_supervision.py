"""``precinct supervision``: the sweep records what is overdue, the board lists it, the table shows the limits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from precinct.app import session_factory
from precinct.core.db import make_engine, utcnow
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.supervision.models import DeadlineBreach
from testkit import ADMIN_ACTOR


def _late_call(url: str) -> int:
    """A priority-1 call received ten minutes ago with no unit sent (its dispatch limit is one minute)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            incident_service.load_default_types(session)
            incident = incident_service.create(session, IncidentCreate(
                source="phone_110", type_code="theft", priority=1, lon=114.05, lat=30.55, address="测试路1号",
                received_at=utcnow() - timedelta(minutes=10)), actor=ADMIN_ACTOR)
            session.commit()
            return incident.id
    finally:
        engine.dispose()


def _breaches(url: str) -> list[tuple[int, str]]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return [(b.incident_id, b.stage.value) for b in session.scalars(select(DeadlineBreach))]
    finally:
        engine.dispose()


def test_the_sweep_records_the_breach_and_the_board_lists_it(fresh_database_url, cli):
    incident_id = _late_call(fresh_database_url)
    board = cli("supervision", "overdue")
    assert board.exit_code == 0, board.output
    assert str(incident_id) in board.output and "red 1" in board.output
    swept = cli("supervision", "sweep")
    assert swept.exit_code == 0, swept.output
    assert "breached: 1" in swept.output
    assert _breaches(fresh_database_url) == [(incident_id, "dispatch")]
    again = cli("supervision", "sweep")
    assert "breached: 0" in again.output  # a breach is recorded once


def test_the_limit_table_and_an_unknown_station(fresh_database_url, cli):
    table = cli("supervision", "limits")
    assert table.exit_code == 0, table.output
    first_row = next(line for line in table.output.splitlines() if line.strip("│ ").startswith("1 "))
    assert "60" in first_row and "300" in first_row  # priority 1: dispatch 1 min, on scene 5 min
    unknown = cli("supervision", "overdue", "--station", "NOPE")
    assert unknown.exit_code == 2 and "NOPE" in unknown.output  # bad input: say which station
