"""Accounts through the API: creation and its input checks."""

from __future__ import annotations

from precinct.core.permissions import Role


def test_bad_references_and_plan_entries_are_4xx_not_500(client, auth):
    admin = auth(Role.ADMIN)
    user = client.post("/api/v1/users", headers=admin, json={"username": "nostation", "password": "long-enough-pass",
                                                              "role": "analyst", "station_id": 999999})
    assert user.status_code == 422 and "station_id" in user.json()["error"]["message"]
    long_name = client.post("/api/v1/users", headers=admin, json={"username": "longname",
                                                                   "password": "long-enough-pass", "role": "analyst",
                                                                   "display_name": "x" * 200})
    assert long_name.status_code == 422
    for entry in ({"count": 1}, {"unit_type": "patrol_car", "count": "two"}):
        plan = client.post("/api/v1/response-plans", headers=admin, json={"type_code": "theft", "unit_types": [entry]})
        assert plan.status_code == 422, plan.text
