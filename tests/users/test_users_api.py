"""Accounts through the API: creation and its checks, the password policy, management, and role
grants that a second person decides."""

from __future__ import annotations

import pytest

from precinct.core.errors import ValidationError
from precinct.core.passwords import check_password
from precinct.core.permissions import Role
from testkit import PASSWORD

STRONG = "plum-violin-harbour-91"


def login(client, username, password):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_bad_references_and_plan_entries_are_4xx_not_500(client, auth):
    admin = auth(Role.ADMIN)
    user = client.post("/api/v1/users", headers=admin, json={"username": "nostation", "password": STRONG,
                                                              "role": "analyst", "org_unit_id": 999999})
    assert user.status_code == 422 and "org_unit_id" in user.json()["error"]["message"]
    long_name = client.post("/api/v1/users", headers=admin, json={"username": "longname", "password": STRONG,
                                                                   "role": "analyst", "display_name": "x" * 200})
    assert long_name.status_code == 422
    for entry in ({"count": 1}, {"unit_type": "patrol_car", "count": "two"}):
        plan = client.post("/api/v1/response-plans", headers=admin, json={"type_code": "theft", "unit_types": [entry]})
        assert plan.status_code == 422, plan.text


@pytest.mark.parametrize(("password", "why"), [
    ("short", "at least 10"),
    ("          ", "only spaces"),
    ("password1234", "too easy to guess"),
    ("qwertyuiop123", "too easy to guess"),
    ("newbie-is-me-2026", "user name"),
    ("aaaaaaaaaaaa", "too easy to guess"),
])
def test_the_password_policy_refuses_what_is_easy_to_guess(password, why):
    with pytest.raises(ValidationError, match=why):
        check_password(password, username="newbie")


def test_the_password_policy_accepts_phrases_and_random_strings():
    for password in (PASSWORD, STRONG, "xK9#mQ2$vL8p", "我的密码是长城上的一只猫"):
        check_password(password, username="newbie")


def test_admin_creates_accounts_with_policy_passwords(client, auth, ids):
    nowhere = client.post("/api/v1/users", headers=auth(Role.ADMIN),
                          json={"username": "newbie", "password": STRONG, "role": "analyst"})
    assert nowhere.status_code == 422 and nowhere.json()["error"]["fields"][0]["field"] == "org_unit_id"
    assert nowhere.json()["error"]["message"].startswith("org_unit_id: 请指定账户所属的组织单位")  # never city-wide
    bureau = {"org_unit_id": ids["city"]}
    weak = client.post("/api/v1/users", headers=auth(Role.ADMIN),
                       json={"username": "newbie", "password": "password1234", "role": "analyst", **bureau})
    assert weak.status_code == 422 and "too easy to guess" in weak.json()["error"]["message"]
    created = client.post("/api/v1/users", headers=auth(Role.ADMIN),
                          json={"username": "newbie", "password": STRONG, "role": "analyst", **bureau})
    assert created.status_code == 201 and "password" not in created.text and created.json()["is_active"]
    assert created.json()["org_unit_id"] == ids["city"]
    again = client.post("/api/v1/users", headers=auth(Role.ADMIN),
                        json={"username": "newbie", "password": STRONG, "role": "analyst", **bureau})
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "用户 'newbie' 已存在 / user 'newbie' already exists"


def test_a_role_that_reads_personal_data_waits_for_a_second_person(client, auth, ids):
    admin = auth(Role.ADMIN)
    no_reason = client.post("/api/v1/users", headers=admin, json={
        "username": "new-chief", "password": STRONG, "role": "supervisor", "org_unit_id": ids["city"]})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["message"].startswith("reason: 请说明")
    created = client.post("/api/v1/users", headers=admin, json={
        "username": "new-chief", "password": STRONG, "role": "supervisor", "reason": "night shift supervisor",
        "org_unit_id": ids["west_station"]})
    assert created.status_code == 201 and created.json()["is_active"] is False
    waiting = login(client, "new-chief", STRONG)
    assert waiting.status_code == 401 and "approve" in waiting.json()["error"]["message"]
    assert login(client, "new-chief", "wrong-password-0").json()["error"]["message"] == "incorrect username or password"
    assert client.post("/api/v1/users/new-chief/enable", headers=admin).status_code == 403  # not around the grant

    [grant] = client.get("/api/v1/role-grants", headers=auth(Role.AUDITOR), params={"status": "pending"}).json()
    assert (grant["role"], grant["previous_role"], grant["requested_by"]) == ("supervisor", None, "admin")
    assert grant["username"] == "new-chief"
    assert client.post(f"/api/v1/role-grants/{grant['id']}/approve", headers=admin, json={}).status_code == 403
    approved = client.post(f"/api/v1/role-grants/{grant['id']}/approve", headers=auth(Role.AUDITOR),
                           json={"note": "checked with the duty roster"})
    assert approved.status_code == 200 and approved.json()["decided_by"] == "auditor"
    assert approved.json()["username"] == "new-chief"
    again = client.post(f"/api/v1/role-grants/{grant['id']}/refuse", headers=auth(Role.SUPERVISOR), json={})
    assert again.status_code == 409
    assert login(client, "new-chief", STRONG).json()["scope"] == "mfa_enrolment"  # active: a supervisor needs MFA
    alerts = [a["action"] for a in client.get("/api/v1/audit/alerts", headers=auth(Role.AUDITOR)).json()["items"]]
    assert alerts[:2] == ["security.grant_approved", "security.grant_requested"]


