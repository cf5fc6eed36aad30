"""Request and response shapes for log-in, the second factor, accounts and role grants."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import Id, RequestModel
from precinct.core.permissions import Permission, Role


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    username: str
    role: Role
    scope: str = Field(description="'full', or 'mfa_enrolment': the token may only set up the second factor")


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool
    locked_at: datetime | None
    locked_until: datetime | None
    org_unit_id: int | None
    unit_id: int | None
    mfa_enrolled_at: datetime | None


class MeRead(UserRead):
    """The caller's own account, with the permissions its role holds (what the console may offer)."""

    permissions: list[Permission]
    mfa_required: bool
    token_scope: str


class UserCreate(RequestModel):
    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=1, max_length=256, description="checked against the password policy")
    role: Role
    display_name: str = Field(default="", max_length=128)
    org_unit_id: Id | None = Field(
        default=None, description="the organisation unit the account works in, its scope (the city bureau's for "
                                  "city-wide work); required once the city has organisation units")
    unit_id: Id | None = None
    reason: str = Field(default="", max_length=1000,
                        description="why the account needs its role (required for roles that read personal data, "
                                    "whose grant a supervisor or auditor approves)")


class PasswordReset(RequestModel):
    password: str = Field(min_length=1, max_length=256)


class PasswordChange(RequestModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class RoleChange(RequestModel):
    role: Role
    reason: str = Field(min_length=4, max_length=1000)


class RoleGrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: int
    username: str = Field(description="the account the grant is for")
    role: Role
    previous_role: Role | None
    status: str
    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None

    @classmethod
    def of(cls, grant: object, *, username: str) -> RoleGrantRead:
        """Return ``grant`` (a stored role grant) as read, for the account named ``username``."""
        stored = {name: getattr(grant, name) for name in cls.model_fields if name != "username"}
        return cls.model_validate(stored | {"username": username})


class RoleChangeRead(BaseModel):
    """The account as changed, or the grant that now waits for a second person."""

    user: UserRead | None = None
    grant: RoleGrantRead | None = None


class GrantDecision(RequestModel):
    note: str = Field(default="", max_length=1000)


class EnrolmentRead(BaseModel):
    secret: str = Field(description="the TOTP secret (base32), for an authenticator app that cannot scan")
    uri: str = Field(description="otpauth:// URI, what the QR code holds")
    qr_svg: str


class EnrolmentConfirm(RequestModel):
    code: str = Field(min_length=6, max_length=12)


class EnrolmentDone(BaseModel):
    recovery_codes: list[str] = Field(description="shown once: each logs in once in place of a code")
    token: TokenRead
