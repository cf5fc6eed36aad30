"""Who may call the supervision routes, on what: roles, scope (404 across it) and ownership.

Beside the role matrix: every supervision route is called as every role; then accounts of station
S1 (west), district D2 (east) and the city read and act on a west and an east incident; a patrol
officer writes follow-ups on their own unit's incident only; the time-limit table is changed by the
city's supervisors only; bad time limits are refused whole.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from precinct.api.deps import RoleChecker
from precinct.app import api_routes
from precinct.audit.models import AuditEntry
from precinct.core.permissions import Role
from precinct.dispatch import assignments
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Disposition, IncidentStatus
from precinct.incidents.schemas import IncidentCreate
from precinct.supervision.models import IncidentDeadline, TimeLimitVersion
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from precinct.users import service as user_service
from precinct.users.models import User
from testkit import ADMIN_ACTOR, bearer_for, crew

R = Role
SEE = {R.DISPATCHER, R.ANALYST, R.SUPERVISOR, R.ADMIN}
FOLLOW = {R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR}
P = "/api/v1/supervision"
ROUTES: dict[tuple[str, str], set[Role]] = {
    ("GET", f"{P}/time-limits"): SEE,
    ("GET", f"{P}/time-limits/versions"): SEE,
    ("GET", f"{P}/time-limits/versions/{{version_id}}"): SEE,
    ("POST", f"{P}/time-limits"): {R.SUPERVISOR},
    ("GET", f"{P}/overdue"): SEE,
    ("GET", f"{P}/breaches"): SEE,
    ("GET", f"{P}/incidents/{{incident_id}}/deadlines"): SEE,
    ("POST", f"{P}/incidents/{{incident_id}}/feedback"): FOLLOW,
    ("POST", f"{P}/incidents/{{incident_id}}/callback"): FOLLOW,
    ("POST", f"{P}/incidents/{{incident_id}}/reopen"): {R.SUPERVISOR},
}
WEST, EAST = (114.05, 30.55), (114.15, 30.55)


def _declared(route):
    for sub in route.dependant.dependencies:
        if isinstance(sub.call, RoleChecker):
            return set(sub.call.roles)
    return None


def test_the_supervision_routes_declare_these_roles():
    served = {(m, p): r for m, p, r in api_routes() if p.startswith(P) and m != "HEAD"}
    assert set(served) == set(ROUTES)
    for key, route in served.items():
        assert _declared(route) == ROUTES[key], key


def test_calling_each_supervision_route_as_each_role(client, auth):
    for (method, path), allowed in ROUTES.items():
        url = path.replace("{incident_id}", "1").replace("{version_id}", "1")
        for role in Role:
            response = client.request(method, url, headers=auth(role), json={} if method == "POST" else None)
            if role in allowed:
                assert response.status_code not in (401, 403), (method, path, role, response.text)
            else:
                assert response.status_code == 403, (method, path, role, response.text)
                assert response.json()["error"]["code"] == "permission_denied"


@pytest.fixture
def world(session, ids):
    """A closed and an open incident in the west, the same in the east; a unit in each; the patrol
    officer crews the west unit."""
    made = {}
    for side, (lon, lat), station in (("west", WEST, ids["west_station"]), ("east", EAST, ids["east_station"])):
        unit = unit_service.create(session, call_sign=f"{side}-1", unit_type=UnitType.PATROL_CAR,
                                   home_station_id=station, status=UnitStatus.AVAILABLE, lon=lon, lat=lat,
                                   actor=ADMIN_ACTOR)
        closed, open_ = (incident_service.create(session, IncidentCreate(
            source="phone_110", type_code="theft", priority=1, lon=lon, lat=lat), actor=ADMIN_ACTOR) for _ in "ab")
        incident_lifecycle.assign_unit(session, closed.id, unit.id, actor=ADMIN_ACTOR)
        assignments.set_unit_status(session, unit.id, UnitStatus.ON_SCENE, actor=ADMIN_ACTOR)
        incident_lifecycle.transition(session, closed.id, IncidentStatus.CLOSED, actor=ADMIN_ACTOR,
                                      disposition=Disposition.RESOLVED, note="已处置")
        made |= {f"{side}_closed": closed.id, f"{side}_open": open_.id, f"{side}_unit": unit.id}
    crew(session, "patrol-officer", made["west_unit"])
    session.commit()
    return made


ACCOUNTS = {"west-desk": ("dispatcher", "west_station"), "east-branch": ("dispatcher", "east"),
            "city-desk": ("dispatcher", "city"), "west-chief": ("supervisor", "west"),
            "west-station-chief": ("supervisor", "west_station"), "city-chief": ("supervisor", "city")}


def _as(session, ids, name):
    """Headers of the seeded dispatcher or supervisor, posted to the account's org unit first."""
    username, org = ACCOUNTS[name]
    session.get(User, user_service.get_by_username(session, username).id).org_unit_id = ids[org]
    session.commit()
    return bearer_for(username, R.SUPERVISOR if username == "supervisor" else R.DISPATCHER)


