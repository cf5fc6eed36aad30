"""Signed checkpoints anchor the audit chain: a truncated, rewritten or wiped log no longer verifies.

Each tampering below passes the hash chain's own check (the first assertion of each test says so);
only the checkpoints, signed with a key the database does not hold, find it.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from precinct.audit import checkpoints
from precinct.audit import service as audit_service
from precinct.audit.models import AuditEntry
from testkit import ADMIN_ACTOR, TEST_AUDIT_KEY

KEY = TEST_AUDIT_KEY.encode()


def _write(session, n):
    for i in range(n):
        audit_service.record(session, actor=ADMIN_ACTOR, action="test.write", resource_type="thing", resource_id=i)
    session.commit()


def _head_seq(session) -> int:
    return checkpoints.read_head(session).seq


def _checkpointed(session, session_factory, tmp_path, n):
    """Write ``n`` entries and a checkpoint of them; return the checkpoint file and the head's sequence number."""
    path = tmp_path / "checkpoints.jsonl"
    _write(session, n)
    checkpoints.write_checkpoint(session_factory, path, KEY)
    return path, _head_seq(session)


def truncate_tail(session, n):
    """Delete the last ``n`` entries and point the head at the one before them."""
    head = _head_seq(session)
    session.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": head - n})
    session.execute(text("UPDATE audit_head SET seq = :s, last_hash = (SELECT hash FROM audit_log WHERE seq = :s) "
                         "WHERE id = 1"), {"s": head - n})
    session.expire_all()


def rewrite_from(session, seq):
    """Change entry ``seq``'s actor and recompute every hash from there to the head."""
    session.execute(text("UPDATE audit_log SET actor = 'forger' WHERE seq = :s"), {"s": seq})
    session.expire_all()
    entries = session.query(AuditEntry).filter(AuditEntry.seq >= seq).order_by(AuditEntry.seq).all()
    prev = session.query(AuditEntry.hash).filter(AuditEntry.seq == seq - 1).scalar() or audit_service.GENESIS_HASH
    for entry in entries:
        fields = {name: getattr(entry, name) for name in
                  ("at", "actor", "actor_role", "action", "resource_type", "resource_id", "ip", "purpose", "detail")}
        digest = audit_service.entry_hash(prev, entry.seq, fields)
        session.execute(text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE seq = :s"),
                        {"p": prev, "h": digest, "s": entry.seq})
        prev = digest
    session.execute(text("UPDATE audit_head SET last_hash = :h WHERE id = 1"), {"h": prev})
    session.expire_all()


def wipe(session):
    """Delete every entry and reset the head to the empty chain."""
    session.execute(text("DELETE FROM audit_log"))
    session.execute(text("UPDATE audit_head SET seq = 0, last_hash = :g WHERE id = 1"),
                    {"g": audit_service.GENESIS_HASH})
    session.expire_all()


