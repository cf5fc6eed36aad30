"""Helpers of the supervision tests: calls at a chosen age, units, and the deadlines of an incident."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from precinct.core.db import utcnow
from precinct.dispatch import assignments
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Disposition, IncidentStatus
from precinct.incidents.schemas import IncidentCreate
from precinct.supervision.models import IncidentDeadline, Stage
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from testkit import ADMIN_ACTOR

WEST, EAST = (114.05, 30.55), (114.15, 30.55)


def call(session, *, priority=1, where=WEST, ago_s=0.0, source="phone_110"):
    """File a call received ``ago_s`` seconds ago (flushed)."""
    return incident_service.create(session, IncidentCreate(
        source=source, type_code="theft", priority=priority, lon=where[0], lat=where[1],
        received_at=utcnow() - timedelta(seconds=ago_s)), actor=ADMIN_ACTOR)


def unit(session, call_sign, *, where=WEST, station=None):
    return unit_service.create(session, call_sign=call_sign, unit_type=UnitType.PATROL_CAR, home_station_id=station,
                               status=UnitStatus.AVAILABLE, lon=where[0], lat=where[1], actor=ADMIN_ACTOR)


def deadlines(session, incident_id):
    """Every deadline of the incident, oldest first."""
    session.flush()
    return list(session.scalars(select(IncidentDeadline).where(IncidentDeadline.incident_id == incident_id)
                                .order_by(IncidentDeadline.id)))


def open_stages(session, incident_id):
    return [d.stage for d in deadlines(session, incident_id) if d.ended_at is None]


def one(session, incident_id, stage: Stage):
    found = [d for d in deadlines(session, incident_id) if d.stage == stage]
    assert len(found) == 1, found
    return found[0]


def work_through(session, incident, unit_id, *, close=True):
    """Assign the unit, report it on scene and (``close``) close the incident with feedback."""
    incident_lifecycle.assign_unit(session, incident.id, unit_id, actor=ADMIN_ACTOR)
    assignments.set_unit_status(session, unit_id, UnitStatus.ON_SCENE, actor=ADMIN_ACTOR)
    if close:
        incident_lifecycle.transition(session, incident.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                      disposition=Disposition.RESOLVED, note="劝离 / sent away")
    session.flush()
