"""Audit log routes (auditors only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.audit import checkpoints, service
from precinct.audit.schemas import AuditEntryRead, AuditPage, AuditVerifyRead
from precinct.core.permissions import Permission
from precinct.core.security import Actor

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditPage)
def list_audit(
    session: SessionDep, _: Annotated[Actor, require(Permission.AUDIT)],
    actor: str | None = None, action: str | None = None, resource_type: str | None = None,
    resource_id: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1, page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditPage:
    """Return one page of the audit log, newest first, filtered by actor, action or resource."""
    items, total = service.list_(
        session, actor=actor, action=action, resource_type=resource_type, resource_id=resource_id,
        page=page, page_size=page_size,
    )
    return AuditPage(items=[AuditEntryRead.model_validate(item) for item in items], total=total, page=page,
                     page_size=page_size)


@router.get("/audit/alerts", response_model=AuditPage)
def list_alerts(
    session: SessionDep, _: Annotated[Actor, require(Permission.AUDIT)],
    page: Annotated[int, Query(ge=1)] = 1, page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditPage:
    """Return the security alerts, newest first.

    Accounts locked, addresses throttled, role grants asked for and decided, roles changed, second
    factors reset, sessions revoked, accounts disabled.
    """
    items, total = service.list_(session, action_prefix=service.ALERT_PREFIX, page=page, page_size=page_size)
    return AuditPage(items=[AuditEntryRead.model_validate(item) for item in items], total=total, page=page,
                     page_size=page_size)


@router.get("/audit/verify", response_model=AuditVerifyRead)
def verify_audit(
    session: SessionDep, settings: SettingsDep, _: Annotated[Actor, require(Permission.AUDIT)],
) -> AuditVerifyRead:
    """Recompute the hash chain and check it against the signed checkpoints; name the first problem.

    The chain finds an entry that was changed, inserted or deleted; the checkpoints (see
    ``audit.checkpoints``) a tail cut off, a log wiped or a history rewritten with new hashes.
    """
    result = service.verify(session)
    anchored = checkpoints.check(session, settings.audit_checkpoint_file, settings.audit_key.encode())
    if result.ok and not anchored.ok:
        return AuditVerifyRead(ok=False, entries=result.entries, first_bad_seq=anchored.seq,
                               reason=anchored.message("en"), checkpoints=anchored.checkpoints)
    return AuditVerifyRead(ok=result.ok, entries=result.entries, first_bad_seq=result.first_bad_seq,
                           reason=result.reason, checkpoints=anchored.checkpoints)
