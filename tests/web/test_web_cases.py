"""The cases view in headless Chromium: a case registered from an incident, its decision to open sent for review
by the officer (zh-CN), approved by the supervisor (English, 1366×768); deadlines with their explanation and timers."""

from __future__ import annotations

import pytest
from console_kit import create_incident

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
    assert page.locator("#case-incidents [data-incident-id]").get_attribute("data-incident-id") == str(incident["id"])
    page.click("#case-deadlines [data-rule='open_decision'] summary")
    assert page.locator("#case-deadlines .case-steps li").count() >= 1
    page.fill("#case-grounds", "证据充分，符合立案条件")
    page.click(".case-move[data-move='open']")
    page.wait_for_selector("#case-moves [data-review-status='pending']")
    console.screenshot("cases-01-sent-for-review")
    number = page.locator("#case-summary h2").inner_text().split(" · ")[0]

    approver = open_console("supervisor", viewport=(1366, 768), locale="en")
    other = approver.page
    if other.locator("#tab-cases").inner_text() != "Cases":
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
    approver.screenshot("cases-02-approved-en-1366")
