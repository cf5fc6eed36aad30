"""Database engine, session factory and column types shared by every domain.

SQLite is the embedded default; PostgreSQL is the production database. The same models and
migrations run on both.
"""

from __future__ import annotations

import functools
import sqlite3
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, DateTime, Dialect, Engine, Enum, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from precinct.core.errors import ConfigurationError, ConflictError

P = ParamSpec("P")
R = TypeVar("R")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every table (one metadata, with constraint names by convention)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores ``timestamptz``; SQLite stores naive UTC text. Naive datetimes are refused on
    the way in, so local times can never be mixed with UTC silently.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store ``value`` in UTC (naive for SQLite); refuse a naive datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware; got a naive datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored time as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def _sqlite_pragmas(
    dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry, *, foreign_keys: bool = True,
    busy_timeout_ms: int = 10_000,
) -> None:
    # Let SQLAlchemy, not the driver, issue BEGIN (so SAVEPOINT and rollback work as documented).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()


READ_ONLY = "precinct.read_only"
"""Execution option and ``Session.info`` key of sessions that only read (see :func:`read_only_session`)."""


def _sqlite_begin(connection: Connection) -> None:
    # A writing transaction takes the write lock up front (IMMEDIATE): concurrent writers (the API,
    # the simulator, the CLI) wait for each other under busy_timeout instead of failing when a read
    # lock upgrades. A reading one takes no lock (WAL readers never wait for the writer).
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _postgresql_begin(connection: Connection) -> None:
    # psycopg opens the transaction with the next statement; READ ONLY costs no extra round trip.
    dbapi_connection: Any = connection.connection.dbapi_connection
    dbapi_connection.read_only = bool(connection.get_execution_options().get(READ_ONLY))


_READING_ENGINES: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def read_only_session(factory: sessionmaker[Session]) -> Session:
    """Open a session of ``factory`` whose transactions only read.

    On SQLite its transactions begin without the write lock, so a long read never makes writers
    wait; on PostgreSQL they are ``READ ONLY``. Flushing a change in it raises (the unit of work
    refuses it, see ``precinct.app.install_unit_of_work``): requests that write, audit entries
    included, use an ordinary session.
    """
    engine = factory.kw["bind"]
    if not isinstance(engine, Engine):  # bound to one connection (a test's transaction): only the guard applies
        return factory(info={READ_ONLY: True})
    reading = _READING_ENGINES.get(engine)
    if reading is None:
        reading = _READING_ENGINES[engine] = engine.execution_options(**{READ_ONLY: True})
    return factory(bind=reading, info={READ_ONLY: True})


def end_read(session: Session) -> None:
    """End ``session``'s transaction after reading, before long work that needs no database.

    The objects read stay usable (sessions here do not expire on commit); the next statement
    starts a new transaction. Ending it by committing is safe because it holds nothing to save.

    Raises
    ------
    ConfigurationError
        If ``session`` holds unsaved changes (they would be committed early).
    """
    if session.new or session.dirty or session.deleted:
        raise ConfigurationError("end_read: this session holds unsaved changes; commit them before the long work")
    session.commit()


def refuse_writes_when_read_only(session: Session, _context: object, _instances: object) -> None:
    """Raise ConfigurationError when a read-only session is about to write (a ``before_flush`` hook)."""
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise ConfigurationError("a read-only session was asked to write: open this unit of work with an ordinary "
                                 "session (for a request, the route takes WriteSessionDep)")


def make_engine(database_url: str, *, sqlite_foreign_keys: bool = True, sqlite_busy_timeout_ms: int = 10_000,
                **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, create the parent folder and set safe pragmas.

    ``sqlite_foreign_keys=False`` is for migrations only: SQLite alters a table by copying it,
    which enforced foreign keys forbid while child rows exist (integrity is checked afterwards).
    ``sqlite_busy_timeout_ms`` is how long a writer waits for another's write lock before failing.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, foreign_keys=sqlite_foreign_keys,
                                                     busy_timeout_ms=sqlite_busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg":
        event.listen(engine, "begin", _postgresql_begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a plain sessionmaker; ``precinct.app.session_factory`` adds the unit-of-work hooks."""
    return sessionmaker(bind=engine, expire_on_commit=False)


UNIT_OF_WORK = "precinct.unit_of_work"
"""``Session.info`` key set on sessions whose commits carry the audit entries and live events
(sessionmakers prepared by ``precinct.app.install_unit_of_work``)."""


def require_unit_of_work(session: Session) -> None:
    """Raise ConfigurationError unless ``session`` writes its audit entries when it commits."""
    if not session.info.get(UNIT_OF_WORK):
        raise ConfigurationError("this session was not made by precinct.app.session_factory (or a sessionmaker "
                                 "passed through precinct.app.install_unit_of_work): its audit entries would be lost")


def enum_type(cls: type[Any], *, length: int = 32) -> Enum:
    """Return a portable VARCHAR enum type that stores the members' values (e.g. ``"en_route"``)."""
    return Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def array_insert_sql(table: str, columns: dict[str, str]) -> str:
    """Return a PostgreSQL INSERT of any number of rows passed as one array per column.

    Each column is bound as ``:name`` of SQL type ``columns[name]``: a single fixed statement,
    compiled and prepared once, one round trip.
    """
    arrays = ", ".join(f"CAST(:{name} AS {sql_type}[])" for name, sql_type in columns.items())
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"


CONCURRENCY_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


def is_concurrency_failure(exc: BaseException) -> bool:
    """Whether PostgreSQL aborted the transaction because another one touched the same rows at once.

    The transaction rolled back cleanly; trying again is the documented remedy.
    """
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in CONCURRENCY_SQLSTATES


def flush_or_conflict(session: Session, what: str) -> None:
    """Flush; a concurrent change to the same row becomes a ConflictError naming ``what``."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(f"{what} was changed by someone else at the same time; reload and retry") from exc


def conflicts_as_domain_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn concurrency failures in ``func`` into a ConflictError.

    An optimistic-lock failure (a row changed by someone else meanwhile) or a deadlock between
    concurrent changes, wherever it surfaces in ``func`` (an explicit flush or an autoflush).
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except StaleDataError as exc:
            raise ConflictError("the record was changed by someone else at the same time; reload and retry") from exc
        except DBAPIError as exc:
            if is_concurrency_failure(exc):
                raise ConflictError("another change to the same records happened at the same time; retry") from exc
            raise

    return wrapper