# who sees which side's records: a station its own, a district branch its stations, the city both
SEES = {"west-desk": {"west"}, "east-branch": {"east"}, "city-desk": {"west", "east"}}


@pytest.mark.parametrize("account", sorted(SEES))
def test_reads_answer_404_across_the_scope(client, session, world, ids, account):
    headers = _as(session, ids, account)
    for side in ("west", "east"):
        response = client.get(f"{P}/incidents/{world[f'{side}_open']}/deadlines", headers=headers)
        assert response.status_code == (200 if side in SEES[account] else 404), (side, response.text)
    board = client.get(f"{P}/overdue", headers=headers, params={"limit": 1000}).json()
    assert board["items"] == [] and board["red"] == 0  # nothing overdue yet; the board answers in scope
    station = client.get(f"{P}/overdue", headers=headers, params={"station_id": ids["east_station"]})
    assert station.status_code == (200 if "east" in SEES[account] else 404), station.text
    breaches = client.get(f"{P}/breaches", headers=headers, params={"station_id": ids["west_station"]})
    assert breaches.status_code == (200 if "west" in SEES[account] else 404), breaches.text


def test_the_board_shows_each_account_its_own_overdue(client, session, world, ids):
    for deadline in session.scalars(select(IncidentDeadline).where(IncidentDeadline.ended_at.is_(None))):
        deadline.warn_at = deadline.entered_at  # every open deadline on the board (amber)
    session.commit()
    for account, sides in SEES.items():
        board = client.get(f"{P}/overdue", headers=_as(session, ids, account), params={"limit": 1000}).json()
        items = board["items"]
        expected = {world[f"{side}_{state}"] for side in sides for state in ("open", "closed")}
        assert {item["incident_id"] for item in items} == expected, account


def test_writes_answer_404_across_the_scope_and_store_nothing(client, session, world, ids):
    east = world["east_closed"]
    for path, body in (("feedback", {"text": "已反馈"}), ("callback", {"outcome": "satisfied"}),
                       ("reopen", {"reason": "复核"})):
        for account in ("west-desk", "west-chief"):
            response = client.post(f"{P}/incidents/{east}/{path}", headers=_as(session, ids, account), json=body)
            assert response.status_code in (403, 404), response.text  # 403: the role may not, 404: not in scope
            if account == "west-chief" or path != "reopen":
                assert response.status_code == 404, (path, account, response.text)
    events = client.get(f"/api/v1/incidents/{east}/events", headers=_as(session, ids, "city-desk")).json()
    assert [e["kind"] for e in events][-1] == "status"  # the close is the last thing that happened
    chief = _as(session, ids, "west-chief")
    reopened = client.post(f"{P}/incidents/{world['west_closed']}/reopen", headers=chief,
                           json={"reason": "复核发现未处置完"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "received"
    again = client.post(f"{P}/incidents/{world['west_closed']}/reopen", headers=chief, json={"reason": "again"})
    assert again.status_code == 409 and "only a closed incident" in again.json()["error"]["message"]


def test_an_officer_follows_up_on_their_own_units_incidents_only(client, session, world, ids):
    officer = bearer_for("patrol-officer", R.PATROL_OFFICER)
    own = client.post(f"{P}/incidents/{world['west_closed']}/feedback", headers=officer, json={"text": "已告知"})
    assert own.status_code == 201, own.text
    assert own.json()["deadline"]["stage"] == "feedback" and own.json()["deadline"]["outcome"] == "met"
    other = client.post(f"{P}/incidents/{world['east_closed']}/callback", headers=officer,
                        json={"outcome": "satisfied"})
    assert other.status_code == 403 and "not your unit's" in other.json()["error"]["message"]
    desk = _as(session, ids, "west-desk")
    not_closed = client.post(f"{P}/incidents/{world['west_open']}/feedback", headers=desk, json={"text": "太早"})
    assert not_closed.status_code == 409


LIMIT_CHANGE = {"limits": [{"priority": 1, "stage": "dispatch", "limit_s": 90}], "reason": "试行 / trial"}


@pytest.mark.parametrize("account", ["west-station-chief", "west-chief"])
def test_only_a_city_supervisor_changes_the_time_limit_table(client, session, ids, account):
    versions = session.scalar(select(func.count()).select_from(TimeLimitVersion))
    refused = client.post(f"{P}/time-limits", headers=_as(session, ids, account), json=LIMIT_CHANGE)
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["code"] == "permission_denied"
    assert "市局" in error["message"] and "only a supervisor of the city bureau" in error["message"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(TimeLimitVersion)) == versions
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "time_limits.update")) == 0
    table = client.get(f"{P}/time-limits", headers=_as(session, ids, "city-desk")).json()
    assert {(c["priority"], c["stage"]): c["limit_s"] for c in table["limits"]}[(1, "dispatch")] == 60


