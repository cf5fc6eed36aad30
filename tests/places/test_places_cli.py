"""``precinct places import``, ``checklist``, ``overdue`` and ``sweep`` on a database of their own."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from places.places_kit import CHECKLIST, build_world
from precinct.app import session_factory
from precinct.cli.main import app
from precinct.places import inspections
from testkit import seed

CSV = ("name,category,lon,lat\n"
       "西区市场,market,114.03,30.53\n"
       "城外,market,120.0,31.0\n"
       "坏类别,castle,114.03,30.53\n")


def test_import_keeps_good_rows_and_exits_1_with_the_refused_lines(fresh_database_url, tmp_path):
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            seed(session)
    finally:
        factory.kw["bind"].dispose()
    path = tmp_path / "premises.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(app, ["places", "import", str(path)])
    assert result.exit_code == 1
    assert "imported: 1 of 3 rows" in result.stdout
    assert "premises.csv:3: lon: " in result.stderr and "premises.csv:4: category: " in result.stderr
    again = CliRunner().invoke(app, ["places", "import", str(path)])  # the good row is there already
    assert again.exit_code == 1 and "imported: 0 of 3 rows; 已有 / already there: 1" in again.stdout
    assert "premises.csv:2: " in again.stdout
    path.write_text("name,lon\nx,1\n", encoding="utf-8")
    unreadable = CliRunner().invoke(app, ["places", "import", str(path)])
    assert unreadable.exit_code == 2 and "missing columns: category, lat" in unreadable.stderr


def test_checklist_overdue_and_sweep(fresh_database_url, tmp_path):
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            world = build_world(session, seed(session))
            past = datetime.now(UTC) - timedelta(days=10)
            _, opened = inspections.record(
                session, premises_id=world.premises["west"], actor=world["west-officer"], now=past,
                results=[inspections.ItemResult("exit", False, "blocked", 2),
                         inspections.ItemResult("extinguisher", True)])
            session.commit()
    finally:
        factory.kw["bind"].dispose()
    runner = CliRunner()
    path = tmp_path / "checklist.json"
    path.write_text(json.dumps({"category": "school", "title": "v2", "items": CHECKLIST}), encoding="utf-8")
    added = runner.invoke(app, ["places", "checklist", str(path)])
    assert added.exit_code == 0 and "checklist school v2: 2 items" in added.stdout
    defaults = runner.invoke(app, ["places", "checklist", "--defaults"])
    assert defaults.exit_code == 0 and "checklist school" not in defaults.stdout
    assert "checklist hazardous_goods v1: 6 items" in defaults.stdout
    assert runner.invoke(app, ["places", "checklist"]).exit_code == 2
    swept = runner.invoke(app, ["places", "sweep"])
    assert swept.exit_code == 0 and f"hazards swept: 1 overdue [{opened[0]}]" in swept.stdout
    board = runner.invoke(app, ["places", "overdue"], terminal_width=200)
    assert board.exit_code == 0 and "hazards overdue: 1" in board.stdout and "inspections overdue: 0" in board.stdout
    for station, shown in (("west_station", 1), ("east_station", 0)):  # the station filtered in SQL, before the limit
        one = runner.invoke(app, ["places", "overdue", "--station-id", str(world.ids[station])], terminal_width=200)
        assert one.exit_code == 0 and f"hazards overdue: {shown}" in one.stdout
