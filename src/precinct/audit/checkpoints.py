"""Anchors for the audit chain outside the database: signed checkpoints.

The hash chain (``audit.service``) finds a changed, inserted or deleted entry, but someone who can
write to the database could rewrite the chain whole, truncate its tail or wipe it, and recompute
every hash. A checkpoint records the chain's head at a moment (sequence number, hash, number of
entries, time), signed with HMAC-SHA256 under a key the database does not hold
(``PRECINCT_AUDIT_KEY``), and is appended as one JSON line to a file outside the database
(``PRECINCT_AUDIT_CHECKPOINT_FILE``; put it on another host or write-once storage). Every server
process writes one at an interval and at shutdown; ``precinct audit checkpoint`` writes one on
demand. :func:`check` then checks every line: its signature holds (else the file was edited),
the chain still reaches its sequence number (else the tail was cut off or the log wiped), and the
entry there still has its hash (else the history was rewritten). Entries after the last
checkpoint are protected only by the chain itself until the next checkpoint is written.

``precinct db restore`` appends a *restore* line: the head of the restored database. Checkpoints
written before it that lie beyond its sequence number describe entries the restore took away;
they are reported as superseded instead of as a truncation. Checkpoints up to it must still match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from precinct.audit.models import AuditEntry, AuditHead
from precinct.core.db import read_only_session, utcnow
from precinct.core.i18n import t
from precinct.core.jobs import BackgroundLoop, JobState

logger = logging.getLogger(__name__)

Kind = Literal["checkpoint", "restore"]
Problem = Literal["forged", "truncated", "rewritten", "count"]
_FORMAT = 1
_TAIL_BYTES = 4096
_LOOKUP_BATCH = 500


@dataclass(frozen=True)
class Head:
    """The chain's head: the last entry's sequence number and hash, and how many entries reach it."""

    seq: int
    hash: str
    count: int


@dataclass(frozen=True)
class Checkpoint:
    """One signed line of the checkpoint file."""

    kind: Kind
    seq: int
    hash: str
    count: int
    at: str
    mac: str
    v: int = _FORMAT


@dataclass(frozen=True)
class CheckpointCheck:
    """What checking the chain against the checkpoint file found.

    ``problem`` names the first problem (``forged``: a line whose signature fails; ``truncated``:
    a checkpoint beyond the log's last entry; ``rewritten``: an entry whose hash is not the one
    checkpointed; ``count``: fewer or more entries up to a checkpoint than it recorded), ``line``
    its line in the file (from 1).
    """

    checkpoints: int
    superseded: int = 0
    problem: Problem | None = None
    line: int | None = None
    seq: int | None = None
    detail: dict[str, object] | None = None

    @property
    def ok(self) -> bool:
        """Whether the chain matches every checkpoint."""
        return self.problem is None

    def message(self, language: str) -> str:
        """Describe the problem in ``language`` (zh-CN or en); empty when there is none."""
        if self.problem is None:
            return ""
        return t(f"audit.checkpoint_{self.problem}", language).format(
            line=self.line, seq=self.seq, **(self.detail or {}))


def _mac(key: bytes, kind: str, seq: int, digest: str, count: int, at: str) -> str:
    message = f"precinct-audit-checkpoint|v{_FORMAT}|{kind}|{seq}|{digest}|{count}|{at}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def sign(key: bytes, head: Head, *, kind: Kind = "checkpoint", now: datetime | None = None) -> Checkpoint:
    """Return the signed checkpoint of ``head`` (not written yet)."""
    at = (now or utcnow()).isoformat()
    return Checkpoint(kind, head.seq, head.hash, head.count, at, _mac(key, kind, head.seq, head.hash, head.count, at))


def signature_holds(key: bytes, checkpoint: Checkpoint) -> bool:
    """Say whether ``checkpoint``'s signature is the one ``key`` gives."""
    expected = _mac(key, checkpoint.kind, checkpoint.seq, checkpoint.hash, checkpoint.count, checkpoint.at)
    return hmac.compare_digest(checkpoint.mac, expected)


def read_head(session: Session) -> Head:
    """Return the chain's head as stored (sequence 0 when the log is empty or its head row is gone)."""
    row = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if row is None or row.seq == 0:
        return Head(0, row.last_hash if row else "", 0)
    count = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.seq <= row.seq)) or 0
    return Head(row.seq, row.last_hash, count)


