"""`precinct db`: the application's PostgreSQL role, backups of a live database, and restores."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from precinct.app import session_factory
from precinct.audit.models import AuditEntry
from precinct.core import backup, migrate
from precinct.core.db import make_engine
from precinct.incidents import service as incident_service
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR

POSTGRES_ONLY = pytest.mark.parametrize("fresh_database_url", ["postgresql"], indirect=True)
CALL = IncidentCreate(source="phone_110", type_code="theft", lon=114.05, lat=30.55)


def _with_role(url: str, role: str) -> str:
    """The URL whose sessions run as ``role`` (``SET ROLE`` at connection start, as an operator may configure)."""
    return make_url(url).update_query_dict({"options": f"-c role={role}"}).render_as_string(hide_password=False)


def _refused(engine, statement: str) -> None:
    with engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied for table audit_log"):
        conn.execute(text(statement))


@contextlib.contextmanager
def _role_dropped_afterwards(url: str, role: str) -> Iterator[None]:
    try:
        yield
    finally:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
                conn.execute(text(f'DROP OWNED BY "{role}"'))
                conn.execute(text(f'DROP ROLE "{role}"'))
        engine.dispose()


def _another_database(url: str, tmp_path) -> contextlib.AbstractContextManager[str]:
    """A second empty database on the same backend (a SQLite file, or a PostgreSQL database dropped afterwards)."""
    from testkit import scratch_database

    return scratch_database(make_url(url).get_backend_name(), tmp_path / "restored.db", prefix="precinct_restore")


def _unique_role() -> str:
    """A role name of the test's own: roles are cluster-wide, and other test runs share the server."""
    return f"precinct_app_{uuid.uuid4().hex[:8]}"


@POSTGRES_ONLY
def test_the_app_role_may_add_to_the_audit_log_but_never_change_it(fresh_database_url, cli, monkeypatch):
    """`db upgrade` as the owner leaves the role NOLOGIN, reachable with SET ROLE; the server works as it."""
    role = _unique_role()
    monkeypatch.setenv("PRECINCT_APP_DB_ROLE", role)
    with _role_dropped_afterwards(fresh_database_url, role):
        first = cli("db", "upgrade")
        assert first.exit_code == 0, first.output
        assert f"{role}, NOLOGIN (SET ROLE), created" in first.output
        assert "may still change or delete audit entries" in first.output  # the server's URL is the owner's
        app_url = _with_role(fresh_database_url, role)
        monkeypatch.setenv("PRECINCT_MIGRATION_DATABASE_URL", fresh_database_url)
        monkeypatch.setenv("PRECINCT_DATABASE_URL", app_url)
        again = cli("db", "upgrade")  # migrations as the owner, the server as the role: no warning now
        assert again.exit_code == 0, again.output
        assert "audit entries" not in again.output
        engine = make_engine(app_url)
        try:
            with engine.connect() as conn:
                assert conn.scalar(text("SELECT current_user")) == role
                assert conn.scalar(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": role}) is False
            with session_factory(engine)() as session:  # ordinary work: an incident and its audit entry
                incident = incident_service.create(session, CALL, actor=ADMIN_ACTOR)
                session.commit()
                assert session.scalar(select(AuditEntry.action).where(
                    AuditEntry.resource_id == str(incident.id))) == "incident.create"
            assert cli("audit", "checkpoint").exit_code == 0  # the CLI as the role: reads the log
            verified = cli("audit", "verify")
            assert verified.exit_code == 0, verified.output
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO audit_log (seq, at, actor, action, resource_type, prev_hash, hash) "
                                  "VALUES (1000, now(), 'x', 'x', 'x', 'x', 'x')"))
            _refused(engine, "UPDATE audit_log SET actor = 'someone-else'")
            _refused(engine, "DELETE FROM audit_log")
            _refused(engine, "TRUNCATE audit_log")
            assert migrate.may_change_audit_log(app_url) is False
            assert migrate.may_change_audit_log(fresh_database_url) is True  # the owner (a superuser here) may
        finally:
            engine.dispose()


