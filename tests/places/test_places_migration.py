"""Migration 0013 on a database holding premises: the rows survive, gain their status and grade, and go back down."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from precinct.app import metadata
from precinct.core import migrate
from testkit import scratch_database

TABLES = {"premises", "premises_events", "beat_visits", "checklist_templates", "inspection_schedules", "inspections",
          "inspection_results", "inspection_attachments", "hazards", "hazard_events", "disputes", "dispute_sessions",
          "dispute_parties", "dispute_events", "repeat_place_operations", "repeat_place_operation_links",
          "repeat_place_operation_events"}


def _table_of(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        name = part if isinstance(part, str) else getattr(part, "name", None)
        if name in TABLES:
            return name
    return None


def test_the_migrated_tables_match_the_models(database):
    with database[0].connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), metadata)
    assert set(metadata.tables) >= TABLES
    assert [diff for diff in diffs if _table_of(diff) in TABLES] == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_premises_rows_survive_the_upgrade_and_the_downgrade(backend, tmp_path):
    with scratch_database(backend, tmp_path / "places.db", prefix="precinct_places_mig") as url:
        migrate.upgrade(url, revision="0012")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO premises (id, name, category, address, lon, lat, notes, generated, "
                              "created_at, created_by) VALUES (7, '第一中学', 'school', '学府路 1 号', 114.02, "
                              "30.52, '', :generated, '2026-01-01 00:00:00', 'tester')"), {"generated": False})
        migrate.upgrade(url, revision="0013")
        with engine.connect() as conn:
            row = conn.execute(text("SELECT name, status, risk_grade, version, closed_at FROM premises")).one()
            assert tuple(row) == ("第一中学", "open", "medium", 1, None)
            assert conn.execute(text("SELECT count(*) FROM premises_events")).scalar() == 0
        command.downgrade(migrate.alembic_config(url), "0012")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, name FROM premises")).one() == (7, "第一中学")
            assert "hazards" not in set(engine.dialect.get_table_names(conn))
        engine.dispose()
