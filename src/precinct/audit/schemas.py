"""Response shapes for the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    at: datetime
    actor: str
    actor_role: str | None
    action: str
    resource_type: str
    resource_id: str | None
    ip: str | None
    purpose: str | None
    detail: dict[str, Any] | None
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    total: int
    page: int
    page_size: int


class AuditVerifyRead(BaseModel):
    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str | None
    checkpoints: int = 0
    """Signed checkpoints checked (0: none written yet, the chain is protected by its own hashes only)."""
