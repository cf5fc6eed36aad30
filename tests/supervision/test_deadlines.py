"""Deadlines per stage: set by the server when an incident enters a stage, ended when it leaves it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from deadline_kit import EAST, call, deadlines, one, open_stages, unit, work_through
from sqlalchemy import select

from precinct.core.errors import ConflictError, ValidationError
from precinct.dispatch import assignments
from precinct.dispatch import service as dispatch_service
from precinct.dispatch.models import Agency, HandoffMode
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents.models import Disposition, IncidentEvent, IncidentStatus
from precinct.supervision.models import DeadlineBreach, DeadlineOutcome, Stage
from precinct.units.models import UnitStatus
from testkit import ADMIN_ACTOR

D, A, H, F, C = Stage.DISPATCH, Stage.ARRIVAL, Stage.HANDLING, Stage.FEEDBACK, Stage.CALLBACK


def test_a_new_call_gets_its_dispatch_deadline_from_the_time_it_was_received(session, ids):
    incident = call(session, priority=1, ago_s=30)
    deadline = one(session, incident.id, D)
    assert deadline.entered_at == incident.received_at
    assert deadline.limit_s == 60 and deadline.deadline_at == incident.received_at + timedelta(seconds=60)
    assert deadline.warn_at == incident.received_at + timedelta(seconds=48)  # 80 % of the limit
    assert (deadline.version_id, deadline.priority) == (1, 1)
    assert (deadline.station_id, deadline.district_id) == (ids["west_station"], ids["west"])
    assert deadline.ended_at is None and deadline.outcome is None
    low = call(session, priority=4, where=EAST)
    assert one(session, low.id, D).limit_s == 900 and one(session, low.id, D).station_id == ids["east_station"]


def test_each_move_ends_its_stage_and_starts_the_next(session):
    incident = call(session, priority=2)
    car = unit(session, "T-1")
    incident_lifecycle.assign_unit(session, incident.id, car.id, actor=ADMIN_ACTOR)
    assert one(session, incident.id, D).outcome == DeadlineOutcome.MET
    arrival = one(session, incident.id, A)
    assert arrival.limit_s == 600 and arrival.ended_at is None
    assignments.set_unit_status(session, car.id, UnitStatus.EN_ROUTE, actor=ADMIN_ACTOR)
    assert open_stages(session, incident.id) == [A]  # en route ends nothing
    assignments.set_unit_status(session, car.id, UnitStatus.ON_SCENE, actor=ADMIN_ACTOR)
    assert one(session, incident.id, A).outcome == DeadlineOutcome.MET
    assert open_stages(session, incident.id) == [H] and one(session, incident.id, H).limit_s == 14400
    incident_lifecycle.transition(session, incident.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                  disposition=Disposition.RESOLVED, note="已调解")
    assert one(session, incident.id, H).outcome == DeadlineOutcome.MET
    assert open_stages(session, incident.id) == [F, C]
    assert (one(session, incident.id, F).limit_s, one(session, incident.id, C).limit_s) == (86400, 259200)


def test_closing_needs_a_feedback_text_and_nothing_changes_without_one(session):
    incident = call(session)
    for note in ("", "   ", "x"):
        with pytest.raises(ValidationError, match=r"^note: 结警须填写简短反馈.* / closing an incident needs"):
            incident_lifecycle.transition(session, incident.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                          disposition=Disposition.FALSE_ALARM, note=note)
    assert incident.status == IncidentStatus.RECEIVED and open_stages(session, incident.id) == [D]
    incident_lifecycle.transition(session, incident.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                  disposition=Disposition.FALSE_ALARM, note="误报")
    assert one(session, incident.id, D).outcome == DeadlineOutcome.MOOT  # closed before any unit went
    assert open_stages(session, incident.id) == [F, C]


def test_no_follow_up_for_an_officers_own_incident_a_duplicate_or_a_transfer(session):
    own = call(session, source="officer_initiated")
    incident_lifecycle.transition(session, own.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                  disposition=Disposition.RESOLVED, note="已处置")
    assert open_stages(session, own.id) == []
    original, again = call(session), call(session)
    dispatch_service.attach_duplicate(session, again.id, original.id, actor=ADMIN_ACTOR)
    assert open_stages(session, again.id) == [] and open_stages(session, original.id) == [D]
    dispatch_service.hand_off(session, original.id, agency=Agency.FIRE, mode=HandoffMode.TRANSFER,
                              reason="火情 / a fire", actor=ADMIN_ACTOR)
    assert open_stages(session, original.id) == []
    assert one(session, original.id, D).outcome == DeadlineOutcome.MOOT


def test_a_stage_that_ends_late_records_its_breach_at_once(session, ids):
    incident = call(session, priority=1, ago_s=150)  # the dispatch limit (60 s) passed 90 s ago
    car = unit(session, "T-2")
    incident_lifecycle.assign_unit(session, incident.id, car.id, actor=ADMIN_ACTOR)
    deadline = one(session, incident.id, D)
    assert deadline.outcome == DeadlineOutcome.LATE and deadline.breached_at == deadline.ended_at
    breach = session.scalar(select(DeadlineBreach).where(DeadlineBreach.incident_id == incident.id))
    assert breach.stage == D and breach.deadline_id == deadline.id and 85 <= breach.late_s <= 120
    assert breach.station_id == ids["west_station"]
    kinds = [e.kind for e in session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id)
                                             .order_by(IncidentEvent.id))]
    assert kinds == ["created", "assigned", "deadline_breached"]
    assert breach.unit_id is None  # a late dispatch: no unit was sent while it ran late


def test_a_late_arrival_is_recorded_against_the_unit_that_was_assigned(session):
    incident = call(session, priority=1)
    car = unit(session, "T-4")
    incident_lifecycle.assign_unit(session, incident.id, car.id, actor=ADMIN_ACTOR)
    arrival = one(session, incident.id, A)
    arrival.deadline_at = arrival.entered_at - timedelta(seconds=30)  # as if the unit took too long
    session.flush()
    assignments.set_unit_status(session, car.id, UnitStatus.ON_SCENE, actor=ADMIN_ACTOR)
    session.flush()
    breach = session.scalar(select(DeadlineBreach).where(DeadlineBreach.incident_id == incident.id))
    assert (breach.stage, breach.unit_id) == (A, car.id)
    event = session.scalar(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id,
                                                       IncidentEvent.kind == "deadline_breached"))
    assert event.data["unit_id"] == car.id


def test_a_reopened_incident_waits_for_dispatch_again(session):
    incident = call(session)
    work_through(session, incident, unit(session, "T-3").id)
    with pytest.raises(ValidationError, match=r"^reason"):
        incident_lifecycle.reopen(session, incident.id, reason=" ", actor=ADMIN_ACTOR)
    reopened = incident_lifecycle.reopen(session, incident.id, reason="群众再次报警 / the caller called again",
                                         actor=ADMIN_ACTOR)
    assert (reopened.status, reopened.disposition, reopened.closed_at) == (IncidentStatus.RECEIVED, None, None)
    stages = deadlines(session, incident.id)
    assert [(d.stage, d.outcome) for d in stages] == [
        (D, DeadlineOutcome.MET), (A, DeadlineOutcome.MET), (H, DeadlineOutcome.MET),
        (F, DeadlineOutcome.MOOT), (C, DeadlineOutcome.MOOT), (D, None)]
    assert stages[-1].entered_at > incident.received_at  # from the reopening, not from the first call
    event = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id)
                            .order_by(IncidentEvent.id.desc())).first()
    assert event.kind == "reopened" and event.data == {"reason": "群众再次报警 / the caller called again",
                                                       "disposition": "resolved"}
    with pytest.raises(ConflictError, match="only a closed incident can be reopened; this one is received"):
        incident_lifecycle.reopen(session, incident.id, reason="again", actor=ADMIN_ACTOR)
