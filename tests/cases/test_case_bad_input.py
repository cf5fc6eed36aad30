"""Bad input over HTTP: each a clear 4xx naming the field, and nothing stored (no row of any case table, no file).

One West Station case received a day ago, with an expert examination from 20 to 10 hours ago and
a case numbered OLD-2019-7; West Station's officer (its team's investigator) sends each request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cases.case_kit import ZONE, build_world, open_case
from precinct.app import metadata
from precinct.cases import custody, timing
from precinct.cases.limit_models import CaseDeadline, PauseKind
from precinct.core.permissions import Role
from testkit import bearer_for

NOW = datetime.now(UTC)


@pytest.fixture
def world(session, ids):
    world = build_world(session, ids, accounts=True)
    world.case = open_case(session, world, now=NOW - timedelta(days=1)).id
    timing.add_pause(session, world.case, PauseKind.EXPERT_EXAMINATION, NOW - timedelta(hours=20),
                     NOW - timedelta(hours=10), "伤情鉴定 injury", actor=world["west-officer"], zone=ZONE)
    custody.add_item(session, world.case, label_number="WS-0001", description="手机 phone", storage_location="A-01",
                     retention_until=None, actor=world["west-officer"], zone=ZONE)
    open_case(session, world, number="OLD-2019-7")
    world.deadline = session.scalar(select(CaseDeadline.id).where(CaseDeadline.case_id == world.case))
    session.commit()
    return world


def stored(session) -> dict[str, int]:
    """How many rows each case table holds."""
    tables = sorted(name for name in metadata.tables if name.startswith("case") or name == "custody_entries")
    counts = session.execute(select(*(select(func.count()).select_from(metadata.tables[name]).scalar_subquery()
                                      for name in tables))).one()
    return dict(zip(tables, counts, strict=True))


def _task(**changes):
    return "POST", "/tasks", {"json": {"title": "调取监控 get the CCTV", "assignee": "west-officer",
                                       "due_at": (NOW + timedelta(days=1)).isoformat()} | changes}


def _document(content: bytes, content_type: str):
    return "POST", "documents", {"content": content, "params": {"filename": "statement.pdf"},
                                 "headers": {"Content-Type": content_type}}


def _pause(**changes):
    return "POST", "/pauses", {"json": {"kind": "other", "started_at": (NOW - timedelta(hours=15)).isoformat(),
                                        "reason": "嫌疑人在逃 at large"} | changes}


#: name -> (method, path under the case (or "documents", "cases"), request, code, the field the message names)
BAD = {
    "task due in the past": (*_task(due_at=(NOW - timedelta(hours=1)).isoformat()), 422, "due_at"),
    "task for an unknown account": (*_task(assignee="nobody-here"), 422, "assignee"),
    "task for another station's officer": (*_task(assignee="east-officer"), 422, "assignee"),
    "document of a refused type": (*_document(b"PK\x03\x04zipped", "application/zip"), 422, "content_type"),
    "document not what it says": (*_document(b"MZ\x90\x00binary", "application/pdf"), 422, "content"),
    "empty document": (*_document(b"", "application/pdf"), 422, "content"),
    "document over the size limit": (*_document(b"%PDF-" + b"0" * 4096, "application/pdf"), 413, "content"),
    "pause overlapping another": (*_pause(), 422, "started_at"),
    "pause ending before it starts": (*_pause(started_at=(NOW - timedelta(hours=5)).isoformat(),
                                              ended_at=(NOW - timedelta(hours=6)).isoformat()), 422, "ended_at"),
    "milestone in the future": ("POST", "/milestones", {"json": {"kind": "detained", "occurred_at": (
        NOW + timedelta(hours=2)).isoformat()}}, 422, "occurred_at"),
    "extension beyond the rule": ("POST", "/deadlines/{deadline}/extensions", {
        "json": {"to": 31, "reason": "重大复杂 complex"}, "as": "west-chief"}, 422, "to"),
    "extension above the approver's tier": ("POST", "/deadlines/{deadline}/extensions", {
        "json": {"to": 30, "reason": "重大复杂 complex"}, "as": "west-station-chief"}, 403, None),
    "case number that exists": ("POST", "cases", {"json": {"kind": "criminal", "type_code": "XS-DQ", "summary": "x",
                                                           "number": "OLD-2019-7"}}, 409, "number"),
    "move not allowed from the state": ("POST", "/reviews", {"json": {"move": "close", "grounds": "办结 done"}},
                                        409, None),
    "label number that exists": ("POST", "/items", {"json": {"label_number": "WS-0001", "description": "x",
                                                             "storage_location": "A-02"}}, 409, "label_number"),
}


def _url(world, path: str) -> tuple[str, dict]:
    if path == "cases":
        return "/api/v1/cases", {}
    if path == "documents":
        return "/api/v1/cases/documents", {"case_id": world.case}
    return f"/api/v1/cases/{world.case}" + path.replace("{deadline}", str(world.deadline)), {}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(client, app, session, world, tmp_path, name):
    app.state.settings = app.state.settings.model_copy(update={"case_documents_dir": tmp_path,
                                                               "case_document_max_bytes": 2048})
    method, path, request, code, field = BAD[name]
    request = dict(request)
    account = request.pop("as", "west-officer")
    role = Role.PATROL_OFFICER if account.endswith("-officer") else Role.SUPERVISOR
    url, params = _url(world, path)
    if "station_id" not in request.get("json", {}) and path == "cases":
        request["json"] = request["json"] | {"station_id": world.ids["west_station"]}
    before = stored(session)
    response = client.request(method, url, headers={**bearer_for(account, role), **request.pop("headers", {})},
                              params={**params, **request.pop("params", {})}, **request)
    assert response.status_code == code, response.text
    message = response.json()["error"]["message"]
    if field is not None:
        assert message.startswith(f"{field}: "), message
    assert "0 MiB" not in message
    assert stored(session) == before
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
