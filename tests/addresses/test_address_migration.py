"""Migration 0012 adds the address register to a database that holds an organisation, and takes it away again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from precinct.app import metadata
from precinct.core import migrate
from testkit import scratch_database

TABLES = ("addresses", "address_imports")


def test_upgrade_keeps_the_organisation_and_addresses_reference_it(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "addresses.db",
                          prefix="precinct_addresses") as url:
        migrate.upgrade(url, revision="0011")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO org_units (id, code, name_zh, name_en, tier) "
                                  "VALUES (7, 'S7', '第七派出所', 'Station 7', 'station')"))
            assert not set(TABLES) & set(inspect(engine).get_table_names())
            migrate.upgrade(url)
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO address_imports (id, kind, source_name, status, rows, imported, skipped_existing, "
                    "refused, refused_rows, started_at, created_by) VALUES (1, 'csv', 'a.csv', 'complete', 1, 1, "
                    "0, 0, '[]', '2026-01-01 00:00:00', 't')"))
                conn.execute(text(
                    "INSERT INTO addresses (code, import_id, text, text_en, name, district, road, number, building, "
                    "unit, lon, lat, station_id, search_keys, generated, created_at) VALUES ('A', 1, '解放大道1号', "
                    "'', '', '', '解放大道', '1', '', '', 114.3, 30.58, 7, 'jiefangdadao jfdd', false, "
                    "'2026-01-01 00:00:00')"))
                assert conn.execute(text("SELECT code, station_id FROM addresses")).one() == ("A", 7)
            with engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            assert [d for d in diffs if any(t in repr(d) for t in TABLES)] == []
            command.downgrade(migrate.alembic_config(url), "0011")
            assert not set(TABLES) & set(inspect(engine).get_table_names())
            with engine.connect() as conn:
                assert conn.execute(text("SELECT name_en FROM org_units")).scalar() == "Station 7"
        finally:
            engine.dispose()
