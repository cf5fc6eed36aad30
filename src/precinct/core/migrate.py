"""Run Alembic migrations from code (``precinct db upgrade`` and the tests); the application's PostgreSQL role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from precinct.core.db import make_engine
from precinct.core.errors import ConfigurationError

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


@dataclass(frozen=True)
class RoleGrant:
    """What :func:`grant_application_role` did: the role, whether it was created, whether it may log in."""

    role: str
    created: bool
    login: bool


AUDIT_TABLE = "audit_log"
"""The append-only table: the application role may only SELECT and INSERT there."""
_READ_ONLY_TABLES = ("alembic_version",)


def grant_application_role(database_url: str, *, role: str, password: str | None = None) -> RoleGrant:
    """Set up the PostgreSQL role the server runs as, on the database at ``database_url``.

    Run it as the tables' owner after the migrations. The role is created if the cluster lacks it
    (``NOLOGIN``: the server reaches it with ``SET ROLE`` from a login role that is granted it);
    with ``password`` it may log in with that password (sent as a SCRAM verifier, never in clear).
    Without one an existing role's login is left as it is. Then, in this database: ``CONNECT``,
    ``USAGE`` on the schema, ``SELECT, INSERT, UPDATE, DELETE`` on every table and ``USAGE,
    SELECT`` on every sequence, except the audit log (``SELECT, INSERT`` only: no ``UPDATE``,
    ``DELETE`` or ``TRUNCATE``) and Alembic's version table (``SELECT``). Privileges granted
    earlier are replaced, so running it again after each migration is safe; several databases of
    one cluster may run it at once (roles are cluster-wide).

    Raises
    ------
    ConfigurationError
        If the URL is not PostgreSQL, or its user may not create the role or grant on the tables.
    """
    engine = make_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise ConfigurationError("application roles are for PostgreSQL; on SQLite the file's permissions decide "
                                 "who may write")
    try:
        with engine.begin() as connection:
            return _grant(connection, role, password)
    except DBAPIError as exc:
        raise ConfigurationError(
            f"could not set up the application role {role!r}: {exc.orig}; run `precinct db upgrade` with the "
            "tables' owner (PRECINCT_MIGRATION_DATABASE_URL), a role that may create roles (CREATEROLE), or create "
            f"the role once as a superuser: CREATE ROLE {role} NOLOGIN") from exc
    finally:
        engine.dispose()


def _grant(connection: Connection, role: str, password: str | None) -> RoleGrant:
    quote = connection.dialect.identifier_preparer.quote
    name = quote(role)
    literal = role.replace("'", "''")
    existed = bool(connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}))
    if not existed:
        # Two databases of one cluster may migrate at once: the loser of the race finds the role there.
        connection.exec_driver_sql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + literal + "') THEN "
            f"CREATE ROLE {name} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
    if password is not None:
        verifier = connection.connection.driver_connection.pgconn.encrypt_password(  # type: ignore[union-attr]
            password.encode(), role.encode(), b"scram-sha-256").decode()
        connection.exec_driver_sql(f"ALTER ROLE {name} LOGIN PASSWORD '{verifier}'")
    schema = quote(connection.scalar(text("SELECT current_schema()")))
    database = quote(connection.scalar(text("SELECT current_database()")))
    tables = connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).all()
    connection.exec_driver_sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {name}")
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {name}")
    for table in tables:
        qualified = f"{schema}.{quote(table)}"
        privileges = ("SELECT, INSERT" if table == AUDIT_TABLE else "SELECT" if table in _READ_ONLY_TABLES
                      else "SELECT, INSERT, UPDATE, DELETE")
        connection.exec_driver_sql(f"REVOKE ALL ON {qualified} FROM {name}")
        connection.exec_driver_sql(f"GRANT {privileges} ON {qualified} TO {name}")
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {name}")
    login = bool(connection.scalar(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": role}))
    return RoleGrant(role, not existed, login)


def may_change_audit_log(database_url: str) -> bool:
    """Say whether a connection to ``database_url`` may UPDATE, DELETE or TRUNCATE the audit log.

    The connection's user decides, or the role its options set (``options=-c role=...``); a
    superuser or the tables' owner may.
    """
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(text(
                "SELECT has_table_privilege(:t, 'UPDATE') OR has_table_privilege(:t, 'DELETE') "
                "OR has_table_privilege(:t, 'TRUNCATE')"), {"t": AUDIT_TABLE}))
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """Return the latest revision of the bundled migrations."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
