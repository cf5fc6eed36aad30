"""Password hashing (argon2), access tokens (JWT) and the actor behind every change."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from precinct.core.errors import AuthenticationError, ValidationError
from precinct.core.permissions import Role

_hasher = PasswordHasher()
TOKEN_ALGORITHM = "HS256"
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Return the argon2 hash of ``password``; refuse one shorter than ``MIN_PASSWORD_LENGTH``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (a malformed hash matches nothing)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """Return a random password (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


FULL_SCOPE = "full"
ENROLMENT_SCOPE = "mfa_enrolment"
"""A token that may only set up the account's second factor (its role needs one it lacks)."""


def create_access_token(
    *, username: str, role: Role, secret_key: str, ttl: timedelta, now: datetime, scope: str = FULL_SCOPE,
) -> tuple[str, datetime]:
    """Return a signed access token for the account and the time it expires (``now + ttl``).

    ``iat`` is kept to the microsecond (``iat_us``) so that revoking an account's tokens at a
    moment ends exactly the tokens issued before it.
    """
    expires_at = now + ttl
    claims = {
        "sub": username,
        "role": role.value,
        "iat": int(now.timestamp()),
        "iat_us": int(now.timestamp() * 1_000_000),
        "exp": int(expires_at.timestamp()),
        "jti": uuid.uuid4().hex,
        "scope": scope,
    }
    return jwt.encode(claims, secret_key, algorithm=TOKEN_ALGORITHM), expires_at


def decode_access_token(token: str, *, secret_key: str) -> dict[str, Any]:
    """Return the claims of a valid token.

    Raises
    ------
    AuthenticationError
        If the token has expired, is not signed with ``secret_key`` or lacks ``sub`` or ``exp``.
    """
    try:
        return jwt.decode(
            token, secret_key, algorithms=[TOKEN_ALGORITHM], options={"require": ["sub", "exp"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationError("access token has expired; log in again") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationError("access token is invalid") from exc


@dataclass(frozen=True)
class AccountState:
    """What a request needs to know about the account behind a token.

    ``reason`` is ``"disabled"`` (by an admin, or not yet approved) or ``None``: a lock after
    failed log-ins stops new log-ins, not the sessions already signed in.
    """

    user_id: int
    username: str
    role: Role
    reason: str | None = None
    tokens_valid_after: datetime | None = None
    unit_id: int | None = None
    org_unit_id: int | None = None

    @property
    def usable(self) -> bool:
        """Whether the account may be used."""
        return self.reason is None

    def accepts(self, claims: dict[str, Any]) -> bool:
        """Whether a token with ``claims`` was issued after the account's tokens were last revoked."""
        if self.tokens_valid_after is None:
            return True
        issued_us = int(claims.get("iat_us") or int(claims.get("iat", 0)) * 1_000_000)
        return issued_us >= int(self.tokens_valid_after.timestamp() * 1_000_000)


@dataclass(frozen=True)
class Actor:
    """Who does something: a user, the CLI or the simulator; ``ip`` says from where.

    ``unit_id`` is the unit a patrol officer's account crews (ownership: an officer acts on that
    unit's work); ``org_unit_id`` the organisation unit the account belongs to (its scope: that
    unit's subtree; ``None`` for city-wide accounts).
    """

    username: str
    role: Role | None
    ip: str | None = None
    user_id: int | None = None
    unit_id: int | None = None
    org_unit_id: int | None = None
    token_scope: str = FULL_SCOPE


SYSTEM_ACTOR = Actor(username="system", role=Role.ADMIN, ip="local")
