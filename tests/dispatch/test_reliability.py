"""Real concurrency on real databases: races for a unit, status storms, connections killed mid-intake."""

from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from precinct.app import session_factory
from precinct.core.db import is_concurrency_failure, make_engine
from precinct.core.errors import ConflictError
from precinct.dispatch import assignments
from precinct.dispatch.intake import GroupCommit
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Assignment, Disposition, Incident, IncidentStatus
from precinct.incidents.schemas import IncidentCreate
from precinct.units import service as unit_service
from precinct.units.models import Unit, UnitStatus, UnitType
from testkit import ADMIN_ACTOR, run_together


@pytest.fixture
def factory(fresh_database_url):
    engine = make_engine(fresh_database_url)
    yield session_factory(engine)
    engine.dispose()


def _incident(session) -> int:
    call = IncidentCreate(source="phone_110", type_code="theft", lon=114.3, lat=30.58)
    incident = incident_service.create(session, call, actor=ADMIN_ACTOR)
    session.flush()
    return incident.id


def _unit(session, sign) -> int:
    unit = unit_service.create(session, call_sign=sign, unit_type=UnitType.PATROL_CAR, home_station_id=None,
                               status=UnitStatus.AVAILABLE, lon=114.3, lat=30.58, actor=ADMIN_ACTOR)
    session.flush()
    return unit.id