@POSTGRES_ONLY
def test_with_a_password_the_app_role_logs_in(fresh_database_url, cli, monkeypatch):
    role = _unique_role()
    monkeypatch.setenv("PRECINCT_APP_DB_ROLE", role)
    monkeypatch.setenv("PRECINCT_APP_DB_PASSWORD", "a-long-app-password")
    with _role_dropped_afterwards(fresh_database_url, role):
        result = cli("db", "upgrade")
        assert result.exit_code == 0, result.output
        assert f"{role}, LOGIN, created" in result.output
        assert "may still change or delete audit entries" in result.output  # the server's URL is the owner's
        engine = create_engine(fresh_database_url)
        with engine.connect() as conn:
            verifier = conn.scalar(text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"), {"r": role})
        engine.dispose()
        assert verifier.startswith("SCRAM-SHA-256$")  # the server never saw the password itself
        monkeypatch.delenv("PRECINCT_APP_DB_PASSWORD")
        again = cli("db", "upgrade")
        assert f"{role}, LOGIN" in again.output  # an upgrade without the password leaves the login alone
        app_url = make_url(fresh_database_url).set(username=role, password="a-long-app-password")
        engine = create_engine(app_url)
        try:
            with engine.connect() as conn:
                assert conn.scalar(text("SELECT current_user")) == role
                assert conn.scalar(text("SELECT count(*) FROM incident_types")) > 0
            _refused(engine, "DELETE FROM audit_log")
        finally:
            engine.dispose()


@POSTGRES_ONLY
def test_several_databases_may_create_the_role_at_once(fresh_database_url, tmp_path):
    role = _unique_role()
    with _role_dropped_afterwards(fresh_database_url, role), _another_database(fresh_database_url, tmp_path) as other:
        migrate.upgrade(other)
        barrier = threading.Barrier(2)
        results, errors = [], []

        def grant(url):
            barrier.wait()
            try:
                results.append(migrate.grant_application_role(url, role=role))
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=grant, args=(url,)) for url in (fresh_database_url, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert [(r.role, r.login) for r in results] == [(role, False), (role, False)]
        for url in (fresh_database_url, other):
            engine = create_engine(url)
            with engine.connect() as conn:
                assert conn.scalar(text("SELECT has_table_privilege(:r, 'audit_log', 'INSERT') AND NOT "
                                        "has_table_privilege(:r, 'audit_log', 'UPDATE')"), {"r": role})
            engine.dispose()
        _drop_grants(other, role)


def _drop_grants(url, role):
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
    engine.dispose()


def _table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            return {name: conn.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in names}
    finally:
        engine.dispose()


def _counts_in_backup(url: str, path) -> dict[str, int]:
    """Count the rows of every table inside the backup file itself (its snapshot, not the live database)."""
    if make_url(url).get_backend_name() == "sqlite":
        with contextlib.closing(sqlite3.connect(path)) as conn:
            names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                    "AND name NOT LIKE 'sqlite_%'")]
            return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    script = subprocess.run(["pg_restore", "--data-only", "--file=-", str(path)], capture_output=True, text=True,
                            check=True).stdout
    counts, table = {}, None
    for line in script.splitlines():  # COPY public.name (...) FROM stdin; one line per row; \.
        if line.startswith("COPY "):
            table = line.split()[1].split(".")[-1].strip('"')
            counts[table] = 0
        elif line == "\\.":
            table = None
        elif table is not None:
            counts[table] += 1
    return counts


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"waited a minute for {what}"
        time.sleep(0.01)


