"""Log-in, the second factor, accounts and role grants under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, status
from sqlalchemy.orm import Session

from precinct.api.deps import SessionDep, SettingsDep, SignedIn, client_ip, require
from precinct.api.inputs import problem_with
from precinct.core.errors import AuthenticationError, ValidationError
from precinct.core.i18n import halves
from precinct.core.permissions import Permission, permissions_of
from precinct.core.security import Actor, verify_password
from precinct.users import login, service
from precinct.users.models import GrantStatus, RoleGrant, User
from precinct.users.schemas import (
    EnrolmentConfirm,
    EnrolmentDone,
    EnrolmentRead,
    GrantDecision,
    MeRead,
    PasswordChange,
    PasswordReset,
    RoleChange,
    RoleChangeRead,
    RoleGrantRead,
    TokenRead,
    UserCreate,
    UserRead,
)

router = APIRouter(tags=["auth"])
Manager = Annotated[Actor, require(Permission.MANAGE_ACCOUNTS)]


class LoginForm:
    """The OAuth2 password form, with the second factor: ``otp`` or ``recovery_code``."""

    def __init__(
        self, username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
        otp: Annotated[str | None, Form(max_length=12)] = None,
        recovery_code: Annotated[str | None, Form(max_length=32)] = None,
    ) -> None:
        for name, value in (("username", username), ("password", password), ("otp", otp),
                            ("recovery_code", recovery_code)):
            problem = problem_with(value)
            if problem is not None:  # said "中文 / English": each half names the field
                zh, en = halves(problem) or (problem, problem)
                raise ValidationError(f"{name}: {zh} / {name}: {en}", field=name)
        self.username, self.password, self.otp, self.recovery_code = username, password, otp, recovery_code


def _token(issued: login.IssuedToken) -> TokenRead:
    return TokenRead(access_token=issued.access_token, expires_at=issued.expires_at, username=issued.user.username,
                     role=issued.user.role, scope=issued.scope)


@router.post("/auth/token", response_model=TokenRead, responses={
    401: {"description": "用户名、密码或第二因素有误 / wrong user name, password or second factor"},
    423: {}, 429: {}})
def issue_token(request: Request, form: Annotated[LoginForm, Depends()], session: SessionDep,
                settings: SettingsDep) -> TokenRead:
    """Log in: a bearer token for the password (and, for roles that need one, the second factor).

    Failed attempts slow further ones down (429 with Retry-After) and lock the account for a while;
    to a caller without the right password every refusal reads the same.
    """
    return _token(login.authenticate(session, username=form.username, password=form.password, ip=client_ip(request),
                                     settings=settings, otp=form.otp, recovery_code=form.recovery_code))


@router.get("/auth/me", response_model=MeRead)
def who_am_i(session: SessionDep, settings: SettingsDep, actor: SignedIn) -> MeRead:
    """Return the caller's own account, the permissions its role holds and whether it needs a second factor."""
    user = service.get_by_username(session, actor.username)
    return MeRead.model_validate(UserRead.model_validate(user).model_dump() | {
        "permissions": permissions_of(user.role), "mfa_required": user.role in settings.mfa_roles,
        "token_scope": actor.token_scope})


@router.post("/auth/password", response_model=UserRead)
def change_own_password(body: PasswordChange, session: SessionDep, actor: SignedIn) -> User:
    """Change the caller's own password (the current one is asked for); every session ends."""
    user = service.get_by_username(session, actor.username)
    if not verify_password(user.password_hash, body.current_password):
        raise AuthenticationError("current_password: incorrect")
    user = service.set_password(session, username=actor.username, password=body.new_password, actor=actor)
    session.commit()
    return user


@router.post("/auth/mfa/enrol", response_model=EnrolmentRead)
def start_mfa_enrolment(session: SessionDep, settings: SettingsDep, actor: SignedIn) -> EnrolmentRead:
    """Start setting up the caller's second factor: a new TOTP secret as text, URI and QR code."""
    enrolment = login.start_enrolment(session, actor=actor, settings=settings)
    session.commit()
    return EnrolmentRead(secret=enrolment.secret, uri=enrolment.uri, qr_svg=enrolment.qr_svg)


@router.post("/auth/mfa/confirm", response_model=EnrolmentDone)
def confirm_mfa_enrolment(body: EnrolmentConfirm, session: SessionDep, settings: SettingsDep,
                          actor: SignedIn) -> EnrolmentDone:
    """Confirm the second factor with a current code: the recovery codes (shown once) and a full token."""
    codes, issued = login.confirm_enrolment(session, actor=actor, code=body.code, settings=settings)
    session.commit()
    return EnrolmentDone(recovery_codes=codes, token=_token(issued))