def append(path: Path, checkpoint: Checkpoint) -> None:
    """Append ``checkpoint`` to the file at ``path`` as one line (created with mode 0600) and sync it.

    One ``write`` of one short line with ``O_APPEND``: lines that several processes append stay whole.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(checkpoint), separators=(",", ":")) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_checkpoint(
    factory: sessionmaker[Session], path: Path, key: bytes, *, if_changed: bool = False, now: datetime | None = None,
) -> Checkpoint | None:
    """Append a signed checkpoint of the chain's current head to ``path``.

    The head is read in a short transaction that ends before the file is written. Returns ``None``
    (and writes nothing) when the log is empty, or with ``if_changed`` when the file's last line
    already records this head.
    """
    with read_only_session(factory) as session:
        head = read_head(session)
        session.rollback()
    if head.seq == 0:
        return None
    if if_changed:
        last = _last_line(path)
        if last is not None and (last.seq, last.hash) == (head.seq, head.hash):
            return None
    checkpoint = sign(key, head, now=now)
    append(path, checkpoint)
    return checkpoint


def write_restore_mark(session: Session, path: Path, key: bytes, *, now: datetime | None = None) -> Checkpoint:
    """Append a signed restore line: the head of the database just restored.

    Checkpoints before it beyond its sequence number no longer describe the database (the restore
    went back to an earlier state) and are reported as superseded.
    """
    checkpoint = sign(key, read_head(session), kind="restore", now=now)
    append(path, checkpoint)
    return checkpoint


def _parse(line: str) -> Checkpoint | None:
    try:
        data = json.loads(line)
        kind = data["kind"]
        if kind not in ("checkpoint", "restore") or data.get("v") != _FORMAT:
            return None
        return Checkpoint(kind, int(data["seq"]), str(data["hash"]), int(data["count"]), str(data["at"]),
                          str(data["mac"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def read_checkpoints(path: Path) -> list[tuple[int, Checkpoint | None]]:
    """Read the lines of ``path`` in the order written, each with its line number (from 1).

    A line that is not a checkpoint comes as ``None`` (it cannot verify); blank lines are skipped;
    no file, no lines.
    """
    if not path.exists():
        return []
    found: list[tuple[int, Checkpoint | None]] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                found.append((number, _parse(line)))
    return found


def _last_line(path: Path) -> Checkpoint | None:
    """Return the file's last checkpoint, read from its end (the file grows by a line per interval)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _TAIL_BYTES))
            lines = [line for line in handle.read().decode("utf-8", errors="replace").splitlines() if line.strip()]
    except FileNotFoundError:
        return None
    return _parse(lines[-1]) if lines else None


def check(session: Session, path: Path, key: bytes) -> CheckpointCheck:
    """Check the stored chain against every line of the checkpoint file at ``path``.

    First every line's signature; then, in the file's order, each checkpoint that no later restore
    line supersedes: its sequence number lies within the log, the entry there has its hash; and the
    last one's entry count.
    """
    lines = read_checkpoints(path)
    if not lines:
        return CheckpointCheck(0)
    for number, checkpoint in lines:
        if checkpoint is None or not signature_holds(key, checkpoint):
            return CheckpointCheck(len(lines), problem="forged", line=number,
                                   seq=checkpoint.seq if checkpoint else None)
    signed = [(number, checkpoint) for number, checkpoint in lines if checkpoint is not None]
    current = _not_superseded(signed)
    head = read_head(session)
    stored = _stored_hashes(session, {c.seq for _, c in current if 0 < c.seq <= head.seq})
    for number, checkpoint in current:
        detail: dict[str, object] = {"at": checkpoint.at, "head": head.seq}
        if checkpoint.seq > head.seq:
            return CheckpointCheck(len(lines), len(signed) - len(current), "truncated", number, checkpoint.seq, detail)
        if checkpoint.seq > 0 and stored.get(checkpoint.seq) != checkpoint.hash:
            return CheckpointCheck(len(lines), len(signed) - len(current), "rewritten", number, checkpoint.seq, detail)
    number, last = current[-1]
    count = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.seq <= last.seq)) or 0
    if count != last.count:
        return CheckpointCheck(len(lines), len(signed) - len(current), "count", number, last.seq,
                               {"at": last.at, "expected": last.count, "found": count})
    return CheckpointCheck(len(lines), len(signed) - len(current))


def _not_superseded(lines: list[tuple[int, Checkpoint]]) -> list[tuple[int, Checkpoint]]:
    """Drop the checkpoints that a later restore line went back before."""
    kept: list[tuple[int, Checkpoint]] = []
    floor: int | None = None  # the lowest restore point after the line looked at
    for number, checkpoint in reversed(lines):
        if floor is None or checkpoint.seq <= floor:
            kept.append((number, checkpoint))
        if checkpoint.kind == "restore":
            floor = checkpoint.seq if floor is None else min(floor, checkpoint.seq)
    return kept[::-1]


def _stored_hashes(session: Session, seqs: set[int]) -> dict[int, str]:
    ordered = sorted(seqs)
    found: dict[int, str] = {}
    for start in range(0, len(ordered), _LOOKUP_BATCH):
        batch = ordered[start:start + _LOOKUP_BATCH]
        rows = session.execute(select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(batch)))
        found.update({seq: digest for seq, digest in rows})
    return found


class CheckpointJob:
    """The server's background job: a checkpoint every ``every_s`` seconds when the head moved, and one at shutdown."""

    name = "audit-checkpoints"

    def __init__(self, factory: sessionmaker[Session], path: Path, key: bytes, *, every_s: float) -> None:
        self._factory, self._path, self._key = factory, path, key
        self._loop = BackgroundLoop(self.name, self.step, every_s=every_s)

    def step(self) -> Checkpoint | None:
        """Write a checkpoint if the chain's head moved since the file's last line."""
        return write_checkpoint(self._factory, self._path, self._key, if_changed=True)

    def start(self) -> CheckpointJob:
        """Start the loop and return the job."""
        self._loop.start()
        return self

    def stop(self) -> None:
        """End the loop and write a last checkpoint (a failure is logged: shutdown goes on)."""
        self._loop.stop()
        try:
            self.step()
        except Exception:  # a database or disk hiccup must not stop the other jobs from stopping
            logger.exception("audit checkpoint at shutdown failed")

    @property
    def state(self) -> JobState:
        """The loop's state."""
        return self._loop.state
