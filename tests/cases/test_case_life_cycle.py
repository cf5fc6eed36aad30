"""A case from receipt to closing: its number, the review gates, 409 with the allowed moves, events, deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cases.case_kit import PATTERN, ZONE, build_world, decide, incident, open_case
from precinct.cases import review, service, timing
from precinct.cases.limit_models import CaseDeadline, DeadlineOutcome, PauseKind
from precinct.cases.models import CaseEvent, CaseStatus, ReviewStatus
from precinct.cases.schemas import CaseCreate
from precinct.cases.status import Move
from precinct.core.errors import ConflictError, PermissionDeniedError, ValidationError


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


def _deadlines(session, case_id):
    return {d.rule_code: d for d in session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case_id))}


def test_a_case_is_numbered_by_the_pattern_and_starts_its_limits(session, world):
    first = open_case(session, world)
    second = open_case(session, world)
    year = datetime.now(UTC).astimezone(ZONE).year
    assert (first.number, second.number) == (f"S1-XS-{year}-00001", f"S1-XS-{year}-00002")
    assert (first.status, first.team_unit_id, first.lead_officer) == (CaseStatus.RECEIVED, world.units["W-1"],
                                                                      "west-officer")
    assert set(_deadlines(session, first.id)) == {"open_decision"}
    admin = open_case(session, world, kind="administrative")
    assert admin.number == f"S1-XZ-{year}-00001"
    assert set(_deadlines(session, admin.id)) == {"administrative_case"}


def test_a_number_that_exists_is_refused_naming_the_field(session, world):
    open_case(session, world, number="OLD-2019-7")
    with pytest.raises(ConflictError, match=r"^number: .*OLD-2019-7"):
        open_case(session, world, number="OLD-2019-7")


def test_a_case_from_an_incident_takes_its_station_and_place(session, world, ids):
    incident_id = incident(session, ids, lon=114.07, lat=30.56)
    case = open_case(session, world, station_id=None, incident_ids=[incident_id])
    assert (case.station_id, case.district_id, case.lon, case.lat) == (ids["west_station"], ids["west"], 114.07, 30.56)
    other = incident(session, ids, station="east_station", lon=114.15)
    with pytest.raises(ValidationError, match=r"^incident_ids\.0: "):
        open_case(session, world, incident_ids=[other])


def test_type_of_the_other_kind_and_team_of_another_officer_are_refused(session, world):
    with pytest.raises(ValidationError, match=r"^type_code: .*XZ-OD"):
        open_case(session, world, kind="criminal", type_code="XZ-OD")
    with pytest.raises(PermissionDeniedError):
        open_case(session, world, team_unit_id=world.units["W-2"])
    with pytest.raises(ValidationError, match=r"^team_unit_id: "):
        open_case(session, world, by="west-station-chief", team_unit_id=world.units["E-1"])


def test_moves_go_through_review_and_a_refused_move_lists_the_allowed(session, world):
    case = open_case(session, world)
    with pytest.raises(ConflictError, match="allowed: open, not_open"):
        review.submit(session, case.id, Move.TRANSFER, "grounds", actor=world["west-officer"], zone=ZONE)
    submitted = review.submit(session, case.id, Move.OPEN, "有犯罪事实 facts", actor=world["west-officer"], zone=ZONE)
    session.commit()
    assert service.get(session, case.id).status == CaseStatus.RECEIVED  # not before it is approved
    with pytest.raises(ConflictError, match="waiting for review"):
        review.submit(session, case.id, Move.NOT_OPEN, "no facts", actor=world["west-officer"], zone=ZONE)
    approved = review.approve(session, submitted.id, actor=world["west-station-chief"], zone=ZONE)
    session.commit()
    assert (approved.status, service.get(session, case.id).status) == (ReviewStatus.APPROVED, CaseStatus.INVESTIGATING)
    assert _deadlines(session, case.id)["open_decision"].outcome == DeadlineOutcome.MET
    with pytest.raises(ConflictError, match="allowed: transfer, withdraw, close"):
        review.submit(session, case.id, Move.DECIDE, "grounds", actor=world["west-officer"], zone=ZONE)
    decide(session, world, case.id, Move.TRANSFER)
    decide(session, world, case.id, Move.CLOSE)
    final = service.get(session, case.id)
    assert (final.status, final.cleared_at is not None, final.closed_at is not None) == (CaseStatus.CLOSED, True, True)
    with pytest.raises(ConflictError, match="final"):
        review.submit(session, case.id, Move.CLOSE, "again", actor=world["west-officer"], zone=ZONE)
    kinds = [e.kind for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                             .order_by(CaseEvent.id))]
    assert kinds == ["received", "submitted", "opened", "submitted", "transferred", "submitted", "closed"]


def test_a_returned_decision_waits_in_the_investigators_inbox(session, world):
    case = open_case(session, world)
    submitted = review.submit(session, case.id, Move.NOT_OPEN, "情节显著轻微 trivial", actor=world["west-officer"],
                              zone=ZONE)
    with pytest.raises(PermissionDeniedError):
        review.approve(session, submitted.id, actor=world["west-officer"], zone=ZONE)  # never one's own
    with pytest.raises(ValidationError, match=r"^note: "):
        review.return_(session, submitted.id, actor=world["west-station-chief"], zone=ZONE, note="")
    review.return_(session, submitted.id, actor=world["west-station-chief"], zone=ZONE,
                   note="补充询问笔录 add statements")
    session.commit()
    returned, waiting = review.inbox(session, actor=world["west-officer"])
    assert ([r.id for r in returned], waiting) == ([submitted.id], [])
    again = review.submit(session, case.id, Move.NOT_OPEN, "已补充 statements added", actor=world["west-officer"],
                          zone=ZONE)
    session.commit()
    returned, _ = review.inbox(session, actor=world["west-officer"])
    _, waiting = review.inbox(session, actor=world["west-chief"])
    assert (returned, [r.id for r in waiting]) == ([], [again.id])


def test_a_detention_starts_three_limits_and_the_family_notice_stops_one(session, world):
    case = open_case(session, world, now=datetime.now(UTC) - timedelta(days=1))
    decide(session, world, case.id, Move.OPEN)
    detained_at = datetime.now(UTC) - timedelta(hours=2)
    service.record_milestone(session, case.id, "detained", actor=world["west-officer"], zone=ZONE,
                             occurred_at=detained_at)
    session.commit()
    limits = _deadlines(session, case.id)
    assert limits["detention_family_notice"].due_at == detained_at + timedelta(hours=24)
    assert limits["detention_interrogation"].due_at == detained_at + timedelta(hours=24)
    local_day = detained_at.astimezone(ZONE).date()
    assert limits["arrest_request"].due_at == datetime.combine(local_day + timedelta(days=4), datetime.min.time(),
                                                                tzinfo=ZONE)
    service.record_milestone(session, case.id, "family_notified", actor=world["west-officer"], zone=ZONE)
    session.commit()
    limits = _deadlines(session, case.id)
    assert (limits["detention_family_notice"].outcome, limits["arrest_request"].ended_at) == (DeadlineOutcome.MET, None)
    with pytest.raises(ValidationError, match=r"^kind: "):
        service.record_milestone(session, case.id, "summoned", actor=world["west-officer"], zone=ZONE)


def test_extensions_follow_the_rule_steps_and_tiers(session, world):
    case = open_case(session, world)
    deadline = _deadlines(session, case.id)["open_decision"]
    first_due = deadline.due_at
    with pytest.raises(ValidationError, match=r"^to: .*30"):
        timing.extend(session, case.id, deadline.id, 31, "复杂 complex", actor=world["west-chief"], zone=ZONE)
    with pytest.raises(PermissionDeniedError, match="district"):
        timing.extend(session, case.id, deadline.id, 30, "复杂 complex", actor=world["west-station-chief"], zone=ZONE)
    timing.extend(session, case.id, deadline.id, 7, "需要查证 to verify", actor=world["west-station-chief"], zone=ZONE)
    session.commit()
    session.refresh(deadline)
    assert deadline.extended_to == 7 and deadline.due_at > first_due
    with pytest.raises(ValidationError, match=r"^to: .*longer"):
        timing.extend(session, case.id, deadline.id, 7, "again", actor=world["west-chief"], zone=ZONE)
    timing.extend(session, case.id, deadline.id, 30, "重大复杂 major", actor=world["west-chief"], zone=ZONE)
    session.commit()
    found, _ = timing.explain(session, case.id, actor=world["west-officer"], zone=ZONE)
    codes = [step["code"] for step in found[0].steps]
    assert codes[:3] == ["start", "extended", "count"] and codes[-1] == "due"
    assert [(x.from_value, x.to_value, x.tier) for x in found[0].extensions] == [(3, 7, "station"), (7, 30, "district")]


def test_pauses_stop_the_clock_of_the_rules_naming_them_and_never_overlap(session, world):
    received = datetime.now(UTC) - timedelta(days=10)
    case = open_case(session, world, kind="administrative", now=received)
    limit = _deadlines(session, case.id)["administrative_case"]
    base = limit.due_at
    start = received + timedelta(days=1)
    timing.add_pause(session, case.id, PauseKind.EXPERT_EXAMINATION, start, start + timedelta(days=2),
                     "伤情鉴定 injury", actor=world["west-officer"], zone=ZONE)
    session.commit()
    session.refresh(limit)
    assert limit.due_at == base + timedelta(days=2)
    with pytest.raises(ValidationError, match=r"^started_at: .*overlaps"):
        timing.add_pause(session, case.id, PauseKind.OTHER, start + timedelta(days=1), None, "another one",
                         actor=world["west-officer"], zone=ZONE)
    open_pause = timing.add_pause(session, case.id, PauseKind.EXPERT_EXAMINATION, start + timedelta(days=5), None,
                                  "价格鉴定 valuation", actor=world["west-officer"], zone=ZONE)
    session.commit()
    session.refresh(limit)
    assert limit.due_at is None  # the clock stands
    timing.end_pause(session, case.id, open_pause.id, start + timedelta(days=6), actor=world["west-officer"], zone=ZONE)
    session.commit()
    session.refresh(limit)
    assert limit.due_at == base + timedelta(days=3)


def test_an_officer_works_only_their_teams_cases(session, world):
    case = open_case(session, world)
    with pytest.raises(PermissionDeniedError):
        review.submit(session, case.id, Move.OPEN, "facts", actor=world["other-officer"], zone=ZONE)
    body = CaseCreate.model_validate({"kind": "criminal", "type_code": "XS-DQ", "summary": "x",
                                      "station_id": world.ids["west_station"]})
    other = service.create(session, body, actor=world["west-station-chief"], number_pattern=PATTERN, zone=ZONE)
    assert (other.team_unit_id, other.lead_officer) == (None, None)
