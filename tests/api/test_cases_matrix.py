"""Who may do what to which case, over HTTP: scope (404 outside), ownership (403 for another team), approvers.

Cases in play: one of West Station worked by team W-1 (west-officer), one of East Station. A
station reads its own, a branch its stations', the city all; an officer works their team's cases
only; an approver never decides their own submission.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cases.case_kit import ZONE, build_world, decide, incident, open_case
from precinct.app import metadata
from precinct.cases import custody, links, review, sweep, tasks, timing
from precinct.cases.custody_models import DisposalMethod
from precinct.cases.limit_models import CaseDeadline, PauseKind
from precinct.cases.status import Move
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
    chain = f"{base}/{item['id']}/custody"
    assert call(client, world, "west-officer", "POST", chain, {"action": "return", "reason": "back in"}
                ).status_code == 409
    assert call(client, world, "west-officer", "POST", chain, {"action": "check_out", "reason": "送检 to the lab"}
                ).status_code == 422  # to whom
    assert call(client, world, "west-officer", "POST", chain, {"action": "check_out", "reason": "送检 to the lab",
                                                                "to_whom": "鉴定中心 lab"}).status_code == 201
    assert call(client, world, "west-officer", "POST", chain, {"action": "return", "reason": "检毕归还 back"}
                ).status_code == 201
    entries = call(client, world, "west-station-chief", "GET", chain).json()
    assert [e["action"] for e in entries] == ["check_in", "check_out", "return"]
    request = call(client, world, "west-station-chief", "POST", f"{base}/{item['id']}/disposal",
                   {"method": "return_to_owner", "reason": "发还失主 owner found"}).json()
    decision = f"/api/v1/cases/disposals/{request['id']}/decide"
    assert call(client, world, "west-station-chief", "POST", decision, {"approved": True}).status_code == 403
    assert call(client, world, "west-chief", "POST", decision, {"approved": True}).status_code == 200
    items = call(client, world, "west-officer", "GET", base).json()
    assert items[0]["status"] == "disposed"


def test_the_overdue_board_and_the_figures_keep_to_the_scope(client, session, world):
    old = open_case(session, world, now=datetime.now(UTC) - timedelta(days=12))  # its 3-day limit passed (holidays too)
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


# ---- every route on one case: another scope answers 404, a branch its stations', the city all --------------

#: account -> the sides whose cases its scope holds (a station its own, a branch its stations', the city all)
SCOPE = {"west-officer": {"west"}, "other-officer": {"west"}, "east-officer": {"east"},
         "west-station-chief": {"west"}, "west-chief": {"west"}, "east-chief": {"east"}, "city-chief": {"west", "east"}}
#: (account, side of the case it acts on): inside the scope, then outside it
ACTING = [("west-officer", "west"), ("other-officer", "west"), ("west-station-chief", "west"), ("west-chief", "west"),
          ("east-chief", "east"), ("city-chief", "west"), ("city-chief", "east"),
          ("east-chief", "west"), ("east-officer", "west"), ("west-chief", "east"), ("west-station-chief", "east"),
          ("west-officer", "east")]
#: side -> the investigator whose team works its cases, and a supervisor of its station or branch
PEOPLE = {"west": ("west-officer", "west-station-chief"), "east": ("east-officer", "east-chief")}
LON = {"west": 114.05, "east": 114.15}
#: "METHOD path" under /cases -> (read, work or approve; the code it answers when allowed; what makes its request)
CASE_ROUTES: dict[str, tuple[str, int, object]] = {}
_labels = iter(range(1, 10_000))


def _route(name: str, kind: str, ok: int):
    def register(prepare):
        CASE_ROUTES[name] = (kind, ok, prepare)
        return prepare
    return register


def _fresh(session, world, side: str, *, investigating=False, from_incident=False):
    """A new case of ``side``'s station, worked by its officer's team, received a day ago."""
    officer, chief = PEOPLE[side]
    received = datetime.now(UTC) - timedelta(days=1)
    changes = {"station_id": world.ids[f"{side}_station"]}
    if from_incident:
        station = f"{side}_station"
        first = incident(session, world.ids, station=station, lon=LON[side], at=received - timedelta(hours=6))
        incident(session, world.ids, station=station, lon=LON[side] + 0.0008, at=received - timedelta(hours=2))
        changes["incident_ids"] = [first]
    case = open_case(session, world, by=officer, now=received, **changes)
    if investigating:
        decide(session, world, case.id, Move.OPEN, by=officer, approver=chief)
    return case


def _item(session, world, side, case_id: int) -> int:

    item = custody.add_item(session, case_id, label_number=f"M-{next(_labels):04d}", description="手机一部 a phone",
                            storage_location="A-01", retention_until=None, actor=world[PEOPLE[side][0]], zone=ZONE)
    session.commit()
    return item.id


def _open(case, path, body=None, **kwargs):
    return case.id, {"method": "POST", "url": f"/api/v1/cases/{case.id}{path}", "json": body, **kwargs}


@_route("POST /{case_id}/milestones", "work", 201)
def _milestone(session, world, side):
    return _open(_fresh(session, world, side), "/milestones", {"kind": "detained"})


@_route("POST /{case_id}/cleared", "work", 200)
def _cleared(session, world, side):
    return _open(_fresh(session, world, side, investigating=True), "/cleared", {"reason": "抓获嫌疑人 caught"})


@_route("POST /{case_id}/incidents", "work", 201)
def _link(session, world, side):

    case = _fresh(session, world, side)
    found = incident(session, world.ids, station=f"{side}_station", lon=LON[side])
    session.commit()
    return _open(case, "/incidents", {"incident_id": found})


@_route("POST /{case_id}/reviews", "work", 201)
def _submit(session, world, side):
    return _open(_fresh(session, world, side), "/reviews", {"move": "open", "grounds": "有犯罪事实 facts"})


@_route("POST /{case_id}/pauses", "work", 201)
def _pause(session, world, side):
    start = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    return _open(_fresh(session, world, side), "/pauses",
                 {"kind": "expert_examination", "started_at": start, "reason": "送检鉴定 to the lab"})


@_route("POST /{case_id}/pauses/{pause_id}/end", "work", 200)
def _end_pause(session, world, side):

    case = _fresh(session, world, side)
    pause = timing.add_pause(session, case.id, PauseKind.EXPERT_EXAMINATION, datetime.now(UTC) - timedelta(hours=1),
                             None, "送检鉴定 to the lab", actor=world[PEOPLE[side][0]], zone=ZONE)
    session.commit()
    return _open(case, f"/pauses/{pause.id}/end", {})


@_route("POST /{case_id}/deadlines/{deadline_id}/extensions", "approve", 201)
def _extension(session, world, side):


    case = _fresh(session, world, side)
    deadline = session.scalar(select(CaseDeadline.id).where(CaseDeadline.case_id == case.id))
    return _open(case, f"/deadlines/{deadline}/extensions", {"to": 7, "reason": "需要查证 to verify"})


@_route("POST /{case_id}/items", "work", 201)
def _add_item(session, world, side):
    return _open(_fresh(session, world, side), "/items", {
        "label_number": f"N-{next(_labels):04d}", "description": "电动车一辆 e-bike", "storage_location": "A-01"})


@_route("POST /{case_id}/items/{item_id}/custody", "work", 201)
def _custody(session, world, side):
    case = _fresh(session, world, side)
    return _open(case, f"/items/{_item(session, world, side, case.id)}/custody",
                 {"action": "check_out", "reason": "送检 to the lab", "to_whom": "鉴定中心 lab"})


@_route("GET /{case_id}/items/{item_id}/custody", "read", 200)
def _chain(session, world, side):
    case = _fresh(session, world, side)
    return case.id, {"method": "GET", "url": f"/api/v1/cases/{case.id}/items/{_item(session, world, side, case.id)}"
                                             "/custody"}


@_route("POST /{case_id}/items/{item_id}/disposal", "work", 201)
def _disposal(session, world, side):
    case = _fresh(session, world, side)
    return _open(case, f"/items/{_item(session, world, side, case.id)}/disposal",
                 {"method": "return_to_owner", "reason": "发还失主 owner found"})


def _requested(session, world, side):

    case = _fresh(session, world, side)
    request = custody.request_disposal(session, case.id, _item(session, world, side, case.id),
                                       DisposalMethod.RETURN_TO_OWNER, "发还失主 owner found",
                                       actor=world[PEOPLE[side][0]], zone=ZONE)
    session.commit()
    return case, request


@_route("GET /{case_id}/disposals", "read", 200)
def _disposals(session, world, side):
    case, _ = _requested(session, world, side)
    return case.id, {"method": "GET", "url": f"/api/v1/cases/{case.id}/disposals"}


@_route("POST /disposals/{request_id}/decide", "approve", 200)
def _decide_disposal(session, world, side):
    case, request = _requested(session, world, side)
    return case.id, {"method": "POST", "url": f"/api/v1/cases/disposals/{request.id}/decide",
                     "json": {"approved": True}}


@_route("POST /{case_id}/parties", "work", 201)
def _party(session, world, side):
    return _open(_fresh(session, world, side), "/parties", {"role": "witness", "name": "李四"})


@_route("POST /{case_id}/tasks/{task_id}/status", "work", 200)
def _task_status(session, world, side):

    case = _fresh(session, world, side)
    officer = PEOPLE[side][0]
    task = tasks.add(session, case.id, title="走访 door-to-door", assignee=officer, due_at=None, note="",
                     actor=world[officer], zone=ZONE)
    session.commit()
    return _open(case, f"/tasks/{task.id}/status", {"status": "done"})


@_route("POST /{case_id}/suggestions", "work", 200)
def _refresh(session, world, side):
    return _open(_fresh(session, world, side, from_incident=True), "/suggestions")


def _suggested(session, world, side):

    case = _fresh(session, world, side, from_incident=True)
    found = links.refresh_suggestions(session, case.id, actor=world[PEOPLE[side][1]])
    session.commit()
    assert found, "no suggestion to decide"
    return case, found[0].id


@_route("GET /{case_id}/suggestions", "read", 200)
def _suggestions(session, world, side):
    case, _ = _suggested(session, world, side)
    return case.id, {"method": "GET", "url": f"/api/v1/cases/{case.id}/suggestions"}


@_route("POST /{case_id}/suggestions/{suggestion_id}/accept", "work", 200)
def _accept(session, world, side):
    case, suggestion = _suggested(session, world, side)
    return _open(case, f"/suggestions/{suggestion}/accept", {"reason": "同一作案手法 same method"})


@_route("POST /{case_id}/suggestions/{suggestion_id}/reject", "work", 200)
def _reject(session, world, side):
    case, suggestion = _suggested(session, world, side)
    return _open(case, f"/suggestions/{suggestion}/reject", {"reason": "不是同一人 another person"})


@_route("POST /reviews/{review_id}/return", "approve", 200)
def _return(session, world, side):

    case = _fresh(session, world, side)
    submitted = review.submit(session, case.id, Move.OPEN, "有犯罪事实 facts", actor=world[PEOPLE[side][0]], zone=ZONE)
    session.commit()
    return case.id, {"method": "POST", "url": f"/api/v1/cases/reviews/{submitted.id}/return",
                     "json": {"note": "补充询问笔录 add statements"}}


@_route("POST /documents", "work", 201)
def _document(session, world, side):
    case = _fresh(session, world, side)
    return case.id, {"method": "POST", "url": "/api/v1/cases/documents", "content": b"%PDF-1.4 statement",
                     "params": {"case_id": case.id, "filename": "statement.pdf"},
                     "headers": {"Content-Type": "application/pdf"}}


def _answer(kind: str, account: str, side: str) -> int | str | None:
    """What ``account`` gets on a case of ``side``: ``ok``, 404 outside the scope, 403 another team's work."""
    if kind == "approve" and account.endswith("-officer"):
        return None  # refused by role before the scope (tests/api/test_role_matrix.py)
    if side not in SCOPE[account]:
        return 404
    return 403 if kind == "work" and account == "other-officer" else "ok"


