"""Shared fixtures.

Database tests run twice: on SQLite and on PostgreSQL (``PRECINCT_TEST_DATABASE_URL``; ``make test``
sets it). Each run migrates a brand-new database with Alembic and seeds a small city; each test
runs inside a transaction that is rolled back, so tests never see each other's data.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from precinct.app import install_unit_of_work
from precinct.core import migrate
from precinct.core.db import make_engine
from precinct.core.permissions import Role
from precinct.core.security import create_access_token
from precinct.core.settings import Settings
from testkit import ADMIN_ACTOR, PASSWORD, TEST_SECRET, test_settings


def _square(lon0: float, lat0: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size],
                         [lon0, lat0]]],
    }


def seed(session: Session) -> dict:
    """A tiny city: 1 bureau, 2 districts, 2 stations (one per district), 2 beats, one user per role."""
    from precinct.incidents import service as incident_service
    from precinct.org import service as org_service
    from precinct.org.models import OrgTier
    from precinct.users import service as user_service

    incident_service.load_default_types(session)
    city = org_service.create_unit(session, code="C", name_zh="市局", name_en="City Bureau", tier=OrgTier.CITY,
                                   boundary_geojson=_square(114.0, 30.5, 0.2))
    west = org_service.create_unit(session, code="D1", name_zh="西区分局", name_en="West Branch", tier=OrgTier.DISTRICT,
                                   parent_id=city.id, boundary_geojson=_square(114.0, 30.5, 0.1))
    east = org_service.create_unit(session, code="D2", name_zh="东区分局", name_en="East Branch", tier=OrgTier.DISTRICT,
                                   parent_id=city.id, boundary_geojson=_square(114.1, 30.5, 0.1))
    west_station = org_service.create_unit(session, code="S1", name_zh="西区派出所", name_en="West Station",
                                           tier=OrgTier.STATION, parent_id=west.id,
                                           boundary_geojson=_square(114.0, 30.5, 0.1), lon=114.05, lat=30.55)
    east_station = org_service.create_unit(session, code="S2", name_zh="东区派出所", name_en="East Station",
                                           tier=OrgTier.STATION, parent_id=east.id,
                                           boundary_geojson=_square(114.1, 30.5, 0.1), lon=114.15, lat=30.55)
    beat = org_service.create_beat(session, code="B1", name_zh="西一警务区", name_en="West beat 1",
                                   station_id=west_station.id, boundary_geojson=_square(114.0, 30.5, 0.05))
    for role in Role:
        user_service.create(session, username=role.value.replace("_", "-"), password=PASSWORD, role=role,
                            actor=ADMIN_ACTOR, direct=True)
    session.commit()
    return {"city": city.id, "west": west.id, "east": east.id, "west_station": west_station.id,
            "east_station": east_station.id, "beat": beat.id}


def _postgres_url() -> str | None:
    return os.environ.get("PRECINCT_TEST_DATABASE_URL")


@contextlib.contextmanager
def scratch_database(backend: str, sqlite_path, *, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file at ``sqlite_path``, or a PostgreSQL database
    created on the server of ``PRECINCT_TEST_DATABASE_URL`` and dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_path}"
        return
    base = _postgres_url()
    if not base:
        if os.environ.get("CI"):
            pytest.fail("PRECINCT_TEST_DATABASE_URL must be set in CI: PostgreSQL tests may not be skipped")
        pytest.skip("PRECINCT_TEST_DATABASE_URL is not set")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


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


def token_for(role: Role) -> str:
    token, _ = create_access_token(
        username=role.value.replace("_", "-"), role=role, secret_key=TEST_SECRET,
        ttl=timedelta(hours=1), now=datetime.now(UTC),
    )
    return token


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
