"""What an incident's reads and live events carry beside its own fields: the deadline of its open handling
stage, as the server stored it (``due_stage``, ``due_at``, ``due_warn_at``), and the stations whose units
reinforce it (``reinforcing_station_ids``); migration 0018 fills both for stored incidents."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from precinct.app import metadata
from precinct.core import migrate
from precinct.core.db import utcnow
from precinct.dispatch import assignments
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Disposition, IncidentStatus
from precinct.incidents.schemas import IncidentCreate, IncidentRead, live_payload
from precinct.supervision.models import IncidentDeadline, Stage
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from testkit import ADMIN_ACTOR, scratch_database

WEST, EAST = (114.05, 30.55), (114.15, 30.55)


def _call(session, *, where=WEST, priority=2, ago_s=0.0):
    return incident_service.create(session, IncidentCreate(
        source="phone_110", type_code="theft", priority=priority, lon=where[0], lat=where[1],
        received_at=utcnow() - timedelta(seconds=ago_s)), actor=ADMIN_ACTOR)


def _unit(session, call_sign, station):
    return unit_service.create(session, call_sign=call_sign, unit_type=UnitType.PATROL_CAR, home_station_id=station,
                               status=UnitStatus.AVAILABLE, lon=WEST[0], lat=WEST[1], actor=ADMIN_ACTOR)


def _open_deadline(session, incident_id) -> IncidentDeadline:
    session.flush()
    found = [d for d in session.scalars(select(IncidentDeadline).where(IncidentDeadline.incident_id == incident_id))
             if d.ended_at is None and d.stage in (Stage.DISPATCH, Stage.ARRIVAL, Stage.HANDLING)]
    assert len(found) == 1, found
    return found[0]


def _due(session, incident):
    session.flush()
    read = IncidentRead.model_validate(incident)
    return read.due_stage, read.due_at, read.due_warn_at


def _stored(deadline: IncidentDeadline):
    return deadline.stage.value, deadline.deadline_at, deadline.warn_at


def test_the_incident_carries_the_deadline_of_its_open_stage_as_stored(session):
    incident = _call(session, priority=1, ago_s=20)
    session.flush()
    assert incident.version == 1  # the dispatch deadline went in with the call: no UPDATE after it
    dispatch = _open_deadline(session, incident.id)
    assert _due(session, incident) == _stored(dispatch) == (
        "dispatch", incident.received_at + timedelta(seconds=60), incident.received_at + timedelta(seconds=48))
    car = _unit(session, "DUE-1", None)
    incident_lifecycle.assign_unit(session, incident.id, car.id, actor=ADMIN_ACTOR)
    arrival = _open_deadline(session, incident.id)
    assert arrival.stage == Stage.ARRIVAL and _due(session, incident) == _stored(arrival)
    assignments.set_unit_status(session, car.id, UnitStatus.EN_ROUTE, actor=ADMIN_ACTOR)
    assert _due(session, incident) == _stored(arrival)  # en route: arrival still counts from the dispatch
    assignments.set_unit_status(session, car.id, UnitStatus.ON_SCENE, actor=ADMIN_ACTOR)
    handling = _open_deadline(session, incident.id)
    assert handling.stage == Stage.HANDLING and _due(session, incident) == _stored(handling)
    incident_lifecycle.transition(session, incident.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                  disposition=Disposition.RESOLVED, note="已处置")
    assert _due(session, incident) == (None, None, None)  # feedback and call-back are not a call's handling
    assert live_payload(incident)["due_at"] is None


def test_a_reopened_call_and_one_back_in_the_queue_count_dispatch_from_then(session):
    incident = _call(session, priority=2, ago_s=600)
    car = _unit(session, "DUE-2", None)
    incident_lifecycle.assign_unit(session, incident.id, car.id, actor=ADMIN_ACTOR)
    assignments.set_unit_status(session, car.id, UnitStatus.AVAILABLE, actor=ADMIN_ACTOR)  # stood down
    assert incident.status == IncidentStatus.RECEIVED
    again = _open_deadline(session, incident.id)
    assert again.stage == Stage.DISPATCH and again.entered_at > incident.received_at + timedelta(seconds=500)
    assert _due(session, incident) == _stored(again)
    payload = live_payload(incident)
    assert (payload["due_stage"], datetime.fromisoformat(payload["due_at"])) == ("dispatch", again.deadline_at)
    incident_lifecycle.transition(session, incident.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                  disposition=Disposition.RESOLVED, note="已处置")
    incident_lifecycle.reopen(session, incident.id, reason="报警人反映未解决", actor=ADMIN_ACTOR)
    reopened = _open_deadline(session, incident.id)
    assert reopened.stage == Stage.DISPATCH and reopened.entered_at >= again.entered_at
    assert _due(session, incident) == _stored(reopened)


def test_a_reinforcing_station_is_carried_on_the_incident_and_its_live_event(session, ids):
    incident = _call(session, where=WEST)
    assert incident.station_id == ids["west_station"]
    own = _unit(session, "RF-W", ids["west_station"])
    incident_lifecycle.assign_unit(session, incident.id, own.id, actor=ADMIN_ACTOR)
    session.flush()
    assert IncidentRead.model_validate(incident).reinforcing_station_ids == []  # its own station's unit
    helper = _unit(session, "RF-E", ids["east_station"])
    incident_lifecycle.assign_unit(session, incident.id, helper.id, actor=ADMIN_ACTOR)
    session.flush()
    assert IncidentRead.model_validate(incident).reinforcing_station_ids == [ids["east_station"]]
    assert live_payload(incident)["reinforcing_station_ids"] == [ids["east_station"]]
    assignments.set_unit_status(session, helper.id, UnitStatus.AVAILABLE, actor=ADMIN_ACTOR)
    session.flush()
    assert incident.reinforcing_station_ids == [ids["east_station"]]  # it saw the call: it keeps seeing it


INCIDENT = ("INSERT INTO incidents (id, source, type_code, priority, status, description, address, lon, lat, "
            "received_at, station_id, simulated, created_by, updated_at, version) VALUES ({id}, 'phone_110', 'theft', "
            "3, '{status}', 'x', '', 114.3, 30.58, '2026-01-01 00:00:00', {station}, false, 't', "
            "'2026-01-01 00:00:00', 1)")
DEADLINE = ("INSERT INTO incident_deadlines (incident_id, stage, priority, version_id, limit_s, entered_at, "
            "deadline_at, warn_at, ended_at, escalation_level) VALUES ({id}, '{stage}', 3, 1, 600, "
            "'2026-01-01 00:00:00', '{due}', '2026-01-01 00:08:00', {ended}, 0)")


def test_the_migration_fills_the_open_stage_and_the_reinforcing_stations(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "due.db",
                          prefix="precinct_due") as url:
        migrate.upgrade(url, revision="0017")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO incident_types (code, name_zh, name_en, category, default_priority, "
                                  "active) VALUES ('theft', '盗窃', 'Theft', 'theft', 3, true)"))
                for org_id, tier, parent in ((1, "city", "NULL"), (2, "district", "1"), (3, "station", "2"),
                                             (4, "station", "2")):
                    conn.execute(text(f"INSERT INTO org_units (id, code, name_zh, name_en, tier, parent_id) VALUES "
                                      f"({org_id}, 'U{org_id}', 'u', 'u', '{tier}', {parent})"))
                conn.execute(text(INCIDENT.format(id=1, status="dispatched", station=3)))
                conn.execute(text(INCIDENT.format(id=2, status="closed", station=3)))
                conn.execute(text(DEADLINE.format(id=1, stage="dispatch", due="2026-01-01 00:10:00",
                                                  ended="'2026-01-01 00:01:00'")))
                conn.execute(text(DEADLINE.format(id=1, stage="arrival", due="2026-01-01 00:11:00", ended="NULL")))
                conn.execute(text(DEADLINE.format(id=2, stage="feedback", due="2026-01-02 00:00:00", ended="NULL")))
                for unit_id, station in ((1, 3), (2, 4)):
                    conn.execute(text(f"INSERT INTO units (id, call_sign, unit_type, status, home_station_id, "
                                      f"simulated, status_at, version) VALUES ({unit_id}, 'C-{unit_id}', 'patrol_car', "
                                      f"'available', {station}, false, '2026-01-01 00:00:00', 1)"))
                    conn.execute(text(f"INSERT INTO assignments (incident_id, unit_id, dispatched_at, dispatched_by) "
                                      f"VALUES (1, {unit_id}, '2026-01-01 00:01:00', 't')"))
            migrate.upgrade(url)
            with engine.connect() as conn:
                got = {row[0]: row[1:] for row in conn.execute(text(
                    "SELECT id, due_stage, due_at, due_warn_at, reinforcing_station_ids FROM incidents ORDER BY id"))}
                diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            stage, due_at, warn_at, reinforcing = got[1]
            assert (stage, str(due_at)[:19], str(warn_at)[:19]) == ("arrival", "2026-01-01 00:11:00",
                                                                   "2026-01-01 00:08:00")
            assert (reinforcing if isinstance(reinforcing, list) else json.loads(reinforcing)) == [4]
            assert got[2] == (None, None, None, None)  # closed: feedback is no stage of the call's handling
            assert [d for d in diffs if "due_" in repr(d) or "reinforcing" in repr(d)] == []
            command.downgrade(migrate.alembic_config(url), "0017")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM incidents")).scalar() == 2
        finally:
            engine.dispose()
