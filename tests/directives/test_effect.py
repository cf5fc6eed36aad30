"""A patrol directive's effect: reported incidents in its area before and after, against the rest of its station."""

from __future__ import annotations

from datetime import timedelta

import pytest
from directive_kit import NOW, build_world, issue

from precinct.core.errors import ValidationError
from precinct.core.permissions import Role
from precinct.directives import evaluation
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR, bearer_for

DAY = timedelta(days=1)
IN_AREA, IN_STATION, IN_EAST = (114.03, 30.53), (114.07, 30.57), (114.15, 30.55)


def _calls(session, place, at_days, source="phone_110"):
    for day in at_days:
        incident_service.create(session, IncidentCreate(source=source, type_code="theft", lon=place[0], lat=place[1],
                                                        received_at=NOW + day * DAY), actor=ADMIN_ACTOR)


@pytest.fixture
def two_weeks(session, ids):
    """A patrol of two weeks from NOW, and incidents in the two weeks before and the two weeks of it."""
    world = build_world(session, ids, accounts=True)
    directive = issue(session, world, at=NOW - DAY, window_end=NOW + 14 * DAY, deadline=NOW + 15 * DAY)
    _calls(session, IN_AREA, [-13.5, -12, -10, -6, -3, -1])  # 3 a week before
    _calls(session, IN_AREA, [2, 9.5])  # 1 a week during
    _calls(session, IN_AREA, [1, 2, 3], source="officer_initiated")  # what patrols find does not count
    _calls(session, IN_STATION, [-13, -11, -9, -8.5, -6, -5, -4, -3, -2, -1])  # 10 before (4 + 6)
    _calls(session, IN_STATION, [1, 2, 3, 4, 5, 8, 9, 10, 11, 12])  # 10 during (5 + 5)
    _calls(session, IN_EAST, [-5, 5])  # another station: in neither area
    _calls(session, IN_AREA, [-20, 20])  # outside both periods
    session.commit()
    return directive


def test_the_effect_compares_the_area_with_the_rest_of_its_station_per_week(session, two_weeks):
    result = evaluation.effect(session, two_weeks, now=NOW + 15 * DAY)
    assert result["counts"] == {"treated_before": 6, "treated_after": 2, "comparison_before": 10,
                                "comparison_after": 10}
    assert result["series"] == {"treated_before": [3, 3], "treated_after": [1, 1], "comparison_before": [4, 6],
                                "comparison_after": [5, 5]}
    assert result["rate_ratio"] == pytest.approx((2 / 6) / (10 / 10))
    assert result["treated"] == {"directive_id": two_weeks.id}
    assert result["comparison"] == {"station_id": two_weeks.station_id}
    assert result["before"] == [NOW - 14 * DAY, NOW] and result["after"] == [NOW, NOW + 14 * DAY]


def test_period_days_sets_both_periods_from_the_window_start(session, two_weeks):
    result = evaluation.effect(session, two_weeks, period_days=3, now=NOW + 15 * DAY)
    assert result["counts"] == {"treated_before": 2, "treated_after": 1, "comparison_before": 3,
                                "comparison_after": 2}  # [start, end): the call on day 3 falls after
    assert result["series"] is None  # not whole weeks: totals


def test_an_after_period_that_has_not_ended_is_refused(session, two_weeks):
    with pytest.raises(ValidationError, match=r"^window_end: .*evaluate it then"):
        evaluation.effect(session, two_weeks, now=NOW + 13 * DAY)
    with pytest.raises(ValidationError, match=r"^period_days: "):
        evaluation.effect(session, two_weeks, period_days=30, now=NOW + 15 * DAY)


def test_a_directive_without_an_area_is_not_evaluated(session, ids):
    world = build_world(session, ids)
    directive = issue(session, world, kind="other", geometry=None)
    with pytest.raises(ValidationError, match=r"^directive_id: .*has no area"):
        evaluation.effect(session, directive, now=NOW + 15 * DAY)


def test_the_effect_over_http(client, two_weeks):
    response = client.get(f"/api/v1/directives/{two_weeks.id}/effect", headers=bearer_for("west-analyst", Role.ANALYST))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"]["treated_before"] == 6 and body["directive_id"] == two_weeks.id
    assert body["verdict_zh"] and body["verdict_en"] and len(body["before"]) == 2
