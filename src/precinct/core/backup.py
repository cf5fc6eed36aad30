"""Backup and restore of the whole database, while the platform runs.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot in one
step, as one read transaction: in WAL mode writers go on meanwhile (a step-wise copy would restart
whenever another connection writes, and never finish under load), and a plain file copy of a live
database can be torn. PostgreSQL:
``pg_dump --format=custom`` (a consistent snapshot under MVCC, no lock that stops writers) and
``pg_restore``. The PostgreSQL password travels in the environment (``PGPASSWORD``), never on the
command line where ``ps`` shows it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from precinct.core.errors import ConfigurationError, ConflictError, NotFoundError, ValidationError


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore wrote: the file, its size, and the backend it came from."""

    path: Path
    size_bytes: int
    backend: str


def backup(database_url: str, target: Path) -> BackupResult:
    """Write a consistent copy of the database at ``database_url`` to ``target`` (a new file).

    Parameters
    ----------
    database_url
        The SQLAlchemy URL of the database (``sqlite:///...`` or ``postgresql+psycopg://...``).
    target
        The backup file to create; it must not exist yet.

    Raises
    ------
    ConflictError
        If ``target`` exists.
    ConfigurationError
        If the backend is not supported or ``pg_dump`` is missing or fails.
    """
    url = make_url(database_url)
    target = Path(target)
    if target.exists():
        raise ConflictError(f"{target} exists; choose a new file for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    backend = url.get_backend_name()
    if backend == "sqlite":
        source, copy = sqlite3.connect(_sqlite_path(url)), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif backend == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), "--dbname", _libpq(url)], url)
    else:
        raise ConfigurationError(f"backups support SQLite and PostgreSQL, not {backend}")
    return BackupResult(target, target.stat().st_size, backend)


def restore(database_url: str, source: Path, *, force: bool = False) -> BackupResult:
    """Restore the backup file ``source`` into the database at ``database_url``.

    The target must be empty (no tables) unless ``force``: then its tables are replaced. Stop the
    servers that use the database first.

    Raises
    ------
    NotFoundError
        If ``source`` does not exist.
    ConflictError
        If the target database holds tables and ``force`` is not given.
    ConfigurationError
        If the backend is not supported or ``pg_restore`` is missing or fails.
    """
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise NotFoundError(f"backup file {source} does not exist")
    backend = url.get_backend_name()
    if backend == "sqlite":
        _check_sqlite_backup(source)
        path = Path(_sqlite_path(url))
        if path.exists() and _sqlite_tables(path) and not force:
            raise ConflictError(f"{path} already holds tables; restore into an empty database or pass --force")
        path.parent.mkdir(parents=True, exist_ok=True)
        backup_file, database = sqlite3.connect(source), sqlite3.connect(path)
        try:
            backup_file.backup(database)
        finally:
            database.close()
            backup_file.close()
    elif backend == "postgresql":
        if _postgres_tables(url) and not force:
            raise ConflictError(f"database {url.database} already holds tables; restore into an empty database "
                                "or pass --force")
        _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
              *(["--clean", "--if-exists"] if force else []), "--dbname", _libpq(url), str(source)], url)
    else:
        raise ConfigurationError(f"restores support SQLite and PostgreSQL, not {backend}")
    return BackupResult(source, source.stat().st_size, backend)


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise ValidationError("an in-memory SQLite database has nothing to back up or restore into")
    return url.database


def _sqlite_tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def _check_sqlite_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{path} is not a SQLite backup: {exc}") from exc
    if ok != "ok":
        raise ValidationError(f"{path} fails SQLite's integrity check: {ok}")


def _postgres_tables(url: URL) -> list[str]:
    import psycopg

    with psycopg.connect(_libpq(url), password=url.password) as connection:
        rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return [row[0] for row in rows]


def _libpq(url: URL) -> str:
    """Render the URL as libpq reads it (no SQLAlchemy driver name, no password)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise ConfigurationError(f"{command[0]} is not installed; install the PostgreSQL client programs "
                                 "(Debian: postgresql-client)")
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigurationError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
