"""Log-in and account routes under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from precinct.api.deps import SessionDep, SettingsDep, client_ip, require
from precinct.core.permissions import Permission, permissions_of
from precinct.core.security import Actor
from precinct.users import service
from precinct.users.models import User
from precinct.users.schemas import MeRead, TokenRead, UserCreate, UserRead

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenRead)
def issue_token(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep,
    settings: SettingsDep,
) -> TokenRead:
    """Log in with the OAuth2 password form; answer with a bearer token (5 failures in 15 min lock the account)."""
    issued = service.authenticate(
        session, username=form.username, password=form.password, ip=client_ip(request), settings=settings
    )
    return TokenRead(
        access_token=issued.access_token, expires_at=issued.expires_at, username=issued.user.username,
        role=issued.user.role,
    )


@router.get("/auth/me", response_model=MeRead)
def who_am_i(session: SessionDep, actor: Annotated[Actor, require(Permission.ANY)]) -> MeRead:
    """Return the caller's own account and the permissions its role holds."""
    user = service.get_by_username(session, actor.username)
    return MeRead.model_validate(UserRead.model_validate(user).model_dump()
                                 | {"permissions": permissions_of(user.role)})


@router.get("/users", response_model=list[UserRead])
def list_users(session: SessionDep, _: Annotated[Actor, require(Permission.MANAGE_ACCOUNTS)]) -> list[User]:
    """Return every account."""
    return service.list_(session)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(
    body: UserCreate, session: SessionDep, actor: Annotated[Actor, require(Permission.MANAGE_ACCOUNTS)],
) -> User:
    """Create an account."""
    user = service.create(session, actor=actor, **body.model_dump())
    session.commit()
    return user


@router.post("/users/{username}/unlock", response_model=UserRead)
def unlock_user(
    username: str, session: SessionDep, actor: Annotated[Actor, require(Permission.MANAGE_ACCOUNTS)],
) -> User:
    """Unlock an account locked after failed log-ins."""
    user = service.unlock(session, username=username, actor=actor)
    session.commit()
    return user
