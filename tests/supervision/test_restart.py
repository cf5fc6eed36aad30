"""Deadlines live in the database: a server killed (SIGKILL, no shutdown of any kind) and started again
records what fell due while it was down, and nothing twice."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import pytest
from deadline_kit import call
from sqlalchemy import func, select

from precinct.app import session_factory
from precinct.core import migrate
from precinct.supervision.models import DeadlineBreach, IncidentDeadline
from testkit import TEST_AUDIT_KEY, TEST_SECRET, scratch_database

AREA = {"type": "Polygon", "coordinates": [[[114.0, 30.5], [114.2, 30.5], [114.2, 30.7], [114.0, 30.7], [114.0, 30.5]]]}


def _city(session):
    """The incident types and one station of one district (no accounts: the sweep needs none)."""
    from precinct.incidents import service as incident_service
    from precinct.org import service as org_service
    from precinct.org.models import OrgTier

    incident_service.load_default_types(session)
    parent_id = None
    for code, tier in (("C", OrgTier.CITY), ("D1", OrgTier.DISTRICT), ("S1", OrgTier.STATION)):
        parent_id = org_service.create_unit(session, code=code, name_zh=code, name_en=code, tier=tier,
                                            parent_id=parent_id, boundary_geojson=AREA).id


def _breached(factory, incident_id):
    with factory() as session:
        return session.scalar(select(func.count()).select_from(DeadlineBreach)
                              .where(DeadlineBreach.incident_id == incident_id))


def _start(url, log_path):
    """Start ``uvicorn precinct.app:create_app --factory`` on ``url`` (its deadline sweep runs at start, then
    every 15 s; the jobs this test does not need are off) and wait until it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PRECINCT_DATABASE_URL": url, "PRECINCT_ENVIRONMENT": "test",
           "PRECINCT_SECRET_KEY": TEST_SECRET, "PRECINCT_AUDIT_KEY": TEST_AUDIT_KEY,
           "PRECINCT_DEADLINE_SWEEP_ENABLED": "true", "PRECINCT_FORECAST_SCHEDULER_ENABLED": "false",
           "PRECINCT_DRILL_TICKER_ENABLED": "false", "PRECINCT_PRELOAD_ROADS": "false",
           "PRECINCT_AUDIT_CHECKPOINT_INTERVAL_S": "0"}
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "precinct.app:create_app", "--factory",
                                    "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the server did not start: {log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def _serve_until_killed(url, factory, incident_id, log_path):
    """Start a server, wait (at most 20 s) for its sweep to record the incident's breach, then SIGKILL it."""
    process = _start(url, log_path)
    try:
        deadline = time.monotonic() + 20
        while _breached(factory, incident_id) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.kill()  # SIGKILL: no lifespan shutdown, no job stopped cleanly
        process.wait(timeout=10)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_breaches_that_fell_due_while_the_server_was_down_are_recorded_when_it_starts(backend, tmp_path):
    with scratch_database(backend, tmp_path / "restart.db", prefix="precinct_restart") as url:
        migrate.upgrade(url)
        factory = session_factory(url)
        with factory() as session:
            _city(session)
            overdue = call(session, priority=1, ago_s=90).id  # past its dispatch limit already
            near = call(session, priority=1, ago_s=40).id  # 20 s left
            session.commit()

        log_path = tmp_path / "server.log"
        _serve_until_killed(url, factory, overdue, log_path)
        assert (_breached(factory, overdue), _breached(factory, near)) == (1, 0)  # 20 s left when it was killed

        with factory() as session:  # the server is down while a minute passes for the near one
            for deadline in session.scalars(select(IncidentDeadline).where(IncidentDeadline.incident_id == near)):
                deadline.deadline_at -= timedelta(minutes=1)
                deadline.warn_at -= timedelta(minutes=1)
            session.commit()

        _serve_until_killed(url, factory, near, log_path)
        assert (_breached(factory, overdue), _breached(factory, near)) == (1, 1)  # the first not again
        factory.kw["bind"].dispose()
