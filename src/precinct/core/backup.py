"""Backup and restore of the whole database, while the platform runs.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot in one
step, as one read transaction: in WAL mode writers go on meanwhile (a step-wise copy would restart
whenever another connection writes, and never finish under load), and a plain file copy of a live
database can be torn. PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot under MVCC,
no lock that stops writers) and ``pg_restore``. The PostgreSQL password travels in the
environment (``PGPASSWORD``), never on the command line where ``ps`` shows it.

``pg_dump`` refuses a server newer than itself, and an archive from a newer ``pg_dump`` is one
that an older ``pg_restore`` cannot read. So the client programs of the server's major version
are used: the ones on ``PATH`` if they are of that version, else Debian's and Ubuntu's
``/usr/lib/postgresql/<major>/bin``. An older ``pg_dump`` is refused with a message that says
which version to install; a newer one may back up (PostgreSQL supports it) and the result says
so, since only a ``pg_restore`` at least as new can read the archive.

A backup file is checked before anything is restored from it: SQLite's integrity check, or
``pg_restore --list`` for an archive, and in both the tables of a Precinct database.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from precinct.core.errors import ConfigurationError, ConflictError, NotFoundError, ValidationError

REQUIRED_TABLES = ("alembic_version", "audit_log", "audit_head")
"""Tables every Precinct database has: a backup without them is not one of its backups."""
_SQLITE_TIMEOUT_S = 30.0
DEBIAN_CLIENTS_DIR = Path("/usr/lib/postgresql")
"""Where Debian and Ubuntu install the PostgreSQL client programs of each major version (``<major>/bin``)."""


@dataclass(frozen=True)
class ClientProgram:
    """A PostgreSQL client program found to run: its path and major version."""

    path: str
    major: int


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore read or wrote: the file, its size and SHA-256, and the backend."""

    path: Path
    size_bytes: int
    sha256: str
    backend: str
    client: ClientProgram | None = None
    """PostgreSQL: the ``pg_dump`` or ``pg_restore`` that wrote or read it."""
    server_major: int | None = None
    """PostgreSQL: the server's major version."""

    @property
    def newer_client(self) -> bool:
        """Whether a client newer than the server ran (an archive from it needs as new a ``pg_restore``)."""
        return self.client is not None and self.server_major is not None and self.client.major > self.server_major


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
    NotFoundError
        If the SQLite database file does not exist.
    ConfigurationError
        If the backend is not supported or ``pg_dump`` is missing or fails.
    """
    url = make_url(database_url)
    target = Path(target)
    if target.exists():
        raise ConflictError(f"{target} exists; choose a new file for the backup")
    backend = url.get_backend_name()
    if backend == "sqlite":
        source_path = Path(_sqlite_path(url))
        if not source_path.is_file():
            raise NotFoundError(f"the SQLite database {source_path} does not exist; check PRECINCT_DATABASE_URL")
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source_path, target)
    elif backend == "postgresql":
        server_major = _server_major(url)
        dump = _client("pg_dump", server_major)
        if dump.major < server_major:
            raise ConfigurationError(
                f"pg_dump {dump.major} ({dump.path}) cannot back up a PostgreSQL {server_major} server; install the "
                f"client programs of version {server_major} (Debian: postgresql-client-{server_major}) or put their "
                f"directory first on PATH ({DEBIAN_CLIENTS_DIR / str(server_major) / 'bin'} on Debian)")
        target.parent.mkdir(parents=True, exist_ok=True)
        _run([dump.path, "--format=custom", "--no-owner", "--file", str(target), "--dbname", _libpq(url)], url)
        return _described(target, backend, client=dump, server_major=server_major)
    else:
        raise ConfigurationError(f"backups support SQLite and PostgreSQL, not {backend}")
    return _described(target, backend)


def check_backup(database_url: str, source: Path) -> BackupResult:
    """Check that ``source`` is a whole Precinct backup for the backend of ``database_url``.

    Raises
    ------
    NotFoundError
        If ``source`` does not exist.
    ValidationError
        If it is not a backup of that backend, fails its integrity check, or lacks the tables of
        a Precinct database.
    ConfigurationError
        If the backend is not supported or ``pg_restore`` is missing.
    """
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise NotFoundError(f"backup file {source} does not exist")
    backend = url.get_backend_name()
    if backend == "sqlite":
        tables = _check_sqlite_backup(source)
    elif backend == "postgresql":
        server_major = _server_major(url)
        program = _client("pg_restore", server_major)
        tables = _archive_tables(source, url, program)
    else:
        raise ConfigurationError(f"restores support SQLite and PostgreSQL, not {backend}")
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise ValidationError(f"{source} holds no table {', '.join(missing)}: it is not a backup of a Precinct "
                              "database")
    if backend == "postgresql":
        return _described(source, backend, client=program, server_major=server_major)
    return _described(source, backend)


def restore(database_url: str, source: Path, *, force: bool = False) -> BackupResult:
    """Restore the backup file ``source`` into the database at ``database_url``.

    The file is checked first (:func:`check_backup`). The target must be empty (no tables) unless
    ``force``: then its tables are replaced. Stop the servers that use the database first. On
    PostgreSQL the objects belong to the restoring user and no privileges are restored: grant the
    application role again afterwards (``precinct db restore`` does).

    Raises
    ------
    NotFoundError
        If ``source`` does not exist.
    ValidationError
        If ``source`` is not a Precinct backup for this backend.
    ConflictError
        If the target database holds tables and ``force`` is not given.
    ConfigurationError
        If the backend is not supported or ``pg_restore`` is missing or fails.
    """
    checked = check_backup(database_url, source)
    url = make_url(database_url)
    if checked.backend == "sqlite":
        path = Path(_sqlite_path(url))
        if path.exists() and _sqlite_tables(path) and not force:
            raise ConflictError(f"{path} already holds tables; restore into an empty database or pass --force")
        path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(Path(source), path)
    elif checked.client is not None:
        if _postgres_tables(url) and not force:
            raise ConflictError(f"database {url.database} already holds tables; restore into an empty database "
                                "or pass --force")
        _run([checked.client.path, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              *(["--clean", "--if-exists"] if force else []), "--dbname", _libpq(url), str(source)], url)
    return checked


def _described(path: Path, backend: str, *, client: ClientProgram | None = None,
               server_major: int | None = None) -> BackupResult:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return BackupResult(path, path.stat().st_size, digest.hexdigest(), backend, client, server_major)


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise ValidationError("an in-memory SQLite database has nothing to back up or restore into")
    return url.database


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` with the online backup API, in one step (one read snapshot).

    The copy is left in rollback-journal mode: one self-contained file (the server switches a
    restored database back to WAL when it connects).
    """
    reading = sqlite3.connect(source, timeout=_SQLITE_TIMEOUT_S)
    writing = sqlite3.connect(target, timeout=_SQLITE_TIMEOUT_S)
    try:
        reading.backup(writing)
        writing.execute("PRAGMA journal_mode=DELETE")
    finally:
        writing.close()
        reading.close()