def test_two_dispatchers_race_for_one_unit_exactly_one_wins(factory):
    for round_ in range(8):
        with factory() as session:
            first, second = _incident(session), _incident(session)
            unit_id = _unit(session, f"RACE-{round_}")
            session.commit()

        def assign(incident_id, unit_id=unit_id):
            def go():
                with factory() as session:
                    assignment = incident_lifecycle.assign_unit(session, incident_id, unit_id, actor=ADMIN_ACTOR)
                    session.commit()
                    return assignment.incident_id
            return go

        results = run_together([assign(first), assign(second)])
        winners = [r for r in results if isinstance(r, int)]
        losers = [r for r in results if isinstance(r, ConflictError)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert "available" in str(losers[0]) or "same time" in str(losers[0])
        with factory() as session:
            active = session.scalars(select(Assignment).where(Assignment.unit_id == unit_id,
                                                              Assignment.cleared_at.is_(None))).all()
            assert [a.incident_id for a in active] == winners
            assert session.get(Unit, unit_id).status == UnitStatus.DISPATCHED


def test_concurrent_status_storm_never_puts_a_unit_in_two_incidents(factory):
    with factory() as session:
        units = [_unit(session, f"STORM-{i}") for i in range(4)]
        incidents = [_incident(session) for _ in range(40)]
        session.commit()
    outcomes = {"ok": 0, "conflict": 0}
    lock = threading.Lock()

    def worker(seed):
        rng = random.Random(seed)
        for _ in range(25):
            action = rng.random()
            try:
                with factory() as session:
                    if action < 0.5:
                        incident_lifecycle.assign_unit(session, rng.choice(incidents), rng.choice(units),
                                                       actor=ADMIN_ACTOR)
                    elif action < 0.8:
                        assignments.set_unit_status(session, rng.choice(units), rng.choice(
                            [UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE, UnitStatus.AVAILABLE]), actor=ADMIN_ACTOR)
                    else:
                        incident_lifecycle.transition(session, rng.choice(incidents), IncidentStatus.CLOSED,
                                                      actor=ADMIN_ACTOR, disposition=Disposition.RESOLVED,
                                                      note="已处置")
                    session.commit()
                key = "ok"
            except ConflictError:
                key = "conflict"
            except DBAPIError as exc:  # a deadlock detected at commit: rolled back; the API answers 409
                if not is_concurrency_failure(exc):
                    raise
                key = "conflict"
            with lock:
                outcomes[key] += 1

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes["ok"] > 10 and outcomes["ok"] + outcomes["conflict"] == 100
    with factory() as session:
        for unit_id in units:
            unit = session.get(Unit, unit_id)
            active = session.scalars(select(Assignment).where(Assignment.unit_id == unit_id,
                                                              Assignment.cleared_at.is_(None))).all()
            assert len(active) <= 1, (unit.call_sign, [a.incident_id for a in active])
            if unit.status == UnitStatus.AVAILABLE:
                assert active == []
            else:
                assert len(active) == 1
                incident = session.get(Incident, active[0].incident_id)
                assert incident.status not in (IncidentStatus.CLOSED, IncidentStatus.TRANSFERRED)


def _store_directly(factory):
    def take_call() -> int:
        with factory() as session:
            incident_id = _incident(session)
            session.commit()
        return incident_id
    return take_call, lambda: None


def _store_through_group_commit(factory):
    writer = GroupCommit(factory)
    call = IncidentCreate(source="phone_110", type_code="theft", lon=114.3, lat=30.58)
    return (lambda: writer.create(call, actor=ADMIN_ACTOR).id), writer.stop


def _take_through_the_intake_route_writer(factory):
    """The intake route's writer: stored, then answered (duplicates, ranking, plan) in the writer."""
    import json

    from precinct.core.settings import Settings
    from precinct.dispatch.intake import intake_answers

    writer = GroupCommit(factory, answer=intake_answers(Settings()))
    call = IncidentCreate(source="phone_110", type_code="theft", lon=114.3, lat=30.58)
    return (lambda: json.loads(writer.create(call, actor=ADMIN_ACTOR))["incident"]["id"]), writer.stop


@pytest.mark.parametrize("path", [_store_directly, _store_through_group_commit, _take_through_the_intake_route_writer],
                         ids=["session", "group_commit", "intake_answers"])
def test_killing_every_database_connection_mid_intake_loses_no_acknowledged_incident(fresh_database_url, factory, path):
    if make_url(fresh_database_url).get_backend_name() != "postgresql":
        pytest.skip("terminating server connections applies to PostgreSQL; SQLite is in-process")
    take_call, finish = path(factory)
    acknowledged: list[int] = []
    failures = 0
    lock = threading.Lock()
    stop = threading.Event()

    def intake():
        nonlocal failures
        while not stop.is_set():
            try:
                incident_id = take_call()
                with lock:
                    acknowledged.append(incident_id)
            except (OperationalError, DBAPIError):
                with lock:
                    failures += 1

    threads = [threading.Thread(target=intake) for _ in range(3)]
    for t in threads:
        t.start()
    database = make_url(fresh_database_url).database
    admin = make_engine(make_url(fresh_database_url).set(database="postgres").render_as_string(hide_password=False))
    killed = 0

    def taken(n: int) -> None:  # wait for n calls acknowledged in all (by progress, not by time: a loaded machine)
        deadline = time.monotonic() + 60
        while len(acknowledged) < n and time.monotonic() < deadline:
            stop.wait(0.05)

    for round_ in range(3):
        taken(7 * (round_ + 1))
        with admin.connect() as conn:
            killed += conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"),
                {"db": database}).scalar()
            conn.commit()
    taken(len(acknowledged) + 3)  # and some after the last cut
    stop.set()
    for t in threads:
        t.join(60)
    finish()
    admin.dispose()
    assert killed > 0 and len(acknowledged) > 20
    with factory() as session:
        stored = set(session.scalars(select(Incident.id)))
        assert set(acknowledged) <= stored
        assert len(set(acknowledged)) == len(acknowledged)
        assert session.scalar(select(func.count(Incident.id))) >= len(acknowledged)


def test_concurrent_overlapping_position_batches_do_not_deadlock(factory):
    with factory() as session:
        units = [_unit(session, f"AVL-{i}") for i in range(60)]
        session.commit()

    def batch(seed):
        rng = random.Random(seed)

        def go():
            for _ in range(5):
                reports = [{"unit_id": uid, "lon": 114.3 + rng.random() / 100, "lat": 30.58}
                           for uid in rng.sample(units, len(units))]
                with factory() as session:
                    unit_service.report_positions(session, reports, actor=ADMIN_ACTOR)
                    session.commit()
            return True
        return go

    results = run_together([batch(seed) for seed in range(4)])
    assert results == [True] * 4, results