def test_a_backup_taken_while_incidents_arrive_restores_its_snapshot(fresh_database_url, cli, tmp_path, monkeypatch):
    if make_url(fresh_database_url).get_backend_name() == "postgresql" and not (
            shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    engine = make_engine(fresh_database_url)
    factory = session_factory(engine)
    stored, stop, failures = [], threading.Event(), []  # stored: the ids of committed incidents

    def take_calls():
        try:
            while not stop.is_set():
                with factory() as session:
                    incident = incident_service.create(session, CALL, actor=ADMIN_ACTOR)
                    session.commit()
                    stored.append(incident.id)
        except Exception as exc:  # reported below
            failures.append(exc)

    writers = [threading.Thread(target=take_calls) for _ in range(2)]
    for writer in writers:
        writer.start()
    backup_file = tmp_path / "precinct.backup"
    try:
        _wait_for(lambda: len(stored) >= 20, "20 incidents")
        assert cli("audit", "checkpoint").exit_code == 0
        before_backup = len(stored)
        result = cli("db", "backup", str(backup_file))
        assert result.exit_code == 0, result.output
        after_backup = len(stored)
        _wait_for(lambda: len(stored) >= after_backup + 10, "10 more incidents")
        assert cli("audit", "checkpoint").exit_code == 0  # beyond the backup: the restore supersedes it
    finally:
        stop.set()
        for writer in writers:
            writer.join(60)
        engine.dispose()
    assert failures == []
    in_backup = _counts_in_backup(fresh_database_url, backup_file)
    # Every commit before the backup began is in it; nothing committed after it ended (each writer may
    # have committed one more that it had not listed yet).
    assert before_backup <= in_backup["incidents"] <= after_backup + len(writers)
    assert in_backup["incidents"] < len(stored)  # a snapshot taken while the calls came in
    live = _table_counts(fresh_database_url)
    assert live["incidents"] == len(stored)
    assert "backup written" in result.output

    with _another_database(fresh_database_url, tmp_path) as target:
        monkeypatch.setenv("PRECINCT_DATABASE_URL", target)
        restored = cli("db", "restore", str(backup_file))
        assert restored.exit_code == 0, restored.output
        counts = _table_counts(target)
        assert counts == {**in_backup, "audit_log": in_backup["audit_log"] + 1}  # + the restore's own entry
        target_engine = make_engine(target)
        with session_factory(target_engine)() as session:
            restored_ids = set(session.scalars(select(Incident.id)))
            assert restored_ids <= set(stored)  # every restored row is a committed one
            audited = session.scalars(select(AuditEntry.resource_id).where(AuditEntry.action == "incident.create"))
            assert {int(value) for value in audited} == restored_ids  # each with its audit entry: one snapshot
            assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)) == "db.restore"
            incident_service.create(session, CALL, actor=ADMIN_ACTOR)  # the id sequences came back too
            session.commit()
            assert session.scalar(select(func.count()).select_from(Incident)) == counts["incidents"] + 1
        target_engine.dispose()
        verify = cli("audit", "verify")
        assert verify.exit_code == 0, verify.output
        assert "superseded by a restore" in verify.output

        refused = cli("db", "restore", str(backup_file))
        assert refused.exit_code == 1
        assert "already holds tables; restore into an empty database or pass --force" in refused.output
        forced = cli("db", "restore", "--force", str(backup_file))
        assert forced.exit_code == 0, forced.output
        assert _table_counts(target) == {**in_backup, "audit_log": in_backup["audit_log"] + 1}
        assert cli("audit", "verify").exit_code == 0


def test_restore_checks_the_file_first(fresh_database_url, cli, tmp_path, monkeypatch):
    garbage = tmp_path / "garbage.backup"
    garbage.write_bytes(b"not a backup at all\n" * 100)
    foreign = tmp_path / "foreign.db"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with _another_database(fresh_database_url, tmp_path) as target:
        monkeypatch.setenv("PRECINCT_DATABASE_URL", target)
        result = cli("db", "restore", str(garbage))
        assert result.exit_code == 2
        assert "is not a SQLite backup" in result.output or "is not a pg_dump archive" in result.output
        missing = cli("db", "restore", str(tmp_path / "nowhere.backup"))
        assert missing.exit_code == 2
        assert "does not exist" in missing.output
        if make_url(target).get_backend_name() == "sqlite":
            other = cli("db", "restore", str(foreign))
            assert other.exit_code == 2
            assert "holds no table alembic_version, audit_log, audit_head" in other.output
        assert _table_counts(target) == {}


def test_a_backup_refuses_to_overwrite_a_file(fresh_database_url, cli, tmp_path):
    existing = tmp_path / "taken.backup"
    existing.write_text("keep me")
    result = cli("db", "backup", str(existing))
    assert result.exit_code == 1
    assert "exists; choose a new file for the backup" in result.output
    assert existing.read_text() == "keep me"


