"""The overdue board, the follow-ups after a close and reopening, each within the account's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from deadline_kit import EAST, call, one, unit, work_through
from sqlalchemy import select

from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.incidents.models import IncidentEvent, IncidentStatus
from precinct.supervision import service
from precinct.supervision.models import CallbackOutcome, DeadlineOutcome, Stage


def desk(org_unit_id, role=Role.DISPATCHER, unit_id=None):
    return Actor(username="desk", role=role, org_unit_id=org_unit_id, unit_id=unit_id)


@pytest.fixture
def calls(session):
    """Dispatch deadlines of priority 1 (60 s, amber from 48 s) and 2 (120 s, amber from 96 s)."""
    made = {"red": call(session, ago_s=75), "amber": call(session, ago_s=50), "fresh": call(session, ago_s=10),
            "amber2": call(session, priority=2, ago_s=105), "east_red": call(session, where=EAST, ago_s=100)}
    session.flush()
    return {name: incident.id for name, incident in made.items()}


def _ids(board, calls):
    names = {incident_id: name for name, incident_id in calls.items()}
    return [names[item.incident_id] for item in board.items]


def test_a_station_sees_its_own_amber_and_red_latest_first(session, ids, calls):
    now = utcnow()
    board = service.board(session, desk(ids["west_station"]), now=now)
    assert _ids(board, calls) == ["red", "amber", "amber2"]
    assert [item.state for item in board.items] == ["red", "amber", "amber"]
    assert (board.red, board.amber, board.truncated, board.now, board.amber_fraction) == (1, 2, False, now, 0.8)
    red = board.items[0]
    assert red.stage == Stage.DISPATCH and red.limit_s == 60 and 14 <= red.late_s <= 20
    assert red.deadline_at == red.entered_at + timedelta(seconds=60) and red.status == IncidentStatus.RECEIVED
    assert 1.2 <= red.used_fraction <= 1.35 and red.station_id == ids["west_station"]
    assert -11 <= board.items[1].late_s <= -5


def test_a_district_sees_its_stations_and_the_city_everything(session, ids, calls):
    now = utcnow()
    assert _ids(service.board(session, desk(ids["east"]), now=now), calls) == ["east_red"]
    assert _ids(service.board(session, desk(ids["west"]), now=now), calls) == ["red", "amber", "amber2"]
    city = service.board(session, desk(ids["city"]), now=now)
    assert _ids(city, calls) == ["east_red", "red", "amber", "amber2"]
    assert _ids(service.board(session, desk(None), now=now), calls) == _ids(city, calls)
    assert _ids(service.board(session, desk(ids["city"]), station_id=ids["east_station"], now=now),
                calls) == ["east_red"]
    with pytest.raises(NotFoundError, match=f"org unit {ids['east_station']} does not exist"):
        service.board(session, desk(ids["west_station"]), station_id=ids["east_station"])
    page = service.board(session, desk(None), limit=2, now=now)
    assert (len(page.items), page.truncated, page.red, page.amber) == (2, True, 2, 2)
    assert service.board(session, desk(None), stage=Stage.ARRIVAL, now=now).items == []


def test_closed_incidents_stay_on_the_board_until_their_feedback_is_written(session, ids):
    incident = call(session)
    work_through(session, incident, unit(session, "B-1").id)
    later = utcnow() + timedelta(hours=25)
    board = service.board(session, desk(ids["west_station"]), now=later)
    assert [(item.stage, item.state) for item in board.items] == [(Stage.FEEDBACK, "red")]
    service.write_feedback(session, incident.id, "已告知报警人处理结果", actor=desk(ids["west_station"]))
    assert one(session, incident.id, Stage.FEEDBACK).outcome == DeadlineOutcome.MET
    assert service.board(session, desk(ids["west_station"]), now=later).items == []


def test_feedback_and_call_back_end_their_stages(session, ids):
    incident = call(session)
    with pytest.raises(ConflictError, match="is received: the feedback follows the closing"):
        service.write_feedback(session, incident.id, "too early", actor=desk(None))
    work_through(session, incident, unit(session, "B-2").id)
    at, deadline = service.write_feedback(session, incident.id, " 已反馈 ", actor=desk(None))
    assert deadline.stage == Stage.FEEDBACK and deadline.ended_at == at
    at, deadline = service.record_callback(session, incident.id, CallbackOutcome.SATISFIED, "群众满意",
                                           actor=desk(None))
    assert deadline.stage == Stage.CALLBACK and deadline.outcome == DeadlineOutcome.MET
    kinds = {e.kind: e.data for e in session.scalars(select(IncidentEvent).where(
        IncidentEvent.incident_id == incident.id))}
    assert kinds["feedback"] == {"text": "已反馈"} and kinds["callback"] == {"outcome": "satisfied", "note": "群众满意"}
    _, again = service.write_feedback(session, incident.id, "补充反馈", actor=desk(None))
    assert again is None  # more feedback may follow; the stage ended with the first


def test_scope_and_ownership_of_follow_ups_and_reopening(session, ids):
    incident = call(session)
    car, other = unit(session, "B-3"), unit(session, "B-4")
    work_through(session, incident, car.id)
    for outside in (desk(ids["east_station"]), desk(ids["east"])):
        with pytest.raises(NotFoundError, match=f"incident {incident.id} does not exist"):
            service.write_feedback(session, incident.id, "反馈", actor=outside)
        with pytest.raises(NotFoundError):
            service.reopen(session, incident.id, "复核", actor=desk(ids["east"], Role.SUPERVISOR))
        with pytest.raises(NotFoundError):
            service.incident_deadlines(session, incident.id, outside)
    with pytest.raises(PermissionDeniedError, match="not your unit's"):
        service.record_callback(session, incident.id, CallbackOutcome.UNREACHABLE, "",
                                actor=desk(None, Role.PATROL_OFFICER, unit_id=other.id))
    service.record_callback(session, incident.id, CallbackOutcome.UNREACHABLE, "",
                            actor=desk(ids["west"], Role.PATROL_OFFICER, unit_id=car.id))
    found = service.incident_deadlines(session, incident.id, desk(ids["west_station"]))
    assert [d.stage for d in found.deadlines] == [Stage.DISPATCH, Stage.ARRIVAL, Stage.HANDLING, Stage.FEEDBACK,
                                                  Stage.CALLBACK]
    reopened = service.reopen(session, incident.id, "复核发现未处置完", actor=desk(ids["west"], Role.SUPERVISOR))
    assert reopened.status == IncidentStatus.RECEIVED
