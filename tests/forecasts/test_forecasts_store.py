"""The analysis edge on the incident store: stored forecasts, accuracy, repeat places, spikes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from precinct.core.errors import NotFoundError, ValidationError
from precinct.core.permissions import Role
from precinct.forecasts import service
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from testkit import ADMIN_ACTOR

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # noon in Wuhan
HOT = (114.03, 30.53)
PATROL_SPOT = (114.17, 30.57)

ZONE = ZoneInfo("Asia/Shanghai")


def _call(session, lon, lat, when, *, source="phone_110", type_code="theft"):
    incident_service.create(session, IncidentCreate(source=source, type_code=type_code, lon=lon, lat=lat,
                                                    received_at=when), actor=ADMIN_ACTOR)


def _history(session, rng, days=40):
    """Background calls spread over both districts, a hot spot, and an officer-initiated cluster."""
    for d in range(1, days + 1):
        day = NOW - timedelta(days=d)
        for _ in range(6):
            _call(session, 114.0 + rng.random() * 0.2, 30.5 + rng.random() * 0.1, day)
        for _ in range(3):
            _call(session, HOT[0] + rng.normal(0, 0.0005), HOT[1] + rng.normal(0, 0.0005), day)
        for _ in range(4):
            _call(session, PATROL_SPOT[0] + rng.normal(0, 0.0005), PATROL_SPOT[1] + rng.normal(0, 0.0005), day,
                  source="officer_initiated", type_code="drugs")
    session.flush()


def _flagged_contains(stored, lon, lat) -> bool:
    import json

    from shapely.geometry import Point, shape

    return any(shape(f["geometry"]).contains(Point(lon, lat)) for f in json.loads(stored.geojson)["features"])


def test_forecast_flags_the_hot_spot_but_not_the_patrol_cluster(session):
    _history(session, np.random.default_rng(1))
    stored = service.run_forecast(session, zone=ZONE, actor=ADMIN_ACTOR, method="kde", coverage=0.05, history_days=60,
                                  now=NOW)
    assert stored.target_date == date(2026, 11, 20) and not stored.include_officer_initiated
    assert _flagged_contains(stored, *HOT)
    assert not _flagged_contains(stored, *PATROL_SPOT)
    with_patrols = service.run_forecast(session, zone=ZONE, actor=ADMIN_ACTOR, method="kde", coverage=0.05,
                                        history_days=60, include_officer_initiated=True, now=NOW)
    assert _flagged_contains(with_patrols, *PATROL_SPOT)
    shares = {s["district"]: s for s in stored.district_shares}
    assert set(shares) == {"西区分局", "东区分局"}
    assert abs(sum(s["incident_share"] for s in shares.values()) - 1) < 1e-9
    assert service.latest_forecast(session).id == with_patrols.id


def test_forecast_needs_history_and_a_sane_coverage(session):
    with pytest.raises(ValidationError, match="nothing to learn from"):
        service.run_forecast(session, zone=ZONE, actor=ADMIN_ACTOR, method="kde", history_days=30, now=NOW)
    with pytest.raises(ValidationError, match="coverage"):
        service.run_forecast(session, zone=ZONE, actor=ADMIN_ACTOR, method="kde", coverage=0.9, now=NOW)
    with pytest.raises(NotFoundError, match="no forecast"):
        service.latest_forecast(session)


def test_accuracy_counts_hits_on_the_target_day(session):
    _history(session, np.random.default_rng(2), days=20)
    target = date(2026, 11, 18)
    stored = service.run_forecast(session, zone=ZONE, actor=ADMIN_ACTOR, method="naive_all", coverage=0.05,
                                  history_days=60, target_date=target, now=NOW)
    rows = {r["forecast_id"]: r for r in service.forecast_accuracy(session, zone=ZONE, now=NOW)}
    row = rows[stored.id]
    day_calls = 6 + 3  # reported calls on that day; officer-initiated ones are not counted
    assert row["incidents"] == day_calls
    assert row["hits"] >= 3 and row["hit_rate"] == row["hits"] / day_calls
    assert row["pai"] == pytest.approx(row["hit_rate"] / 0.05)


def test_repeat_places_and_spikes(session):
    rng = np.random.default_rng(3)
    _history(session, rng, days=35)
    repeat = (114.061, 30.541)  # one address that calls every day
    for d in range(1, 31):
        _call(session, *repeat, NOW - timedelta(days=d), type_code="noise")
    session.flush()
    places = service.repeat_places(session, zone=ZONE, window_days=30, min_calls=20, now=NOW)
    assert [(round(p["lon"], 3), round(p["lat"], 3), p["n_calls"]) for p in places] == [(114.061, 30.541, 30)]
    assert places[0]["category_mix"] == {"noise": 1.0}
    quiet = service.spikes(session, zone=ZONE, window_days=7, now=NOW)
    assert not any(a["alarm"] for a in quiet) and quiet[0]["baseline_days"] == 28
    for d in range(1, 4):  # a burst in the east district in the last days
        for _ in range(25):
            _call(session, 114.15 + rng.random() * 0.04, 30.52 + rng.random() * 0.06, NOW - timedelta(days=d))
    session.flush()
    alarms = {a["area"]: a["alarm"] for a in service.spikes(session, zone=ZONE, window_days=7, now=NOW)}
    assert alarms == {"东区分局": True, "西区分局": False}


def test_routes(client, auth, session):
    _history(session, np.random.default_rng(4), days=20)
    session.commit()
    before = client.get("/api/v1/analysis/hotspots/forecast", headers=auth(Role.DISPATCHER)).json()
    assert before["features"] == [] and "no forecast" in before["properties"]["message"]
    service.run_forecast(session, zone=ZONE, actor=ADMIN_ACTOR, method="kde", history_days=60)
    session.commit()
    layer = client.get("/api/v1/analysis/hotspots/forecast", headers=auth(Role.DISPATCHER))
    assert layer.status_code == 200 and layer.headers["content-type"].startswith("application/geo+json")
    assert layer.json()["features"] and layer.json()["properties"]["method"] == "kde"
    assert len(client.get("/api/v1/analysis/forecasts", headers=auth(Role.ANALYST)).json()) == 1
    bad = client.post("/api/v1/analysis/forecasts", headers=auth(Role.ANALYST), json={"method": "crystal_ball"})
    assert bad.status_code == 422
    assert client.get("/api/v1/analysis/repeat-places", headers=auth(Role.ANALYST),
                      params={"min_calls": 30}).status_code == 200
