"""Accounts: creation, the state request authentication reads, management, and role grants.

Who may do what with accounts (every change audited):

- an admin creates accounts, disables and enables them, resets passwords and second factors,
  ends an account's sessions, and changes roles;
- a role that reads personal data (``Permission.PERSONAL_DATA``) is never given by one person
  through the API: the admin's request waits as a :class:`RoleGrant` until a supervisor or an
  auditor approves it, and nobody approves a request they made or one for their own account. A new
  account with such a role stays disabled until then. The command line, run by an operator who
  holds the database anyway, gives roles directly (audited as the operator's);
- nobody but auditors reads the audit log, and an admin reads no personal data.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.cache import TTLCache
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.passwords import check_password
from precinct.core.permissions import Permission, Role, has
from precinct.core.security import AccountState, Actor, hash_password
from precinct.org.models import OrgUnit
from precinct.units.models import Unit
from precinct.users.messages import GRANT_STATUS_ZH, field_error, said
from precinct.users.models import GrantStatus, RoleGrant, User

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
ACCOUNT_CACHE_S = 2.0


# Every authenticated request needs the account's state; reading it once per ``ACCOUNT_CACHE_S``
# per process instead of once per request keeps the hot paths (intake, positions) off the
# database. A change made through this process drops the entry at once (see
# ``forget_changed_accounts``); another server process sees a disabled account, a new role or
# revoked tokens within ACCOUNT_CACHE_S.
_accounts = TTLCache[AccountState](ttl_s=ACCOUNT_CACHE_S)


def load_account_state(session: Session, username: str) -> AccountState | None:
    """Read the account's state (``None``: no such account) and remember it for ACCOUNT_CACHE_S."""
    generation, loaded_at = _accounts.generation, time.monotonic()
    database = str(session.get_bind().engine.url)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return None
    state = AccountState(user.id, user.username, user.role, None if user.is_active else "disabled",
                         user.tokens_valid_after, user.unit_id, user.org_unit_id)
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


def needs_approval(role: Role) -> bool:
    """Whether giving ``role`` through the API needs a second person (it reads personal data)."""
    return has(role, Permission.PERSONAL_DATA)


def get_by_username(session: Session, username: str) -> User:
    """Return the account called ``username``.

    Raises
    ------
    NotFoundError
        If there is none.
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(said("user.not_found", username=username))
    return user


def list_(session: Session) -> list[User]:
    """Return every account, by user name."""
    return list(session.scalars(select(User).order_by(User.username)))


def _check_links(session: Session, org_unit_id: int | None, unit_id: int | None) -> None:
    if org_unit_id is None and session.scalar(select(OrgUnit.id).limit(1)) is not None:
        raise field_error("org_unit_id", "user.org_unit_needed")  # no account works city-wide by omission
    if org_unit_id is not None and session.get(OrgUnit, org_unit_id) is None:
        raise field_error("org_unit_id", "user.org_unit_unknown", id=org_unit_id)
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise field_error("unit_id", "user.unit_unknown", id=unit_id)


def create(
    session: Session, *, username: str, password: str, role: Role, actor: Actor, display_name: str = "",
    org_unit_id: int | None = None, unit_id: int | None = None, reason: str = "", direct: bool = False,
) -> User:
    """Create an account (audited).

    A role that reads personal data needs a second person's approval unless ``direct`` (the
    command line's operator): the account is created disabled, with a pending :class:`RoleGrant`.

    Raises
    ------
    ValidationError
        For a malformed user name, a password the policy refuses, a unit that does not exist, or no
        ``org_unit_id`` where organisation units exist (every account belongs to one: its scope).
    ConflictError
        If the user name is taken.
    """
    if not USERNAME_PATTERN.match(username):
        raise field_error("username", "user.bad_username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(said("user.taken", username=username))
    _check_links(session, org_unit_id, unit_id)
    check_password(password, username=username)
    pending = needs_approval(role) and not direct
    now = utcnow()
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), is_active=not pending, org_unit_id=org_unit_id,
                unit_id=unit_id, password_changed_at=now, created_at=now)
    session.add(user)
    session.flush()
    audit_service.record(session, actor=actor, action="user.create", resource_type="user", resource_id=user.id,
                         detail={"username": username, "role": role.value, "awaiting_approval": pending})
    if pending:
        _request_grant(session, user, role, previous=None, reason=reason, actor=actor)
    return user


def place_without_unit(session: Session, org_unit_id: int, *, actor: Actor) -> list[str]:
    """Place every account without an organisation unit at ``org_unit_id`` (audited); their user names.

    Accounts made before the city existed (the first admin of a fresh database) are placed at its
    bureau when the city is set up: the city-wide scope they worked in, now written on them.
    """
    users = list(session.scalars(select(User).where(User.org_unit_id.is_(None)).order_by(User.username)))
    for user in users:
        user.org_unit_id = org_unit_id
    if users:
        audit_service.record(session, actor=actor, action="user.placed", resource_type="org_unit",
                             resource_id=org_unit_id, detail={"usernames": [user.username for user in users]})
    return [user.username for user in users]


def _request_grant(session: Session, user: User, role: Role, *, previous: Role | None, reason: str,
                   actor: Actor) -> RoleGrant:
    if len(reason.strip()) < 4:
        raise field_error("reason", "user.reason_needed")
    grant = RoleGrant(user_id=user.id, role=role.value, previous_role=previous.value if previous else None,
                      status=GrantStatus.PENDING, reason=reason.strip(), requested_by=actor.username,
                      requested_at=utcnow())
    session.add(grant)
    session.flush()
    audit_service.record(session, actor=actor, action="security.grant_requested", resource_type="role_grant",
                         resource_id=grant.id, detail={"username": user.username, "role": role.value})
    return grant


def set_role(session: Session, *, username: str, role: Role, reason: str, actor: Actor,
             direct: bool = False) -> User | RoleGrant:
    """Change an account's role at once, or ask for it as a pending grant.

    A role that reads personal data becomes a grant unless ``direct``. A changed role ends the
    account's sessions.

    Raises
    ------
    ConflictError
        If the account already has the role, or a grant for it is pending.
    """
    user = get_by_username(session, username)
    if user.role == role:
        raise ConflictError(said("user.has_role", username=username, role=role.value))
    if needs_approval(role) and not direct:
        if session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == user.id,
                                                     RoleGrant.status == GrantStatus.PENDING)):
            raise ConflictError(said("user.grant_waiting", username=username))
        return _request_grant(session, user, role, previous=user.role, reason=reason, actor=actor)
    previous, user.role = user.role, role
    user.tokens_valid_after = utcnow()
    audit_service.record(session, actor=actor, action="security.role_changed", resource_type="user",
                         resource_id=user.id, detail={"username": username, "from": previous.value, "to": role.value,
                                                      "reason": reason, "direct": direct})
    return user


def list_grants(session: Session, *, status: GrantStatus | None = None) -> list[RoleGrant]:
    """Return role grants, newest first (``status`` to narrow)."""
    query = select(RoleGrant).order_by(RoleGrant.id.desc())
    if status is not None:
        query = query.where(RoleGrant.status == status)
    return list(session.scalars(query))


def usernames_of(session: Session, grants: list[RoleGrant]) -> dict[int, str]:
    """Return the user name of each grant's account, by user id."""
    user_ids = {grant.user_id for grant in grants}
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(user_ids)))
    return {user_id: username for user_id, username in rows}


