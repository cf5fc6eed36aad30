"""Constants and helpers shared by tests (import from here, not from conftest)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from precinct.core.permissions import Role
from precinct.core.security import Actor, create_access_token
from precinct.core.settings import Settings

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
TEST_AUDIT_KEY = "test-audit-key-0123456789-abcdefghijklmnopq"
PASSWORD = "correct-horse-battery"
ADMIN_ACTOR = Actor(username="tester", role=Role.ADMIN, ip="127.0.0.1")
NO_CHECKPOINT_FILE = Path(tempfile.gettempdir()) / "precinct-tests-no-audit-checkpoints.jsonl"


def test_settings(database_url: str, **overrides: Any) -> Settings:
    """Return settings for a test app.

    The background jobs that would write to the test's database on their own (watchdog, deadline
    and directive sweeps, forecast scheduler, drill ticker, audit checkpoints) or read it while the
    test sets it up (the address-index preload) and the delays
    between failed log-ins are off unless a test turns them on; the checkpoint file is one no test
    writes unless it names its own.
    """
    return Settings(**({"environment": "test", "database_url": database_url, "secret_key": TEST_SECRET,
                        "audit_key": TEST_AUDIT_KEY, "audit_checkpoint_interval_s": 0.0,
                        "audit_checkpoint_file": NO_CHECKPOINT_FILE,
                        "watchdog_enabled": False, "forecast_scheduler_enabled": False,
                        "drill_ticker_enabled": False, "deadline_sweep_enabled": False,
                        "directive_sweep_enabled": False, "hazard_sweep_enabled": False,
                        "case_sweep_enabled": False, "preload_addresses": False,
                        "login_backoff_base_s": 0.0} | overrides))


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test for pytest to collect


def bearer_for(username: str, role: Role) -> dict[str, str]:
    """Headers with a valid bearer token for the account ``username`` (its role as given)."""
    token, _ = create_access_token(username=username, role=role, secret_key=TEST_SECRET, ttl=timedelta(hours=1),
                                   now=datetime.now(UTC))
    return {"Authorization": f"Bearer {token}"}


def crew(session, username: str, unit_id: int) -> None:
    """Put the account ``username`` on the crew of unit ``unit_id`` (and commit)."""
    from precinct.users import service as user_service
    from precinct.users.models import User

    session.get(User, user_service.get_by_username(session, username).id).unit_id = unit_id
    session.commit()


def _square(lon0: float, lat0: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size],
                         [lon0, lat0]]],
    }


def seed(session: Session) -> dict:
    """A tiny city: 1 bureau, 2 districts, 2 stations (one per district), 2 beats, one user per role (at the bureau)."""
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
                            actor=ADMIN_ACTOR, org_unit_id=city.id, direct=True)
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



def token_for(role: Role) -> str:
    token, _ = create_access_token(
        username=role.value.replace("_", "-"), role=role, secret_key=TEST_SECRET,
        ttl=timedelta(hours=1), now=datetime.now(UTC),
    )
    return token


def run_together(functions: list[Callable[[], Any]]) -> list[Any]:
    """Run each function on a thread of its own, all released at once; each one's result or exception, in order."""
    barrier = threading.Barrier(len(functions))
    results: list[Any] = [None] * len(functions)

    def run(i: int, fn: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:  # collected and asserted on by the caller
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
