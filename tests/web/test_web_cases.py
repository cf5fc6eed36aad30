"""The cases view in headless Chromium: a case registered from an incident, its decision to open sent for review
by the officer (zh-CN), approved by the supervisor (English, 1366×768); deadlines with their explanation and timers;
the forms of a case's page (milestones, pauses, clearance, parties, tasks, custody, disposal, a refused download,
an extension); the overdue board of the cases' deadlines kept fresh from the live stream; open cases by age."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from console_kit import ConsoleServer, create_incident

pytestmark = pytest.mark.browser


def test_a_case_from_an_incident_through_the_review_gate(open_console, console_server) -> None:
    me = console_server.api("officer", "GET", "/auth/me").json()
    station = console_server.api("officer", "GET", f"/org/units/{me['org_unit_id']}").json()
    incident = create_incident(console_server, lon=station["lon"], lat=station["lat"],
                               description="web test: bike stolen for a case")  # in the officer's station
    console = open_console("officer")
    page = console.page
    page.click("#tab-cases")
    page.wait_for_selector("#cases-total")
    assert page.locator("#view-map").is_hidden()
    page.fill("#case-new-incident", str(incident["id"]))
    page.select_option("#case-new-kind", "criminal")
    page.wait_for_selector("#case-new-type option", state="attached")
    page.fill("#case-new-summary", "网页测试：电动车被盗")
    page.click("#case-new-submit")
    page.wait_for_selector("#case-summary[data-status='received']")
    page.wait_for_selector("#case-deadlines [data-rule='open_decision'] time[data-timer='down']")
    assert "立案审查期限" in page.locator("#case-deadlines").inner_text()
    linked = page.locator("#case-incidents [data-incident-id]")
    assert linked.get_attribute("data-incident-id") == str(incident["id"])
    assert "受案来源" in linked.inner_text() and "created_from" not in linked.inner_text()  # the source in words
    page.click("#case-deadlines [data-rule='open_decision'] summary")
    assert page.locator("#case-deadlines .case-steps li").count() >= 1
    page.fill("#case-grounds", "证据充分，符合立案条件")
    page.click(".case-move[data-move='open']")
    page.wait_for_selector("#case-moves [data-review-status='pending']")
    console.screenshot("cases-01-sent-for-review")
    number = page.locator("#case-summary h2").inner_text().split(" · ")[0]

    approver = open_console("supervisor", viewport=(1366, 768), locale="en")
    other = approver.page
    if not other.locator("#tab-cases").inner_text().startswith("Cases"):
        other.click("#lang-toggle")
    other.click("#tab-cases")
    other.wait_for_selector("#case-inbox-waiting li")
    assert other.locator("#case-inbox-waiting").inner_text().startswith("open · ")  # the move, in English
    other.click(f"#cases-table a:has-text('{number}')")
    other.wait_for_selector("#case-approve")
    other.click("#case-approve")
    other.wait_for_selector("#case-summary[data-status='investigating']")
    assert other.locator("#case-state").inner_text() == "State: under investigation"
    other.wait_for_selector("#case-deadlines [data-rule='open_decision'][data-state='met']")
    assert "open · approved · " in other.locator("#case-moves [data-review-status='approved']").inner_text()
    approver.screenshot("cases-02-approved-en-1366")
    other.click("#case-back")
    other.wait_for_selector("#cases-state")  # the register's state filter names the states, not their codes
    assert other.locator("#cases-state option[value='investigating']").inner_text() == "under investigation"
    other.select_option("#cases-state", "investigating")
    other.wait_for_selector(f"#cases-table tr[data-status='investigating'] a:has-text('{number}')")


def open_case(server: ConsoleServer, *, kind: str = "criminal", summary: str) -> dict:
    """An officer's case of their station, under investigation (the decision to open approved by the supervisor)."""
    me = server.api("officer", "GET", "/auth/me").json()
    station = server.api("officer", "GET", f"/org/units/{me['org_unit_id']}").json()
    incident = create_incident(server, lon=station["lon"], lat=station["lat"], description=f"web test: {summary}")
    type_code = next(t["code"] for t in server.api("officer", "GET", "/cases/types").json() if t["kind"] == kind)
    case = server.api("officer", "POST", "/cases", json={"kind": kind, "type_code": type_code, "summary": summary,
                                                         "incident_ids": [incident["id"]]}).json()
    if kind == "criminal":
        review = server.api("officer", "POST", f"/cases/{case['id']}/reviews",
                            json={"move": "open", "grounds": "证据充分，符合立案条件"}).json()
        server.api("supervisor", "POST", f"/cases/reviews/{review['id']}/approve", json={"note": ""})
    return case


