"""Who may read and load which addresses, over HTTP: role, scope (404 outside it) and the import permission.

Addresses are places, not personal data: every role that reads incidents searches them, each within
its scope (a station account its station, a branch account its district, a city account all); an
address of another scope answers 404 and is never among the results. Imports need the command
permission (supervisors and admins).
"""

from __future__ import annotations

import pytest

from address_kit import load_register
from precinct.core.permissions import Role
from precinct.users import service as user_service
from testkit import ADMIN_ACTOR, PASSWORD, bearer_for

ACCOUNTS = {  # name -> (role, organisation unit key in ids)
    "west-desk": (Role.CALL_TAKER, "west_station"),
    "east-desk": (Role.CALL_TAKER, "east_station"),
    "west-branch-officer": (Role.PATROL_OFFICER, "west"),
    "city-desk": (Role.DISPATCHER, "city"),
    "west-chief": (Role.SUPERVISOR, "west_station"),
    "auditor": (Role.AUDITOR, "city"),
}
# account -> the codes it finds and reads (every address of the register holds 号), or the status of each route
WEST, EAST = {"A1", "A2", "A3"}, {"A4", "A5"}
SEES = {
    "west-desk": WEST,
    "east-desk": EAST,
    "west-branch-officer": WEST,
    "city-desk": WEST | EAST,
    "west-chief": WEST,
    "auditor": 403,
}


@pytest.fixture
def world(session, ids):
    for username, (role, unit) in ACCOUNTS.items():
        if username != "auditor":
            user_service.create(session, username=username, password=PASSWORD, role=role, actor=ADMIN_ACTOR,
                                org_unit_id=ids[unit], direct=True)
    session.commit()
    load_register(session)
    from sqlalchemy import select

    from precinct.addresses.models import Address

    return {a.code: a.id for a in session.scalars(select(Address))}


def get(client, account, path, **params):
    return client.get(path, params=params, headers=bearer_for(account, ACCOUNTS[account][0]))


def test_search_reverse_and_reading_keep_to_the_scope(client, world):
    for account, sees in SEES.items():
        response = get(client, account, "/api/v1/addresses/search", q="号", limit=50)
        if sees == 403:
            assert response.status_code == 403, account
            assert get(client, account, f"/api/v1/addresses/{world['A1']}").status_code == 403
            continue
        assert {i["code"] for i in response.json()["items"]} == sees, account
        for code, address_id in world.items():
            status = get(client, account, f"/api/v1/addresses/{address_id}").status_code
            assert status == (200 if code in sees else 404), (account, code)
        near_east = get(client, account, "/api/v1/addresses/reverse", lon=114.1501, lat=30.5501).json()
        assert (near_east["address"]["code"] if near_east["address"] else None) == (
            "A4" if "A4" in sees else None), account


def test_only_command_roles_load_the_register(client, world):
    body = "code,text,lon,lat\nM1,江汉区解放大道9号,114.02,30.52\n".encode()
    for role, status in ((Role.CALL_TAKER, 403), (Role.DISPATCHER, 403), (Role.ANALYST, 403), (Role.AUDITOR, 403),
                         (Role.PATROL_OFFICER, 403), (Role.SUPERVISOR, 201), (Role.ADMIN, 201)):
        headers = bearer_for(role.value.replace("_", "-"), role) | {"Content-Type": "text/csv"}
        response = client.post("/api/v1/addresses/imports", content=body, headers=headers)
        assert response.status_code == status, (role, response.text)
        listing = client.get("/api/v1/addresses/imports", headers=headers)
        assert listing.status_code == (200 if status == 201 else 403), role