@router.get("/users", response_model=list[UserRead])
def list_users(session: SessionDep, _: Manager) -> list[User]:
    """Return every account."""
    return service.list_(session)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, actor: Manager) -> User:
    """Create an account; one whose role reads personal data waits, disabled, for a second person's approval."""
    user = service.create(session, actor=actor, **body.model_dump())
    session.commit()
    return user


@router.post("/users/{username}/unlock", response_model=UserRead)
def unlock_user(username: str, session: SessionDep, actor: Manager) -> User:
    """Lift a lock after failed log-ins now (it lifts by itself after PRECINCT_LOCKOUT_MINUTES)."""
    user = login.unlock(session, username=username, actor=actor)
    session.commit()
    return user


@router.post("/users/{username}/disable", response_model=UserRead)
def disable_user(username: str, session: SessionDep, actor: Manager) -> User:
    """Disable an account: it cannot log in and its sessions end at once."""
    user = service.set_active(session, username=username, active=False, actor=actor)
    session.commit()
    return user


@router.post("/users/{username}/enable", response_model=UserRead)
def enable_user(username: str, session: SessionDep, actor: Manager) -> User:
    """Enable a disabled account."""
    user = service.set_active(session, username=username, active=True, actor=actor)
    session.commit()
    return user


@router.post("/users/{username}/password", response_model=UserRead)
def reset_password(username: str, body: PasswordReset, session: SessionDep, actor: Manager) -> User:
    """Set a new password for an account (its sessions end)."""
    user = service.set_password(session, username=username, password=body.password, actor=actor)
    session.commit()
    return user


@router.post("/users/{username}/role", response_model=RoleChangeRead)
def change_role(username: str, body: RoleChange, session: SessionDep, actor: Manager) -> RoleChangeRead:
    """Change an account's role; a role that reads personal data becomes a grant a second person decides."""
    changed = service.set_role(session, username=username, role=body.role, reason=body.reason, actor=actor)
    session.commit()
    if isinstance(changed, RoleGrant):
        return RoleChangeRead(grant=_grant_reads(session, [changed])[0])
    return RoleChangeRead(user=UserRead.model_validate(changed))


@router.post("/users/{username}/revoke-tokens", response_model=UserRead)
def revoke_tokens(username: str, session: SessionDep, actor: Manager) -> User:
    """End every session of the account (its tokens stop working)."""
    user = service.revoke_tokens(session, username=username, actor=actor)
    session.commit()
    return user


@router.post("/users/{username}/mfa/reset", response_model=UserRead)
def reset_mfa(username: str, session: SessionDep, actor: Manager) -> User:
    """Remove an account's second factor (a lost device): it sets one up again at its next log-in."""
    user = login.reset_second_factor(session, username=username, actor=actor)
    session.commit()
    return user


@router.get("/role-grants", response_model=list[RoleGrantRead])
def list_role_grants(session: SessionDep, _: Annotated[Actor, require(Permission.SEE_GRANTS)],
                     status_: Annotated[GrantStatus | None, Query(alias="status")] = None) -> list[RoleGrantRead]:
    """Return the requests for roles that read personal data, newest first."""
    return _grant_reads(session, service.list_grants(session, status=status_))


@router.post("/role-grants/{grant_id}/approve", response_model=RoleGrantRead)
def approve_role_grant(grant_id: int, body: GrantDecision, session: SessionDep,
                       actor: Annotated[Actor, require(Permission.APPROVE_GRANTS)]) -> RoleGrantRead:
    """Approve a role grant (a second person: not whoever asked, not the account itself)."""
    grant = service.decide_grant(session, grant_id, approve=True, note=body.note, actor=actor)
    session.commit()
    return _grant_reads(session, [grant])[0]


@router.post("/role-grants/{grant_id}/refuse", response_model=RoleGrantRead)
def refuse_role_grant(grant_id: int, body: GrantDecision, session: SessionDep,
                      actor: Annotated[Actor, require(Permission.APPROVE_GRANTS)]) -> RoleGrantRead:
    """Refuse a role grant."""
    grant = service.decide_grant(session, grant_id, approve=False, note=body.note, actor=actor)
    session.commit()
    return _grant_reads(session, [grant])[0]


def _grant_reads(session: Session, grants: list[RoleGrant]) -> list[RoleGrantRead]:
    """Return ``grants`` as read, each with the user name of its account."""
    names = service.usernames_of(session, grants)
    return [RoleGrantRead.of(grant, username=names[grant.user_id]) for grant in grants]
