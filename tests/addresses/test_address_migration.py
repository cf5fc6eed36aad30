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


def test_imports_left_running_keep_one_running_and_get_their_lease(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "lease.db",
                          prefix="precinct_lease") as url:
        migrate.upgrade(url, revision="0018")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                for import_id, status, finished in ((1, "complete", "2026-01-01 01:00:00"), (2, "running", None),
                                                    (3, "running", None)):
                    conn.execute(text(
                        "INSERT INTO address_imports (id, kind, source_name, status, rows, imported, "
                        "skipped_existing, refused, refused_rows, started_at, finished_at, created_by) VALUES "
                        "(:id, 'csv', 'a.csv', :status, 0, 0, 0, 0, '[]', :started, :finished, 't')"),
                        {"id": import_id, "status": status, "started": f"2026-01-0{import_id} 00:00:00",
                         "finished": finished})
            migrate.upgrade(url)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT id, status, heartbeat_at FROM address_imports ORDER BY id")).all()
            assert [(r[0], r[1], str(r[2])[:19]) for r in rows] == [
                (1, "complete", "2026-01-01 01:00:00"), (2, "interrupted", "2026-01-02 00:00:00"),
                (3, "running", "2026-01-03 00:00:00")]
            command.downgrade(migrate.alembic_config(url), "0018")
            assert "heartbeat_at" not in {c["name"] for c in inspect(engine).get_columns("address_imports")}
        finally:
            engine.dispose()


def test_stored_addresses_get_the_keys_from_inside_their_words(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "keys.db",
                          prefix="precinct_keys") as url:
        migrate.upgrade(url, revision="0020")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO address_imports (id, kind, source_name, status, rows, imported, skipped_existing, "
                    "refused, refused_rows, started_at, created_by) VALUES (1, 'csv', 'a.csv', 'complete', 2, 2, "
                    "0, 0, '[]', '2026-01-01 00:00:00', 't')"))
                for code, road, keys in (("T", "", "jianghanqujiefangdadao688hao jhqjfdd688h 688"),
                                         ("P", "中北路", "zhongbeilu zbl")):
                    conn.execute(text(
                        "INSERT INTO addresses (code, import_id, text, text_en, name, district, road, number, "
                        "building, unit, lon, lat, search_keys, generated, created_at) VALUES (:code, 1, :text, '', "
                        "'', '', :road, '', '', '', 114.3, 30.58, :keys, false, '2026-01-01 00:00:00')"),
                        {"code": code, "text": "江汉区解放大道688号" if code == "T" else "中北路", "road": road,
                         "keys": keys})
            migrate.upgrade(url)
            with engine.connect() as conn:
                keys = dict(conn.execute(text("SELECT code, search_keys FROM addresses")).all())
            assert keys["T"] == ("jianghanqujiefangdadao688hao jhqjfdd688h 688 hanqujiefangdadao hqjfdd "
                                 "qujiefangdadao qjfdd jiefangdadao jfdd fangdadao fdd dadao dd")
            assert keys["P"] == "zhongbeilu zbl beilu bl"
        finally:
            engine.dispose()
