"""Back-filled forecasts of past days: stored once each, from their own history, and scored at once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from precinct.core.errors import ValidationError
from precinct.forecasts import backfill, service
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.org import service as org_service
from testkit import ADMIN_ACTOR, seed

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # noon in Wuhan
ZONE = ZoneInfo("Asia/Shanghai")


def _history(session, days: int) -> None:
    rng = np.random.default_rng(5)
    for d in range(1, days + 1):
        for _ in range(8):
            incident_service.create(session, IncidentCreate(
                source="phone_110", type_code="theft", lon=114.03 + rng.normal(0, 0.001),
                lat=30.53 + rng.normal(0, 0.001), received_at=NOW - timedelta(days=d)), actor=ADMIN_ACTOR)
    session.flush()


def test_backfill_scores_the_last_days_once(session):
    _history(session, 20)
    assert service.forecast_accuracy(session, zone=ZONE, now=NOW) == []
    assert backfill.backfill(session, actor=ADMIN_ACTOR, zone=ZONE, days=5, now=NOW) == 5
    rows = service.forecast_accuracy(session, zone=ZONE, now=NOW)
    assert [r["target_date"] for r in rows] == [(date(2026, 11, 19) - timedelta(days=d)).isoformat() for d in range(5)]
    assert all(r["method"] == "kde" and r["incidents"] == 8 for r in rows)
    assert all(r["hits"] >= 1 and r["pai"] == pytest.approx(r["hits"] / 8 / 0.05) for r in rows)
    assert backfill.backfill(session, actor=ADMIN_ACTOR, zone=ZONE, days=5, now=NOW) == 0


def test_accuracy_counts_the_scopes_incidents_and_cells(session, ids):
    _history(session, 20)  # every call in the west
    backfill.backfill(session, actor=ADMIN_ACTOR, zone=ZONE, days=2, now=NOW)
    west = service.forecast_accuracy(session, zone=ZONE, now=NOW, scope=org_service.scope_of(session, ids["west"]))
    east = service.forecast_accuracy(session, zone=ZONE, now=NOW,
                                     scope=org_service.scope_of(session, ids["east_station"]))
    city = service.forecast_accuracy(session, zone=ZONE, now=NOW)
    assert [r["incidents"] for r in west] == [8, 8] and [r["hits"] for r in west] == [r["hits"] for r in city]
    assert [(r["incidents"], r["hits"], r["hit_rate"]) for r in east] == [(0, 0, None), (0, 0, None)]


def test_backfill_needs_two_weeks_before_a_day(session):
    _history(session, 16)  # from 4 November: only 18 and 19 November have 14 days before them
    assert backfill.backfill(session, actor=ADMIN_ACTOR, zone=ZONE, days=10, now=NOW) == 2
    assert backfill.backfill(session, actor=ADMIN_ACTOR, zone=ZONE, days=3, now=NOW - timedelta(days=30)) == 0
    with pytest.raises(ValidationError, match="days must be between 1 and 90"):
        backfill.backfill(session, actor=ADMIN_ACTOR, zone=ZONE, days=0, now=NOW)


def test_the_backfill_command_stores_and_says_how_many(cli, fresh_database_url):
    from precinct.app import session_factory
    from precinct.core.db import make_engine

    engine = make_engine(fresh_database_url)
    today = datetime.now(UTC)
    with session_factory(engine)() as session:
        seed(session)  # the tiny city: its districts guard the forecasts against feedback loops
        for d in range(1, 21):
            incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=114.03,
                                                            lat=30.53, received_at=today - timedelta(days=d)),
                                    actor=ADMIN_ACTOR)
        session.commit()
    engine.dispose()
    result = cli("forecast", "backfill", "--days", "3")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"backfilled": 3, "method": "kde"}
    again = cli("forecast", "backfill", "--days", "3")
    assert json.loads(again.output) == {"backfilled": 0, "method": "kde"}
    assert cli("forecast", "backfill", "--days", "0").exit_code == 2
