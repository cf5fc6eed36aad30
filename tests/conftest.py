"""Shared fixtures.

Database tests run twice: on SQLite and on PostgreSQL (``PRECINCT_TEST_DATABASE_URL``; ``make test``
sets it). Each run migrates a brand-new database with Alembic and seeds a small city; each test
runs inside a transaction that is rolled back, so tests never see each other's data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from precinct.app import install_unit_of_work
from precinct.core import migrate
from precinct.core.db import make_engine
from precinct.core.settings import Settings
from testkit import scratch_database, seed, test_settings, token_for


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory) -> Iterator[tuple[Engine, dict, str]]:
    with scratch_database(request.param, tmp_path_factory.mktemp("db") / "precinct.db", prefix="precinct_test") as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with install_unit_of_work(sessionmaker(bind=engine, expire_on_commit=False))() as session:
            ids = seed(session)
        yield engine, ids, url
        engine.dispose()


@pytest.fixture
def ids(database) -> dict:
    return database[1]


@pytest.fixture
def connection(database):
    engine = database[0]
    conn = engine.connect()
    transaction = conn.begin()
    yield conn
    transaction.rollback()
    conn.close()
    from precinct.org import service as org_service

    org_service.invalidate_cache()  # also clears every other process-local cache


@pytest.fixture
def session_factory(connection) -> sessionmaker[Session]:
    return install_unit_of_work(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))


@pytest.fixture
def session(session_factory) -> Iterator[Session]:
    with session_factory() as s:
        yield s


@pytest.fixture
def settings(database) -> Settings:
    return test_settings(database[2])


@pytest.fixture
def app(settings, session_factory):
    from precinct.app import create_app

    return create_app(settings, session_factory=session_factory)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def auth():
    """``auth(Role.DISPATCHER)`` -> headers with a valid bearer token for that role's seeded user."""
    return lambda role: {"Authorization": f"Bearer {token_for(role)}"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    """An empty, migrated database of its own (for CLI commands, which commit), set as
    ``PRECINCT_DATABASE_URL``; dropped afterwards."""
    with scratch_database(request.param, tmp_path / "cli.db", prefix="precinct_cli") as url:
        monkeypatch.setenv("PRECINCT_DATABASE_URL", url)
        monkeypatch.setenv("PRECINCT_ENVIRONMENT", "development")
        monkeypatch.setenv("PRECINCT_AUDIT_CHECKPOINT_FILE", str(tmp_path / "audit-checkpoints.jsonl"))
        from typer.testing import CliRunner

        from precinct.cli.main import app

        result = CliRunner().invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        yield url


@pytest.fixture
def cli():
    """``cli("user", "add", ...)`` runs the real command line in-process and returns the result."""
    from typer.testing import CliRunner

    from precinct.cli.main import app

    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(app, list(args), input=input)
