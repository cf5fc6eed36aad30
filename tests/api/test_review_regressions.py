"""Regressions for defects found in review: each test failed before its fix."""

from __future__ import annotations

from testkit import test_settings

import threading

import pytest

from sqlalchemy import func, select

from testkit import ADMIN_ACTOR
from precinct.audit import service as audit_service
from precinct.core.db import make_engine
from precinct.app import session_factory
from precinct.core.errors import AccountLockedError, AuthenticationError
from precinct.core.permissions import Role
from precinct.users import service as user_service
from precinct.users.models import LoginFailure


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
    factory = session_factory(engine)
    settings = test_settings(fresh_database_url)
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
    factory = session_factory(engine)
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


def test_future_dated_positions_are_refused(client, auth):
    headers = auth(Role.DISPATCHER)
    unit = client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
        "call_sign": "CLK-1", "unit_type": "patrol_car", "status": "available"}).json()
    future = client.post(f"/api/v1/units/{unit['id']}/positions", headers=headers,
                         json={"lon": 114.0, "lat": 30.5, "at": "2031-01-01T00:00:00Z"})
    assert future.status_code == 422 and "future" in future.json()["error"]["message"]
    batch = client.post("/api/v1/unit-positions", headers=headers, json={"reports": [
        {"unit_id": unit["id"], "lon": 114.0, "lat": 30.5, "at": "2031-01-01T00:00:00Z"}]})
    assert batch.status_code == 422
    assert client.post(f"/api/v1/units/{unit['id']}/positions", headers=headers, json={"lon": 114.01, "lat": 30.51}).status_code == 204


def test_bad_references_and_plan_entries_are_4xx_not_500(client, auth):
    admin = auth(Role.ADMIN)
    user = client.post("/api/v1/users", headers=admin, json={"username": "nostation", "password": "long-enough-pass",
                                                              "role": "analyst", "station_id": 999999})
    assert user.status_code == 422 and "station_id" in user.json()["error"]["message"]
    long_name = client.post("/api/v1/users", headers=admin, json={"username": "longname", "password": "long-enough-pass",
                                                                   "role": "analyst", "display_name": "x" * 200})
    assert long_name.status_code == 422
    for entry in ({"count": 1}, {"unit_type": "patrol_car", "count": "two"}):
        plan = client.post("/api/v1/response-plans", headers=admin, json={"type_code": "theft", "unit_types": [entry]})
        assert plan.status_code == 422, plan.text


def test_attaching_a_duplicate_is_audited_with_both_ids(client, auth):
    headers = auth(Role.DISPATCHER)
    body = {"source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52}
    first = client.post("/api/v1/incidents", headers=headers, json=body).json()
    second = client.post("/api/v1/incidents", headers=headers, json=body).json()
    assert client.post(f"/api/v1/incidents/{second['id']}/duplicate-of", headers=headers,
                       json={"original_id": first["id"]}).status_code == 200
    log = client.get("/api/v1/audit", headers=auth(Role.AUDITOR), params={"action": "incident.duplicate_of"}).json()
    assert [(e["resource_id"], e["detail"]["original_id"]) for e in log["items"]] == [(str(second["id"]), first["id"])]


def test_a_clear_during_a_load_is_not_undone():
    from precinct.core.cache import TTLCache

    cache = TTLCache[int](ttl_s=60)

    def slow_load():
        cache.clear()  # a write lands while the old value is being read
        return 1

    assert cache.get_or_load("k", slow_load) == 1
    assert cache.get_or_load("k", lambda: 2) == 2  # the stale load was not kept


def test_demo_load_leaves_existing_accounts_alone(fresh_database_url, cli, tmp_path):
    assert cli("user", "add", "admin", "--role", "admin", input="the-real-admin-password\n").exit_code == 0
    loaded = cli("demo", "load", "--credentials-file", str(tmp_path / "c.json"), "--history-days", "0")
    assert loaded.exit_code == 0, loaded.output
    assert "password unchanged" in loaded.output
    import json

    assert "admin" not in {a["username"] for a in json.loads((tmp_path / "c.json").read_text())}
    engine = make_engine(fresh_database_url)
    with session_factory(engine)() as session:
        from precinct.core.security import verify_password

        assert verify_password(user_service.get_by_username(session, "admin").password_hash, "the-real-admin-password")
    engine.dispose()


def test_a_deadlock_between_concurrent_changes_is_a_retryable_conflict(client, auth, monkeypatch):
    """PostgreSQL aborts one of two transactions that lock the same rows in opposite orders; the
    client gets 409 (retry), not 500, wherever the abort surfaces."""
    from sqlalchemy.exc import OperationalError

    from precinct.core.db import conflicts_as_domain_errors, is_concurrency_failure

    class Deadlock(Exception):
        sqlstate = "40P01"

    aborted = OperationalError("UPDATE assignments ...", {}, Deadlock("deadlock detected"))
    assert is_concurrency_failure(aborted)

    @conflicts_as_domain_errors
    def change():
        raise aborted

    from precinct.core.errors import ConflictError

    with pytest.raises(ConflictError):
        change()
    from precinct.incidents import service as incident_service

    def deadlocked(*_args, **_kwargs):
        raise aborted

    monkeypatch.setattr(incident_service, "list_", deadlocked)
    response = client.get("/api/v1/incidents", headers=auth(Role.DISPATCHER))
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
