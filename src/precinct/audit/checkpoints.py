"""Anchors for the audit chain outside the database: signed checkpoints.

The hash chain (``audit.service``) finds a changed, inserted or deleted entry, but someone who can
write to the database could rewrite the chain whole, truncate its tail or wipe it, and recompute
every hash. A checkpoint records the chain's head (sequence number and hash) at a moment, signed
with HMAC-SHA256 under a key the database does not hold (``PRECINCT_AUDIT_KEY``, by default
derived from the server's secret key), and is appended to a file outside the database
(``PRECINCT_AUDIT_CHECKPOINT_FILE``; put it on another host or write-once storage). Every server
process writes one at an interval and at shutdown; ``precinct audit checkpoint`` writes one on
demand. ``verify`` then also checks, for every checkpoint, that its signature holds, that the
chain still reaches its sequence number, and that the entry there still has its hash: a rewritten,
truncated or wiped chain no longer matches. Entries after the last checkpoint are protected only
by the chain itself until the next checkpoint is written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit.models import AuditEntry, AuditHead
from precinct.core.db import utcnow


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at one moment, and its signature."""

    seq: int
    hash: str
    at: str
    mac: str


@dataclass(frozen=True)
class CheckpointCheck:
    """What checking the chain against the checkpoints found."""

    checkpoints: int
    problem: str | None = None
    seq: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the chain matches every checkpoint."""
        return self.problem is None


def _mac(key: bytes, seq: int, digest: str, at: str) -> str:
    return hmac.new(key, f"{seq}:{digest}:{at}".encode(), hashlib.sha256).hexdigest()


def write_checkpoint(session: Session, path: Path, key: bytes, *, now: datetime | None = None) -> Checkpoint | None:
    """Append a signed checkpoint of the chain's current head to ``path``.

    Returns ``None`` (and writes nothing) when the chain is empty or its head was checkpointed last.
    """
    head = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if head is None or head.seq == 0:
        return None
    existing = read_checkpoints(path)
    if existing and existing[-1].seq == head.seq and existing[-1].hash == head.last_hash:
        return None
    at = (now or utcnow()).isoformat()
    checkpoint = Checkpoint(head.seq, head.last_hash, at, _mac(key, head.seq, head.last_hash, at))
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint.__dict__, separators=(",", ":")) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(descriptor, line.encode())  # one write of one short line: several processes' appends stay whole
    finally:
        os.close(descriptor)
    return checkpoint


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Read the checkpoints in ``path`` in the order written (none if the file does not exist).

    A line that is not a checkpoint is kept as one that cannot verify.
    """
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            found.append(Checkpoint(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["mac"])))
        except (ValueError, KeyError, TypeError):
            found.append(Checkpoint(-1, "", "", ""))
    return found


def check_against_checkpoints(session: Session, path: Path, key: bytes) -> CheckpointCheck:
    """Check the stored chain against every checkpoint in ``path``."""
    checkpoints = read_checkpoints(path)
    if not checkpoints:
        return CheckpointCheck(0)
    head_seq = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
    for checkpoint in checkpoints:
        if not hmac.compare_digest(checkpoint.mac, _mac(key, checkpoint.seq, checkpoint.hash, checkpoint.at)):
            return CheckpointCheck(len(checkpoints), "a checkpoint's signature does not match (the file was edited, "
                                   "or the audit key changed)", checkpoint.seq)
        if checkpoint.seq > head_seq:
            return CheckpointCheck(len(checkpoints), f"the chain ends at entry {head_seq} but entry {checkpoint.seq} "
                                   f"was checkpointed at {checkpoint.at}: entries were removed", checkpoint.seq)
        stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == checkpoint.seq))
        if stored != checkpoint.hash:
            return CheckpointCheck(len(checkpoints), f"entry {checkpoint.seq} no longer has the hash checkpointed at "
                                   f"{checkpoint.at}: the chain was rewritten", checkpoint.seq)
    return CheckpointCheck(len(checkpoints))


def derive_key(secret_key: str, audit_key: str | None) -> bytes:
    """Choose the checkpoint key: ``audit_key`` if set, else one derived from the secret key.

    Neither key is ever stored in the database.
    """
    if audit_key:
        return audit_key.encode()
    return hmac.new(secret_key.encode(), b"precinct audit checkpoints", hashlib.sha256).digest()