def city_time(server: ConsoleServer, delta: timedelta) -> str:
    """A datetime-local value (the city's wall clock) ``delta`` from now."""
    zone = ZoneInfo(server.api("officer", "GET", "/meta").json()["local_timezone"])
    return (datetime.now(zone) + delta).strftime("%Y-%m-%dT%H:%M")


def test_the_forms_of_a_case_page(open_console, console_server) -> None:
    case = open_case(console_server, summary="网页测试：入室盗窃")
    kept = httpx.post(f"{console_server.base_url}/api/v1/cases/documents", content="询问笔录".encode(),
                      params={"case_id": case["id"], "filename": "record.txt"},
                      headers={"Content-Type": "text/plain",
                               "Authorization": f"Bearer {console_server.token('officer')}"}).json()
    stored = [f for f in (console_server.log_file.parent / "var" / "case-documents").rglob("*") if f.is_file()
              and hashlib.sha256(f.read_bytes()).hexdigest() == kept["sha256"]]
    stored[0].write_bytes("被改动的笔录".encode())  # the file on disk no longer matches its recorded SHA-256

    console = open_console("officer")
    page = console.page
    page.click("#tab-cases")
    page.click(f"#cases-table a:has-text('{case['number']}')")
    page.wait_for_selector("#case-summary[data-status='investigating']")
    assert page.locator("#case-milestone-kind option").all_inner_texts()[0] == "刑事拘留"  # criminal ones, in words
    page.select_option("#case-milestone-kind", "detained")
    page.click("#case-milestone-add")
    page.wait_for_selector("#case-deadlines [data-rule='detention_family_notice'] time[data-timer='down']")
    assert "拘留后通知家属" in page.locator("#case-deadlines").inner_text()

    page.select_option("#case-pause-kind", "expert_examination")
    page.click("#case-pause-add")  # no reason: refused, the field named in words
    assert "说明" in page.wait_for_selector("#case-pause-error:not(:empty)").inner_text()
    page.fill("#case-pause-reason", "送检 DNA 鉴定")
    page.click("#case-pause-add")
    assert "鉴定" in page.wait_for_selector("#case-pauses [data-open='true']").inner_text()
    page.click("#case-pauses .case-pause-end")
    page.wait_for_selector("#case-pauses [data-open='false']")

    page.fill("#case-clear-note", "嫌疑人已到案")
    page.click("#case-clear")
    page.wait_for_selector("#case-cleared-at")

    page.fill("#case-party-name", "张三")
    page.fill("#case-party-phone", "13900000000")
    page.select_option("#case-party-role", "victim")
    page.click("#case-party-add")
    page.wait_for_selector("#case-party-done:has-text('已登记当事人')")

    page.fill("#case-task-title", "调取监控")
    page.fill("#case-task-due", city_time(console_server, timedelta(days=2)))
    page.click("#case-task-add")
    page.wait_for_selector("#case-tasks li[data-status='open']:has-text('调取监控')")

    page.fill("#case-item-label", "WEB-001")
    page.fill("#case-item-description", "黑色电动车一辆")
    page.fill("#case-item-location", "证物室 A-1")
    page.fill("#case-item-retention", f"{datetime.now().year + 1}-06-30")
    page.click("#case-item-add")
    item = page.locator("#case-custody .case-item[data-status='in_store']")
    assert "保管期限至" in item.locator(".case-retention").inner_text()
    item.locator(".case-custody-to").fill("李四（技术科）")
    item.locator(".case-custody-reason").fill("送技术科检验")
    item.locator(".case-custody-submit").click()
    item = page.locator("#case-custody .case-item[data-status='out']")
    log = item.locator(".case-steps").inner_text()
    assert "出库" in log and "李四" in item.inner_text() and "recorded" not in log  # the log in one language
    item.locator(".case-custody-reason").fill("检验完毕归还")
    item.locator(".case-custody-submit").click()
    item = page.locator("#case-custody .case-item[data-status='in_store']")
    item.locator(".case-disposal-method").select_option("return_to_owner")
    item.locator(".case-disposal-reason").fill("查明系被害人所有")
    item.locator(".case-disposal-submit").click()
    assert "发还 · 待审批" in page.locator("#case-custody .case-disposal[data-status='pending']").inner_text()

    page.click("#case-documents .case-document-download")
    refused = page.wait_for_selector("#case-document-error:not(:empty)").inner_text()
    assert "SHA-256" in refused and "不符" in refused and " / " not in refused  # the server's refusal, in Chinese only
    console.screenshot("cases-03-forms")

    approver = open_console("supervisor", locale="en")
    other = approver.page
    if not other.locator("#tab-cases").inner_text().startswith("Cases"):
        other.click("#lang-toggle")
    other.click("#tab-cases")
    other.click(f"#cases-table a:has-text('{case['number']}')")
    extend = other.locator("#case-deadlines [data-rule='arrest_request'] .case-extend")
    other.click("#case-deadlines [data-rule='arrest_request'] summary")
    assert extend.locator("option").first.inner_text() == "7 calendar days (approved by the district branch)"
    extend.locator(".case-extend-submit").click()  # no reason
    refused = other.wait_for_selector("[data-rule='arrest_request'] .case-extend-error:not(:empty)").inner_text()
    assert "Reason for the extension" in refused and "reason" not in refused
    extend.locator(".case-extend-reason").fill("multiple offences, inquiries continue")
    extend.locator(".case-extend-submit").click()
    other.wait_for_selector("[data-rule='arrest_request'] .case-limit:has-text('limit 7 calendar days')",
                            state="attached")
    pending = other.locator("#case-custody .case-disposal[data-status='pending']")
    assert "return to the owner · waiting for a decision" in pending.inner_text()
    pending.locator(".case-disposal-approve").click()
    other.wait_for_selector("#case-custody .case-item[data-status='disposed']")
    approver.screenshot("cases-04-extension-disposal-en")


