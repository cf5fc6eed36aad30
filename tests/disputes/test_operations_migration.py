"""Migration 0020: one open operation per place; where two were open, the later one is closed as a duplicate."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from precinct.app import metadata
from precinct.core import migrate
from testkit import scratch_database


def test_a_duplicate_open_operation_is_closed_naming_the_one_kept(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "operations.db",
                          prefix="precinct_operations") as url:
        migrate.upgrade(url, revision="0019")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO org_units (id, code, name_zh, name_en, tier) "
                                  "VALUES (7, 'S7', '第七派出所', 'Station 7', 'station')"))
                for operation_id, place_key in ((1, "1:1"), (2, "1:1"), (3, "2:2")):
                    conn.execute(text(
                        "INSERT INTO repeat_place_operations (id, place_key, place, lon, lat, radius_m, cause, "
                        "actions, owner_org_unit_id, review_date, status, calls_at_opening, comparison, opened_at, "
                        "opened_by, version) VALUES (:id, :key, '夜市', 114.3, 30.58, 100, 'c', 'a', 7, "
                        "'2026-02-01', 'open', 0, '[]', '2026-01-01 00:00:00', 't', 1)"),
                        {"id": operation_id, "key": place_key})
            migrate.upgrade(url)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT id, status, closed_by, result, version FROM repeat_place_operations "
                                         "ORDER BY id")).all()
                events = conn.execute(text("SELECT operation_id, kind, actor FROM repeat_place_operation_events")).all()
                diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
                (1, "open", None, 1), (2, "closed", "migration 0020", 2), (3, "open", None, 1)]
            assert rows[1][3] == "重复的拔钉行动，保留行动 1 / a duplicate of operation 1, which stays open"
            assert [tuple(e) for e in events] == [(2, "closed", "migration 0020")]
            assert [d for d in diffs if "repeat_place_operations" in repr(d)] == []
            command.downgrade(migrate.alembic_config(url), "0019")
        finally:
            engine.dispose()
