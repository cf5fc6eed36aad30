"""GET /api/v1/planning/posts on the seeded city (real Wuhan roads): the post that reaches the calls is chosen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from precinct.core.db import utcnow
from precinct.core.permissions import Role
from precinct.incidents.models import Incident, IncidentSource, IncidentStatus
from precinct.org import service as org_service
from precinct.org.models import OrgTier

PLANTED = (114.17, 30.57)  # on a road in the east district
NEAR = [(114.1702, 30.5701), (114.1698, 30.5699), (114.1701, 30.5702)]
URL = "/api/v1/planning/posts"


def _incident(lon: float, lat: float, district_id: int, *, source=IncidentSource.PHONE_110) -> Incident:
    return Incident(source=source, type_code="theft", priority=3, status=IncidentStatus.CLOSED, lon=lon, lat=lat,
                    received_at=utcnow() - timedelta(days=1), district_id=district_id, created_by="test")


def test_one_post_goes_where_the_calls_are(client, session, ids, auth):
    planted = org_service.create_unit(session, code="S9", name_zh="试验派出所", name_en="Test Station",
                                      tier=OrgTier.STATION, parent_id=ids["east"], lon=PLANTED[0], lat=PLANTED[1])
    session.add_all([_incident(lon, lat, ids["east"]) for lon, lat in NEAR])
    session.add(_incident(114.12, 30.56, ids["east"], source=IncidentSource.OFFICER_INITIATED))  # not counted
    session.commit()
    response = client.get(URL, params={"posts": 1, "minutes": 1}, headers=auth(Role.ANALYST))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["calls"] == 3 and body["demand_cells"] == 1 and body["posts"] == 1
    assert body["covered_share"] == 1.0 and body["status"] == "optimal"
    chosen = body["chosen"]
    assert len(chosen) == 1
    assert chosen[0]["kind"] == "beat" or (chosen[0]["kind"], chosen[0]["id"]) == ("station", planted.id)
    assert body["stations_share"] == 1.0  # the planted station reaches them today


def test_without_calls_or_with_bad_parameters_nothing_is_placed(client, auth):
    response = client.get(URL, headers=auth(Role.ANALYST))
    assert response.status_code == 422 and "no reported calls" in response.text
    for params, field in (({"posts": 0}, "posts"), ({"minutes": 20}, "minutes")):
        bad = client.get(URL, params=params, headers=auth(Role.ANALYST))
        assert bad.status_code == 422 and field in bad.text


@pytest.mark.parametrize("role", [Role.AUDITOR])
def test_the_auditor_may_not_place_posts(client, auth, role):
    assert client.get(URL, headers=auth(role)).status_code == 403