def test_changing_to_a_personal_data_role_is_a_grant_and_others_change_at_once(client, auth):
    admin = auth(Role.ADMIN)
    analyst_token = {"Authorization": f"Bearer {login(client, 'analyst', PASSWORD).json()['access_token']}"}
    to_dispatcher = client.post("/api/v1/users/analyst/role", headers=admin,
                                json={"role": "dispatcher", "reason": "moves to the dispatch desk"}).json()
    assert to_dispatcher["user"] is None and to_dispatcher["grant"]["status"] == "pending"
    assert to_dispatcher["grant"]["username"] == "analyst"
    assert client.get("/api/v1/auth/me", headers=analyst_token).json()["role"] == "analyst"  # meanwhile
    refused = client.post(f"/api/v1/role-grants/{to_dispatcher['grant']['id']}/refuse", headers=auth(Role.SUPERVISOR),
                          json={"note": "no training yet"})
    assert refused.json()["status"] == "refused"
    to_auditor = client.post("/api/v1/users/analyst/role", headers=admin,
                             json={"role": "auditor", "reason": "joins the inspection office"}).json()
    assert to_auditor["user"]["role"] == "auditor"
    assert client.get("/api/v1/auth/me", headers=analyst_token).status_code == 401  # a new role: sign in again


def test_nobody_decides_their_own_grant(client, auth):
    request = client.post("/api/v1/users/auditor/role", headers=auth(Role.ADMIN),
                          json={"role": "supervisor", "reason": "covers the command desk"}).json()
    own = client.post(f"/api/v1/role-grants/{request['grant']['id']}/approve", headers=auth(Role.AUDITOR), json={})
    assert own.status_code == 403 and "second person" in own.json()["error"]["message"]
    assert own.json()["error"]["message"].startswith("角色授予须由第二人决定")


def test_disable_reset_and_revoke_end_sessions(client, auth):
    admin = auth(Role.ADMIN)
    for action, body in (("disable", None), ("password", {"password": STRONG}), ("revoke-tokens", None)):
        client.post("/api/v1/users/dispatcher/enable", headers=admin)
        password = STRONG if action == "revoke-tokens" else PASSWORD
        token = {"Authorization": f"Bearer {login(client, 'dispatcher', password).json()['access_token']}"}
        assert client.get("/api/v1/auth/me", headers=token).status_code == 200
        assert client.post(f"/api/v1/users/dispatcher/{action}", headers=admin, json=body).status_code == 200, action
        assert client.get("/api/v1/auth/me", headers=token).status_code == 401, action
    assert client.post("/api/v1/users/admin/disable", headers=admin).status_code == 403  # not oneself
    actions = [e["action"] for e in client.get("/api/v1/audit/alerts", headers=auth(Role.AUDITOR)).json()["items"]]
    assert {"security.account_disabled", "security.tokens_revoked"} <= set(actions)


def test_holders_change_their_own_password(client):
    token = {"Authorization": f"Bearer {login(client, 'call-taker', PASSWORD).json()['access_token']}"}
    wrong = client.post("/api/v1/auth/password", headers=token,
                        json={"current_password": "not-it", "new_password": STRONG})
    assert wrong.status_code == 401
    changed = client.post("/api/v1/auth/password", headers=token,
                          json={"current_password": PASSWORD, "new_password": STRONG})
    assert changed.status_code == 200
    assert login(client, "call-taker", STRONG).status_code == 200
