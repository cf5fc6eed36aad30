"""Who may read the city's map view, base map and street labels: every role, in every scope, the same answer.

The city routes hold no personal data and nothing scoped (the city's outline, its roads, water and
parks), so scope does not narrow them: a station's officer and the city's analyst see one city.
There is nothing owned, so no ownership rule applies. Without a token each answers 401.
"""

from __future__ import annotations

import pytest

from precinct.core.permissions import Role
from precinct.users import service as user_service
from testkit import ADMIN_ACTOR, PASSWORD, bearer_for

ROUTES = ("/api/v1/city", "/api/v1/map/labels")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", ROUTES)
def test_every_role_reads_the_city(client, auth, role, path):
    assert client.get(path, headers=auth(role)).status_code == 200


@pytest.mark.parametrize("path", (*ROUTES, "/api/v1/city/basemap"))
def test_without_a_token_401(client, path):
    assert client.get(path).status_code == 401


def test_a_station_scoped_account_sees_the_same_city(client, session, ids, auth):
    user_service.create(session, username="west-officer", password=PASSWORD, role=Role.PATROL_OFFICER,
                        actor=ADMIN_ACTOR, org_unit_id=ids["west_station"], direct=True)
    session.commit()
    scoped = client.get("/api/v1/city", headers=bearer_for("west-officer", Role.PATROL_OFFICER))
    citywide = client.get("/api/v1/city", headers=auth(Role.ANALYST))
    assert scoped.status_code == 200 and scoped.json() == citywide.json()
    assert scoped.json()["code"] == "C"


def test_no_base_map_answers_404_for_every_role(client, auth):
    for role in Role:
        answer = client.get("/api/v1/city/basemap", headers=auth(role))
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