def test_the_overdue_board_of_case_deadlines_live_and_open_cases_by_age(open_console, console_server) -> None:
    # questioning after a summons (8 hours) reminded at once: its deadline is on the board from the summons
    console_server.api("supervisor", "POST", "/cases/rules", json={
        "rules": [{"code": "summons_questioning", "remind_before_h": 24}], "reason": "web test: remind at once"})
    console = open_console("supervisor", locale="en")
    page = console.page
    if not page.locator("#tab-cases").inner_text().startswith("Cases"):
        page.click("#lang-toggle")
    page.click("#tab-cases")
    page.wait_for_selector("#case-overdue .overdue-counts")
    first = open_case(console_server, kind="administrative", summary="网页测试：治安案件一")
    second = open_case(console_server, kind="administrative", summary="网页测试：治安案件二")
    for case in (first, second):  # the live `case` events refresh the board, no reload
        console_server.api("officer", "POST", f"/cases/{case['id']}/milestones", json={"kind": "summoned"})
        page.wait_for_selector(f"#case-overdue-list [data-case-id='{case['id']}'][data-rule='summons_questioning']")
    rows = page.locator("#case-overdue-list .case-overdue-row")
    dues = [rows.nth(i).get_attribute("data-due") for i in range(rows.count())]
    assert dues == sorted(dues, key=datetime.fromisoformat)  # most late first
    row = page.locator(f"#case-overdue-list [data-case-id='{first['id']}']")
    assert row.get_attribute("data-state") == "amber"
    assert "questioning after a summons" in row.inner_text() and "summons_questioning" not in row.inner_text()
    assert row.locator("time[data-timer='down']").get_attribute("data-state") == "amber"
    assert page.locator("#case-breaches h3").inner_text() == "Breaches recorded"  # GET /cases/breaches, in words
    console.screenshot("cases-05-overdue-board-en")
    row.locator("button").click()
    page.wait_for_selector(f"#case-summary[data-case-id='{first['id']}']")

    analyst = open_console("analyst")
    other = analyst.page
    if other.locator("#view-analyst").is_hidden():
        other.click("#tab-analyst")
    other.wait_for_selector("#case-figures h4", state="attached")
    assert other.locator("#case-ages-table").count() == 1, other.locator("#case-figures").inner_text()
    head = other.locator("#case-ages-table thead").inner_text()
    assert "0–30 天" in head and "0-30" not in head
    assert other.locator("#case-ages-table tbody tr").count() >= 1