def decide_grant(session: Session, grant_id: int, *, approve: bool, note: str, actor: Actor) -> RoleGrant:
    """Approve or refuse a pending role grant (a supervisor or an auditor; never one's own).

    Raises
    ------
    NotFoundError
        If there is no such grant.
    ConflictError
        If it was decided already.
    PermissionDeniedError
        If ``actor`` made the request or the grant is for ``actor``'s own account.
    """
    grant = session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFoundError(said("user.grant_not_found", id=grant_id))
    if grant.status != GrantStatus.PENDING:
        raise ConflictError(said("user.grant_decided", id=grant_id, status=grant.status,
                                 status_zh=GRANT_STATUS_ZH.get(grant.status, grant.status), by=grant.decided_by))
    user = session.get(User, grant.user_id)
    assert user is not None  # a foreign key
    if actor.username in (grant.requested_by, user.username):
        raise PermissionDeniedError(said("user.grant_second_person"))
    now = utcnow()
    grant.status = GrantStatus.APPROVED if approve else GrantStatus.REFUSED
    grant.decided_by, grant.decided_at, grant.decision_note = actor.username, now, note.strip() or None
    if approve:
        user.role = Role(grant.role)
        user.is_active = True
        user.tokens_valid_after = now
    audit_service.record(session, actor=actor, action=f"security.grant_{grant.status}", resource_type="role_grant",
                         resource_id=grant.id, detail={"username": user.username, "role": grant.role,
                                                       "requested_by": grant.requested_by})
    return grant


def pending_creation(session: Session, user: User) -> bool:
    """Whether ``user`` is a new account still waiting for its role grant."""
    return session.scalar(select(RoleGrant.id).where(
        RoleGrant.user_id == user.id, RoleGrant.status == GrantStatus.PENDING,
        RoleGrant.previous_role.is_(None))) is not None


def set_password(session: Session, *, username: str, password: str, actor: Actor) -> User:
    """Replace the account's password (audited); its sessions end.

    Raises
    ------
    ValidationError
        If the policy refuses the password.
    """
    user = get_by_username(session, username)
    check_password(password, username=user.username)
    now = utcnow()
    user.password_hash = hash_password(password)
    user.password_changed_at = user.tokens_valid_after = now
    audit_service.record(session, actor=actor, action="user.set_password", resource_type="user", resource_id=user.id,
                         detail={"by_holder": actor.username == user.username})
    return user


def set_active(session: Session, *, username: str, active: bool, actor: Actor) -> User:
    """Disable (its sessions end at once) or enable an account (audited).

    Raises
    ------
    PermissionDeniedError
        If ``actor`` disables their own account, or enables one still waiting for its role grant.
    """
    user = get_by_username(session, username)
    if not active and user.username == actor.username:
        raise PermissionDeniedError(said("user.disable_self"))
    if active and pending_creation(session, user):
        raise PermissionDeniedError(said("user.enable_pending", username=username))
    user.is_active = active
    if not active:
        user.tokens_valid_after = utcnow()
    audit_service.record(session, actor=actor, action="security.account_" + ("enabled" if active else "disabled"),
                         resource_type="user", resource_id=user.id, detail={"username": username})
    return user


def revoke_tokens(session: Session, *, username: str, actor: Actor, now: datetime | None = None) -> User:
    """End every session of the account signed in until now (audited)."""
    user = get_by_username(session, username)
    user.tokens_valid_after = now or utcnow()
    audit_service.record(session, actor=actor, action="security.tokens_revoked", resource_type="user",
                         resource_id=user.id, detail={"username": username})
    return user
