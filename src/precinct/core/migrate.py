"""Run Alembic migrations from code (``precinct db upgrade`` and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """Return the Alembic configuration of the bundled migrations for ``database_url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, *, connection: Connection | None = None, revision: str = "head") -> None:
    """Bring the database at ``database_url`` to ``revision`` (default: the latest)."""
    config = alembic_config(database_url)
    if connection is not None:
        config.attributes["connection"] = connection
    command.upgrade(config, revision)


def current_revision(connection: Connection) -> str | None:
    """Return the migration revision the database is at (``None`` before the first)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