def _sqlite_tables(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        connection.close()


def _check_sqlite_backup(path: Path) -> list[str]:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{path} is not a SQLite backup: {exc}") from exc
    if ok != "ok":
        raise ValidationError(f"{path} fails SQLite's integrity check: {ok}")
    return _sqlite_tables(path)


def _archive_tables(path: Path, url: URL, program: ClientProgram) -> list[str]:
    """List the tables in a ``pg_dump`` archive (``pg_restore --list``), refusing a file that is none.

    Raises
    ------
    ValidationError
        If the file is not a ``pg_dump`` archive in the custom format.
    ConfigurationError
        If a newer ``pg_dump`` than this ``pg_restore`` wrote it.
    """
    try:
        listing = _run([program.path, "--list", str(path)], url)
    except ConfigurationError as exc:
        if "unsupported version" in str(exc):  # "pg_restore: error: unsupported version (1.99) in file header"
            raise ConfigurationError(
                f"{path} was written by a newer pg_dump than pg_restore {program.major} ({program.path}) can read; "
                "restore it with the pg_restore of the version that wrote it (or newer), e.g. by putting its "
                "directory first on PATH") from exc
        raise ValidationError(f"{path} is not a pg_dump archive (custom format): {exc}") from exc
    # TOC lines read "215; 1259 16390 TABLE public audit_log owner"
    return [parts[5] for parts in (line.split() for line in listing.splitlines() if not line.startswith(";"))
            if len(parts) > 5 and parts[3:4] == ["TABLE"]]


def _client(program: str, server_major: int) -> ClientProgram:
    """Find ``program`` (``pg_dump``, ``pg_restore``) of the server's major version, if there is one.

    The one on ``PATH`` if it is of that version, else the one in Debian's versioned directory;
    failing both, the one on ``PATH`` whatever its version (the caller decides whether it may run).

    Raises
    ------
    ConfigurationError
        If neither is installed, or the program does not say its version.
    """
    candidates = [found for found in (shutil.which(program),
                                      DEBIAN_CLIENTS_DIR / str(server_major) / "bin" / program) if found]
    runnable = [str(found) for found in candidates if os.access(found, os.X_OK) and Path(found).is_file()]
    if not runnable:
        raise ConfigurationError(f"{program} is not installed or not on PATH; install the PostgreSQL client "
                                 f"programs of the server's major version {server_major} (Debian: "
                                 f"postgresql-client-{server_major})")
    first = ClientProgram(runnable[0], _client_major(runnable[0]))
    if first.major == server_major or len(runnable) == 1:
        return first
    versioned = ClientProgram(runnable[1], _client_major(runnable[1]))
    return versioned if versioned.major == server_major else first


def _client_major(path: str) -> int:
    """Return the major version a client program reports (``pg_dump (PostgreSQL) 15.20`` -> 15)."""
    done = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", done.stdout)
    if done.returncode != 0 or match is None:
        raise ConfigurationError(f"{path} --version did not name a PostgreSQL version: "
                                 f"{(done.stdout + done.stderr).strip()[:200]!r}")
    return int(match.group(1))


def _server_major(url: URL) -> int:
    """Return the PostgreSQL server's major version (``server_version_num`` 150020 -> 15)."""
    import psycopg

    with psycopg.connect(_libpq(url), password=url.password) as connection:
        return connection.info.server_version // 10000


def _postgres_tables(url: URL) -> list[str]:
    import psycopg

    with psycopg.connect(_libpq(url), password=url.password) as connection:
        rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
    return [row[0] for row in rows]


def _libpq(url: URL) -> str:
    """Render the URL as libpq reads it (no SQLAlchemy driver name, no password)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> str:
    """Run a PostgreSQL client program and return its output.

    Raises
    ------
    ConfigurationError
        If the program is not installed or fails (its message included).
    """
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigurationError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout
