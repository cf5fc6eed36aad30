"""The deadline sweep: breaches found once, the escalation chain, and breaches kept after the close."""

from __future__ import annotations

from datetime import timedelta

from deadline_kit import call, one, unit, work_through
from sqlalchemy import select

from precinct.core.db import utcnow
from precinct.incidents.models import IncidentEvent
from precinct.live.hooks import _events
from precinct.supervision import sweep as sweep_module
from precinct.supervision.models import DeadlineBreach, DeadlineOutcome, Stage

sweep = sweep_module.sweep


def _events_of(session, incident_id, kind):
    return [e.data for e in session.scalars(select(IncidentEvent).where(
        IncidentEvent.incident_id == incident_id, IncidentEvent.kind == kind).order_by(IncidentEvent.id))]


def test_a_passed_deadline_is_breached_once_and_climbs_the_chain(session, ids):
    late = call(session, priority=1, ago_s=75)  # dispatch deadline passed 15 s ago
    near = call(session, priority=1, ago_s=50)  # 10 s to go: amber, not breached
    car = unit(session, "S-1")
    now = utcnow()
    assert sweep(session, now=now) == sweep_module.SweepResult(breached=1, escalated=1)
    breach = session.scalar(select(DeadlineBreach).where(DeadlineBreach.incident_id == late.id))
    assert (breach.stage, breach.station_id, breach.district_id, breach.unit_id) == (
        Stage.DISPATCH, ids["west_station"], ids["west"], None)
    assert 14 <= breach.late_s <= 30 and breach.detected_at == now
    assert session.scalar(select(DeadlineBreach).where(DeadlineBreach.incident_id == near.id)) is None
    [breached] = _events_of(session, late.id, "deadline_breached")
    assert breached["stage"] == "dispatch" and breached["limit_s"] == 60
    [station] = _events_of(session, late.id, "escalated")
    assert (station["level"], station["org_unit_id"], station["breach_id"]) == ("station", ids["west_station"],
                                                                                breach.id)
    assert "派警超期" in station["zh"] and "station notified" in station["en"]
    live = _events(session)[("escalation", f"deadline-{breach.deadline_id}-1")]["data"]
    assert live["incident_id"] == late.id and live["level"] == "station" and live["source"] == "deadline"

    assert sweep(session, now=now + timedelta(seconds=5)).breached == 0  # found once (and the near one not yet due)
    assert sweep(session, now=now + timedelta(seconds=599)) == sweep_module.SweepResult(breached=1, escalated=1)
    district_at = now + timedelta(seconds=600)
    assert sweep(session, now=district_at).escalated == 1
    assert [e["level"] for e in _events_of(session, late.id, "escalated")] == ["station", "district"]
    assert _events_of(session, late.id, "escalated")[-1]["org_unit_id"] == ids["west"]
    assert sweep(session, now=district_at + timedelta(seconds=1199)).escalated == 1  # only `near`'s district step
    sweep(session, now=district_at + timedelta(seconds=1200))
    city = _events_of(session, late.id, "escalated")[-1]
    assert (city["level"], city["org_unit_id"]) == ("city", ids["city"])
    sweep(session, now=district_at + timedelta(days=1))  # the city is the top
    assert [e["level"] for e in _events_of(session, late.id, "escalated")] == ["station", "district", "city"]
    assert [e["level"] for e in _events_of(session, near.id, "escalated")] == ["station", "district", "city"]

    # dispatching ends the stage: late, and the breach stays on the record
    work_through(session, late, car.id)
    deadline = one(session, late.id, Stage.DISPATCH)
    assert deadline.outcome == DeadlineOutcome.LATE and deadline.next_escalation_at is None
    assert session.scalar(select(DeadlineBreach.id).where(DeadlineBreach.incident_id == late.id)) == breach.id


def test_a_stage_done_in_time_stops_its_escalation(session):
    incident = call(session, priority=1, ago_s=70)
    now = utcnow()
    sweep(session, now=now)
    work_through(session, incident, unit(session, "S-2").id, close=False)  # dispatched and on scene
    assert sweep(session, now=now + timedelta(hours=2)).escalated == 0
    assert [e["level"] for e in _events_of(session, incident.id, "escalated")] == ["station"]


def test_the_responsible_unit_is_the_one_sent(session):
    incident = call(session, priority=1)
    car = unit(session, "S-3")
    work_through(session, incident, car.id, close=False)  # on scene: handling has 2 hours
    sweep(session, now=utcnow() + timedelta(hours=3))
    breach = session.scalar(select(DeadlineBreach).where(DeadlineBreach.incident_id == incident.id))
    assert (breach.stage, breach.unit_id) == (Stage.HANDLING, car.id)


def test_a_backlog_is_worked_off_in_batches(session):
    for _ in range(5):
        call(session, priority=1, ago_s=120)
    assert sweep(session, batch=2).breached == 2
    assert sweep(session, batch=2).breached == 2
    assert sweep(session, batch=2).breached == 1
    assert sweep(session, batch=2).breached == 0
