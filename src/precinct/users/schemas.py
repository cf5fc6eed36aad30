"""Request and response shapes for log-in and accounts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from precinct.core.permissions import Permission, Role


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    username: str
    role: Role


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool
    locked_at: datetime | None
    station_id: int | None
    unit_id: int | None


class MeRead(UserRead):
    """The caller's own account, with the permissions its role holds (what the console may offer)."""

    permissions: list[Permission]


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=10, max_length=256)
    role: Role
    display_name: str = Field(default="", max_length=128)
    station_id: int | None = None
    unit_id: int | None = None
