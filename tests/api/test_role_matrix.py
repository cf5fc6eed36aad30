"""Who may call what: the declared roles of every route, checked against this table and by calling."""

from __future__ import annotations

import pytest

from precinct.api.deps import RoleChecker
from precinct.app import api_routes
from precinct.core.permissions import Role

R = Role
EVERYONE = set(Role)
READ = {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.ANALYST, R.SUPERVISOR, R.ADMIN}
INTAKE = {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR, R.ADMIN}
DISPATCH = {R.DISPATCHER, R.SUPERVISOR, R.ADMIN}
FIELD = {R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR, R.ADMIN}
DESK = {R.CALL_TAKER, R.DISPATCHER, R.SUPERVISOR, R.ADMIN}
DEADLINES = {R.DISPATCHER, R.ANALYST, R.SUPERVISOR, R.ADMIN}  # the overdue board, deadlines, breaches, time limits
FOLLOW_UP = {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR}  # feedback and call-backs (may read parties)
WORK_DIRECTIVES = {R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR}  # sign for, work on and report directives
STREAM = ("GET", "/api/v1/stream")  # an endless response: only refusals are called here

PUBLIC = {("GET", "/api/v1/health"), ("POST", "/api/v1/auth/token")}
# any valid token, also one that may only set up a second factor: the caller's own account
SIGNED_IN = {("GET", "/api/v1/auth/me"), ("POST", "/api/v1/auth/password"), ("POST", "/api/v1/auth/mfa/enrol"),
             ("POST", "/api/v1/auth/mfa/confirm")}
