"""Regressions for defects found in review: each test failed before its fix."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from testkit import ADMIN_ACTOR
from precinct.audit import service as audit_service
from precinct.core.db import make_engine, make_session_factory
from precinct.core.errors import AccountLockedError, AuthenticationError
from precinct.core.security import Role
from precinct.core.settings import Settings
from precinct.users import service as user_service
from precinct.users.models import LoginFailure

import precinct.core.unit_of_work  # noqa: F401


def test_a_long_chinese_description_is_stored_and_can_be_worked(client, auth):
    """PostgreSQL refuses NOTIFY payloads over 8000 bytes; live events carry a shortened text."""
    headers = auth(Role.DISPATCHER)
    long_text = "嫌疑人身穿黑色外套" * 400  # 3,600 characters, about 10,800 bytes
    created = client.post("/api/v1/incidents", headers=headers, json={
        "source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52, "description": long_text})
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()["description"] == long_text
    closed = client.post(f"/api/v1/incidents/{incident_id}/transitions", headers=headers,
                         json={"status": "closed", "disposition": "resolved"})
    assert closed.status_code == 200


def test_concurrent_wrong_passwords_check_no_more_than_the_limit(fresh_database_url, cli):
    assert cli("user", "add", "target", "--role", "analyst", input="the-right-password\n").exit_code == 0
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    settings = Settings(environment="test", database_url=fresh_database_url, secret_key="s" * 40)
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def attempt(i):
        barrier.wait()
        with factory() as session:
            try:
                user_service.authenticate(session, username="target", password=f"wrong-{i}-password", ip=None,
                                          settings=settings)
                outcomes.append("ok")
            except AccountLockedError:
                outcomes.append("locked")
            except AuthenticationError:
                outcomes.append("wrong")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with factory() as session:
        failures = session.scalar(select(func.count(LoginFailure.id)))
        assert failures == settings.lockout_failures
        assert user_service.get_by_username(session, "target").locked_at is not None
    assert sorted(outcomes) == ["locked"] * 6 + ["wrong"] * 4
    engine.dispose()


def test_verify_never_raises_a_false_alarm_while_others_write(fresh_database_url):
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            with factory() as session:
                audit_service.record(session, actor=ADMIN_ACTOR, action="test.write", resource_type="thing")
                session.commit()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        results = []
        for _ in range(40):
            with factory() as session:
                results.append(audit_service.verify(session))
                session.rollback()
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
    assert results[-1].entries > 0
    engine.dispose()
