"""Migration 0015 adds the running notes' table to a database that holds incidents, and takes it away again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from precinct.app import metadata
from precinct.core import migrate
from precinct.incidents.models import IncidentNote
from testkit import scratch_database

INSERT_INCIDENT = text(
    "INSERT INTO incidents (id, source, type_code, priority, status, description, address, lon, lat, received_at, "
    "simulated, created_by, updated_at, version) VALUES (1, 'phone_110', 'theft', 3, 'received', 'x', '', 114.3, "
    "30.58, '2026-01-01 00:00:00', false, 't', '2026-01-01 00:00:00', 1)")


def test_upgrade_keeps_the_incidents_and_notes_reference_them(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "notes.db",
                          prefix="precinct_notes") as url:
        migrate.upgrade(url, revision="0014")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO incident_types (code, name_zh, name_en, category, default_priority, "
                                  "active) VALUES ('theft', '盗窃', 'Theft', 'theft', 3, true)"))
                conn.execute(INSERT_INCIDENT)
            assert "incident_notes" not in inspect(engine).get_table_names()
            migrate.upgrade(url)
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO incident_notes (incident_id, at, author, author_role, text) "
                                  "VALUES (1, '2026-01-01 00:05:00', 'dispatcher', 'dispatcher', '已通知')"))
                assert conn.execute(text("SELECT count(*) FROM incidents")).scalar() == 1
                assert conn.execute(text("SELECT incident_id, text FROM incident_notes")).one() == (1, "已通知")
            with engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            assert [d for d in diffs if IncidentNote.__tablename__ in repr(d)] == []
            command.downgrade(migrate.alembic_config(url), "0014")
            assert "incident_notes" not in inspect(engine).get_table_names()
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM incidents")).scalar() == 1
        finally:
            engine.dispose()
