"""Staffing (Erlang-C from the store) and before/after (difference-in-differences) endpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from precinct.core.db import utcnow
from precinct.core.permissions import Role
from precinct.incidents.models import Incident, IncidentSource, IncidentStatus
from precinct.users import service as user_service
from precinct.users.models import User
from testkit import bearer_for


def _row(at: datetime, district_id: int, *, lon: float = 114.05, type_code: str = "theft") -> Incident:
    return Incident(source=IncidentSource.PHONE_110, type_code=type_code, priority=3, status=IncidentStatus.CLOSED,
                    lon=lon, lat=30.55, received_at=at, district_id=district_id, created_by="test")


def _calls_in_morning_shift(district_id: int, per_day: int) -> list[Incident]:
    today = utcnow().replace(hour=1, minute=0, second=0, microsecond=0)   # 09:00 local (UTC+8)
    return [_row(today - timedelta(days=day) + timedelta(minutes=5 * k), district_id)
            for day in range(1, 28) for k in range(per_day)]


def test_staffing_recommends_more_units_for_a_higher_call_rate(client, session, ids, auth):
    url = f"/api/v1/planning/staffing?district_id={ids['west']}&shift_start_hour=8&shift_hours=8"
    session.add_all(_calls_in_morning_shift(ids["west"], 1))
    session.add_all(_calls_in_morning_shift(ids["east"], 30))     # another district: not counted
    session.commit()
    low = client.get(url, headers=auth(Role.SUPERVISOR)).json()
    assert low["calls"] == 27 and low["service_time_source"] == "default" and low["service_time_s"] == 1800
    assert abs(low["calls_per_hour"] - 27 / (28 * 8)) < 1e-12
    session.add_all(_calls_in_morning_shift(ids["west"], 20))
    session.commit()
    high = client.get(url, headers=auth(Role.SUPERVISOR)).json()
    assert high["calls"] == 27 * 21
    assert high["recommended_units"] > low["recommended_units"] >= 1
    assert high["metrics"]["share_within_target"] >= 0.9
    night = client.get(f"/api/v1/planning/staffing?district_id={ids['west']}&shift_start_hour=20",
                       headers=auth(Role.SUPERVISOR)).json()
    assert night["calls"] == 0 and night["recommended_units"] == 0


def _post(session, username: str, org_unit_id: int | None) -> None:
    session.get(User, user_service.get_by_username(session, username).id).org_unit_id = org_unit_id
    session.commit()


def test_staffing_counts_the_calls_of_the_callers_scope_and_no_other_district(client, session, ids):
    calls = {"west_station": 2, "east_station": 5}
    for station, per_day in calls.items():
        district = ids[station.removesuffix("_station")]
        for row in _calls_in_morning_shift(district, per_day):
            row.station_id = ids[station]
            session.add(row)
    session.commit()
    url = "/api/v1/planning/staffing?shift_start_hour=8"

    def calls_seen(org_unit_id: int | None, query: str = "") -> int | str:
        _post(session, "supervisor", org_unit_id)
        response = client.get(url + query, headers=bearer_for("supervisor", Role.SUPERVISOR))
        return response.json()["calls"] if response.status_code == 200 else response.status_code

    assert calls_seen(None) == 27 * 7
    assert calls_seen(ids["city"], f"&district_id={ids['east']}") == 27 * 5
    assert calls_seen(ids["west"]) == 27 * 2  # a branch: its district's calls
    assert calls_seen(ids["west"], f"&district_id={ids['west']}") == 27 * 2
    assert calls_seen(ids["west"], f"&district_id={ids['east']}") == 404  # another branch's district
    assert calls_seen(ids["east_station"]) == 27 * 5  # a station: its own calls
    assert calls_seen(ids["east_station"], f"&district_id={ids['west']}") == 404


def test_staffing_errors(client, ids, auth):
    assert client.get("/api/v1/planning/staffing?shift_start_hour=24", headers=auth(Role.ADMIN)).status_code == 422
    missing = client.get("/api/v1/planning/staffing?shift_start_hour=8&district_id=99999", headers=auth(Role.ADMIN))
    assert missing.status_code == 404
    assert client.get("/api/v1/planning/staffing?shift_start_hour=8", headers=auth(Role.AUDITOR)).status_code == 403


T0 = datetime(2024, 3, 4, tzinfo=UTC)    # a Monday


def _weekly(district_id: int, start: datetime, per_week: list[int]) -> list[Incident]:
    rows = []
    for week, count in enumerate(per_week):
        for k in range(count):
            rows.append(_row(start + timedelta(days=7 * week, hours=1 + (k * 160) / max(count, 1)), district_id))
    return rows


def _body(ids: dict) -> dict:
    return {"treated": {"district_id": ids["west"]}, "comparison": {"district_id": ids["east"]},
            "before": [T0.isoformat(), (T0 + timedelta(days=28)).isoformat()],
            "after": [(T0 + timedelta(days=28)).isoformat(), (T0 + timedelta(days=56)).isoformat()]}


def test_before_after_detects_a_planted_drop(client, session, ids, auth):
    session.add_all(_weekly(ids["west"], T0, [30, 31, 29, 30]) + _weekly(ids["west"], T0 + timedelta(days=28),
                                                                         [15, 14, 16, 15]))
    session.add_all(_weekly(ids["east"], T0, [25, 24, 26, 25]) + _weekly(ids["east"], T0 + timedelta(days=28),
                                                                         [25, 26, 24, 25]))
    session.commit()
    response = client.post("/api/v1/planning/before-after", json=_body(ids), headers=auth(Role.ANALYST))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["counts"] == {"treated_before": 120, "treated_after": 60, "comparison_before": 100,
                                "comparison_after": 100}
    assert result["series"]["treated_before"] == [30, 31, 29, 30]
    assert abs(result["rate_ratio"] - 0.5) < 1e-12
    assert result["interval_high"] < 1
    assert "reduction" in result["verdict_en"] and "下降" in result["verdict_zh"]


def test_before_after_filters_by_type(client, session, ids, auth):
    session.add_all(_weekly(ids["west"], T0, [30] * 4) + _weekly(ids["west"], T0 + timedelta(days=28), [30] * 4))
    session.add_all(_weekly(ids["east"], T0, [25] * 4) + _weekly(ids["east"], T0 + timedelta(days=28), [25] * 4))
    session.add_all([_row(T0 + timedelta(days=50, minutes=k), ids["west"], type_code="fraud") for k in range(40)])
    session.commit()
    everything = client.post("/api/v1/planning/before-after", json=_body(ids), headers=auth(Role.SUPERVISOR)).json()
    assert everything["counts"]["treated_after"] == 160
    body = _body(ids) | {"type_codes": ["theft"]}
    theft = client.post("/api/v1/planning/before-after", json=body, headers=auth(Role.SUPERVISOR)).json()
    assert theft["counts"]["treated_after"] == 120 and theft["rate_ratio"] == 1.0
    body["type_codes"] = ["drugs"]
    assert client.post("/api/v1/planning/before-after", json=body, headers=auth(Role.SUPERVISOR)).status_code == 422


def test_before_after_no_effect_and_errors(client, session, ids, auth):
    session.add_all(_weekly(ids["west"], T0, [30] * 4) + _weekly(ids["west"], T0 + timedelta(days=28), [30] * 4))
    session.add_all(_weekly(ids["east"], T0, [25] * 4) + _weekly(ids["east"], T0 + timedelta(days=28), [25] * 4))
    session.commit()
    result = client.post("/api/v1/planning/before-after", json=_body(ids), headers=auth(Role.ADMIN)).json()
    assert result["rate_ratio"] == 1.0 and result["interval_low"] < 1 < result["interval_high"]
    assert "No clear evidence" in result["verdict_en"]
    bad = _body(ids) | {"treated": {"district_id": ids["west"], "beat_id": ids["beat"]}}
    assert client.post("/api/v1/planning/before-after", json=bad, headers=auth(Role.ADMIN)).status_code == 422
    assert client.post("/api/v1/planning/before-after", json=_body(ids),
                       headers=auth(Role.DISPATCHER)).status_code == 403
