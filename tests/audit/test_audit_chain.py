"""The audit log is hash-chained: any changed, inserted or deleted row is detected."""

from __future__ import annotations

import itertools
import threading

from sqlalchemy import create_engine, text

from precinct.app import session_factory
from precinct.audit import service as audit_service
from precinct.audit.models import AuditEntry
from precinct.core.db import make_engine
from testkit import ADMIN_ACTOR


def _write(session, n):
    for i in range(n):
        audit_service.record(session, actor=ADMIN_ACTOR, action="test.write", resource_type="thing",
                             resource_id=i, detail={"n": i, "text": "中文"})
    session.commit()


def test_chain_verifies_and_links(session):
    _write(session, 5)
    result = audit_service.verify(session)
    assert result.ok, result
    entries = session.query(AuditEntry).order_by(AuditEntry.seq).all()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))


def test_rollback_writes_no_entry(session):
    before = audit_service.verify(session).entries
    audit_service.record(session, actor=ADMIN_ACTOR, action="test.rolled_back", resource_type="thing")
    session.rollback()
    session.commit()
    assert audit_service.verify(session).entries == before


def test_changed_row_is_detected(session):
    _write(session, 4)
    seq = session.query(AuditEntry).filter_by(action="test.write").order_by(AuditEntry.seq).all()[2].seq
    session.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = :s"), {"s": seq})
    session.expire_all()
    result = audit_service.verify(session)
    assert (result.ok, result.first_bad_seq, result.reason) == (False, seq, "entry content does not match its hash")


def test_deleted_row_is_detected(session):
    _write(session, 4)
    seq = session.query(AuditEntry).filter_by(action="test.write").order_by(AuditEntry.seq).all()[1].seq
    session.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": seq})
    session.expire_all()
    result = audit_service.verify(session)
    assert (result.ok, result.first_bad_seq) == (False, seq)
    assert "missing" in result.reason


def test_deleted_tail_is_detected(session):
    _write(session, 3)
    last_seq = session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first().seq
    session.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": last_seq})
    session.expire_all()
    result = audit_service.verify(session)
    assert not result.ok and "head records" in result.reason


def test_recomputed_row_breaks_the_next_link(session):
    """A forger who changes a row and recomputes its hash still breaks the following link."""
    _write(session, 3)
    entry = session.query(AuditEntry).filter_by(action="test.write").order_by(AuditEntry.seq).all()[0]
    seq, prev_hash = entry.seq, entry.prev_hash
    fields = {name: getattr(entry, name) for name in
              ("at", "actor", "actor_role", "action", "resource_type", "resource_id", "ip", "purpose", "detail")}
    fields["actor"] = "forger"
    forged = audit_service.entry_hash(prev_hash, seq, fields)
    session.execute(text("UPDATE audit_log SET actor = 'forger', hash = :h WHERE seq = :s"), {"h": forged, "s": seq})
    session.expire_all()
    result = audit_service.verify(session)
    assert (result.ok, result.first_bad_seq, result.reason) == (False, seq + 1, "previous-hash link broken")


def test_cli_verify_exits_non_zero_on_tampering(fresh_database_url, cli):
    assert cli("user", "add", "chief", "--role", "admin", input="a-long-password\n").exit_code == 0
    assert cli("user", "add", "clerk", "--role", "call_taker", input="another-password\n").exit_code == 0
    ok = cli("audit", "verify")
    assert ok.exit_code == 0, ok.output
    assert "2 entries" in ok.output

    engine = create_engine(fresh_database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = NULL WHERE seq = 1"))
    engine.dispose()
    broken = cli("audit", "verify")
    assert broken.exit_code == 1
    assert "entry 1" in broken.output


def test_verify_never_raises_a_false_alarm_while_others_write(fresh_database_url):
    engine = make_engine(fresh_database_url)
    factory = session_factory(engine)
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            with factory() as session:
                audit_service.record(session, actor=ADMIN_ACTOR, action="test.write", resource_type="thing")
                session.commit()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        results = []
        for _ in range(40):
            with factory() as session:
                results.append(audit_service.verify(session))
                session.rollback()
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
    assert results[-1].entries > 0
    engine.dispose()
