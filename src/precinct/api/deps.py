"""Request dependencies: the database session, the current user and role checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Protocol

import anyio.to_thread
from fastapi import Depends, Query, Request, params
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from precinct.core.db import read_only_session
from precinct.core.errors import AuthenticationError, PermissionDeniedError
from precinct.core.i18n import texts
from precinct.core.permissions import Permission, roles_for
from precinct.core.security import FULL_SCOPE, AccountState, Actor, decode_access_token
from precinct.core.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


# Dependencies that never block are ``async def``: FastAPI runs a plain ``def`` dependency in the
# thread pool, and every such hop costs a thread switch under the GIL (measured in bench/dispatch.py).
async def get_settings(request: Request) -> Settings:
    """Return the application's settings."""
    settings: Settings = request.app.state.settings
    return settings


def _release(session: Session) -> None:
    session.rollback()
    session.close()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: routes commit; anything left uncommitted is rolled back.

    A GET (HEAD, OPTIONS) request gets a read-only session (:func:`precinct.core.db.read_only_session`:
    on SQLite it takes no write lock, so a long read never stalls intake); a GET route that writes,
    such as one whose read is audited, takes :data:`WriteSessionDep` instead. Opening a session
    touches no database (it connects on first use), so only the release, which rolls back and
    returns the connection, goes to a worker thread, and only if it connected.
    """
    factory = request.app.state.session_factory
    session: Session = read_only_session(factory) if request.method in SAFE_METHODS else factory()
    try:
        yield session
    finally:
        await _end(session)


async def get_write_session(request: Request) -> AsyncIterator[Session]:
    """Return a session that may write, whatever the method (for GET routes that audit their reads)."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        await _end(session)


async def _end(session: Session) -> None:
    if session.in_transaction():
        await anyio.to_thread.run_sync(_release, session)
    else:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str | None:
    """Return the client's address, if the server knows it."""
    return request.client.host if request.client else None


async def get_current_actor(
    request: Request, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Actor:
    """Return the actor behind the request's bearer token.

    Raises
    ------
    AuthenticationError
        Without a token, with an invalid or expired one, or when its account is gone, disabled or locked.
    """
    if not token:
        raise AuthenticationError(texts.said("auth.log_in_first"))
    claims = decode_access_token(token, secret_key=settings.secret_key)
    account = request.app.state.accounts.cached(request.app.state.database_key, claims["sub"])
    if account is None:  # not read in the last few seconds: one trip to the database, off the event loop
        account = await anyio.to_thread.run_sync(load_account, request, claims["sub"])
    return _actor(request, account, claims)


class Accounts(Protocol):
    """Where request authentication reads account state.

    The composition root wires the users domain's in as ``app.state.accounts``.
    """

    def cached(self, database_key: str, username: str) -> AccountState | None:
        """Return the state remembered for a few seconds, or ``None`` (then :meth:`load` it)."""

    def load(self, session: Session, username: str) -> AccountState | None:
        """Return the state read now (``None``: no such account)."""


def load_account(request: Request, username: str) -> AccountState | None:
    """Return the account's current state, read now in a session of its own that is closed at once."""
    with read_only_session(request.app.state.session_factory) as session:
        try:
            state: AccountState | None = request.app.state.accounts.load(session, username)
            return state
        finally:
            session.rollback()


def _actor(request: Request, account: AccountState | None, claims: dict[str, Any]) -> Actor:
    if account is None or not account.usable:
        raise AuthenticationError(texts.said("auth.account_gone"))
    if not account.accepts(claims):
        raise AuthenticationError(texts.said("auth.session_ended"))
    return Actor(username=account.username, role=account.role, ip=client_ip(request), user_id=account.user_id,
                 unit_id=account.unit_id, org_unit_id=account.org_unit_id,
                 token_scope=str(claims.get("scope") or FULL_SCOPE))


class RoleChecker:
    """A dependency that admits only the roles granted ``permission``.

    The role-matrix test reads ``roles``.
    """

    def __init__(self, permission: Permission) -> None:
        self.permission = permission
        self.roles = roles_for(permission)

    async def __call__(self, actor: Annotated[Actor, Depends(get_current_actor)]) -> Actor:
        """Return the current actor if its role holds the permission."""
        return self.check(actor)

    def check(self, actor: Actor) -> Actor:
        """Return ``actor`` if its role holds the permission, else raise PermissionDeniedError.

        A token that may only set up a second factor passes no permission check.
        """
        if actor.token_scope != FULL_SCOPE:
            raise PermissionDeniedError(texts.said("auth.enrol_first"))
        if actor.role not in self.roles:
            raise PermissionDeniedError(
                f"role {actor.role} may not do this ({self.permission.value}); "
                f"allowed: {', '.join(sorted(r.value for r in self.roles))}"
            )
        return actor


class StreamRoleChecker(RoleChecker):
    """The role check of event streams, which may take the token from the URL.

    Browsers' EventSource cannot send headers, so the token may come as ``?access_token=``. Only
    stream routes accept a token in the URL. The account is read now (not
    from the cache) in a session that is closed at once: a stream lives for hours and must hold no
    connection or lock. The token's expiry is left in ``request.state.token_expires_at`` for the
    stream to end on.
    """

    def __call__(  # type: ignore[override]  # its own parameters: FastAPI injects the query token from them
        self, request: Request, settings: SettingsDep,
        header_token: Annotated[str | None, Depends(oauth2_scheme)],
        access_token: Annotated[str | None, Query()] = None,
    ) -> Actor:
        """Return the actor behind the header or query token if its role holds the permission."""
        token = header_token or access_token
        if not token:
            raise AuthenticationError(texts.said("auth.log_in_first_stream"))
        claims = decode_access_token(token, secret_key=settings.secret_key)
        request.state.token_expires_at = float(claims["exp"])
        request.state.token_claims = claims
        return self.check(_actor(request, load_account(request, claims["sub"]), claims))


async def signed_in(actor: Annotated[Actor, Depends(get_current_actor)]) -> Actor:
    """Return the current actor with any valid token, also one that may only set up a second factor."""
    return actor


SignedIn = Annotated[Actor, Depends(signed_in)]


def require(permission: Permission) -> params.Depends:
    """Return the dependency on the current actor, if its role holds ``permission``.

    Used as ``Annotated[Actor, require(Permission.DISPATCH)]``: 401 without a valid token, 403 for
    another role.
    """
    dependency: params.Depends = Depends(RoleChecker(permission))
    return dependency