def stored(session) -> dict[str, int]:
    """How many rows each case table holds (the fingerprint of "nothing stored")."""


    tables = sorted(name for name in metadata.tables if name.startswith("case") or name == "custody_entries")
    counts = session.execute(select(*(select(func.count()).select_from(metadata.tables[name]).scalar_subquery()
                                      for name in tables))).one()
    return dict(zip(tables, counts, strict=True))


@pytest.mark.parametrize("route", sorted(CASE_ROUTES))
def test_every_case_route_answers_404_outside_the_scope_and_keeps_to_the_team(client, app, session, world, tmp_path,
                                                                              route):
    app.state.settings = app.state.settings.model_copy(update={"case_documents_dir": tmp_path})
    kind, ok, prepare = CASE_ROUTES[route]
    for account, side in ACTING:
        expected = _answer(kind, account, side)
        if expected is None:
            continue
        case_id, request = prepare(session, world, side)
        before = stored(session)
        response = call(client, world, account, request.pop("method"), request.pop("url"), **request)
        code = ok if expected == "ok" else expected
        assert response.status_code == code, (route, account, side, response.text)
        if expected == 404:
            assert response.json()["error"]["code"] == "not_found"
        if expected != "ok":
            assert stored(session) == before, (route, account, side)
            assert not (tmp_path / str(case_id)).exists()


