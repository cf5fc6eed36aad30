"""The analyst view's routes over HTTP: roles, the caller's scope, the filters and bad input.

Aggregates, trends and heat cells are read as every role (the auditor sees no incident data);
a West Station account counts the west's incidents only, a city account both; the filters of the
view narrow the spikes and repeat-call places too; bad parameters answer 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from precinct.core.permissions import Role
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.users import service as user_service
from precinct.users.models import User
from testkit import ADMIN_ACTOR, bearer_for

P = "/api/v1/analysis"
ROUTES = ("/aggregates", "/trends", "/heat")
READ = set(Role) - {Role.AUDITOR}
WEST, EAST = (114.05, 30.55), (114.15, 30.55)


def _post(session, username: str, org_unit_id: int | None) -> None:
    session.get(User, user_service.get_by_username(session, username).id).org_unit_id = org_unit_id
    session.commit()


def _local_midnight(settings) -> datetime:
    """Today's local midnight in the city's zone: the analyst view's day windows end there."""
    return datetime.combine(datetime.now(settings.zone).date(), time.min, tzinfo=settings.zone)


@pytest.fixture
def calls(session, settings):
    """Thirty days of calls: two thefts a day in the west at one address, one dispute a day in the east.

    Each at local noon of its day, so that the day windows (the spikes' last seven complete days,
    a filter from a local midnight) count the same whatever hour the suite runs at.
    """
    noon = _local_midnight(settings) + timedelta(hours=12)
    for days_ago in range(1, 31):
        for where, type_code, address in ((WEST, "theft", "西区某路1号"), (WEST, "theft", "西区某路1号"),
                                          (EAST, "dispute", "东区某路2号")):
            body = IncidentCreate(source="phone_110", type_code=type_code, lon=where[0], lat=where[1], address=address)
            call = incident_service.create(session, body, actor=ADMIN_ACTOR)
            call.received_at = noon - timedelta(days=days_ago)
    session.commit()


def test_each_route_as_each_role(client, auth):
    for path in ROUTES:
        for role in Role:
            response = client.get(P + path, headers=auth(role))
            if role in READ:
                assert response.status_code == 200, (path, role, response.text)
            else:
                assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
        assert client.get(P + path).status_code == 401


def test_a_station_account_counts_its_own_incidents(client, session, ids, calls):
    _post(session, "analyst", ids["west_station"])
    west = bearer_for("analyst", Role.ANALYST)
    profiles = client.get(f"{P}/aggregates", headers=west).json()
    assert profiles["total"] == 60 and profiles["by_type"] == [{"key": "theft", "count": 60}]
    assert client.get(f"{P}/trends", headers=west, params={"bin": "week"}).json()["total"] == 60
    assert client.get(f"{P}/heat", headers=west).json()["total"] == 60
    _post(session, "analyst", ids["east"])
    east = client.get(f"{P}/aggregates", headers=bearer_for("analyst", Role.ANALYST)).json()
    assert east["total"] == 30 and east["by_district"] == [{"key": ids["east"], "count": 30}]
    _post(session, "analyst", None)
    city = client.get(f"{P}/aggregates", headers=bearer_for("analyst", Role.ANALYST)).json()
    assert city["total"] == 90


def test_the_filters_apply_to_every_aggregate(client, auth, ids, settings, calls):
    headers = auth(Role.ANALYST)
    assert client.get(f"{P}/aggregates", headers=headers, params={"type_code": "dispute"}).json()["total"] == 30
    assert client.get(f"{P}/aggregates", headers=headers,
                      params={"type_code": ["dispute", "theft"]}).json()["total"] == 90
    assert client.get(f"{P}/aggregates", headers=headers,
                      params={"district_id": ids["west"]}).json()["total"] == 60
    assert client.get(f"{P}/aggregates", headers=headers,
                      params={"source": "officer_initiated"}).json()["total"] == 0
    since = (_local_midnight(settings) - timedelta(days=10)).isoformat()
    assert client.get(f"{P}/aggregates", headers=headers, params={"received_from": since}).json()["total"] == 30
    trend = client.get(f"{P}/trends", headers=headers, params={"received_from": since, "bin": "day"}).json()
    assert trend["total"] == 30 and trend["last_year_total"] == 0 and len(trend["bins"]) in (11, 12)
    places = client.get(f"{P}/repeat-places", headers=headers).json()
    assert sorted(p["n_calls"] for p in places) == [30, 60]
    thefts = client.get(f"{P}/repeat-places", headers=headers, params={"type_code": "theft"}).json()
    assert [p["n_calls"] for p in thefts] == [60]
    spikes = client.get(f"{P}/spikes", headers=headers).json()
    assert {s["area"]: s["area_en"] for s in spikes} == {"西区分局": "West Branch", "东区分局": "East Branch"}
    disputes = client.get(f"{P}/spikes", headers=headers, params={"type_code": "dispute"}).json()
    assert [(s["area_en"], s["observed"]) for s in disputes] == [("East Branch", 7)]


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/trends", {"bin": "year"}, "bin"),
    ("/heat", {"cell_m": 10}, "cell_m"),
    ("/aggregates", {"source": "rumour"}, "source"),
    ("/aggregates", {"priority": 9}, "priority"),
    ("/aggregates", {"received_from": "2026-11-02T00:00:00Z", "received_to": "2026-11-01T00:00:00Z"}, "received_to"),
    ("/aggregates", {"received_from": "2026-11-02T00:00:00"}, "received_from"),
])
def test_bad_parameters_answer_422_naming_the_field(client, auth, path, params, field):
    response = client.get(P + path, headers=auth(Role.ANALYST), params=params)
    assert response.status_code == 422, response.text
    assert field in response.text
