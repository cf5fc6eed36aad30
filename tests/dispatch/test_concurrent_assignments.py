"""Several dispatchers at once on one incident: real threads, each with its own session, on both databases.

Different units sent to one incident at the same moment all land; one unit sent by several
dispatchers lands once and the others are told, truly, that it is not available; units of one
incident reporting their status at the same moment all land.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_reliability import _incident, _unit

from precinct.app import session_factory
from precinct.core.db import make_engine
from precinct.core.errors import ConflictError
from precinct.dispatch import assignments
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents.models import Assignment, Incident, IncidentEvent, IncidentStatus
from precinct.units.models import Unit, UnitStatus, UnitStatusChange
from testkit import ADMIN_ACTOR, run_together

TRIALS = 6
DISPATCHERS = 4


@pytest.fixture
def factory(fresh_database_url):
    engine = make_engine(fresh_database_url)
    yield session_factory(engine)
    engine.dispose()


def _assign(factory, incident_id: int, unit_id: int):
    def go() -> int:
        with factory() as session:
            assignment = incident_lifecycle.assign_unit(session, incident_id, unit_id, actor=ADMIN_ACTOR)
            session.commit()
            return assignment.unit_id
    return go


def _report(factory, unit_id: int, status: UnitStatus):
    def go() -> UnitStatus:
        with factory() as session:
            unit = assignments.set_unit_status(session, unit_id, status, actor=ADMIN_ACTOR)
            session.commit()
            return unit.status
    return go


def _assigned_events(session, incident_id: int) -> list[tuple[str | None, str | None]]:
    events = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id,
                                                         IncidentEvent.kind == "assigned"))
    return sorted((event.from_status, event.to_status) for event in events)


def test_different_units_sent_to_one_incident_at_once_all_land(factory):
    for trial in range(TRIALS):
        with factory() as session:
            incident_id = _incident(session)
            units = [_unit(session, f"MANY-{trial}-{i}") for i in range(DISPATCHERS)]
            session.commit()

        results = run_together([_assign(factory, incident_id, unit_id) for unit_id in units])

        assert results == units, (trial, results)
        with factory() as session:
            rows = session.scalars(select(Assignment).where(Assignment.incident_id == incident_id)).all()
            assert sorted(row.unit_id for row in rows) == units
            assert [row.cleared_at for row in rows] == [None] * DISPATCHERS
            assert [session.get(Unit, unit_id).status for unit_id in units] == [UnitStatus.DISPATCHED] * DISPATCHERS
            incident = session.get(Incident, incident_id)
            assert incident.status == IncidentStatus.DISPATCHED
            # the first assignment moved it from received; the others found it dispatched
            assert _assigned_events(session, incident_id) == (
                [("dispatched", "dispatched")] * (DISPATCHERS - 1) + [("received", "dispatched")])
            changes = session.scalars(select(UnitStatusChange).where(UnitStatusChange.unit_id.in_(units))).all()
            assert sorted((c.unit_id, c.from_status, c.to_status, c.incident_id) for c in changes
                          if c.to_status == "dispatched") == [(u, "available", "dispatched", incident_id)
                                                              for u in units]


def test_one_unit_sent_by_four_dispatchers_lands_once(factory):
    for trial in range(TRIALS):
        with factory() as session:
            incident_id = _incident(session)
            unit_id = _unit(session, f"SAME-{trial}")
            session.commit()

        results = run_together([_assign(factory, incident_id, unit_id) for _ in range(DISPATCHERS)])

        winners = [r for r in results if r == unit_id]
        losers = [r for r in results if isinstance(r, ConflictError)]
        assert len(winners) == 1 and len(losers) == DISPATCHERS - 1, (trial, results)
        assert {str(loser) for loser in losers} == {
            f"unit SAME-{trial} is not available: it is already assigned to incident {incident_id}"}
        with factory() as session:
            rows = session.scalars(select(Assignment).where(Assignment.unit_id == unit_id)).all()
            assert [(row.incident_id, row.cleared_at) for row in rows] == [(incident_id, None)]
            assert session.get(Unit, unit_id).status == UnitStatus.DISPATCHED
            assert session.get(Incident, incident_id).status == IncidentStatus.DISPATCHED
            assert _assigned_events(session, incident_id) == [("received", "dispatched")]


def test_one_unit_sent_to_four_incidents_names_where_it_went(factory):
    for trial in range(TRIALS):
        with factory() as session:
            incidents = [_incident(session) for _ in range(DISPATCHERS)]
            unit_id = _unit(session, f"WHERE-{trial}")
            session.commit()

        results = run_together([_assign(factory, incident_id, unit_id) for incident_id in incidents])

        assert sum(r == unit_id for r in results) == 1, (trial, results)
        won = incidents[results.index(unit_id)]
        losers = [str(r) for r in results if isinstance(r, ConflictError)]
        assert losers == [f"unit WHERE-{trial} is not available: it is dispatched (assigned to incident {won}); "
                          "choose another unit"] * (DISPATCHERS - 1)
        with factory() as session:
            statuses = {i: session.get(Incident, i).status for i in incidents}
            assert statuses == {i: IncidentStatus.DISPATCHED if i == won else IncidentStatus.RECEIVED
                                for i in incidents}


def test_units_of_one_incident_reporting_at_once_all_land(factory):
    for trial in range(TRIALS):
        with factory() as session:
            incident_id = _incident(session)
            units = [_unit(session, f"REPORT-{trial}-{i}") for i in range(DISPATCHERS)]
            session.commit()
        assert run_together([_assign(factory, incident_id, unit_id) for unit_id in units]) == units

        for status, incident_status in [(UnitStatus.EN_ROUTE, IncidentStatus.EN_ROUTE),
                                        (UnitStatus.ON_SCENE, IncidentStatus.ON_SCENE)]:
            results = run_together([_report(factory, unit_id, status) for unit_id in units])

            assert results == [status] * DISPATCHERS, (trial, status, results)
            with factory() as session:
                assert session.get(Incident, incident_id).status == incident_status
                rows = session.scalars(select(Assignment).where(Assignment.incident_id == incident_id)).all()
                stamp = "en_route_at" if status == UnitStatus.EN_ROUTE else "on_scene_at"
                assert [getattr(row, stamp) is not None for row in rows] == [True] * DISPATCHERS
                moves = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id,
                                                                    IncidentEvent.to_status == incident_status.value,
                                                                    IncidentEvent.kind == "status")).all()
                assert len(moves) == 1  # the incident moved forward once, whichever unit reported first
