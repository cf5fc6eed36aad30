"""Group commit: calls that arrive together share one transaction; a bad call fails alone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from testkit import ADMIN_ACTOR
from precinct.audit import service as audit_service
from precinct.audit.models import AuditEntry
from precinct.core.db import make_engine, make_session_factory
from precinct.core.errors import ConflictError, NotFoundError, ValidationError
from precinct.incidents import service as incident_service
from precinct.incidents.group_commit import GroupCommit
from precinct.incidents.models import Incident, IncidentEvent
from precinct.incidents.schemas import IncidentCreate

import precinct.core.unit_of_work  # noqa: F401


@pytest.fixture
def factory(fresh_database_url):
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
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
    seen_open_transaction = []

    def answer(session, incidents, contexts):
        seen_open_transaction.append(session.get(Incident, incidents[0].id) is incidents[0])
        return [ValueError(f"no answer for {c}") if c == "bad" else (incident.description, c)
                for incident, c in zip(incidents, contexts, strict=True)]

    writer = GroupCommit(factory, answer=answer)
    pending = [writer.submit(_call(i), actor=ADMIN_ACTOR, context=c) for i, c in enumerate(["a", "bad", "c"])]
    writer.start()
    assert pending[0].result(timeout=30) == ("call 0", "a") and pending[2].result(timeout=30) == ("call 2", "c")
    with pytest.raises(ValueError, match="no answer for bad"):
        pending[1].result(timeout=30)
    writer.stop()
    assert writer.batches == 1 and seen_open_transaction == [True]
    with factory() as session:  # every call was stored, the unanswered one too, and only once
        assert sorted(session.scalars(select(Incident.description))) == ["call 0", "call 1", "call 2"]


def test_a_failing_answer_stage_never_stores_a_call_twice(factory):
    def answer(session, incidents, contexts):
        raise RuntimeError("ranking failed")

    writer = GroupCommit(factory, answer=answer)
    pending = [writer.submit(_call(i), actor=ADMIN_ACTOR) for i in range(4)]
    writer.start()
    for p in pending:
        with pytest.raises(RuntimeError, match="ranking failed"):
            p.result(timeout=30)
    writer.stop()
    assert writer.batches == 1  # no retry: the batch was already committed
    with factory() as session:
        assert session.scalar(select(func.count(Incident.id))) == 4
        assert audit_service.verify(session).ok


def test_a_call_given_up_before_its_batch_is_not_stored_and_take_awaits_on_an_event_loop(factory):
    import asyncio

    writer = GroupCommit(factory)
    abandoned = writer.submit(_call(1), actor=ADMIN_ACTOR)
    kept = writer.submit(_call(2), actor=ADMIN_ACTOR)
    assert abandoned.cancel()
    writer.start()
    assert kept.result(timeout=30).description == "call 2"

    async def take():
        return await writer.take(_call(3), actor=ADMIN_ACTOR)

    assert asyncio.run(take()).description == "call 3"
    writer.stop()
    with factory() as session:
        assert sorted(session.scalars(select(Incident.description))) == ["call 2", "call 3"]
