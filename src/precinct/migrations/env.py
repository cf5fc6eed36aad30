"""Alembic environment: the URL and connection come from ``precinct.core.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from precinct.app import metadata
from precinct.core.db import make_engine
from precinct.core.errors import ConfigurationError

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    """Migrate on the connection ``precinct.core.migrate`` passed, else on a new one to the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise ConfigurationError(
            "the Alembic configuration names no sqlalchemy.url; migrate with `precinct db upgrade`")
    engine = make_engine(url, sqlite_foreign_keys=False)
    with engine.connect() as conn:
        _run(conn)
        if conn.dialect.name == "sqlite":
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign keys broken after migration: {problems[:5]}")
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
