"""Log-in, tokens, lockout after repeated failures, unlocking, and default-secret refusal."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from precinct.app import session_factory
from precinct.core.db import make_engine
from precinct.core.errors import (
    AccountLockedError,
    AuthenticationError,
)
from precinct.core.permissions import Role
from precinct.users import service as user_service
from precinct.users.models import LoginFailure
from testkit import PASSWORD, test_settings


def login(client, username, password):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def audit_actions(client, auth, **params):
    log = client.get("/api/v1/audit", headers=auth(Role.AUDITOR), params={"page_size": 100, **params}).json()
    return [e["action"] for e in log["items"]]


def test_login_issues_a_working_token(client):
    response = login(client, "dispatcher", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "dispatcher" and body["token_type"] == "bearer"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == "dispatcher"


def test_wrong_password_and_unknown_user_look_the_same_and_are_audited(client, auth):
    wrong = login(client, "dispatcher", "not-the-password")
    unknown = login(client, "nobody-here", "whatever-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
    assert audit_actions(client, auth, action="auth.login_failed") == ["auth.login_failed"] * 2
    login(client, "dispatcher", PASSWORD)
    assert "auth.login" in audit_actions(client, auth, actor="dispatcher")


def test_five_failures_lock_until_an_admin_unlocks(client, auth):
    for attempt in range(4):
        assert login(client, "analyst", f"wrong-{attempt}-password").status_code == 401
    fifth = login(client, "analyst", "wrong-5-password")
    assert fifth.status_code == 423
    assert fifth.json()["error"]["code"] == "account_locked"
    assert login(client, "analyst", PASSWORD).status_code == 423  # even the right password
    locked_token = client.get("/api/v1/auth/me", headers=auth(Role.ANALYST))
    assert locked_token.status_code == 401  # an existing token stops working too

    assert client.post("/api/v1/users/analyst/unlock", headers=auth(Role.SUPERVISOR)).status_code == 403
    unlocked = client.post("/api/v1/users/analyst/unlock", headers=auth(Role.ADMIN))
    assert unlocked.status_code == 200 and unlocked.json()["locked_at"] is None
    assert login(client, "analyst", PASSWORD).status_code == 200
    # the failures before the unlock no longer count
    assert login(client, "analyst", "wrong-again-password").status_code == 401
    assert "user.unlock" in audit_actions(client, auth, action="user.unlock")


def test_failures_outside_the_window_do_not_count(session, settings):
    from precinct.core.errors import AuthenticationError
    from precinct.users import service
    from precinct.users.models import LoginFailure

    user = service.get_by_username(session, "auditor")
    old = datetime.now(UTC) - timedelta(minutes=settings.lockout_window_minutes + 1)
    user.failures_reset_at = old - timedelta(minutes=1)
    session.add_all([LoginFailure(user_id=user.id, at=old, ip=None) for _ in range(4)])
    session.flush()
    with pytest.raises(AuthenticationError, match="incorrect"):
        service.authenticate(session, username="auditor", password="wrong-password", ip=None, settings=settings)
    assert service.get_by_username(session, "auditor").locked_at is None


def test_admin_creates_users_with_strong_passwords(client, auth):
    short = client.post("/api/v1/users", headers=auth(Role.ADMIN),
                        json={"username": "newbie", "password": "short", "role": "analyst"})
    assert short.status_code == 422
    created = client.post("/api/v1/users", headers=auth(Role.ADMIN),
                          json={"username": "newbie", "password": "long-enough-pass", "role": "analyst"})
    assert created.status_code == 201 and "password" not in created.text
    again = client.post("/api/v1/users", headers=auth(Role.ADMIN),
                        json={"username": "newbie", "password": "long-enough-pass", "role": "analyst"})
    assert again.status_code == 409


def test_account_state_is_read_once_per_interval_and_dropped_on_change(client, auth, connection, monkeypatch):
    """Hot paths do not read the account on every request, but a change made through the
    platform is seen at once, and one made behind its back within ACCOUNT_CACHE_S."""
    from sqlalchemy import event, text

    from precinct.users import service as users_service

    reads = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM users" in statement:
            reads.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    headers = auth(Role.DISPATCHER)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    first = len(reads)
    assert first >= 1
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert len(reads) - first == first - 1  # /auth/me reads the user itself; the check did not

    # a lock through the platform (five failed log-ins) takes effect on the very next request
    for _ in range(5):
        login(client, "dispatcher", "wrong-password")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401

    # a change that bypasses the platform is seen once the remembered state expires
    analyst = auth(Role.ANALYST)
    assert client.get("/api/v1/auth/me", headers=analyst).status_code == 200
    connection.execute(text("UPDATE users SET is_active = false WHERE username = 'analyst'"))
    assert client.get("/api/v1/auth/me", headers=analyst).status_code == 200  # still remembered
    monkeypatch.setattr(users_service._accounts, "ttl_s", 0.0)
    assert client.get("/api/v1/auth/me", headers=analyst).status_code == 401
    event.remove(connection, "before_cursor_execute", count)


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
