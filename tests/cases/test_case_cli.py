"""``precinct cases``: the register, one case with its deadlines, the overdue board, the sweep, figures, rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases.case_kit import PATTERN, ZONE, build_world, decide, incident, open_case
from precinct.app import session_factory
from precinct.cases.status import Move
from testkit import seed

#: long enough ago that the decision to open (3 days, a last day on a rest day rolled to the next working day) has
#: passed whatever the date: the longest run of rest days, the National Day holiday, is 8 days
LATE = timedelta(days=12)


@pytest.fixture
def numbers(fresh_database_url):
    """Three cases of West Station: one received twelve days ago (its decision to open overdue), one opened from an
    incident, one administrative; return their numbers."""
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            world = build_world(session, seed(session), accounts=True)
            late = open_case(session, world, now=datetime.now(UTC) - LATE, summary="逾期 late one")
            incident_id = incident(session, world.ids)
            session.commit()
            opened = open_case(session, world, incident_ids=[incident_id], summary="已立案 opened one")
            decide(session, world, opened.id, Move.OPEN)
            admin = open_case(session, world, kind="administrative", summary="治安 public order")
            return {"late": late.number, "opened": opened.number, "admin": admin.number}
    finally:
        factory.kw["bind"].dispose()


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    """A terminal wide enough that no cell wraps."""
    from precinct.cli.common import console

    monkeypatch.setattr(console, "_width", 400)


def _run(cli, *args):
    result = cli("cases", *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_register_lists_and_filters_by_state(numbers, cli):
    everything = _run(cli, "list")
    assert "cases: 3" in everything
    assert all(number in everything for number in numbers.values())
    investigating = _run(cli, "list", "--state", "investigating")
    assert "cases: 1" in investigating and numbers["opened"] in investigating
    assert numbers["late"] not in investigating
    received = _run(cli, "list", "--state", "received", "--station", "S1")
    assert "cases: 2" in received
    bad = cli("cases", "list", "--state", "solved")
    assert bad.exit_code == 2 and "solved" in bad.output


def test_a_case_shows_its_moves_and_how_each_deadline_was_reached(numbers, cli):
    late = _run(cli, "show", numbers["late"])
    assert "受案 / received" in late and "立案 / open; 不予立案 / not open" in late
    assert "立案审查期限 / decision to open a case" in late
    year = (datetime.now(UTC) - LATE).astimezone(ZONE).year  # the year the case was received
    assert numbers["late"] == PATTERN.format(station="S1", kind="XS", year=year, seq=1)
    opened = _run(cli, "show", numbers["opened"])
    assert "结案 / close" in opened and "移送审查起诉 / transfer for prosecution" in opened
    assert "(met)" in opened  # the decision to open ended in time
    missing = cli("cases", "show", "NO-SUCH-CASE")
    assert missing.exit_code == 2 and "NO-SUCH-CASE" in missing.output


def test_the_board_the_sweep_and_the_rules(numbers, cli):
    board = _run(cli, "overdue")
    assert "red 1" in board and numbers["late"] in board and "open_decision" in board
    assert "red 0" in _run(cli, "overdue", "--station", "S2")
    assert "breached: 1" in _run(cli, "sweep")
    assert "breached: 0" in _run(cli, "sweep")  # a breach is recorded once
    table = _run(cli, "rules")
    assert "治安案件办理期限 / public-order case" in table and "第九十九条" in table
    assert "30 日 / calendar days" in table


def test_the_figures_count_the_cases_per_station_and_month(numbers, cli):
    output = _run(cli, "figures", "--months", "2")
    month = datetime.now(UTC).astimezone(ZONE).strftime("%Y-%m")
    row = next(line for line in output.splitlines() if f"│ {month}" in line)
    cells = [cell.strip() for cell in row.split("│") if cell.strip()]
    assert cells[:5] == ["S1", month, "1", "0", "0"]  # one opened, none cleared or closed
    assert cells[5] == "1/1 (100%)"  # the decision to open, in time
    assert "0-30" in output