def test_a_city_bureau_supervisor_changes_the_time_limit_table(client, session, ids):
    created = client.post(f"{P}/time-limits", headers=_as(session, ids, "city-chief"), json=LIMIT_CHANGE)
    assert created.status_code == 201, created.text
    cells = {(c["priority"], c["stage"]): c["limit_s"] for c in created.json()["limits"]}
    assert cells[(1, "dispatch")] == 90


BAD_LIMITS = [
    ({"limits": [{"priority": 1, "stage": "dispatch", "limit_s": 0}], "reason": "r"}, "limits.0.limit_s"),
    ({"limits": [{"priority": 1, "stage": "dispatch", "limit_s": -60}], "reason": "trial"}, "limits.0.limit_s"),
    ({"limits": [{"priority": 1, "stage": "lunch", "limit_s": 60}], "reason": "trial"}, "limits.0.stage"),
    ({"limits": [{"priority": 9, "stage": "dispatch", "limit_s": 60}], "reason": "trial"}, "limits.0.priority"),
    ({"limits": [], "reason": "trial"}, "limits"),
    ({"limits": [{"priority": 1, "stage": "dispatch", "limit_s": 60}], "reason": ""}, "reason"),
]


@pytest.mark.parametrize(("body", "field"), BAD_LIMITS, ids=[f for _, f in BAD_LIMITS])
def test_bad_time_limits_are_a_422_naming_the_field_and_nothing_is_stored(client, session, auth, body, field):
    before = session.scalar(select(func.count()).select_from(TimeLimitVersion))
    response = client.post(f"{P}/time-limits", headers=auth(R.SUPERVISOR), json=body)
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["error"]["fields"]]
    assert session.scalar(select(func.count()).select_from(TimeLimitVersion)) == before


def test_a_supervisor_changes_a_time_limit(client, auth):
    body = {"limits": [{"priority": 1, "stage": "arrival", "limit_s": 420}], "reason": "城区路况 / city traffic"}
    created = client.post(f"{P}/time-limits", headers=auth(R.SUPERVISOR), json=body)
    assert created.status_code == 201, created.text
    table = client.get(f"{P}/time-limits", headers=auth(R.DISPATCHER)).json()
    assert table["version"]["id"] == created.json()["version"]["id"] and table["version"]["created_by"] == "supervisor"
    cells = {(c["priority"], c["stage"]): c["limit_s"] for c in table["limits"]}
    assert cells[(1, "arrival")] == 420 and cells[(1, "dispatch")] == 60 and len(cells) == 20
    assert [s["code"] for s in table["stages"]] == ["dispatch", "arrival", "handling", "feedback", "callback"]
    old = client.get(f"{P}/time-limits/versions/1", headers=auth(R.DISPATCHER)).json()
    assert {(c["priority"], c["stage"]): c["limit_s"] for c in old["limits"]}[(1, "arrival")] == 300
    assert client.get(f"{P}/time-limits/versions/999", headers=auth(R.DISPATCHER)).status_code == 404


def test_closing_without_feedback_is_a_422_naming_note(client, auth, world):
    response = client.post(f"/api/v1/incidents/{world['west_open']}/transitions", headers=auth(R.DISPATCHER),
                           json={"status": "closed", "disposition": "resolved"})
    assert response.status_code == 422 and response.json()["error"]["message"].startswith("note: ")
