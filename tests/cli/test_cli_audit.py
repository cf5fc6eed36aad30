"""`precinct audit checkpoint` and `precinct audit verify`: a tampered log exits 1 with a bilingual message.

Every tampering here passed `audit verify` while it checked the chain alone; with a checkpoint
written first, each one fails.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, select, text

from precinct.audit import service as audit_service
from precinct.audit.models import AuditEntry


def _sql(url, *statements):
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement, params in statements:
            conn.execute(text(statement), params)
    engine.dispose()


def _entries(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.seq)).mappings().all()
    engine.dispose()
    return [dict(row) for row in rows]


def truncate_tail(url, _path):
    _sql(url, ("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", {}),
         ("UPDATE audit_head SET seq = seq - 1, last_hash = (SELECT hash FROM audit_log WHERE seq = "
          "(SELECT max(seq) FROM audit_log)) WHERE id = 1", {}))


def rewrite_history(url, _path):
    """Blame someone else for the first entry and recompute every hash after it."""
    prev = audit_service.GENESIS_HASH
    statements = []
    for entry in _entries(url):
        fields = {**entry, "actor": "cli:someone-else" if entry["seq"] == 1 else entry["actor"]}
        digest = audit_service.entry_hash(prev, entry["seq"], fields)
        statements.append(("UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s",
                           {"a": fields["actor"], "p": prev, "h": digest, "s": entry["seq"]}))
        prev = digest
    statements.append(("UPDATE audit_head SET last_hash = :h WHERE id = 1", {"h": prev}))
    _sql(url, *statements)


def wipe(url, _path):
    _sql(url, ("DELETE FROM audit_log", {}),
         ("UPDATE audit_head SET seq = 0, last_hash = :g WHERE id = 1", {"g": audit_service.GENESIS_HASH}))


def forge_checkpoint(url, path):
    """Rewrite the history, then put its new head into the checkpoint file without the key."""
    rewrite_history(url, path)
    last = _entries(url)[-1]
    line = json.loads(path.read_text().splitlines()[-1])
    path.write_text(json.dumps({**line, "hash": last["hash"]}) + "\n")


TAMPERING = {  # what the tampering does, and what verify says in Chinese and in English
    "truncated tail": (truncate_tail, "审计日志尾部被截断或日志被清空",
                       "audit log truncated or wiped: the checkpoint on line 1"),
    "rewritten history": (rewrite_history, "审计历史被改写",
                          "audit history rewritten: entry 3 no longer has the hash"),
    "wiped log": (wipe, "审计日志尾部被截断或日志被清空", "recorded entry 3, but the log now ends at entry 0"),
    "forged checkpoint": (forge_checkpoint, "检查点文件被篡改",
                          "checkpoint file tampered with: the signature on line 1"),
}


@pytest.fixture
def three_entries(fresh_database_url, cli):
    for name in ("chief", "clerk", "scribe"):
        assert cli("user", "add", name, "--role", "call_taker", input="a-long-password-1\n").exit_code == 0
    return fresh_database_url


@pytest.mark.parametrize("tampering", TAMPERING)
def test_tampering_that_the_chain_misses_fails_verify(three_entries, cli, tmp_path, tampering):
    tamper, chinese, english = TAMPERING[tampering]
    path = tmp_path / "audit-checkpoints.jsonl"  # PRECINCT_AUDIT_CHECKPOINT_FILE (the fixture sets it)
    written = cli("audit", "checkpoint")
    assert written.exit_code == 0, written.output
    assert "entry 3" in written.output
    assert cli("audit", "verify").exit_code == 0

    tamper(three_entries, path)
    chain_only = cli("audit", "verify", "--checkpoint-file", str(tmp_path / "none.jsonl"))
    assert chain_only.exit_code == 0, chain_only.output  # what verify said before it read checkpoints
    result = cli("audit", "verify")
    assert result.exit_code == 1, result.output
    assert chinese in result.output
    assert english in result.output


def test_an_untouched_log_verifies_with_its_checkpoints(three_entries, cli, tmp_path):
    assert cli("audit", "checkpoint").exit_code == 0
    assert cli("user", "add", "fourth", "--role", "call_taker", input="a-long-password-1\n").exit_code == 0
    assert cli("audit", "checkpoint").exit_code == 0
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "4 entries" in result.output
    assert "检查点一致 / checkpoints match: 2 checkpoints" in result.output
    lines = [json.loads(line) for line in (tmp_path / "audit-checkpoints.jsonl").read_text().splitlines()]
    assert [(line["kind"], line["seq"], line["count"]) for line in lines] == [("checkpoint", 3, 3),
                                                                              ("checkpoint", 4, 4)]


def test_an_empty_log_has_nothing_to_checkpoint(fresh_database_url, cli, tmp_path):
    result = cli("audit", "checkpoint")
    assert result.exit_code == 0
    assert "nothing to checkpoint" in result.output
    assert not (tmp_path / "audit-checkpoints.jsonl").exists()
    verify = cli("audit", "verify")
    assert verify.exit_code == 0
    assert "no checkpoints yet" in verify.output
