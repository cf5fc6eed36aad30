"""Deadlines live in the database: a server started again records what passed while it was down."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from deadline_kit import call
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from precinct.app import create_app, session_factory
from precinct.core import migrate
from precinct.supervision.models import DeadlineBreach, IncidentDeadline
from testkit import scratch_database, test_settings


def _settings(url):
    """A server whose deadline sweep runs (it sweeps once at start, then every 15 s)."""
    return test_settings(url, deadline_sweep_enabled=True)


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


def _serve_until(url, factory, incident_id):
    """Start a server, wait (at most 10 s) for its first sweep to record the incident's breach, stop it."""
    app = create_app(_settings(url))
    try:
        with TestClient(app):
            deadline = time.monotonic() + 10
            while _breached(factory, incident_id) == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        app.state.engine.dispose()


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

        _serve_until(url, factory, overdue)
        assert (_breached(factory, overdue), _breached(factory, near)) == (1, 0)

        with factory() as session:  # the server is down while a minute passes for the near one
            for deadline in session.scalars(select(IncidentDeadline).where(IncidentDeadline.incident_id == near)):
                deadline.deadline_at -= timedelta(minutes=1)
                deadline.warn_at -= timedelta(minutes=1)
            session.commit()

        _serve_until(url, factory, near)
        assert (_breached(factory, overdue), _breached(factory, near)) == (1, 1)  # the first not again
        factory.kw["bind"].dispose()
