"""Who may call what: the declared roles of every route, checked against this table and by calling."""

from __future__ import annotations

import re

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
CASES = {R.PATROL_OFFICER, R.SUPERVISOR}  # read and work cases, record and read their parties
PLACE_WORK = {R.PATROL_OFFICER, R.SUPERVISOR}  # inspect premises, mediate disputes, keep the beat log
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
    ("GET", "/api/v1/incidents/{incident_id}/notes"): READ,  # running notes on a call
    ("POST", "/api/v1/incidents/{incident_id}/notes"): INTAKE,
    ("PATCH", "/api/v1/incidents/{incident_id}"): DESK,  # correct type, priority, address, description
    ("GET", "/api/v1/assignments/current"): READ,  # which unit works which incident (the unit board)
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
    ("GET", "/api/v1/map/labels"): EVERYONE,
    ("GET", "/api/v1/city"): EVERYONE,  # the map's view of the city: no personal data, the same for every scope
    ("GET", "/api/v1/city/basemap"): EVERYONE,
    ("GET", "/api/v1/map/route"): READ,
    ("GET", "/api/v1/analysis/hotspots/forecast"): READ,
    ("GET", "/api/v1/analysis/forecasts"): READ,
    ("POST", "/api/v1/analysis/forecasts"): {R.ANALYST, R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/analysis/forecast-accuracy"): READ,
    ("GET", "/api/v1/analysis/repeat-places"): READ,
    ("GET", "/api/v1/analysis/spikes"): READ,
    ("GET", "/api/v1/analysis/aggregates"): READ,  # the analyst view's counts, trends and heat cells
    ("GET", "/api/v1/analysis/trends"): READ,
    ("GET", "/api/v1/analysis/heat"): READ,
    ("GET", "/api/v1/planning/coverage"): READ,
    ("GET", "/api/v1/planning/staffing"): READ,
    ("GET", "/api/v1/planning/posts"): READ,  # post placement (MCLP) on the last 28 days of calls
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
    # places: premises, inspections and hazards, the beat log; disputes and repeat-place operations
    ("PATCH", "/api/v1/places/premises/{premises_id}"): {R.SUPERVISOR, R.ADMIN},
    ("POST", "/api/v1/places/premises/{premises_id}/close"): {R.SUPERVISOR, R.ADMIN},
    ("POST", "/api/v1/places/premises/{premises_id}/reopen"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/places/premises/{premises_id}/history"): READ,
    ("POST", "/api/v1/places/premises/import"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/places/premises/{premises_id}/incidents"): READ,
    ("GET", "/api/v1/places/checklists"): READ,
    ("POST", "/api/v1/places/checklists"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/places/inspection-schedule"): READ,
    ("PUT", "/api/v1/places/inspection-schedule"): {R.SUPERVISOR, R.ADMIN},
    ("POST", "/api/v1/places/inspections"): PLACE_WORK,
    ("GET", "/api/v1/places/premises/{premises_id}/inspections"): READ,
    ("GET", "/api/v1/places/inspections/overdue"): READ,
    ("POST", "/api/v1/places/attachments"): PLACE_WORK,
    ("GET", "/api/v1/places/attachments/{attachment_id}"): READ,
    ("GET", "/api/v1/places/hazards"): READ,
    ("GET", "/api/v1/places/hazards/overdue"): READ,
    ("GET", "/api/v1/places/hazards/{hazard_id}"): READ,
    ("GET", "/api/v1/places/hazards/{hazard_id}/events"): READ,
    ("POST", "/api/v1/places/hazards/{hazard_id}/reinspect"): PLACE_WORK,
    ("POST", "/api/v1/places/hazards/{hazard_id}/close"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/places/board"): READ,
    ("POST", "/api/v1/places/beats/{beat_id}/visits"): PLACE_WORK,
    ("GET", "/api/v1/places/beats/{beat_id}/log"): READ,
    ("GET", "/api/v1/places/beat-weeks"): READ,
    ("POST", "/api/v1/disputes"): PLACE_WORK,
    ("GET", "/api/v1/disputes"): READ,
    ("GET", "/api/v1/disputes/{dispute_id}"): READ,
    ("GET", "/api/v1/disputes/{dispute_id}/sessions"): READ,
    ("GET", "/api/v1/disputes/{dispute_id}/events"): READ,
    ("GET", "/api/v1/disputes/{dispute_id}/parties"): {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR},
    ("POST", "/api/v1/disputes/{dispute_id}/sessions"): PLACE_WORK,
    ("POST", "/api/v1/disputes/{dispute_id}/agreement"): PLACE_WORK,
    ("POST", "/api/v1/disputes/{dispute_id}/failure"): PLACE_WORK,
    ("POST", "/api/v1/disputes/{dispute_id}/follow-up"): PLACE_WORK,
    ("GET", "/api/v1/disputes/{dispute_id}/effect"): {R.ANALYST, R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/operations/repeat-places"): READ,
    ("POST", "/api/v1/operations"): {R.SUPERVISOR, R.ADMIN},
    ("GET", "/api/v1/operations"): READ,
    ("GET", "/api/v1/operations/{operation_id}"): READ,
    ("GET", "/api/v1/operations/{operation_id}/events"): READ,
    ("POST", "/api/v1/operations/{operation_id}/links"): {R.SUPERVISOR, R.ADMIN},
    ("POST", "/api/v1/operations/{operation_id}/close"): {R.SUPERVISOR, R.ADMIN},
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
    # the standard address register: places, read by everyone who reads incidents; imports need command
    ("GET", "/api/v1/addresses/search"): READ,
    ("GET", "/api/v1/addresses/reverse"): READ,
    ("GET", "/api/v1/addresses/{address_id}"): READ,
    ("GET", "/api/v1/addresses/imports"): {R.SUPERVISOR, R.ADMIN},
    ("POST", "/api/v1/addresses/imports"): {R.SUPERVISOR, R.ADMIN},
    # cases: officers (their team's) and supervisors work them; supervisors approve, as legal officers (法制员)
    ("GET", "/api/v1/cases/rules"): CASES,
    ("GET", "/api/v1/cases/rules/versions"): CASES,
    ("GET", "/api/v1/cases/rules/versions/{version_id}"): CASES,
    ("POST", "/api/v1/cases/rules"): {R.SUPERVISOR},
    ("GET", "/api/v1/cases/overdue"): CASES,
    ("GET", "/api/v1/cases/overdue/summary"): CASES,
    ("GET", "/api/v1/cases/breaches"): CASES,
    ("GET", "/api/v1/cases/figures"): {R.ANALYST, R.SUPERVISOR},
    ("GET", "/api/v1/cases/{case_id}/deadlines"): CASES,
    ("POST", "/api/v1/cases/{case_id}/deadlines/{deadline_id}/extensions"): {R.SUPERVISOR},
    ("POST", "/api/v1/cases/{case_id}/pauses"): CASES,
    ("POST", "/api/v1/cases/{case_id}/pauses/{pause_id}/end"): CASES,
    ("GET", "/api/v1/cases/{case_id}/items"): CASES,
    ("POST", "/api/v1/cases/{case_id}/items"): CASES,
    ("GET", "/api/v1/cases/{case_id}/items/{item_id}/custody"): CASES,
    ("POST", "/api/v1/cases/{case_id}/items/{item_id}/custody"): CASES,
    ("POST", "/api/v1/cases/{case_id}/items/{item_id}/disposal"): CASES,
    ("GET", "/api/v1/cases/{case_id}/disposals"): CASES,
    ("POST", "/api/v1/cases/disposals/{request_id}/decide"): {R.SUPERVISOR},
    ("GET", "/api/v1/cases/types"): CASES,
    ("GET", "/api/v1/cases/inbox"): CASES,
    ("POST", "/api/v1/cases/reviews/{review_id}/approve"): {R.SUPERVISOR},
    ("POST", "/api/v1/cases/reviews/{review_id}/return"): {R.SUPERVISOR},
    ("POST", "/api/v1/cases/documents"): CASES,
    ("POST", "/api/v1/cases"): CASES,
    ("GET", "/api/v1/cases"): CASES,
    ("GET", "/api/v1/cases/{case_id}"): CASES,
    ("GET", "/api/v1/cases/{case_id}/events"): CASES,
    ("POST", "/api/v1/cases/{case_id}/reviews"): CASES,
    ("GET", "/api/v1/cases/{case_id}/reviews"): CASES,
    ("POST", "/api/v1/cases/{case_id}/milestones"): CASES,
    ("POST", "/api/v1/cases/{case_id}/cleared"): CASES,
    ("GET", "/api/v1/cases/{case_id}/incidents"): CASES,
    ("POST", "/api/v1/cases/{case_id}/incidents"): CASES,
    ("POST", "/api/v1/cases/{case_id}/suggestions"): CASES,
    ("GET", "/api/v1/cases/{case_id}/suggestions"): CASES,
    ("POST", "/api/v1/cases/{case_id}/suggestions/{suggestion_id}/accept"): CASES,
    ("POST", "/api/v1/cases/{case_id}/suggestions/{suggestion_id}/reject"): CASES,
    ("GET", "/api/v1/cases/{case_id}/tasks"): CASES,
    ("POST", "/api/v1/cases/{case_id}/tasks"): CASES,
    ("POST", "/api/v1/cases/{case_id}/tasks/{task_id}/status"): CASES,
    ("GET", "/api/v1/cases/{case_id}/documents"): CASES,
    ("GET", "/api/v1/cases/{case_id}/documents/{document_id}/content"): CASES,
    ("POST", "/api/v1/cases/{case_id}/parties"): CASES,
    ("GET", "/api/v1/cases/{case_id}/parties"): CASES,
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
    path = path.replace("{username}", "dispatcher").replace("{incident_id}", "1").replace(
        "{unit_id}", "1").replace("{premises_id}", "1").replace("{run_id}", "1").replace("{org_id}", "1").replace(
        "{beat_id}", "1").replace("{grant_id}", "1").replace("{version_id}", "1").replace("{directive_id}", "1")
    return re.sub(r"\{[a-z_]+_id\}", "1", path)  # the ids of cases and what they hold


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
