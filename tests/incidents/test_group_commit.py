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