@POSTGRES_ONLY
def test_missing_postgresql_tools_are_named(fresh_database_url, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump, no pg_restore
    monkeypatch.setattr(backup, "DEBIAN_CLIENTS_DIR", tmp_path / "no-versioned-clients")
    dumped = cli("db", "backup", str(tmp_path / "precinct.backup"))
    assert dumped.exit_code == 2
    assert "pg_dump is not installed or not on PATH" in dumped.output
    (tmp_path / "some.backup").write_bytes(b"PGDMP")
    restore = cli("db", "restore", "--force", str(tmp_path / "some.backup"))
    assert restore.exit_code == 2
    assert "pg_restore is not installed or not on PATH" in restore.output


def _server_major(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        major = int(conn.scalar(text("SHOW server_version_num"))) // 10000
    engine.dispose()
    return major


def _client_saying(directory, program: str, version: str):
    """A ``program`` that says it is of ``version`` and otherwise runs the real one."""
    real = shutil.which(program)
    if real is None:
        pytest.skip(f"{program} is not installed (Debian: postgresql-client)")
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / program
    script.write_text(f'#!/bin/sh\nif [ "$1" = --version ]; then echo "{program} (PostgreSQL) {version}"; exit 0; fi\n'
                      f'exec {real} "$@"\n')
    script.chmod(0o755)
    return script


@POSTGRES_ONLY
def test_an_older_pg_dump_is_refused_and_the_server_version_found(fresh_database_url, cli, tmp_path, monkeypatch):
    """pg_dump refuses a newer server; Debian's /usr/lib/postgresql/<major>/bin is looked in before giving up."""
    major = _server_major(fresh_database_url)
    _client_saying(tmp_path / "old", "pg_dump", "9.6.24")
    monkeypatch.setenv("PATH", f"{tmp_path / 'old'}:/usr/bin:/bin")
    monkeypatch.setattr(backup, "DEBIAN_CLIENTS_DIR", tmp_path / "lib")
    refused = cli("db", "backup", str(tmp_path / "old.backup"))
    assert refused.exit_code == 2
    assert f"pg_dump 9 ({tmp_path / 'old' / 'pg_dump'}) cannot back up a PostgreSQL {major} server" in refused.output
    assert f"postgresql-client-{major}" in refused.output
    assert not (tmp_path / "old.backup").exists()
    _client_saying(tmp_path / "lib" / str(major) / "bin", "pg_dump", f"{major}.1")
    written = cli("db", "backup", str(tmp_path / "matching.backup"))
    assert written.exit_code == 0, written.output
    assert "newer" not in written.output


@POSTGRES_ONLY
def test_a_newer_pg_dump_backs_up_and_says_what_restores_it(fresh_database_url, cli, tmp_path, monkeypatch):
    _client_saying(tmp_path / "new", "pg_dump", "99.1")
    monkeypatch.setenv("PATH", f"{tmp_path / 'new'}:/usr/bin:/bin")
    monkeypatch.setattr(backup, "DEBIAN_CLIENTS_DIR", tmp_path / "lib")
    result = cli("db", "backup", str(tmp_path / "newer.backup"))
    assert result.exit_code == 0, result.output
    assert f"a pg_dump newer than the server ({_server_major(fresh_database_url)}) wrote it: only pg_restore 99 or " \
           "newer can restore it" in result.output


@POSTGRES_ONLY
def test_an_archive_from_a_newer_pg_dump_is_named_as_such(fresh_database_url, cli, tmp_path, monkeypatch):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian: postgresql-client)")
    archive = tmp_path / "precinct.backup"
    assert cli("db", "backup", str(archive)).exit_code == 0
    data = bytearray(archive.read_bytes())
    assert data[:5] == b"PGDMP"
    data[6] = 99  # the archive format's minor version: one this pg_restore has never heard of
    archive.write_bytes(bytes(data))
    with _another_database(fresh_database_url, tmp_path) as target:
        monkeypatch.setenv("PRECINCT_DATABASE_URL", target)
        result = cli("db", "restore", str(archive))
        assert result.exit_code == 2
        assert "was written by a newer pg_dump than pg_restore" in result.output
        assert _table_counts(target) == {}
