"""Signing in: password, second factor, growing delays, a lock that lifts by itself, and enrolment.

An attempt runs in three steps so that no transaction is open while a password is hashed (argon2
takes tens of milliseconds, and on SQLite an open write transaction stops every other writer):

1. a short transaction registers the attempt as *pending* and reads the account. Attempts for one
   account name are registered one after another (a row lock, or an advisory lock for names that
   are no account), and failed and pending attempts count, so concurrent guesses cannot check
   more passwords than the limit allows. An attempt that comes too soon is refused with 429
   before any password is checked (``users.throttle``);
2. the password (and the second factor) are checked outside any transaction;
3. a short transaction records the outcome: a failure counts towards the timed lock
   (``PRECINCT_LOCKOUT_FAILURES`` within ``PRECINCT_LOCKOUT_WINDOW_MINUTES`` lock new log-ins for
   ``PRECINCT_LOCKOUT_MINUTES``; the sessions already signed in go on), the lock and the address
   throttling raise an alert for auditors, and everything is audited.

To anyone who has not given the right password, a locked, disabled, unknown or awaiting-approval
account answers exactly like a wrong password. Only the right password learns that the account
is locked (and until when) or waits for approval.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.errors import (
    AccountLockedError,
    AuthenticationError,
    ConflictError,
    SecondFactorRequiredError,
    TooManyAttemptsError,
    ValidationError,
)
from precinct.core.i18n import texts
from precinct.core.security import (
    ENROLMENT_SCOPE,
    FULL_SCOPE,
    Actor,
    create_access_token,
    hash_password,
    verify_password,
)
from precinct.core.settings import Settings
from precinct.users import mfa, throttle
from precinct.users import service as account_service
from precinct.users.models import AttemptOutcome, LoginAttempt, RecoveryCode, User

WRONG = "incorrect username or password"
_DUMMY_HASH = hash_password("not-a-real-password-0000")
COUNTED = (AttemptOutcome.PENDING, AttemptOutcome.FAILED)


@dataclass(frozen=True)
class IssuedToken:
    """An access token issued at log-in, when it expires, its scope, and its account."""

    access_token: str
    expires_at: datetime
    scope: str
    user: User


@dataclass(frozen=True)
class _Registered:
    attempt_id: int | None  # None: throttled
    user: User | None
    wait_s: float = 0.0


def authenticate(
    session: Session, *, username: str, password: str, ip: str | None, settings: Settings,
    otp: str | None = None, recovery_code: str | None = None, now: datetime | None = None,
) -> IssuedToken:
    """Check a log-in and issue a token (``session`` must have no transaction open).

    Raises
    ------
    TooManyAttemptsError
        If the attempt comes too soon after failed ones (429, with when to retry).
    AuthenticationError
        For a wrong password or code, and for any account that may not log in, alike.
    AccountLockedError, SecondFactorRequiredError
        Only after the right password: the account is locked, or its role needs a second factor.
    """
    now = now or utcnow()
    username = username.strip()[:64]
    with session.begin():
        registered = _register(session, username, ip, settings, now)
    if registered.attempt_id is None:
        raise TooManyAttemptsError(texts.said("auth.too_many", wait=f"{registered.wait_s:.0f}"),
                                   retry_after_s=registered.wait_s)
    user = registered.user
    password_ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)  # same cost either way
    step = None
    if password_ok and user is not None and otp and user.mfa_secret and user.mfa_enrolled_at is not None:
        secret = mfa.unseal(user.mfa_secret, secret_key=settings.secret_key)
        step = mfa.matching_step(secret, otp, now=now, last_step=user.mfa_last_step)
    with session.begin():
        outcome = _decide(session, registered, password_ok, step, otp, recovery_code, settings, now)
        issued = _record(session, registered.attempt_id, username, ip, settings, now, outcome)
    if isinstance(outcome, AuthenticationError):
        raise outcome
    assert issued is not None
    return issued


def _register(session: Session, username: str, ip: str | None, settings: Settings, now: datetime) -> _Registered:
    if session.get_bind().dialect.name == "postgresql":  # one account name at a time, existing or not
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(username.lower().encode())})
    counts = _recent(session, username, ip, settings, now)
    wait_s = throttle.retry_after_s(counts, now, base_s=settings.login_backoff_base_s)
    if wait_s > 0:
        session.add(LoginAttempt(username=username, ip=ip, at=now, outcome=AttemptOutcome.THROTTLED))
        return _Registered(None, None, wait_s)
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and counts.account_pending and counts.account_failures >= settings.lockout_failures:
        user = None  # the limit's worth of passwords is being checked right now: this one is not
    attempt = LoginAttempt(username=username, ip=ip, at=now, outcome=AttemptOutcome.PENDING)
    session.add(attempt)
    session.flush()
    if user is not None:
        session.expunge(user)  # read outside the transaction while the password is checked
    return _Registered(attempt.id, user)


def _recent(session: Session, username: str, ip: str | None, settings: Settings, now: datetime
            ) -> throttle.AttemptCounts:
    """Count the attempts that count in the window, for the account name and for the address.

    For the account name only those since its last success or unlock.
    """
    window_start = now - timedelta(minutes=settings.lockout_window_minutes)
    reset = session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.at >= window_start,
        LoginAttempt.outcome.in_([AttemptOutcome.SUCCEEDED, AttemptOutcome.RESET])))
    account_since = LoginAttempt.at > reset if reset is not None else LoginAttempt.at >= window_start
    account = session.execute(select(
        func.count(LoginAttempt.id), func.max(LoginAttempt.at),
        func.count(LoginAttempt.id).filter(LoginAttempt.outcome == AttemptOutcome.PENDING)).where(
        LoginAttempt.username == username, account_since, LoginAttempt.outcome.in_(COUNTED))).one()
    address = (0, None) if ip is None else session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
            LoginAttempt.ip == ip, LoginAttempt.at >= window_start, LoginAttempt.outcome.in_(COUNTED))).one()
    return throttle.AttemptCounts(int(account[0]), account[1], int(address[0]), address[1], int(account[2]))


def _decide(session: Session, registered: _Registered, password_ok: bool, step: int | None, otp: str | None,
            recovery_code: str | None, settings: Settings, now: datetime) -> AuthenticationError | str:
    """Decide the attempt on the account as it is now: a refusal, or the scope of the token."""
    user = session.get(User, registered.user.id) if registered.user is not None else None
    if user is None or not password_ok:
        return AuthenticationError(WRONG)
    if not user.is_active:
        return AuthenticationError("this account waits for a supervisor or auditor to approve its role"
                                   if account_service.pending_creation(session, user) else WRONG)
    if user.locked_until is not None and user.locked_until > now:
        return AccountLockedError(f"the account is locked after repeated failed log-ins until "
                                  f"{user.locked_until.isoformat(timespec='minutes')} (UTC); it unlocks by itself "
                                  "then, or an admin can unlock it sooner")
    if user.role not in settings.mfa_roles:
        return FULL_SCOPE
    if user.mfa_enrolled_at is None:
        return ENROLMENT_SCOPE  # the token may only set up the account's second factor
    if otp:
        if step is None or (user.mfa_last_step is not None and step <= user.mfa_last_step):
            return AuthenticationError("incorrect or already used authenticator code")
        user.mfa_last_step = step
        return FULL_SCOPE
    if recovery_code:
        code = session.scalar(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.digest == mfa.digest(recovery_code),
            RecoveryCode.used_at.is_(None)))
        if code is None:
            return AuthenticationError("incorrect or already used recovery code")
        code.used_at = now
        return FULL_SCOPE
    return SecondFactorRequiredError("give the six-digit code of your authenticator app (otp), or a recovery code "
                                     "(recovery_code)")


def _record(session: Session, attempt_id: int, username: str, ip: str | None, settings: Settings, now: datetime,
            outcome: AuthenticationError | str) -> IssuedToken | None:
    """Store the attempt's outcome (a lock when it is due) and audit it; issue the token."""
    attempt = session.get(LoginAttempt, attempt_id)
    user = session.scalar(select(User).where(User.username == username))
    assert attempt is not None  # registered in step 1
    actor = Actor(username=username or "?", role=user.role if user else None, ip=ip, user_id=user.id if user else None)
    if isinstance(outcome, AuthenticationError):
        right_password = isinstance(outcome, AccountLockedError | SecondFactorRequiredError)
        attempt.outcome = AttemptOutcome.INCOMPLETE if right_password else AttemptOutcome.FAILED
        audit_service.record(session, actor=actor, action="auth.login_failed", resource_type="user",
                             resource_id=user.id if user else None, detail={"reason": outcome.code})
        if not right_password:
            session.flush()
            _lock_if_due(session, user, username, ip, settings, now, actor)
        return None
    assert user is not None
    attempt.outcome = AttemptOutcome.SUCCEEDED
    token, expires_at = create_access_token(username=user.username, role=user.role, secret_key=settings.secret_key,
                                            ttl=timedelta(minutes=settings.token_ttl_minutes), now=now, scope=outcome)
    audit_service.record(session, actor=actor, action="auth.login", resource_type="user", resource_id=user.id,
                         detail={"scope": outcome})
    return IssuedToken(token, expires_at, outcome, user)


