"""Accounts, log-in with lockout, and unlocking. Every log-in attempt is audited."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.cache import TTLCache
from precinct.core.db import utcnow
from precinct.core.errors import (
    AccountLockedError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from precinct.core.permissions import Role
from precinct.core.security import AccountState, Actor, create_access_token, hash_password, verify_password
from precinct.core.settings import Settings
from precinct.org.models import OrgUnit
from precinct.units.models import Unit
from precinct.users.models import LoginFailure, User

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
_DUMMY_HASH = hash_password("not-a-real-password-0000")
ACCOUNT_CACHE_S = 2.0


# Every authenticated request needs the account's state; reading it once per ``ACCOUNT_CACHE_S``
# per process instead of once per request keeps the hot paths (intake, positions) off the
# database. A change made through this process drops the entry at once (see ``forget_changed_accounts``);
# another server process sees a lock, a disabled account or a new role within ACCOUNT_CACHE_S.
_accounts = TTLCache[AccountState](ttl_s=ACCOUNT_CACHE_S)


def load_account_state(session: Session, username: str) -> AccountState | None:
    """Read the account's state (``None``: no such account) and remember it for ACCOUNT_CACHE_S."""
    generation, loaded_at = _accounts.generation, time.monotonic()
    database = str(session.get_bind().engine.url)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return None
    reason = "disabled" if not user.is_active else "locked" if user.locked_at is not None else None
    state = AccountState(user.id, user.username, user.role, reason)
    _accounts.store((database, username), state, generation, loaded_at)
    return state


def cached_account_state(database_url: str, username: str) -> AccountState | None:
    """Return the remembered state if still fresh; ``None`` means: call :func:`load_account_state`."""
    return _accounts.peek((database_url, username))


class AccountDirectory:
    """Account state for request authentication (``api.deps.Accounts``)."""

    cached = staticmethod(cached_account_state)
    load = staticmethod(load_account_state)


def forget_changed_accounts(session: Session, _context: object) -> None:
    """Read a changed account afresh once this unit of work ends (a session hook, after flush)."""
    if any(isinstance(obj, User) for obj in (*session.new, *session.dirty, *session.deleted)):
        _accounts.clear_when_done(session)


@dataclass(frozen=True)
class IssuedToken:
    """An access token issued at log-in, when it expires, and its account."""

    access_token: str
    expires_at: datetime
    user: User


def get_by_username(session: Session, username: str) -> User:
    """Return the account called ``username``.

    Raises
    ------
    NotFoundError
        If there is none.
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"user {username!r} does not exist")
    return user


def list_(session: Session) -> list[User]:
    """Return every account, by user name."""
    return list(session.scalars(select(User).order_by(User.username)))


def create(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    actor: Actor,
    display_name: str = "",
    station_id: int | None = None,
    unit_id: int | None = None,
) -> User:
    """Create an account (audited).

    Raises
    ------
    ValidationError
        For a malformed user name, a short password, or a station or unit that does not exist.
    ConflictError
        If the user name is taken.
    """
    if not USERNAME_PATTERN.match(username):
        raise ValidationError("username must be 3-64 letters, digits, '_', '.' or '-'")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} already exists")
    if station_id is not None and session.get(OrgUnit, station_id) is None:
        raise ValidationError(f"station_id {station_id} does not name an organisation unit")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise ValidationError(f"unit_id {unit_id} does not name a unit")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        station_id=station_id,
        unit_id=unit_id,
        failures_reset_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit_service.record(
        session, actor=actor, action="user.create", resource_type="user", resource_id=user.id,
        detail={"username": username, "role": role.value},
    )
    return user


def set_password(session: Session, *, username: str, password: str, actor: Actor) -> User:
    """Replace the account's password (audited)."""
    user = get_by_username(session, username)
    user.password_hash = hash_password(password)
    audit_service.record(
        session, actor=actor, action="user.set_password", resource_type="user", resource_id=user.id
    )
    return user


def authenticate(
    session: Session, *, username: str, password: str, ip: str | None, settings: Settings
) -> IssuedToken:
    """Check a password and issue a token.

    ``settings.lockout_failures`` failures within ``settings.lockout_window_minutes`` lock the
    account until an admin unlocks it. Failures are committed (and audited) before the error is
    raised, so a failed attempt is never lost. Unknown users and wrong passwords get the same
    message.
    """
    now = utcnow()
    # Lock the account row: concurrent attempts are counted one after another, so no more than
    # the allowed number of failures is ever checked, and none after the lock.
    user = session.scalar(select(User).where(User.username == username).with_for_update())
    anonymous = Actor(username=username[:64] or "?", role=None, ip=ip)
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)  # same cost as a real check: no timing oracle
        audit_service.record(
            session, actor=anonymous, action="auth.login_failed", resource_type="user",
            detail={"reason": "unknown or inactive user"},
        )
        session.commit()
        raise AuthenticationError("incorrect username or password")
    actor = Actor(username=user.username, role=user.role, ip=ip, user_id=user.id)
    if user.locked_at is not None:
        audit_service.record(
            session, actor=actor, action="auth.login_refused", resource_type="user",
            resource_id=user.id, detail={"reason": "account locked"},
        )
        session.commit()
        raise AccountLockedError("account is locked after repeated failed log-ins; ask an admin to unlock it")
    if not verify_password(user.password_hash, password):
        session.add(LoginFailure(user_id=user.id, at=now, ip=ip))
        session.flush()
        window_start = now - timedelta(minutes=settings.lockout_window_minutes)
        if user.failures_reset_at is not None and user.failures_reset_at > window_start:
            window_start = user.failures_reset_at
        failures = session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.user_id == user.id, LoginFailure.at >= window_start
            )
        )
        locked = (failures or 0) >= settings.lockout_failures
        if locked:
            user.locked_at = now
        audit_service.record(
            session, actor=actor, action="auth.login_failed", resource_type="user",
            resource_id=user.id, detail={"recent_failures": failures, "locked": locked},
        )
        session.commit()
        if locked:
            raise AccountLockedError(
                f"{settings.lockout_failures} failed log-ins within "
                f"{settings.lockout_window_minutes} minutes: the account is now locked; ask an admin to unlock it"
            )
        raise AuthenticationError("incorrect username or password")
    user.failures_reset_at = now
    token, expires_at = create_access_token(
        username=user.username,
        role=user.role,
        secret_key=settings.secret_key,
        ttl=timedelta(minutes=settings.token_ttl_minutes),
        now=now,
    )
    audit_service.record(
        session, actor=actor, action="auth.login", resource_type="user", resource_id=user.id
    )
    session.commit()
    return IssuedToken(access_token=token, expires_at=expires_at, user=user)


def unlock(session: Session, *, username: str, actor: Actor) -> User:
    """Unlock an account locked after failed log-ins, and start its failure count afresh (audited)."""
    user = get_by_username(session, username)
    user.locked_at = None
    user.failures_reset_at = utcnow()
    audit_service.record(
        session, actor=actor, action="user.unlock", resource_type="user", resource_id=user.id
    )
    return user
