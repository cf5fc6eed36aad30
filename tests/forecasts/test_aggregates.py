"""The analyst view's aggregates in the database: profiles, trends with last year, heat cells, filters, scope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from precinct.core.errors import ValidationError
from precinct.forecasts import aggregates
from precinct.forecasts.aggregates import IncidentFilter
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.org import service as org_service
from testkit import ADMIN_ACTOR

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY_9_LOCAL = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # Monday 09:00 in Wuhan
WEST = (114.05, 30.55)
EAST = (114.15, 30.55)


def _call(session, where, when, *, source="phone_110", type_code="theft", priority=None):
    incident_service.create(session, IncidentCreate(source=source, type_code=type_code, lon=where[0], lat=where[1],
                                                    received_at=when, priority=priority), actor=ADMIN_ACTOR)


@pytest.fixture
def calls(session):
    """Five calls this week and two 52 weeks earlier; one officer-initiated."""
    _call(session, WEST, MONDAY_9_LOCAL)
    _call(session, WEST, MONDAY_9_LOCAL + timedelta(minutes=20), type_code="dispute", priority=1)
    _call(session, EAST, MONDAY_9_LOCAL + timedelta(days=1, hours=14))  # Tuesday 23:00 local
    _call(session, EAST, MONDAY_9_LOCAL + timedelta(days=2), source="online_report")
    _call(session, EAST, MONDAY_9_LOCAL + timedelta(days=2, hours=1), source="officer_initiated", type_code="drugs")
    _call(session, WEST, MONDAY_9_LOCAL - timedelta(weeks=52))
    _call(session, WEST, MONDAY_9_LOCAL - timedelta(weeks=52) + timedelta(days=3))
    session.flush()


def _week(**changes):
    return IncidentFilter(since=datetime(2026, 11, 15, 16, tzinfo=UTC), until=datetime(2026, 11, 22, 16, tzinfo=UTC),
                          **changes)


def test_profiles_count_in_local_time_reported_calls_only(session, calls):
    result = aggregates.profiles(session, _week(), zone=ZONE)
    assert result["total"] == 4
    assert result["by_hour"][9] == 3 and result["by_hour"][23] == 1 and sum(result["by_hour"]) == 4
    assert result["by_weekday"] == [2, 1, 1, 0, 0, 0, 0]
    assert result["hour_of_week"][9] == 2 and result["hour_of_week"][24 + 23] == 1 and result["hour_of_week"][57] == 1
    assert result["by_type"] == [{"key": "theft", "count": 3}, {"key": "dispute", "count": 1}]
    assert result["by_source"] == [{"key": "phone_110", "count": 3}, {"key": "online_report", "count": 1}]
    with_patrols = aggregates.profiles(session, _week(include_officer_initiated=True), zone=ZONE)
    assert with_patrols["total"] == 5
    only_patrols = aggregates.profiles(session, _week(source="officer_initiated"), zone=ZONE)
    assert only_patrols["total"] == 1 and only_patrols["by_type"] == [{"key": "drugs", "count": 1}]


def test_filters_narrow_by_type_priority_and_area(session, ids, calls):
    assert aggregates.profiles(session, _week(type_codes=("dispute",)), zone=ZONE)["total"] == 1
    by_district = aggregates.profiles(session, _week(), zone=ZONE)["by_district"]
    assert by_district == [{"key": ids["west"], "count": 2}, {"key": ids["east"], "count": 2}]  # ties by key
    assert aggregates.profiles(session, _week(district_id=ids["west"]), zone=ZONE)["total"] == 2
    assert aggregates.profiles(session, _week(station_id=ids["east_station"]), zone=ZONE)["total"] == 2
    theft_priority = aggregates.profiles(session, _week(type_codes=("theft",)), zone=ZONE)["by_priority"][0]["key"]
    assert theft_priority != 1
    assert aggregates.profiles(session, _week(priority=theft_priority), zone=ZONE)["total"] == 3
    assert aggregates.profiles(session, _week(priority=1), zone=ZONE)["total"] == 1


def test_scope_counts_the_scopes_incidents_only(session, ids, calls):
    west = org_service.scope_of(session, ids["west"])
    result = aggregates.profiles(session, _week(scope=west), zone=ZONE)
    assert result["total"] == 2
    assert result["by_station"] == [{"key": ids["west_station"], "count": 2}]
    cells = aggregates.heat_cells(session, _week(scope=west), cell_m=250)
    assert cells["total"] == 2 and all(c["west"] < 114.1 for c in cells["cells"])


def test_trend_by_day_week_and_month_with_last_year(session, calls):
    daily = aggregates.trend(session, _week(), zone=ZONE, size="day")
    assert [b["start"] for b in daily["bins"]][:2] == [date(2026, 11, 16), date(2026, 11, 17)]
    assert len(daily["bins"]) == 7
    assert [b["count"] for b in daily["bins"]] == [2, 1, 1, 0, 0, 0, 0]
    assert [b["last_year"] for b in daily["bins"]] == [1, 0, 0, 1, 0, 0, 0]
    assert daily["total"] == 4 and daily["last_year_total"] == 2
    weekly = aggregates.trend(session, _week(), zone=ZONE, size="week")
    assert weekly["bins"] == [{"start": date(2026, 11, 16), "count": 4, "last_year": 2}]
    monthly = aggregates.trend(session, _week(), zone=ZONE, size="month")
    assert monthly["bins"] == [{"start": date(2026, 11, 1), "count": 4, "last_year": 2}]
    with pytest.raises(ValidationError, match="bin must be one of day, week, month"):
        aggregates.trend(session, _week(), zone=ZONE, size="year")  # type: ignore[arg-type]


def test_trend_defaults_to_the_last_90_days(session, calls):
    result = aggregates.trend(session, IncidentFilter(), zone=ZONE, size="day",
                              now=datetime(2026, 11, 20, 4, tzinfo=UTC))
    assert len(result["bins"]) == 91 and result["total"] == 4 and result["last_year_total"] == 2


def test_daylight_saving_zone_places_counts_in_local_hours(session, calls):
    helsinki = ZoneInfo("Europe/Helsinki")  # UTC+2 in November
    result = aggregates.profiles(session, _week(), zone=helsinki)
    assert result["by_hour"][3] == 3 and result["by_hour"][17] == 1


def test_heat_cells_count_on_a_square_grid(session, calls):
    result = aggregates.heat_cells(session, _week(), cell_m=250, latitude=30.55)
    assert result["total"] == 4 and result["max_count"] == 2
    assert [c["count"] for c in result["cells"]] == [2, 1, 1] or [c["count"] for c in result["cells"]] == [2, 2]
    first = result["cells"][0]
    assert first["west"] <= WEST[0] < first["west"] + result["cell_deg_lon"] or first["west"] <= EAST[0]
    assert result["cell_deg_lat"] == pytest.approx(250 / 111_320)
    with pytest.raises(ValidationError, match="cell_m"):
        aggregates.heat_cells(session, _week(), cell_m=10)


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match="received_to must be after received_from"):
        IncidentFilter(since=datetime(2026, 11, 2, tzinfo=UTC), until=datetime(2026, 11, 1, tzinfo=UTC))
