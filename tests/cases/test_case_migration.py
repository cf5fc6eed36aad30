"""Migration 0011 builds the case tables as the models declare them, and runs on a database holding data."""

from __future__ import annotations

import sqlite3

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from precinct.app import metadata
from precinct.core import migrate

TABLES = {name for name in metadata.tables if name.startswith("case") or name == "custody_entries"}


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
    assert len(TABLES) == 19
    assert [diff for diff in diffs if _table_of(diff) in TABLES] == []


def test_upgrading_a_database_with_incidents_keeps_them_and_stores_the_rules(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, revision="0010")
    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("INSERT INTO incident_types (code, name_zh, name_en, category, default_priority, active) "
                 "VALUES ('theft', '盗窃', 'Theft', 'theft', 3, 1)")
    conn.execute("INSERT INTO incidents (id, source, type_code, priority, status, description, address, lon, lat, "
                 "received_at, simulated, created_by, updated_at, version) VALUES (1, 'phone_110', 'theft', 3, "
                 "'closed', 'x', '', 114.3, 30.58, '2026-01-01 00:00:00', 0, 't', '2026-01-01 00:00:00', 1)")
    conn.commit()
    conn.close()
    migrate.upgrade(url, revision="0011")
    conn = sqlite3.connect(tmp_path / "old.db")
    assert conn.execute("SELECT count(*) FROM incidents").fetchone() == (1,)
    assert conn.execute("SELECT code, duration, unit FROM case_rules WHERE version_id = 1 ORDER BY id").fetchall() == [
        ("open_decision", 3, "calendar_days"), ("administrative_case", 30, "calendar_days"),
        ("summons_questioning", 8, "hours"), ("detention_family_notice", 24, "hours"),
        ("detention_interrogation", 24, "hours"), ("arrest_request", 3, "calendar_days")]
    assert conn.execute("SELECT count(*), count(national_code) FROM case_types").fetchone() == (19, 0)
    conn.execute("INSERT INTO org_units (id, code, name_zh, name_en, tier) "
                 "VALUES (1, 'S1', '所', 'Station', 'station')")
    conn.execute("INSERT INTO cases (id, number, kind, type_code, status, summary, address, station_id, received_at, "
                 "created_by, updated_at, version) VALUES (1, 'N-1', 'criminal', 'XS-DQ', 'received', 's', '', 1, "
                 "'2026-01-01 00:00:00', 't', '2026-01-01 00:00:00', 1)")
    conn.execute("INSERT INTO case_incidents (case_id, incident_id, source, linked_at, linked_by) "
                 "VALUES (1, 1, 'created_from', '2026-01-01 00:00:00', 't')")
    conn.commit()
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    command.downgrade(migrate.alembic_config(url), "0010")
    conn = sqlite3.connect(tmp_path / "old.db")
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'case%'").fetchone() == (
        0,)
    assert conn.execute("SELECT count(*) FROM incidents").fetchone() == (1,)
    conn.close()
