"""Who may do what to which case, over HTTP: scope (404 outside), ownership (403 for another team), approvers.

Cases in play: one of West Station worked by team W-1 (west-officer), one of East Station. A
station reads its own, a branch its stations', the city all; an officer works their team's cases
only; an approver never decides their own submission.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from cases.case_kit import build_world, open_case
from precinct.core.permissions import Role
from testkit import bearer_for


@pytest.fixture
def world(session, ids):
    world = build_world(session, ids, accounts=True)
    world.cases = {"west": open_case(session, world).id,
                   "east": open_case(session, world, by="east-officer", station_id=ids["east_station"]).id}
    return world


def call(client, world, account, method, path, json=None, **kwargs):
    role = world[account].role if account in world.actors else Role(account.replace("-", "_"))
    return client.request(method, path, headers={**bearer_for(account, role), **kwargs.pop("headers", {})},
                          json=json, **kwargs)


READ = {  # account -> GET /cases/{id} for the West and East cases
    "west-officer": (200, 404), "other-officer": (200, 404), "west-station-chief": (200, 404),
    "west-chief": (200, 404), "east-chief": (404, 200), "east-officer": (404, 200), "city-chief": (200, 200),
    "west-desk": (403, 403), "west-analyst": (403, 403),
}


def test_reading_answers_404_outside_the_scope(client, world):
    for account, codes in READ.items():
        for which, code in zip(("west", "east"), codes, strict=True):
            case_id = world.cases[which]
            for suffix in ("", "/events", "/deadlines", "/tasks", "/documents", "/items", "/reviews", "/incidents"):
                response = call(client, world, account, "GET", f"/api/v1/cases/{case_id}{suffix}")
                assert response.status_code == code, (account, which, suffix, response.text)
        listed = call(client, world, account, "GET", "/api/v1/cases")
        if codes[0] != 403:
            assert {c["id"] for c in listed.json()["items"]} == {
                world.cases[w] for w, c in zip(("west", "east"), codes, strict=True) if c == 200}, account


WORK = {  # account -> POST /cases/{id}/tasks on the West case
    "west-officer": 201, "other-officer": 403, "east-officer": 404, "west-station-chief": 201, "west-chief": 201,
    "east-chief": 404, "west-desk": 403, "west-analyst": 403,
}


def test_working_a_case_is_its_teams_or_a_supervisors_in_scope(client, world):
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    for account, code in WORK.items():
        response = call(client, world, account, "POST", f"/api/v1/cases/{world.cases['west']}/tasks",
                        {"title": "调取监控 get the CCTV", "assignee": "west-officer", "due_at": due})
        assert response.status_code == code, (account, response.text)


def test_parties_are_read_for_a_purpose_by_those_who_work_the_case_and_audited(client, world):
    base = f"/api/v1/cases/{world.cases['west']}/parties"
    added = call(client, world, "west-officer", "POST", base,
                 {"role": "victim", "name": "张三", "phone": "13800000000"})
    assert added.status_code == 201 and set(added.json()) == {"id", "case_id", "role"}
    query = {"purpose": "case_work", "reason": "制作询问笔录 statement"}
    assert call(client, world, "west-officer", "GET", base, params=query).json()[0]["name"] == "张三"
    assert call(client, world, "other-officer", "GET", base, params=query).status_code == 403
    assert call(client, world, "east-chief", "GET", base, params=query).status_code == 404
    assert call(client, world, "west-analyst", "GET", base, params=query).status_code == 403
    assert call(client, world, "west-officer", "GET", base, params={"purpose": "case_work", "reason": "x"}
                ).status_code == 422
    audit = call(client, world, "auditor", "GET", "/api/v1/audit", params={"action": "personal_data.read"}).json()
    entries = audit["items"] if isinstance(audit, dict) else audit
    assert any(e["resource_type"] == "case" and e["purpose"] == "case_work" for e in entries)


def test_review_gates_over_http(client, world):
    case_id = world.cases["west"]
    refused = call(client, world, "west-officer", "POST", f"/api/v1/cases/{case_id}/reviews",
                   {"move": "close", "grounds": "all done"})
    assert refused.status_code == 409 and "open, not_open" in refused.json()["error"]["message"]
    submitted = call(client, world, "west-officer", "POST", f"/api/v1/cases/{case_id}/reviews",
                     {"move": "open", "grounds": "有犯罪事实 facts"}).json()
    approve = f"/api/v1/cases/reviews/{submitted['id']}/approve"
    assert call(client, world, "east-chief", "POST", approve, {}).status_code == 404
    assert call(client, world, "west-officer", "POST", approve, {}).status_code == 403  # not an approver
    assert call(client, world, "west-station-chief", "POST", approve, {}).status_code == 200
    case = call(client, world, "west-officer", "GET", f"/api/v1/cases/{case_id}").json()
    assert (case["status"], case["allowed_moves"]) == ("investigating", ["transfer", "withdraw", "close"])


def test_documents_are_hashed_checked_on_download_and_a_tampered_file_is_refused(client, world, app, tmp_path):
    app.state.settings = app.state.settings.model_copy(update={"case_documents_dir": tmp_path,
                                                               "case_document_max_bytes": 2048})
    case_id = world.cases["west"]
    pdf = b"%PDF-1.4 statement of the victim"
    up = call(client, world, "west-officer", "POST", "/api/v1/cases/documents", content=pdf,
              params={"case_id": case_id, "filename": "statement.pdf", "title": "询问笔录"},
              headers={"Content-Type": "application/pdf"})
    assert up.status_code == 201, up.text
    document = up.json()
    assert document["sha256"] == hashlib.sha256(pdf).hexdigest()
    url = f"/api/v1/cases/{case_id}/documents/{document['id']}/content"
    got = call(client, world, "west-station-chief", "GET", url)
    assert (got.status_code, got.content, got.headers["x-content-sha256"]) == (200, pdf, document["sha256"])
    assert call(client, world, "east-chief", "GET", url).status_code == 404
    stored = next(p for p in tmp_path.rglob("*") if p.is_file())
    stored.write_bytes(pdf + b" changed")
    tampered = call(client, world, "west-officer", "GET", url)
    assert tampered.status_code == 409 and "SHA-256" in tampered.json()["error"]["message"]
    params = {"case_id": case_id, "filename": "x.pdf"}
    big = call(client, world, "west-officer", "POST", "/api/v1/cases/documents", content=b"%PDF-" + b"0" * 4096,
               params=params, headers={"Content-Type": "application/pdf"})
    assert big.status_code == 413
    wrong = call(client, world, "west-officer", "POST", "/api/v1/cases/documents", content=b"MZ\x90\x00binary",
                 params=params, headers={"Content-Type": "application/pdf"})
    assert wrong.status_code == 422 and wrong.json()["error"]["message"].startswith("content: ")
    listed = call(client, world, "west-officer", "GET", f"/api/v1/cases/{case_id}/documents").json()
    assert [d["id"] for d in listed] == [document["id"]]


def test_custody_chain_and_disposal_need_another_approver(client, world):
    base = f"/api/v1/cases/{world.cases['west']}/items"
    item = call(client, world, "west-officer", "POST", base, {
        "label_number": "WS-2025-0001", "description": "电动车一辆 e-bike", "storage_location": "A-01",
        "retention_until": date(2026, 12, 31).isoformat()}).json()
    again = call(client, world, "west-officer", "POST", base, {"label_number": "WS-2025-0001", "description": "x",
                                                                "storage_location": "A-02"})
    assert again.status_code == 409 and again.json()["error"]["message"].startswith("label_number: ")
    custody = f"{base}/{item['id']}/custody"
    assert call(client, world, "west-officer", "POST", custody, {"action": "return", "reason": "back in"}
                ).status_code == 409
    assert call(client, world, "west-officer", "POST", custody, {"action": "check_out", "reason": "送检 to the lab"}
                ).status_code == 422  # to whom
    assert call(client, world, "west-officer", "POST", custody, {"action": "check_out", "reason": "送检 to the lab",
                                                                  "to_whom": "鉴定中心 lab"}).status_code == 201
    assert call(client, world, "west-officer", "POST", custody, {"action": "return", "reason": "检毕归还 back"}
                ).status_code == 201
    chain = call(client, world, "west-station-chief", "GET", custody).json()
    assert [e["action"] for e in chain] == ["check_in", "check_out", "return"]
    request = call(client, world, "west-station-chief", "POST", f"{base}/{item['id']}/disposal",
                   {"method": "return_to_owner", "reason": "发还失主 owner found"}).json()
    decide = f"/api/v1/cases/disposals/{request['id']}/decide"
    assert call(client, world, "west-station-chief", "POST", decide, {"approved": True}).status_code == 403
    assert call(client, world, "west-chief", "POST", decide, {"approved": True}).status_code == 200
    items = call(client, world, "west-officer", "GET", base).json()
    assert items[0]["status"] == "disposed"


def test_the_overdue_board_and_the_figures_keep_to_the_scope(client, session, world):
    from precinct.cases import sweep

    old = open_case(session, world, now=datetime.now(UTC) - timedelta(days=10))  # its 3-day limit has passed
    result = sweep.sweep(session)
    session.commit()
    assert result.breached >= 1
    west = call(client, world, "west-station-chief", "GET", "/api/v1/cases/overdue").json()
    assert [(i["case_id"], i["state"]) for i in west["items"]] == [(old.id, "red")]
    assert call(client, world, "east-chief", "GET", "/api/v1/cases/overdue").json()["items"] == []
    assert call(client, world, "east-chief", "GET", "/api/v1/cases/overdue",
                params={"station_id": world.ids["west_station"]}).status_code == 404
    summary = call(client, world, "city-chief", "GET", "/api/v1/cases/overdue/summary").json()
    assert summary == [{"station_id": world.ids["west_station"], "district_id": world.ids["west"], "red": 1,
                        "amber": 0}]
    breaches = call(client, world, "west-chief", "GET", "/api/v1/cases/breaches").json()
    assert [b["case_id"] for b in breaches["items"]] == [old.id]
    today = datetime.now(UTC).date()
    figures = call(client, world, "west-analyst", "GET", "/api/v1/cases/figures", params={
        "since": (today - timedelta(days=40)).isoformat(), "until": (today + timedelta(days=1)).isoformat()}).json()
    assert sum(a["open_cases"] for a in figures["ages"]) == 2  # the West cases only (the analyst's station)
