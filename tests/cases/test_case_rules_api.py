"""The rule table over HTTP: a change is a new version, the old one is kept, each deadline keeps its version.

Two criminal cases are received at the same instant, Monday 3 March 2025 16:00 in Shanghai, one
before and one after the city changes the decision to open from 3 to 4 calendar days (the receiving
day not counted, the limit ending at midnight): the first is due at the end of Thursday, the
second at the end of Friday, and recomputing every deadline moves neither.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from cases.case_kit import ZONE, build_world, open_case
from precinct.audit.models import AuditEntry
from precinct.cases import deadlines
from precinct.cases.limit_models import CaseRule, CaseRuleVersion
from precinct.core.permissions import Role
from testkit import bearer_for

P = "/api/v1/cases"
RECEIVED = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
CHANGE = {"rules": [{"code": "open_decision", "duration": 4, "remind_before_h": 12}],
          "reason": "省厅新规 the province's new rule"}


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


def call(client, account, method, path, json=None):
    role = Role.PATROL_OFFICER if account.endswith("-officer") else Role.SUPERVISOR
    return client.request(method, path, headers=bearer_for(account, role), json=json)


def _rule_rows(session) -> tuple[int, int]:
    return session.scalar(select(func.count()).select_from(CaseRuleVersion)), session.scalar(
        select(func.count()).select_from(CaseRule))


def _open_decision(client, case_id):
    found = call(client, "west-officer", "GET", f"{P}/{case_id}/deadlines").json()["deadlines"]
    [deadline] = [d for d in found if d["rule_code"] == "open_decision"]
    return deadline["duration"], deadline["due_at"], deadline["warn_at"]


def test_a_change_is_a_new_version_and_deadlines_keep_the_version_they_started_under(client, session, world):
    before = call(client, "west-officer", "GET", f"{P}/rules").json()
    earlier = open_case(session, world, now=RECEIVED).id
    changed = call(client, "city-chief", "POST", f"{P}/rules", CHANGE)
    assert changed.status_code == 201, changed.text
    table = changed.json()
    assert (table["version"]["id"], table["version"]["created_by"], table["version"]["reason"]) == (
        before["version"]["id"] + 1, "city-chief", CHANGE["reason"])
    rules = {r["code"]: r for r in table["rules"]}
    old = {r["code"]: r for r in before["rules"]}
    assert (rules["open_decision"]["duration"], rules["open_decision"]["remind_before_h"]) == (4, 12)
    assert rules["open_decision"]["extensions"] == old["open_decision"]["extensions"]
    for code in set(old) - {"open_decision"}:
        assert {k: v for k, v in rules[code].items() if k != "id"} == {k: v for k, v in old[code].items() if k != "id"}
    assert call(client, "west-officer", "GET", f"{P}/rules").json() == table  # in force
    versions = call(client, "west-officer", "GET", f"{P}/rules/versions").json()
    assert [v["id"] for v in versions] == [table["version"]["id"], before["version"]["id"]]
    kept = call(client, "west-officer", "GET", f"{P}/rules/versions/{before['version']['id']}").json()
    assert kept == before

    later = open_case(session, world, now=RECEIVED).id
    assert _open_decision(client, earlier) == (3, "2025-03-06T16:00:00Z", "2025-03-05T16:00:00Z")
    assert _open_decision(client, later) == (4, "2025-03-07T16:00:00Z", "2025-03-07T04:00:00Z")
    result = deadlines.recompute_all(session, zone=ZONE)
    session.commit()
    assert (result.computed, result.changed) == (2, 0)
    assert _open_decision(client, earlier)[1] == "2025-03-06T16:00:00Z"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "case_rules.update")).all()
    assert [(a.actor, a.resource_id, a.detail["changed"]) for a in audit] == [
        ("city-chief", str(table["version"]["id"]), ["open_decision"])]


@pytest.mark.parametrize(("change", "field"), [
    ({"code": "no_such_rule", "duration": 5}, "rules.0.code"),
    ({"code": "open_decision", "extensions": [{"to": 2, "tier": "station"}]}, "rules.0.extensions.0.to"),
    ({"code": "open_decision", "extensions": [{"to": 7, "tier": "station"}, {"to": 7, "tier": "city"}]},
     "rules.0.extensions.1.to"),
    ({"code": "open_decision", "extensions": [{"to": 7, "tier": "province"}]}, "tier"),
    ({"code": "open_decision", "duration": 0}, "duration"),
], ids=["unknown code", "step not longer", "steps not growing", "unknown tier", "zero days"])
def test_a_bad_change_names_the_field_and_stores_no_version(client, session, world, change, field):
    rows = _rule_rows(session)
    refused = call(client, "city-chief", "POST", f"{P}/rules", {"rules": [change], "reason": "试试看 trying"})
    assert refused.status_code == 422, refused.text
    assert field in refused.json()["error"]["message"]
    assert _rule_rows(session) == rows


def test_an_officer_may_not_change_the_rules(client, session, world):
    rows = _rule_rows(session)
    assert call(client, "west-officer", "POST", f"{P}/rules", CHANGE).status_code == 403
    assert _rule_rows(session) == rows


@pytest.mark.parametrize("account", ["west-station-chief", "west-chief"])
def test_only_the_city_changes_the_rule_table(client, session, world, account):
    rows = _rule_rows(session)
    lowered = {"rules": [{"code": "open_decision", "extensions": [{"to": 7, "tier": "station"},
                                                                  {"to": 30, "tier": "station"}]}],
               "reason": "自己批 approve it myself"}
    assert call(client, account, "POST", f"{P}/rules", lowered).status_code == 403
    assert _rule_rows(session) == rows