def test_the_inbox_holds_the_decisions_waiting_in_the_approvers_scope(client, session, world):

    waiting = {}
    for side, case_id in world.cases.items():
        waiting[side] = review.submit(session, case_id, Move.OPEN, "有犯罪事实 facts", actor=world[PEOPLE[side][0]],
                                      zone=ZONE).id
    session.commit()
    for account in ("west-station-chief", "west-chief", "east-chief", "city-chief"):
        inbox = call(client, world, account, "GET", "/api/v1/cases/inbox").json()
        assert {r["id"] for r in inbox["waiting"]} == {waiting[s] for s in SCOPE[account]}, account
    for account in ("west-officer", "east-officer"):
        assert call(client, world, account, "GET", "/api/v1/cases/inbox").json() == {"returned": [], "waiting": []}


def test_breaches_and_figures_of_a_station_outside_the_scope_answer_404(client, session, world):

    late = {side: open_case(session, world, by=PEOPLE[side][0], station_id=world.ids[f"{side}_station"],
                            now=datetime.now(UTC) - timedelta(days=12)).id for side in ("west", "east")}
    assert sweep.sweep(session).breached == 2
    session.commit()
    today = datetime.now(UTC).astimezone(ZONE).date()
    period = {"since": (today - timedelta(days=40)).isoformat(), "until": (today + timedelta(days=1)).isoformat()}
    for account in ("west-station-chief", "west-chief", "east-chief", "city-chief"):
        for side in ("west", "east"):
            station = world.ids[f"{side}_station"]
            breaches = call(client, world, account, "GET", "/api/v1/cases/breaches", params={"station_id": station})
            figures = call(client, world, account, "GET", "/api/v1/cases/figures",
                           params={"station_id": station, **period})
            if side not in SCOPE[account]:
                assert (breaches.status_code, figures.status_code) == (404, 404), (account, side)
                continue
            assert [b["case_id"] for b in breaches.json()["items"]] == [late[side]], (account, side)
            assert {a["station_id"] for a in figures.json()["ages"]} == {station}, (account, side)
        every = call(client, world, account, "GET", "/api/v1/cases/breaches").json()
        assert {b["case_id"] for b in every["items"]} == {late[s] for s in SCOPE[account]}, account
    assert call(client, world, "west-analyst", "GET", "/api/v1/cases/figures",
                params={"station_id": world.ids["east_station"], **period}).status_code == 404