def test_an_untouched_log_matches_its_checkpoints(session, session_factory, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    _write(session, 3)
    first = checkpoints.write_checkpoint(session_factory, path, KEY)
    _write(session, 2)
    second = checkpoints.write_checkpoint(session_factory, path, KEY)
    assert second.seq == first.seq + 2 == _head_seq(session)
    assert second.count == second.seq  # every entry up to the head is there
    assert audit_service.verify(session).ok
    assert checkpoints.check(session, path, KEY) == checkpoints.CheckpointCheck(checkpoints=2)


def test_a_truncated_tail_is_found(session, session_factory, tmp_path):
    path, head = _checkpointed(session, session_factory, tmp_path, 5)
    truncate_tail(session, 2)
    assert audit_service.verify(session).ok  # the chain alone cannot tell
    found = checkpoints.check(session, path, KEY)
    assert (found.ok, found.problem, found.line, found.seq, found.detail["head"]) == (
        False, "truncated", 1, head, head - 2)
    assert f"recorded entry {head}, but the log now ends at entry {head - 2}" in found.message("en")
    assert f"记录到第 {head} 条，日志现只到第 {head - 2} 条" in found.message("zh-CN")


def test_an_edit_with_recomputed_hashes_is_found(session, session_factory, tmp_path):
    path, head = _checkpointed(session, session_factory, tmp_path, 4)
    rewrite_from(session, head - 2)
    assert audit_service.verify(session).ok
    found = checkpoints.check(session, path, KEY)
    assert (found.problem, found.line, found.seq) == ("rewritten", 1, head)
    assert f"entry {head} no longer has the hash" in found.message("en")


def test_a_wiped_log_is_found(session, session_factory, tmp_path):
    path, head = _checkpointed(session, session_factory, tmp_path, 2)
    wipe(session)
    result = audit_service.verify(session)
    assert (result.ok, result.entries) == (True, 0)
    found = checkpoints.check(session, path, KEY)
    assert (found.problem, found.seq, found.detail["head"]) == ("truncated", head, 0)


def test_an_entry_deleted_from_the_middle_changes_the_count(session, session_factory, tmp_path):
    """The chain finds the gap too; the checkpoint's count names how many entries went."""
    path, head = _checkpointed(session, session_factory, tmp_path, 4)
    session.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": head - 1})
    session.expire_all()
    assert audit_service.verify(session).reason == f"entry {head - 1} is missing"
    found = checkpoints.check(session, path, KEY)
    assert (found.problem, found.seq, found.detail["expected"], found.detail["found"]) == (
        "count", head, head, head - 1)
    assert f"counted {head} entries up to entry {head}, the log now holds {head - 1}" in found.message("en")
    assert f"共 {head} 条，现有 {head - 1} 条" in found.message("zh-CN")


def test_a_forged_checkpoint_line_is_found(session, session_factory, tmp_path):
    """A forger who rewrites the log and puts the new hash into the file cannot sign it."""
    path = tmp_path / "checkpoints.jsonl"
    _write(session, 3)
    checkpoints.write_checkpoint(session_factory, path, KEY)
    _write(session, 1)
    checkpoints.write_checkpoint(session_factory, path, KEY)
    rewrite_from(session, _head_seq(session) - 3)
    lines = path.read_text().splitlines()
    forged = []
    for line in lines:
        data = json.loads(line)
        data["hash"] = session.query(AuditEntry.hash).filter(AuditEntry.seq == data["seq"]).scalar()
        forged.append(json.dumps(data))
    path.write_text("\n".join(forged) + "\n")
    assert audit_service.verify(session).ok
    found = checkpoints.check(session, path, KEY)
    assert (found.problem, found.line) == ("forged", 1)
    assert "signature on line 1 does not match" in found.message("en")


def test_a_line_signed_with_another_key_or_garbled_is_refused(session, session_factory, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    _write(session, 1)
    checkpoints.write_checkpoint(session_factory, path, KEY)
    assert checkpoints.check(session, path, b"another key entirely, not the audit key").problem == "forged"
    with path.open("a") as handle:
        handle.write("\n{not json\n")
    found = checkpoints.check(session, path, KEY)
    assert (found.problem, found.line, found.seq) == ("forged", 3, None)


def test_a_restore_line_supersedes_the_checkpoints_beyond_it(session, session_factory, tmp_path):
    """After a restore to an earlier state, later checkpoints are superseded; earlier ones must still match."""
    path = tmp_path / "checkpoints.jsonl"
    _write(session, 2)
    checkpoints.write_checkpoint(session_factory, path, KEY)
    restored_to = _head_seq(session)
    _write(session, 3)
    checkpoints.write_checkpoint(session_factory, path, KEY)
    truncate_tail(session, 3)  # what restoring the backup taken at restored_to does to the log
    assert checkpoints.check(session, path, KEY).problem == "truncated"
    mark = checkpoints.write_restore_mark(session, path, KEY)
    assert (mark.kind, mark.seq) == ("restore", restored_to)
    _write(session, 4)  # new entries take the numbers of the ones the restore went back before
    checkpoints.write_checkpoint(session_factory, path, KEY)
    assert checkpoints.check(session, path, KEY) == checkpoints.CheckpointCheck(checkpoints=4, superseded=1)
    rewrite_from(session, restored_to)  # the entries the restore kept are still anchored
    assert checkpoints.check(session, path, KEY).problem == "rewritten"


def test_the_job_writes_only_when_the_head_moved(session, session_factory, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    job = checkpoints.CheckpointJob(session_factory, path, KEY, every_s=3600)
    _write(session, 1)
    assert job.step().seq == _head_seq(session)
    assert job.step() is None
    _write(session, 1)
    assert job.step().seq == _head_seq(session)
    assert len(path.read_text().splitlines()) == 2


def test_the_server_writes_a_checkpoint_at_shutdown(settings, session_factory, session, tmp_path):
    from fastapi.testclient import TestClient

    from precinct.app import create_app

    path = tmp_path / "server-checkpoints.jsonl"
    app = create_app(settings.model_copy(update={"audit_checkpoint_interval_s": 3600.0,
                                                 "audit_checkpoint_file": path}), session_factory=session_factory)
    _write(session, 1)
    with TestClient(app) as client:
        assert client.get("/api/v1/health").json()["jobs"]["audit-checkpoints"] == "running"
    [line] = checkpoints.read_checkpoints(path)
    assert line[1].seq == _head_seq(session)
    assert checkpoints.check(session, path, KEY).ok


def test_the_api_reports_a_checkpoint_problem(settings, session_factory, session, tmp_path, auth):
    from fastapi.testclient import TestClient

    from precinct.app import create_app
    from precinct.core.permissions import Role

    path, head = _checkpointed(session, session_factory, tmp_path, 2)
    app = create_app(settings.model_copy(update={"audit_checkpoint_file": path}), session_factory=session_factory)
    with TestClient(app) as client:
        assert client.get("/api/v1/audit/verify", headers=auth(Role.AUDITOR)).json() == {
            "ok": True, "entries": head, "first_bad_seq": None, "reason": None, "checkpoints": 1}
        truncate_tail(session, 1)
        body = client.get("/api/v1/audit/verify", headers=auth(Role.AUDITOR)).json()
    assert (body["ok"], body["first_bad_seq"], body["checkpoints"]) == (False, head, 1)
    assert body["reason"].startswith("audit log truncated or wiped")
