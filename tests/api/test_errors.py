"""The one error table: how domain and database errors reach a client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directives.directive_kit import AREA, build_world
from precinct.core.permissions import Role
from testkit import bearer_for


def test_a_deadlock_between_concurrent_changes_is_a_retryable_conflict(client, auth, monkeypatch):
    """PostgreSQL aborts one of two transactions that lock the same rows in opposite orders; the
    client gets 409 (retry), not 500, wherever the abort surfaces."""
    from sqlalchemy.exc import OperationalError

    from precinct.core.db import conflicts_as_domain_errors, is_concurrency_failure

    class Deadlock(Exception):
        sqlstate = "40P01"

    aborted = OperationalError("UPDATE assignments ...", {}, Deadlock("deadlock detected"))
    assert is_concurrency_failure(aborted)

    @conflicts_as_domain_errors
    def change():
        raise aborted

    from precinct.core.errors import ConflictError

    with pytest.raises(ConflictError):
        change()
    from precinct.incidents import service as incident_service

    def deadlocked(*_args, **_kwargs):
        raise aborted

    monkeypatch.setattr(incident_service, "list_", deadlocked)
    response = client.get("/api/v1/incidents", headers=auth(Role.DISPATCHER))
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


def _directive(world, **changes):
    now = datetime.now(UTC)
    return {"kind": "patrol", "title": "夜巡 night patrol", "target_org_unit_id": world.ids["west_station"],
            "geometry": AREA, "window_start": now.isoformat(), "window_end": (now + timedelta(hours=1)).isoformat(),
            "deadline": (now + timedelta(hours=2)).isoformat()} | changes


BOWTIE = {"type": "Polygon", "coordinates": [[[114.02, 30.52], [114.04, 30.54], [114.04, 30.52], [114.02, 30.54],
                                              [114.02, 30.52]]]}


@pytest.mark.parametrize(("changes", "field", "zh", "en"), [
    ({"kind": "other", "window_start": None, "window_end": None, "deadline": "2020-01-01T00:00:00Z"}, "deadline",
     "截止时间须晚于当前时间", "the deadline must lie in the future"),
    ({"geometry": BOWTIE}, "geometry", "几何无效", "the geometry is not valid"),
], ids=["past deadline", "self-crossing polygon"])
def test_a_service_rule_lists_its_field_as_the_schema_does(client, session, ids, changes, field, zh, en):
    """A refusal by a service rule names its field in ``fields``, with the reason in both languages;
    the message keeps the field's name at its start."""
    world = build_world(session, ids, accounts=True)
    response = client.post("/api/v1/directives", headers=bearer_for("west-chief", Role.SUPERVISOR),
                           json=_directive(world, **changes))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["message"].startswith(f"{field}: ")
    [named] = error["fields"]
    assert named["field"] == field and not named["reason"].startswith(f"{field}:")
    assert zh in named["reason"] and en in named["reason"] and named["reason"] in error["message"]


def test_other_service_refusals_list_no_field(client, auth):
    """A refusal that names no request field (here: an unknown incident) keeps the body without ``fields``."""
    response = client.get("/api/v1/incidents/999999", headers=auth(Role.DISPATCHER))
    assert response.status_code == 404 and "fields" not in response.json()["error"]


def test_the_schemas_refusals_are_said_in_chinese_too(client, auth):
    """A value outside a schema's bounds (a zero time limit), or one left out, is refused in Chinese and English,
    naming the field."""
    body = {"limits": [{"priority": 1, "stage": "dispatch", "limit_s": 0}], "reason": "试试 trial"}
    response = client.post("/api/v1/supervision/time-limits", headers=auth(Role.SUPERVISOR), json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["fields"] == [{"field": "limits.0.limit_s",
                                "reason": "须大于或等于 1 / Input should be greater than or equal to 1"}]
    assert error["message"] == ("limits.0.limit_s: 须大于或等于 1 / "
                                "limits.0.limit_s: Input should be greater than or equal to 1")
    missing = client.post("/api/v1/supervision/time-limits", headers=auth(Role.SUPERVISOR),
                          json={"limits": [{"priority": 1, "stage": "dispatch", "limit_s": 60}]}).json()["error"]
    assert missing["fields"] == [{"field": "reason", "reason": "必填 / Field required"}]
    assert missing["message"] == "reason: 必填 / reason: Field required"