def _lock_if_due(session: Session, user: User | None, username: str, ip: str | None, settings: Settings,
                 now: datetime, actor: Actor) -> None:
    counts = _recent(session, username, ip, settings, now)
    if user is not None and counts.account_failures >= settings.lockout_failures and (
            user.locked_until is None or user.locked_until <= now):
        user.locked_at, user.locked_until = now, now + timedelta(minutes=settings.lockout_minutes)
        audit_service.record(session, actor=actor, action="security.account_locked", resource_type="user",
                             resource_id=user.id, detail={"username": user.username, "ip": ip,
                                                          "failures": counts.account_failures,
                                                          "until": user.locked_until.isoformat()})
    if ip is not None and counts.address_failures == throttle.FREE_ADDRESS_FAILURES:
        audit_service.record(session, actor=actor, action="security.address_throttled", resource_type="address",
                             resource_id=ip, detail={"failures": counts.address_failures})


def unlock(session: Session, *, username: str, actor: Actor, now: datetime | None = None) -> User:
    """Lift an account's lock now; the failures before it no longer count (audited)."""
    user = account_service.get_by_username(session, username)
    now = now or utcnow()
    user.locked_at = user.locked_until = None
    session.add(LoginAttempt(username=user.username, ip=actor.ip, at=now, outcome=AttemptOutcome.RESET))
    audit_service.record(session, actor=actor, action="user.unlock", resource_type="user", resource_id=user.id)
    return user


