"""Case documents: files stored on disk under a configured folder, their SHA-256 in the database.

An upload is refused when it is empty, over the size limit (413), or not of an accepted type (its
first bytes are read: a PDF, JPEG or PNG, or UTF-8 text; the declared type must match them). The
file is written to a temporary name and renamed into place, then recorded. A download reads the
file again and compares its SHA-256 with the recorded one: a file changed on disk is refused
(409), never served. Downloads are audited.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.cases import events
from precinct.cases.messages import field_error, said
from precinct.cases.models import CaseDocument
from precinct.cases.service import get_visible, get_workable, touch
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, PayloadTooLargeError
from precinct.core.security import Actor

ACCEPTED = ("application/pdf", "image/jpeg", "image/png", "text/plain")
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def sniff(content: bytes) -> str:
    """Return the type the first bytes of ``content`` show (``application/octet-stream``: none accepted)."""
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    try:
        decoded = content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain" if "\x00" not in decoded else "application/octet-stream"


@dataclass(frozen=True)
class Store:
    """Where documents go and how large they may be."""

    directory: Path
    max_bytes: int

    def path_of(self, storage_key: str) -> Path:
        """Return the file of ``storage_key``."""
        return self.directory / storage_key


def size_text(n_bytes: int) -> str:
    """Return a size for people: MiB from one MiB up (up to two decimals), KiB below it, never "0 MiB"."""
    if n_bytes >= 2**20:
        return f"{round(n_bytes / 2**20, 2):g} MiB"
    return f"{round(n_bytes / 2**10, 2):g} KiB"


def _check(content: bytes, declared: str, store: Store) -> str:
    if not content:
        raise field_error("content", "case.document_empty")
    if len(content) > store.max_bytes:
        raise PayloadTooLargeError(f"content: {said('case.document_too_large', limit=size_text(store.max_bytes))}")
    declared = declared.split(";")[0].strip().lower()
    if declared not in ACCEPTED:
        raise field_error("content_type", "case.document_type", allowed=", ".join(ACCEPTED))
    found = sniff(content)
    if found != declared:
        raise field_error("content", "case.document_mismatch", declared=declared, found=found)
    return declared


def add(session: Session, case_id: int, *, content: bytes, content_type: str, filename: str, title: str,
        store: Store, actor: Actor, zone: ZoneInfo, now: datetime | None = None) -> CaseDocument:
    """Store a document of a case the actor works, with its SHA-256 (see the module for what is refused)."""
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    declared = _check(content, content_type, store)
    digest = hashlib.sha256(content).hexdigest()
    key = f"{case.id}/{uuid.uuid4().hex}"
    path = store.path_of(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(content)
    os.replace(temporary, path)
    try:
        document = CaseDocument(case_id=case.id, title=title.strip() or filename, filename=filename,
                                content_type=declared, size_bytes=len(content), sha256=digest, storage_key=key,
                                uploaded_at=now, uploaded_by=actor.username)
        session.add(document)
        touch(case, now)
        session.flush()
        events.record(session, case, "document_added", actor=actor, at=now, zone=zone, data={
            "document_id": document.id, "sha256": digest, "size_bytes": len(content)})
        session.flush()
    except Exception:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return document


def list_(session: Session, case_id: int, *, actor: Actor) -> list[CaseDocument]:
    """Return a case's documents, first uploaded first."""
    get_visible(session, case_id, actor)
    return list(session.scalars(select(CaseDocument).where(CaseDocument.case_id == case_id)
                                .order_by(CaseDocument.id)))


def read(session: Session, case_id: int, document_id: int, *, store: Store, actor: Actor) -> tuple[CaseDocument,
                                                                                                       bytes]:
    """Return a document and its content once its SHA-256 matches the recorded one (audited).

    Raises
    ------
    NotFoundError
        The document is not the case's, or the case not the actor's to read.
    ConflictError
        The stored file is missing or no longer matches its SHA-256 (it is not served).
    """
    get_visible(session, case_id, actor)
    document = session.get(CaseDocument, document_id)
    if document is None or document.case_id != case_id:
        raise NotFoundError(said("case.document_not_found", id=document_id))
    try:
        content = store.path_of(document.storage_key).read_bytes()
    except FileNotFoundError:
        raise ConflictError(said("case.document_missing", id=document.id)) from None
    matches = hashlib.sha256(content).hexdigest() == document.sha256
    audit_service.record(session, actor=actor, action="case.document_read" if matches else "case.document_tampered",
                         resource_type="case", resource_id=case_id,
                         detail={"document_id": document.id, "sha256": document.sha256})
    if not matches:
        raise ConflictError(said("case.document_tampered", id=document.id))
    return document, content
