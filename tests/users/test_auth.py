"""Log-in: tokens, growing delays, the timed lock that strangers cannot tell apart, the second
factor, and the account state that every request reads."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import func, select

from precinct.app import create_app, session_factory
from precinct.core.db import make_engine
from precinct.core.errors import AuthenticationError, TooManyAttemptsError
from precinct.core.permissions import Role
from precinct.users import login as login_service
from precinct.users.models import AttemptOutcome, LoginAttempt, User
from testkit import PASSWORD, test_settings


def login(client, username, password, **extra):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password, **extra})


def audit_actions(client, auth, **params):
    log = client.get("/api/v1/audit", headers=auth(Role.AUDITOR), params={"page_size": 100, **params}).json()
    return [e["action"] for e in log["items"]]


def bearer(response):
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_login_issues_a_working_token(client):
    response = login(client, "dispatcher", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "dispatcher" and body["token_type"] == "bearer" and body["scope"] == "full"
    me = client.get("/api/v1/auth/me", headers=bearer(response))
    assert me.json()["username"] == "dispatcher" and me.json()["mfa_required"] is False


def test_wrong_password_and_unknown_user_look_the_same_and_are_audited(client, auth):
    wrong = login(client, "dispatcher", "not-the-password")
    unknown = login(client, "nobody-here", "whatever-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]
    assert audit_actions(client, auth, action="auth.login_failed") == ["auth.login_failed"] * 2
    login(client, "dispatcher", PASSWORD)
    assert "auth.login" in audit_actions(client, auth, actor="dispatcher")


def test_five_failures_lock_for_a_while_and_strangers_cannot_tell(client, auth, settings):
    signed_in = bearer(login(client, "analyst", PASSWORD))
    for attempt in range(5):
        assert login(client, "analyst", f"wrong-{attempt}-password").status_code == 401
    locked_wrong = login(client, "analyst", "wrong-again-password")
    unknown = login(client, "no-such-analyst", "wrong-again-password")
    assert locked_wrong.status_code == unknown.status_code == 401  # no 423 for whoever lacks the password
    assert locked_wrong.json()["error"] == unknown.json()["error"]
    notice = login(client, "analyst", PASSWORD)  # the right password learns why
    assert notice.status_code == 423 and notice.json()["error"]["code"] == "account_locked"
    assert "unlocks by itself" in notice.json()["error"]["message"]
    assert client.get("/api/v1/auth/me", headers=signed_in).status_code == 200  # signed-in sessions go on
    alerts = client.get("/api/v1/audit/alerts", headers=auth(Role.AUDITOR)).json()["items"]
    assert [a["action"] for a in alerts] == ["security.account_locked"]
    assert alerts[0]["detail"]["username"] == "analyst"

    assert client.post("/api/v1/users/analyst/unlock", headers=auth(Role.SUPERVISOR)).status_code == 403
    unlocked = client.post("/api/v1/users/analyst/unlock", headers=auth(Role.ADMIN))
    assert unlocked.status_code == 200 and unlocked.json()["locked_until"] is None
    assert login(client, "analyst", PASSWORD).status_code == 200
    assert login(client, "analyst", "wrong-again-password").status_code == 401  # earlier failures no longer count


def test_the_lock_lifts_by_itself(session, settings):
    now = datetime.now(UTC)
    for attempt in range(5):
        with contextlib.suppress(AuthenticationError):
            login_service.authenticate(session, username="analyst", password=f"wrong-{attempt}", ip="10.0.0.9",
                                       settings=settings, now=now)
    until = session.scalar(select(User.locked_until).where(User.username == "analyst"))
    assert until is not None and abs((until - now) - timedelta(minutes=settings.lockout_minutes)) < timedelta(seconds=1)
    session.rollback()
    later = now + timedelta(minutes=settings.lockout_minutes, seconds=1)
    issued = login_service.authenticate(session, username="analyst", password=PASSWORD, ip="10.0.0.9",
                                        settings=settings, now=later)
    assert issued.user.username == "analyst"


def test_failures_come_with_growing_delays_for_any_name(database, session_factory):
    from fastapi.testclient import TestClient

    app = create_app(test_settings(database[2], login_backoff_base_s=30.0), session_factory=session_factory)
    with TestClient(app) as client:
        for name in ("dispatcher", "nobody-at-all"):
            answers = [login(client, name, "wrong-password") for _ in range(4)]
            assert [a.status_code for a in answers] == [401, 401, 401, 429]  # three free, then wait
            assert 1 <= int(answers[3].headers["retry-after"]) <= 30
            assert answers[3].json()["error"]["code"] == "too_many_attempts"
        assert login(client, "dispatcher", PASSWORD).status_code == 429  # not even the right password is checked


def test_one_address_is_slowed_down_across_account_names(session, settings):
    now = datetime.now(UTC)
    throttled = 0
    for name in [f"guess-{i}" for i in range(12)]:
        try:
            login_service.authenticate(session, username=name, password="x" * 12, ip="198.51.100.7",
                                       settings=settings.model_copy(update={"login_backoff_base_s": 5.0}), now=now)
        except TooManyAttemptsError:
            throttled += 1
        except AuthenticationError:
            pass
    assert throttled == 2  # the 11th and 12th attempt from that address wait
    assert session.scalar(select(func.count()).where(LoginAttempt.outcome == AttemptOutcome.THROTTLED)) == 2


def test_concurrent_wrong_passwords_check_no_more_than_the_limit(fresh_database_url, cli, monkeypatch):
    assert cli("user", "add", "target", "--role", "analyst", input="the-right-password\n").exit_code == 0
    checked = []
    real_check = login_service.verify_password
    monkeypatch.setattr(login_service, "verify_password",
                        lambda digest, password: (digest != login_service._DUMMY_HASH and checked.append(password))
                        or real_check(digest, password))
    engine = make_engine(fresh_database_url)
    factory = session_factory(engine)
    settings = test_settings(fresh_database_url, login_backoff_base_s=30.0)
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def attempt(i):
        barrier.wait()
        with factory() as session:
            try:
                login_service.authenticate(session, username="target", password=f"wrong-{i}-password", ip=None,
                                           settings=settings)
                outcomes.append("ok")
            except (AuthenticationError, TooManyAttemptsError) as exc:
                outcomes.append(exc.code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with factory() as session:
        failed = session.scalar(select(func.count()).where(LoginAttempt.outcome == AttemptOutcome.FAILED))
        assert failed == len(checked)
    # the guesses registered one after another: three free ones were checked, the rest had to wait
    assert len(checked) == 3 and sorted(outcomes) == ["authentication_failed"] * 3 + ["too_many_attempts"] * 7
    engine.dispose()


def _enrol(client, username):
    token = bearer(login(client, username, PASSWORD))
    assert login(client, username, PASSWORD).json()["scope"] == "mfa_enrolment"
    assert client.get("/api/v1/incidents", headers=token).status_code == 403  # set up the second factor first
    enrolment = client.post("/api/v1/auth/mfa/enrol", headers=token).json()
    assert enrolment["uri"].startswith("otpauth://totp/") and "<svg" in enrolment["qr_svg"]
    totp = pyotp.TOTP(enrolment["secret"])
    bad = client.post("/api/v1/auth/mfa/confirm", headers=token, json={"code": "000000"})
    assert bad.status_code == 422
    done = client.post("/api/v1/auth/mfa/confirm", headers=token, json={"code": totp.now()}).json()
    assert len(done["recovery_codes"]) == 10 and done["token"]["scope"] == "full"
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401  # the enrolment token ended
    return totp, done


def test_supervisors_log_in_with_a_second_factor(client, auth):
    totp, done = _enrol(client, "supervisor")
    assert client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {done['token']['access_token']}"}
                      ).status_code == 200
    needs_code = login(client, "supervisor", PASSWORD)
    assert needs_code.status_code == 401 and needs_code.json()["error"]["code"] == "mfa_required"
    assert login(client, "supervisor", PASSWORD, otp="123456").status_code == 401
    code = totp.at(datetime.now(UTC) + timedelta(seconds=30))  # the next step: newer than the one confirmed
    assert login(client, "supervisor", PASSWORD, otp=code).status_code == 200
    assert login(client, "supervisor", PASSWORD, otp=code).status_code == 401  # a code works once
    recovery = done["recovery_codes"][0]
    assert login(client, "supervisor", PASSWORD, recovery_code=recovery.upper()).status_code == 200
    assert login(client, "supervisor", PASSWORD, recovery_code=recovery).status_code == 401
    assert login(client, "supervisor", "wrong-password", otp=totp.now()).status_code == 401

    reset = client.post("/api/v1/users/supervisor/mfa/reset", headers=auth(Role.ADMIN))
    assert reset.status_code == 200 and reset.json()["mfa_enrolled_at"] is None
    assert login(client, "supervisor", PASSWORD).json()["scope"] == "mfa_enrolment"
    alerts = [a["action"] for a in client.get("/api/v1/audit/alerts", headers=auth(Role.AUDITOR)).json()["items"]]
    assert "security.mfa_reset" in alerts and "security.mfa_enrolled" in alerts


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

    # disabling through the platform takes effect on the very next request
    assert client.post("/api/v1/users/dispatcher/disable", headers=auth(Role.ADMIN)).status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401

    # a change that bypasses the platform is seen once the remembered state expires
    analyst = auth(Role.ANALYST)
    assert client.get("/api/v1/auth/me", headers=analyst).status_code == 200
    connection.execute(text("UPDATE users SET is_active = false WHERE username = 'analyst'"))
    assert client.get("/api/v1/auth/me", headers=analyst).status_code == 200  # still remembered
    monkeypatch.setattr(users_service._accounts, "ttl_s", 0.0)
    assert client.get("/api/v1/auth/me", headers=analyst).status_code == 401
    event.remove(connection, "before_cursor_execute", count)