# ---- the second factor ----------------------------------------------------------------------


def start_enrolment(session: Session, *, actor: Actor, settings: Settings) -> mfa.Enrolment:
    """Give the caller's account a new TOTP secret, to be confirmed with a code from the app.

    Raises
    ------
    ConflictError
        If the account has a confirmed second factor already (an admin resets it first).
    """
    user = account_service.get_by_username(session, actor.username)
    if user.mfa_enrolled_at is not None:
        raise ConflictError(texts.said("auth.mfa_already"))
    enrolment = mfa.new_enrolment(user.username)
    user.mfa_secret = mfa.seal(enrolment.secret, secret_key=settings.secret_key)
    user.mfa_last_step = None
    audit_service.record(session, actor=actor, action="security.mfa_enrolment_started", resource_type="user",
                         resource_id=user.id)
    return enrolment


def confirm_enrolment(session: Session, *, actor: Actor, code: str, settings: Settings,
                      now: datetime | None = None) -> tuple[list[str], IssuedToken]:
    """Confirm the new secret with a current code; return the recovery codes and a full token.

    The recovery codes are shown once; the enrolment token's session ends.

    Raises
    ------
    ValidationError
        If no enrolment was started or the code does not match.
    """
    now = now or utcnow()
    user = account_service.get_by_username(session, actor.username)
    if user.mfa_secret is None or user.mfa_enrolled_at is not None:
        raise ValidationError(texts.said("auth.enrol_not_started"))
    step = mfa.matching_step(mfa.unseal(user.mfa_secret, secret_key=settings.secret_key), code, now=now,
                             last_step=user.mfa_last_step)
    if step is None:
        raise ValidationError("code: " + texts.said("auth.code_mismatch"), field="code")
    user.mfa_enrolled_at, user.mfa_last_step, user.tokens_valid_after = now, step, now
    codes = mfa.new_recovery_codes()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, digest=mfa.digest(c)) for c in codes)
    audit_service.record(session, actor=actor, action="security.mfa_enrolled", resource_type="user",
                         resource_id=user.id)
    token, expires_at = create_access_token(username=user.username, role=user.role, secret_key=settings.secret_key,
                                            ttl=timedelta(minutes=settings.token_ttl_minutes), now=now)
    return codes, IssuedToken(token, expires_at, FULL_SCOPE, user)


def enrol_directly(session: Session, user: User, secret: str, *, settings: Settings, actor: Actor,
                   now: datetime | None = None) -> list[str]:
    """Give ``user`` the second factor ``secret`` at once and return its recovery codes.

    For the demo city's accounts, whose secrets are written to the demo's credentials file.
    """
    now = now or utcnow()
    user.mfa_secret = mfa.seal(secret, secret_key=settings.secret_key)
    user.mfa_enrolled_at, user.mfa_last_step = now, None
    codes = mfa.new_recovery_codes()
    session.add_all(RecoveryCode(user_id=user.id, digest=mfa.digest(c)) for c in codes)
    audit_service.record(session, actor=actor, action="security.mfa_enrolled", resource_type="user",
                         resource_id=user.id, detail={"by": actor.username})
    return codes


def reset_second_factor(session: Session, *, username: str, actor: Actor) -> User:
    """Remove an account's second factor (a lost device); it enrols again at its next log-in.

    Its sessions end; audited, an alert for auditors.
    """
    user = account_service.get_by_username(session, username)
    user.mfa_secret = user.mfa_enrolled_at = user.mfa_last_step = None
    user.tokens_valid_after = utcnow()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit_service.record(session, actor=actor, action="security.mfa_reset", resource_type="user",
                         resource_id=user.id, detail={"username": username})
    return user