def test_marking_a_case_cleared_is_its_teams_once_and_counts_in_the_figures(client, session, world):

    case_id = world.cases["west"]
    decide(session, world, case_id, Move.OPEN)
    url = f"/api/v1/cases/{case_id}/cleared"
    assert call(client, world, "other-officer", "POST", url, {"reason": "x"}).status_code == 403
    cleared = call(client, world, "west-officer", "POST", url, {"reason": "抓获嫌疑人 suspect caught"})
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["status"], cleared.json()["cleared_at"] is not None) == ("investigating", True)
    before = stored(session)
    again = call(client, world, "west-officer", "POST", url, {})
    assert again.status_code == 409 and "already cleared" in again.json()["error"]["message"]
    assert stored(session) == before
    received = open_case(session, world).id  # not yet opened
    administrative = open_case(session, world, kind="administrative").id
    decide(session, world, administrative, Move.OPEN)
    before = stored(session)
    for refused in (received, administrative):
        answer = call(client, world, "west-officer", "POST", f"/api/v1/cases/{refused}/cleared", {})
        assert answer.status_code == 409 and "under investigation" in answer.json()["error"]["message"]
    assert stored(session) == before
    events = call(client, world, "west-officer", "GET", f"/api/v1/cases/{case_id}/events").json()
    assert [e["kind"] for e in events].count("cleared") == 1
    decide(session, world, case_id, Move.TRANSFER)  # a transfer after clearing is not counted again
    today = datetime.now(UTC).astimezone(ZONE).date()
    figures = call(client, world, "west-chief", "GET", "/api/v1/cases/figures", params={
        "since": today.replace(day=1).isoformat(), "until": (today + timedelta(days=1)).isoformat()}).json()
    month = today.strftime("%Y-%m")
    assert [(m["station_id"], m["month"], m["opened"], m["cleared"], m["closed"]) for m in figures["months"]] == [
        (world.ids["west_station"], month, 2, 1, 0)]
