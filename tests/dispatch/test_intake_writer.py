"""Group commit: calls that arrive together share one transaction; a bad call fails alone."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from precinct.app import session_factory
from precinct.audit import service as audit_service
from precinct.audit.models import AuditEntry
from precinct.core.db import make_engine
from precinct.core.errors import (
    ConflictError,
    NotFoundError,
    ServiceUnavailableError,
    ValidationError,
)
from precinct.dispatch.intake import GroupCommit
from precinct.incidents import service as incident_service
from precinct.incidents.models import Incident, IncidentEvent
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR


@pytest.fixture
def factory(fresh_database_url):
    engine = make_engine(fresh_database_url)
    factory = session_factory(engine)
    with factory() as session:
        incident_service.load_default_types(session)
        session.commit()
    yield factory
    engine.dispose()


def _call(i: int, **extra) -> IncidentCreate:
    return IncidentCreate(source="phone_110", type_code="theft", lon=114.30 + i * 0.001, lat=30.58,
                          description=f"call {i}", **extra)


def test_calls_queued_together_are_written_in_one_transaction(factory):
    writer = GroupCommit(factory)
    pending = [writer.submit(_call(i), actor=ADMIN_ACTOR) for i in range(5)]
    writer.start()
    incidents = [p.result(timeout=30) for p in pending]
    writer.stop()
    assert writer.batches == 1 and writer.calls == 5
    assert [i.description for i in incidents] == [f"call {i}" for i in range(5)]
    with factory() as session:
        ids = [i.id for i in incidents]
        assert session.scalar(select(func.count(Incident.id)).where(Incident.id.in_(ids))) == 5
        created = session.scalars(select(IncidentEvent.incident_id).where(IncidentEvent.kind == "created")).all()
        assert sorted(created) == sorted(ids)
        audited = session.scalars(select(AuditEntry.resource_id).where(AuditEntry.action == "incident.create")
                                  .order_by(AuditEntry.seq)).all()
        assert audited == [str(i) for i in ids]  # one entry per call, chained in the order taken
        assert audit_service.verify(session).ok


def test_a_bad_call_in_a_batch_fails_alone(factory):
    with factory() as session:
        incident_service.create(session, _call(0, external_id="110-0001"), actor=ADMIN_ACTOR)
        session.commit()
    writer = GroupCommit(factory)
    good_1 = writer.submit(_call(1), actor=ADMIN_ACTOR)
    repeated = writer.submit(_call(2, external_id="110-0001"), actor=ADMIN_ACTOR)
    unknown_type = writer.submit(IncidentCreate(source="phone_110", type_code="no_such_type", lon=114.3, lat=30.58),
                                 actor=ADMIN_ACTOR)
    good_2 = writer.submit(_call(3), actor=ADMIN_ACTOR)
    writer.start()
    assert good_1.result(timeout=30).id and good_2.result(timeout=30).id
    with pytest.raises(ConflictError):
        repeated.result(timeout=30)
    with pytest.raises((NotFoundError, ValidationError)):
        unknown_type.result(timeout=30)
    writer.stop()
    assert writer.calls == 2 and writer.batches == 2  # the failed batch was retried call by call
    with factory() as session:
        assert session.scalar(select(func.count(Incident.id))) == 3
        assert audit_service.verify(session).ok


def test_create_blocks_until_committed_and_the_writer_restarts_after_stop(factory):
    writer = GroupCommit(factory)
    first = writer.create(_call(1), actor=ADMIN_ACTOR)
    writer.stop()
    second = writer.create(_call(2), actor=ADMIN_ACTOR)
    writer.stop()
    with factory() as session:  # a fresh session sees both: they were committed before create returned
        assert {first.id, second.id} <= set(session.scalars(select(Incident.id)))


def test_answer_stage_gives_each_caller_its_own_result_or_error(factory):
    sessions = []

    def answer(session, incident, context):
        sessions.append(session)
        assert session.get(Incident, incident.id) is incident  # the writer's session, after its commit
        if context == "bad":
            raise ValueError("no answer for bad")
        return incident.description, context

    writer = GroupCommit(factory, answer=answer)
    pending = [writer.submit(_call(i), actor=ADMIN_ACTOR, context=c) for i, c in enumerate(["a", "bad", "c"])]
    writer.start()
    assert pending[0].result(timeout=30) == ("call 0", "a") and pending[2].result(timeout=30) == ("call 2", "c")
    with pytest.raises(ValueError, match="no answer for bad"):
        pending[1].result(timeout=30)
    writer.stop()
    assert writer.batches == 1 and len(sessions) == 3 and len(set(map(id, sessions))) == 1
    with factory() as session:  # every call was stored, the unanswered one too, and only once
        assert sorted(session.scalars(select(Incident.description))) == ["call 0", "call 1", "call 2"]


def test_a_failing_answer_never_stores_twice_and_calls_arriving_meanwhile_are_stored_next(factory):
    import threading

    answering = threading.Event()

    def answer(session, incident, context):
        answering.set()
        time.sleep(0.2)  # a slow answer stage
        raise RuntimeError("ranking failed")

    writer = GroupCommit(factory, answer=answer)
    first = writer.submit(_call(0), actor=ADMIN_ACTOR)
    writer.start()
    assert answering.wait(30)
    later = writer.submit(_call(1), actor=ADMIN_ACTOR)  # arrives while the first is being answered
    for p in (first, later):
        with pytest.raises(RuntimeError, match="ranking failed"):
            p.result(timeout=30)
    writer.stop()
    assert writer.batches == 2 and writer.calls == 2  # no retry: both batches were already committed
    with factory() as session:
        assert session.scalar(select(func.count(Incident.id))) == 2
        assert audit_service.verify(session).ok


def test_a_call_still_queued_when_its_wait_times_out_is_withdrawn_and_never_stored(factory):
    import asyncio
    import threading

    gate = threading.Event()

    def slow_factory():  # the database is slow to answer: the writer is stuck on its first batch
        gate.wait(30)
        return factory()

    writer = GroupCommit(slow_factory)
    stuck = writer.submit(_call(1), actor=ADMIN_ACTOR)
    writer.start()
    with pytest.raises(ServiceUnavailableError, match="was not stored"):
        writer.create(_call(2), actor=ADMIN_ACTOR, timeout_s=0.3)
    gate.set()
    assert stuck.result(timeout=30).description == "call 1"

    async def take():
        return await writer.take(_call(3), actor=ADMIN_ACTOR)

    assert asyncio.run(take()).description == "call 3"
    writer.stop()
    with factory() as session:
        assert sorted(session.scalars(select(Incident.description))) == ["call 1", "call 3"]


def test_a_wait_that_times_out_after_the_call_was_taken_still_gets_the_answer(factory):
    import asyncio
    import threading

    started, release = threading.Event(), threading.Event()

    def answer(session, incident, context):
        started.set()
        release.wait(30)
        return incident.id

    writer = GroupCommit(factory, answer=answer)

    async def take():
        task = asyncio.ensure_future(writer.take(_call(1), actor=ADMIN_ACTOR, timeout_s=0.2))
        await asyncio.to_thread(started.wait, 30)
        await asyncio.sleep(0.3)  # past the timeout, while the call is being answered
        release.set()
        return await task

    incident_id = asyncio.run(take())
    writer.stop()
    with factory() as session:
        assert session.scalars(select(Incident.id)).all() == [incident_id]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_writer_that_dies_fails_its_batch_and_is_replaced(factory, monkeypatch):
    from precinct.incidents import service as service_module

    real = service_module.create_many
    calls = []

    def dying_once(session, batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise SystemExit("writer killed")  # a BaseException: the thread ends
        return real(session, batch)

    monkeypatch.setattr(service_module, "create_many", dying_once)
    writer = GroupCommit(factory)
    with pytest.raises(ServiceUnavailableError, match="writer stopped"):
        writer.create(_call(1), actor=ADMIN_ACTOR, timeout_s=10)
    assert writer.create(_call(2), actor=ADMIN_ACTOR, timeout_s=10).description == "call 2"  # a new writer
    writer.stop()
