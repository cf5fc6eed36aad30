"""``precinct directive sweep`` and ``overdue`` on a database of their own."""

from __future__ import annotations

from datetime import timedelta

from directive_kit import NOW, build_world, issue
from typer.testing import CliRunner

from precinct.app import session_factory
from precinct.cli.directives import app
from testkit import seed


def test_the_sweep_records_the_breach_and_the_board_lists_it(fresh_database_url):
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            world = build_world(session, seed(session))
            issue(session, world, title="late", deadline=NOW + timedelta(hours=3))
    finally:
        factory.kw["bind"].dispose()
    runner = CliRunner()
    swept = runner.invoke(app, ["sweep"])
    assert swept.exit_code == 0, swept.output
    assert "指令超期检查完成 / directives swept: 1 overdue [1], 0 escalated []" in swept.output
    assert "0 overdue" in runner.invoke(app, ["sweep"]).output  # once only
    board = runner.invoke(app, ["overdue"], terminal_width=200)
    assert board.exit_code == 0 and "超期指令 / overdue directives: 1" in board.output
    assert "late" in board.output and "派出所" in board.output  # the title and the level (a narrow table)
