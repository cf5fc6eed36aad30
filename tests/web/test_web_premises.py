"""The places view in headless Chromium: register premises, its page (incidents nearby), an inspection whose
failed item opens a hazard, re-inspection and closing; the repeat-call places, disputes and beat log beside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from console_kit import CENTRE, create_incident
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHECKLIST = {"category": "school", "title": "学校检查 school check", "items": [
    {"code": "exit", "text_zh": "安全出口畅通", "text_en": "emergency exits clear"},
    {"code": "extinguisher", "text_zh": "灭火器有效", "text_en": "extinguishers in date"}]}


def test_the_premises_page_from_the_form_to_a_closed_hazard(open_console, console_server) -> None:
    console_server.api("supervisor", "POST", "/places/checklists", json=CHECKLIST)
    create_incident(console_server, lon=CENTRE[0] + 0.0005, lat=CENTRE[1], description="web test: near the school")
    console = open_console("supervisor")
    page = console.page
    page.click("#tab-places")
    page.wait_for_selector("#premises-table")
    assert page.locator("#view-map").is_hidden() and page.locator("#places-board").is_visible()
    page.click("#premises-new")
    page.click("#pf-save")  # no name: refused in the form, nothing sent
    assert page.locator("#pf-error").inner_text() == "请填写名称"
    page.fill("#pf-name", "网页测试学校")
    page.select_option("#pf-category", "school")
    page.select_option("#pf-risk", "high")
    page.fill("#pf-address", "测试路 9 号")
    page.fill("#pf-lon", "120.5")  # outside the city: the server names the field
    page.fill("#pf-lat", str(CENTRE[1]))
    page.click("#pf-save")
    page.wait_for_selector("#pf-error:has-text('lon')")
    page.fill("#pf-lon", str(CENTRE[0]))
    page.click("#pf-save")
    page.wait_for_selector("#premises-page")
    assert page.locator("#premises-name").inner_text() == "网页测试学校"
    page.wait_for_selector("#nearby-table tr[data-incident-id]")
    assert page.locator("#premises-history-list li").first.get_attribute("data-kind") == "created"
    console.screenshot("places-01-premises-page")
    # a directive sent about these premises shows on their page (the server selects it by its link)
    premises_id = page.get_attribute("#premises-page", "data-premises-id")
    premises = console_server.api("supervisor", "GET", f"/places/premises/{premises_id}").json()
    deadline = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    directive = console_server.api("supervisor", "POST", "/directives", json={
        "kind": "inspect_premises", "title": "网页测试检查 web test check",
        "target_org_unit_id": premises["station_id"], "deadline": deadline,
        "links": [{"kind": "premises", "premises_id": premises["id"]}]}).json()
    page.select_option("#item-exit", "fail")
    page.fill("#item-exit-days", "5")
    page.click("#inspection-save")
    page.wait_for_selector("#hazards-table tr[data-hazard-id] [data-status='open']")
    assert "安全出口畅通" in page.locator("#hazards-table").inner_text()
    expect(page.locator("#premises-directives li")).to_have_count(1)
    assert page.locator("#premises-directives li").get_attribute("data-directive-id") == str(directive["id"])
    expect(page.locator("#inspections-table tbody tr")).to_have_count(1)
    page.click(".hazard-reinspect[data-passed='true']")
    page.wait_for_selector("#hazards-table [data-status='verified']")
    page.click(".hazard-close")
    page.wait_for_selector("#hazards-table [data-status='closed']")
    expect(page.locator("#inspections-table tbody tr")).to_have_count(2)
    page.click("#lang-toggle")
    page.wait_for_selector("#tab-places:has-text('Places')")
    page.wait_for_selector("#places-board:has-text('Places board')")
    page.wait_for_selector("#premises-history-list li:has-text('supervisor · created')")
    page.wait_for_selector("#hazards-table [data-status='closed']:has-text('closed')")
    console.screenshot("places-02-hazard-closed-en")


def test_a_dispute_needs_a_place_in_the_form(open_console) -> None:
    console = open_console("supervisor")
    page = console.page
    page.click("#tab-places")
    page.wait_for_selector("#dispute-form")
    page.fill("#dispute-summary", "楼上漏水")
    page.click("#dispute-save")
    page.wait_for_selector("#dispute-form .error:has-text('place')")
    page.fill("#dispute-place", "测试路 9 号")
    page.fill("#dispute-lon", str(CENTRE[0]))
    page.fill("#dispute-lat", str(CENTRE[1]))
    page.click("#dispute-save")
    # this dispute's row, not any row: other test files add disputes to the same server
    page.wait_for_selector("#disputes-list li[data-dispute-id]:has-text('测试路 9 号')")
    page.click("#tab-map")
    assert page.locator("#view-places").is_hidden() and page.locator("#view-map").is_visible()
    page.click("#tab-station")
    page.wait_for_selector("#station-places-board:has-text('超期未检')")
