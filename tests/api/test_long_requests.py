"""Long requests beside a stream of intakes on SQLite, the embedded default.

Reads take no write lock and long work holds no transaction, so calls keep being stored while an
analysis runs. The engine here waits at most one second for the write lock (the server waits ten):
a request that held the lock for the 2.5 s of its work would make the intakes beside it fail.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from precinct.app import create_app, session_factory
from precinct.core import migrate
from precinct.core.db import make_engine, read_only_session, utcnow
from precinct.core.errors import ConfigurationError
from precinct.core.permissions import Role
from precinct.forecasts import service as forecast_service
from precinct.forecasts.models import StoredForecast
from precinct.incidents import service as incident_service
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR, seed, test_settings, token_for

WORK_S = 2.5
INTAKES = 12


@pytest.fixture
def city(tmp_path):
    """A seeded SQLite file with 60 days of history, and a session factory whose writers wait 1 s at most."""
    url = f"sqlite:///{tmp_path / 'city.db'}"
    migrate.upgrade(url)
    factory = session_factory(make_engine(url, sqlite_busy_timeout_ms=1000))
    with factory() as session:
        seed(session)
        now = utcnow()
        for day in range(1, 61):
            for k in range(3):
                incident_service.create(session, IncidentCreate(
                    source="phone_110", type_code="theft", lon=114.02 + 0.01 * k, lat=30.52,
                    received_at=now - timedelta(days=day, hours=k)), actor=ADMIN_ACTOR)
        session.commit()
    return url, factory


def _slowly(monkeypatch, module, name):
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(WORK_S)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def _intakes(client, answers):
    headers = {"Authorization": f"Bearer {token_for(Role.CALL_TAKER)}"}
    for i in range(INTAKES):
        answers.append(client.post("/api/v1/intake", headers=headers, json={
            "source": "phone_110", "type_code": "noise", "lon": 114.03, "lat": 30.53 + i * 1e-4}).status_code)
        time.sleep(WORK_S / INTAKES)


def _side_by_side(client, long_requests):
    """Run ``long_requests`` (callables) and a stream of intakes at once; return the intakes' statuses."""
    answers: list[int] = []
    threads = [threading.Thread(target=call) for call in long_requests]
    threads.append(threading.Thread(target=_intakes, args=(client, answers)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _count(factory, model):
    with read_only_session(factory) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_long_read_does_not_stall_intake(city, monkeypatch):
    url, factory = city
    _slowly(monkeypatch, forecast_service, "repeat_call_places")  # work done while its read is open
    before = _count(factory, Incident)
    headers = {"Authorization": f"Bearer {token_for(Role.ANALYST)}"}
    with TestClient(create_app(test_settings(url), session_factory=factory)) as client:
        long_answer: list[int] = []
        answers = _side_by_side(client, [lambda: long_answer.append(
            client.get("/api/v1/analysis/repeat-places", headers=headers, params={"min_calls": 2}).status_code)])
    assert long_answer == [200]
    assert answers == [201] * INTAKES
    assert _count(factory, Incident) == before + INTAKES


def test_simultaneous_forecasts_are_all_stored_while_calls_come_in(city, monkeypatch):
    url, factory = city
    _slowly(monkeypatch, forecast_service, "forecast_next_day")  # the model runs outside any transaction
    headers = {"Authorization": f"Bearer {token_for(Role.ANALYST)}"}
    started: list[int] = []
    with TestClient(create_app(test_settings(url), session_factory=factory)) as client:
        def forecast():
            started.append(client.post("/api/v1/analysis/forecasts", headers=headers,
                                       json={"method": "naive_28d"}).status_code)

        answers = _side_by_side(client, [forecast] * 4)
    assert started == [202] * 4
    assert answers == [201] * INTAKES
    assert _count(factory, StoredForecast) == 4


def test_a_read_only_session_refuses_to_write(session_factory):
    with read_only_session(session_factory) as session, pytest.raises(ConfigurationError, match="read-only"):
        session.add(Incident(source="phone_110", type_code="noise", lon=114.0, lat=30.5))
        session.flush()


def test_a_read_does_not_make_a_writer_wait(city):
    _url, factory = city
    with read_only_session(factory) as reader:
        reader.scalar(select(func.count()).select_from(Incident))  # its transaction is open now
        assert reader.in_transaction()
        with factory() as writer:  # with the write lock held by the reader this would fail after 1 s
            created = incident_service.create(writer, IncidentCreate(source="phone_110", type_code="noise",
                                                                     lon=114.0, lat=30.5), actor=ADMIN_ACTOR)
            writer.commit()
        assert created.id is not None
