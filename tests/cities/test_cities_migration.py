"""Migration 0014 adds the city profiles' table to a database holding an organisation, and takes it away again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from precinct.app import metadata
from precinct.cities.models import CityProfile
from precinct.core import migrate
from testkit import scratch_database


def test_upgrade_keeps_the_organisation_and_a_profile_references_it(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "cities.db",
                          prefix="precinct_cities") as url:
        migrate.upgrade(url, revision="0013")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO org_units (id, code, name_zh, name_en, tier) "
                                  "VALUES (1, 'HEL', '赫尔辛基警察局', 'Helsinki Police', 'city')"))
            assert "city_profiles" not in inspect(engine).get_table_names()
            migrate.upgrade(url, revision="0014")
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO city_profiles (org_unit_id, code, centre_lon, centre_lat, west, south, east, north, "
                    "local_timezone, projected_crs, roads_file, basemap_file, sources, created_by, created_at) VALUES "
                    "(1, 'HEL', 24.94, 60.17, 24.93, 60.16, 24.95, 60.18, 'Europe/Helsinki', 'EPSG:32635', "
                    "'/srv/hel/roads.parquet', NULL, '{}', 'cli:root', '2026-12-02 16:00:00')"))
                assert conn.execute(text("SELECT code, local_timezone FROM city_profiles")).one() == (
                    "HEL", "Europe/Helsinki")
            migrate.upgrade(url)
            with engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            assert [d for d in diffs if CityProfile.__tablename__ in repr(d)] == []
            command.downgrade(migrate.alembic_config(url), "0013")
            assert "city_profiles" not in inspect(engine).get_table_names()
            with engine.connect() as conn:
                assert conn.execute(text("SELECT code FROM org_units")).scalars().all() == ["HEL"]
        finally:
            engine.dispose()
