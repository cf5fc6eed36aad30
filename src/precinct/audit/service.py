"""The tamper-evident audit log.

Services call :func:`record` inside their unit of work; the entries are chained and written just
before the session commits, in the same transaction as the change they describe. Each entry's hash
is ``SHA-256(prev_hash || canonical JSON of the entry)``; the single ``audit_head`` row is updated
first, which takes a row lock on PostgreSQL and the write lock on SQLite, so concurrent writers,
even in several processes, extend one chain. :func:`verify` recomputes the chain and reports the
first changed, inserted or deleted row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from precinct.audit.models import AuditEntry, AuditHead
from precinct.core.db import array_insert_sql, require_unit_of_work, utcnow
from precinct.core.security import Actor

GENESIS_HASH = "0" * 64
ALERT_PREFIX = "security."
"""Actions that are security alerts for auditors: locks, throttled addresses, role grants and
changes, second-factor resets, revoked sessions, disabled accounts."""
_PENDING_KEY = "precinct_audit_pending"


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    resource_type: str,
    resource_id: object = None,
    purpose: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Queue an audit entry; it is written when ``session`` commits, or dropped on rollback.

    Raises
    ------
    ConfigurationError
        If ``session`` does not write audit entries on commit (see ``precinct.app.session_factory``).
    """
    require_unit_of_work(session)
    session.info.setdefault(_PENDING_KEY, []).append(
        {
            "at": utcnow(),
            "actor": actor.username,
            "actor_role": actor.role.value if actor.role else None,
            "action": action,
            "resource_type": resource_type,
            "resource_id": None if resource_id is None else str(resource_id),
            "ip": actor.ip,
            "purpose": purpose,
            "detail": detail,
        }
    )


def entry_hash(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of an entry's canonical JSON, chained to the previous entry's hash."""
    canonical = json.dumps(
        {
            "seq": seq,
            "at": _iso(fields["at"]),
            "actor": fields["actor"],
            "actor_role": fields["actor_role"],
            "action": fields["action"],
            "resource_type": fields["resource_type"],
            "resource_id": fields["resource_id"],
            "ip": fields["ip"],
            "purpose": fields["purpose"],
            "detail": fields["detail"],
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def flush_pending(session: Session) -> None:
    """Write the queued entries, extending the chain under the head-row lock.

    The lock is held from the first statement to the commit, and every writer waits for it, so
    the work under it is kept to two round trips on PostgreSQL: bump the head (taking the lock),
    then append the entries and store the new tip in one statement.
    """
    pending: list[dict[str, Any]] = session.info.pop(_PENDING_KEY, None) or []
    if not pending:
        return
    conn = session.connection()
    new_seq, prev_hash = conn.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + len(pending))
        .returning(AuditHead.seq, AuditHead.last_hash)
    ).one()
    seq = new_seq - len(pending)
    rows = []
    for fields in pending:
        seq += 1
        digest = entry_hash(prev_hash, seq, fields)
        rows.append({**fields, "seq": seq, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    if conn.dialect.name == "postgresql":
        conn.execute(_APPEND_POSTGRES, {
            **{name: [row[name] for row in rows] for name in _APPEND_COLUMNS if name != "detail"},
            "detail": [None if row["detail"] is None else json.dumps(row["detail"], ensure_ascii=False)
                       for row in rows],
            "last_hash": prev_hash,
        })
    else:
        conn.execute(insert(AuditEntry), rows)
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev_hash))


# One fixed statement for any number of entries (so it is compiled and prepared once): the rows
# arrive as one array per column; the new tip is stored in the same round trip.
_APPEND_COLUMNS = {"seq": "integer", "at": "timestamptz", "actor": "varchar", "actor_role": "varchar",
                   "action": "varchar", "resource_type": "varchar", "resource_id": "varchar", "ip": "varchar",
                   "purpose": "varchar", "detail": "json", "prev_hash": "varchar", "hash": "varchar"}
_APPEND_POSTGRES = text(
    f"WITH appended AS ({array_insert_sql('audit_log', _APPEND_COLUMNS)}) "
    "UPDATE audit_head SET last_hash = :last_hash WHERE id = 1"
)


def discard_pending(session: Session) -> None:
    """Forget the entries queued on ``session`` (its transaction rolled back)."""
    session.info.pop(_PENDING_KEY, None)


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`: the entries checked, and the first bad one with the reason."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None


def verify(session: Session, *, batch_size: int = 5000) -> VerifyResult:
    """Recompute the chain; report the first entry that was changed, inserted or deleted.

    Safe while others write: the head is read first and the chain is checked up to it; entries
    beyond it are accepted only if a head read afterwards covers them (a writer commits its entries
    and the head together), so concurrent appends are never taken for tampering.
    """
    head = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if head is None:
        return VerifyResult(False, 0, None, "audit head row is missing")
    head_seq, head_hash = head
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    last_seq = 0
    while last_seq < head_seq:
        batch = session.execute(
            select(*_ENTRY_COLUMNS).where(AuditEntry.seq > last_seq, AuditEntry.seq <= head_seq)
            .order_by(AuditEntry.seq).limit(batch_size)
        ).all()
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return VerifyResult(False, count, expected_seq, f"entry {expected_seq} is missing")
            if entry.prev_hash != expected_prev:
                return VerifyResult(False, count, entry.seq, "previous-hash link broken")
            fields = {name: getattr(entry, name) for name in _HASHED_FIELDS}
            if entry_hash(expected_prev, entry.seq, fields) != entry.hash:
                return VerifyResult(False, count, entry.seq, "entry content does not match its hash")
            expected_prev = entry.hash
            expected_seq += 1
            count += 1
        last_seq = batch[-1].seq
    if count != head_seq or expected_prev != head_hash:
        return VerifyResult(False, count, count + 1, f"chain ends at entry {count} but the head records {head_seq}")
    beyond = session.scalar(select(func.max(AuditEntry.seq))) or 0
    if beyond > head_seq:
        now_head = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
        if now_head < beyond:
            return VerifyResult(False, count, head_seq + 1, f"entry {beyond} lies beyond the chain's head")
    return VerifyResult(True, count)


_HASHED_FIELDS = ("at", "actor", "actor_role", "action", "resource_type", "resource_id", "ip", "purpose", "detail")
_ENTRY_COLUMNS = (AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.hash,
                  *(getattr(AuditEntry, name) for name in _HASHED_FIELDS))


def list_(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    action_prefix: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[AuditEntry], int]:
    """Return one page of the entries matching the filters (newest first) and how many match."""
    query = select(AuditEntry)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    if resource_type:
        query = query.where(AuditEntry.resource_type == resource_type)
    if resource_id:
        query = query.where(AuditEntry.resource_id == resource_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(AuditEntry.seq.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(items), total