EXPECTED: dict[tuple[str, str], set[Role]] = {
    ("GET", "/api/v1/meta"): EVERYONE,
    ("GET", "/api/v1/users"): {R.ADMIN},
    ("POST", "/api/v1/users"): {R.ADMIN},
    ("POST", "/api/v1/users/{username}/unlock"): {R.ADMIN},
    ("POST", "/api/v1/users/{username}/disable"): {R.ADMIN},
    ("POST", "/api/v1/users/{username}/enable"): {R.ADMIN},
    ("POST", "/api/v1/users/{username}/password"): {R.ADMIN},
    ("POST", "/api/v1/users/{username}/role"): {R.ADMIN},
    ("POST", "/api/v1/users/{username}/revoke-tokens"): {R.ADMIN},
    ("POST", "/api/v1/users/{username}/mfa/reset"): {R.ADMIN},
    ("GET", "/api/v1/role-grants"): {R.SUPERVISOR, R.AUDITOR, R.ADMIN},
    ("POST", "/api/v1/role-grants/{grant_id}/approve"): {R.SUPERVISOR, R.AUDITOR},
    ("POST", "/api/v1/role-grants/{grant_id}/refuse"): {R.SUPERVISOR, R.AUDITOR},
    ("GET", "/api/v1/audit/alerts"): {R.AUDITOR},
    ("GET", "/api/v1/incident-types"): EVERYONE,
    ("POST", "/api/v1/incidents"): INTAKE,
    ("GET", "/api/v1/incidents"): READ,
    ("GET", "/api/v1/incidents/{incident_id}"): READ,
    ("POST", "/api/v1/incidents/{incident_id}/transitions"): FIELD,
    ("POST", "/api/v1/incidents/{incident_id}/assignments"): DISPATCH,
    ("GET", "/api/v1/incidents/{incident_id}/assignments"): READ,
    ("GET", "/api/v1/incidents/{incident_id}/events"): READ,
    ("GET", "/api/v1/incidents/{incident_id}/parties"): {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR},
    ("POST", "/api/v1/units"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/units"): READ,
    ("GET", "/api/v1/units/{unit_id}"): READ,
    ("POST", "/api/v1/units/{unit_id}/status"): FIELD,
    ("POST", "/api/v1/units/{unit_id}/positions"): FIELD,
    ("POST", "/api/v1/unit-positions"): FIELD,
    ("GET", "/api/v1/org/units"): EVERYONE,
    ("GET", "/api/v1/org/units/{org_id}"): EVERYONE,
    ("GET", "/api/v1/beats"): EVERYONE,
    ("GET", "/api/v1/beats/{beat_id}"): EVERYONE,
    ("POST", "/api/v1/intake"): INTAKE,
    ("GET", "/api/v1/incidents/duplicates"): DESK,
    ("GET", "/api/v1/incidents/{incident_id}/recommendations"): DESK,
    ("POST", "/api/v1/incidents/{incident_id}/duplicate-of"): DESK,
    ("POST", "/api/v1/incidents/{incident_id}/handoffs"): DESK,
    ("GET", "/api/v1/incidents/{incident_id}/handoffs"): READ,
    ("GET", "/api/v1/response-plans"): EVERYONE,
    ("GET", "/api/v1/response-plans/history"): EVERYONE,
    ("POST", "/api/v1/response-plans"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/duty-levels"): EVERYONE,
    ("POST", "/api/v1/duty-levels"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/officer/assignment"): {R.PATROL_OFFICER},
    ("POST", "/api/v1/officer/assignment/ack"): {R.PATROL_OFFICER},
    ("GET", "/api/v1/stream"): READ,
    ("GET", "/api/v1/map/roads"): EVERYONE,
    ("GET", "/api/v1/map/route"): READ,
    ("GET", "/api/v1/analysis/hotspots/forecast"): READ,
    ("GET", "/api/v1/analysis/forecasts"): READ,
    ("POST", "/api/v1/analysis/forecasts"): {R.ANALYST, R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/analysis/forecast-accuracy"): READ,
    ("GET", "/api/v1/analysis/repeat-places"): READ,
    ("GET", "/api/v1/analysis/spikes"): READ,
    ("GET", "/api/v1/planning/coverage"): READ,
    ("GET", "/api/v1/planning/staffing"): READ,
    ("POST", "/api/v1/planning/before-after"): {R.ANALYST, R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/drills/scenarios"): READ,
    ("POST", "/api/v1/drills"): {R.SUPERVISOR, R.ADMIN},
    ("POST", "/api/v1/drills/{run_id}/tick"): {R.SUPERVISOR, R.ADMIN},
    ("POST", "/api/v1/drills/{run_id}/finish"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/drills"): {R.DISPATCHER, R.ANALYST, R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/drills/{run_id}"): {R.DISPATCHER, R.ANALYST, R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/drills/{run_id}/replay"): {R.DISPATCHER, R.ANALYST, R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/places/premises"): READ,
    ("GET", "/api/v1/places/premises/{premises_id}"): READ,
    ("POST", "/api/v1/places/premises"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/audit"): {R.AUDITOR},
    ("GET", "/api/v1/audit/verify"): {R.AUDITOR},
    ("GET", "/api/v1/supervision/time-limits"): DEADLINES,
    ("GET", "/api/v1/supervision/time-limits/versions"): DEADLINES,
    ("GET", "/api/v1/supervision/time-limits/versions/{version_id}"): DEADLINES,
    ("POST", "/api/v1/supervision/time-limits"): {R.SUPERVISOR},
    ("GET", "/api/v1/supervision/overdue"): DEADLINES,
    ("GET", "/api/v1/supervision/breaches"): DEADLINES,
    ("GET", "/api/v1/supervision/incidents/{incident_id}/deadlines"): DEADLINES,
    ("POST", "/api/v1/supervision/incidents/{incident_id}/feedback"): FOLLOW_UP,
    ("POST", "/api/v1/supervision/incidents/{incident_id}/callback"): FOLLOW_UP,
    ("POST", "/api/v1/supervision/incidents/{incident_id}/reopen"): {R.SUPERVISOR},
    ("POST", "/api/v1/directives"): {R.SUPERVISOR},
    ("GET", "/api/v1/directives"): READ,
    ("GET", "/api/v1/directives/overdue"): READ,
    ("GET", "/api/v1/directives/{directive_id}"): READ,
    ("GET", "/api/v1/directives/{directive_id}/events"): READ,
    ("POST", "/api/v1/directives/{directive_id}/sign"): WORK_DIRECTIVES,
    ("POST", "/api/v1/directives/{directive_id}/start"): WORK_DIRECTIVES,
    ("POST", "/api/v1/directives/{directive_id}/report"): WORK_DIRECTIVES,
    ("POST", "/api/v1/directives/{directive_id}/check"): {R.SUPERVISOR},
    ("POST", "/api/v1/directives/{directive_id}/cancel"): {R.SUPERVISOR},
    ("GET", "/api/v1/directives/{directive_id}/patrol-minutes"): READ,
    ("GET", "/api/v1/directives/{directive_id}/effect"): {R.ANALYST, R.SUPERVISOR, R.ADMIN},
}


def declared_roles(route) -> set[Role] | None:
    def walk(dependant):
        for sub in dependant.dependencies:
            if isinstance(sub.call, RoleChecker):
                return set(sub.call.roles)
            found = walk(sub)
            if found is not None:
                return found
        return None

    return walk(route.dependant)


ROUTES = [(m, p, r) for m, p, r in api_routes() if m != "HEAD"]


def test_every_route_is_in_the_table():
    served = {(m, p) for m, p, _ in ROUTES}
    assert served == set(EXPECTED) | PUBLIC | SIGNED_IN


@pytest.mark.parametrize(("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_declared_roles_match_the_table(method, path, route):
    open_to_all = (method, path) in PUBLIC | SIGNED_IN
    assert declared_roles(route) == (None if open_to_all else EXPECTED[(method, path)])


def _url(path: str) -> str:
    if path == "/api/v1/map/route":
        return path + "?from_lon=114.05&from_lat=30.55&to_lon=114.06&to_lat=30.56"
    return path.replace("{username}", "dispatcher").replace("{incident_id}", "1").replace(
        "{unit_id}", "1").replace("{premises_id}", "1").replace("{run_id}", "1").replace("{org_id}", "1").replace(
        "{beat_id}", "1").replace("{grant_id}", "1").replace("{version_id}", "1").replace("{directive_id}", "1")


CALLS = [(m, p, role) for (m, p) in EXPECTED for role in Role
         if not ((m, p) == STREAM and role in EXPECTED[STREAM])]


@pytest.mark.parametrize(("method", "path", "role"), CALLS, ids=[f"{m} {p} {r.value}" for m, p, r in CALLS])
def test_calling_each_route_as_each_role(client, auth, method, path, role):
    response = client.request(method, _url(path), headers=auth(role), json={} if method == "POST" else None)
    if role in EXPECTED[(method, path)]:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "permission_denied"


PROTECTED = [*EXPECTED, *sorted(SIGNED_IN)]


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_without_a_token_every_protected_route_says_401(client, method, path):
    response = client.request(method, _url(path))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
