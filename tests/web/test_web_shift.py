"""The dispatcher's shift in headless Chromium: overdue board with timers, alerts, notes and corrections,
the event log in words, confirm before closing, the unit board, the station view and the officer's field tools."""

from __future__ import annotations

import re

import pytest
from console_kit import CENTRE, create_incident, free_unit

pytestmark = pytest.mark.browser


def _set_p1_dispatch_limit(server, seconds: int) -> None:
    server.api("supervisor", "POST", "/supervision/time-limits", json={
        "limits": [{"priority": 1, "stage": "dispatch", "limit_s": seconds}], "reason": "browser test / 浏览器测试"})


def test_overdue_board_counts_and_escalation_alerts_in_chinese(open_console, console_server) -> None:
    console = open_console("dispatcher")
    page = console.page
    page.wait_for_selector("#live-state[data-mode='push']")
    _set_p1_dispatch_limit(console_server, 3)
    try:
        incident = create_incident(console_server, type_code="robbery", description="overdue board test")
    finally:
        _set_p1_dispatch_limit(console_server, 60)
    row = f"#incident-list [data-incident-id='{incident['id']}']"
    page.wait_for_selector(f"{row} time[data-kind='received']")
    assert re.fullmatch(r"接警后 \d+:\d\d", page.locator(f"{row} time[data-kind='received']").inner_text())
    # A new priority-1 call: a toast and the alert badge.
    page.wait_for_selector("#alerts-badge:not([data-unread='0'])")
    page.click("#stab-overdue")
    board_row = f"#overdue-list li[data-incident-id='{incident['id']}'][data-stage='dispatch']"
    page.wait_for_timeout(3500)
    page.click("#stab-queue")
    page.click("#stab-overdue")
    page.wait_for_selector(f"{board_row}[data-state='red']")
    assert page.locator(f"{board_row} time[data-kind='limit']").inner_text().startswith("超时 ")
    assert page.locator(f"{board_row} time[data-kind='limit']").get_attribute("data-state") == "red"
    assert "超期" in page.locator(".overdue-counts").inner_text()
    # The deadline sweep escalates the breach to the station: a toast and the alert list.
    page.wait_for_function("() => document.querySelector('#toast').textContent.includes('超期升级')", timeout=30_000)
    console.screenshot("shift-01-overdue-board-zh")
    page.click("#alerts-badge")
    page.wait_for_selector("#alerts-list li[data-kind='deadline']")
    console.screenshot("shift-02-alerts-zh")
    page.click("#alerts-list li[data-kind='deadline'] button")
    page.wait_for_selector("#panel-incident:not([hidden]) #sec-deadlines")


def test_notes_corrections_and_the_event_log_in_english(open_console, console_server) -> None:
    incident = create_incident(console_server, description="notes test")
    console = open_console("dispatcher", locale="en")
    page = console.page
    page.click("#lang-toggle")  # the console starts in Chinese; switch to English
    assert page.locator("#stab-queue").inner_text() == "Incidents"
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.fill("#note-text", "Caller says the suspect wore a red jacket")
    page.keyboard.press("Control+Enter")  # Ctrl+Enter submits the form typed in
    page.wait_for_selector("#note-list li[data-note-id]")
    assert "dispatcher · Dispatcher" in page.locator("#note-list").inner_text()
    page.click("#edit-details summary")
    page.select_option("#edit-priority", "1")
    page.fill("#edit-address", "1 Jiefang Avenue")
    page.click("#edit-save")
    page.wait_for_selector("#event-list li[data-kind='edited']")
    log = page.locator("#event-list").inner_text()
    assert "Edited: priority P3 → P1" in log and "address “测试路 1 号” → “1 Jiefang Avenue”" in log
    assert "Call received" in log and "Note added" in log and "created" not in log
    stored = console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()
    assert (stored["priority"], stored["address"]) == (1, "1 Jiefang Avenue")
    console.screenshot("shift-03-notes-and-log-en")
    # Closing asks first; Cancel leaves it open, Confirm closes it; the closing note then shows.
    page.select_option("#close-disposition", "resolved")
    page.fill("#close-note", "Resolved on the phone")
    page.click("#close-incident")
    page.click(".confirm-no")
    assert page.locator("#incident-status").get_attribute("data-status") == "received"
    page.click("#close-incident")
    page.click("#close-incident-confirm")
    page.wait_for_selector("#incident-status[data-status='closed']")
    page.wait_for_selector("#closing-note:has-text('Resolved on the phone')")
    assert "Status: Received → Closed · Resolved" in page.locator("#event-list").inner_text()


@pytest.mark.parametrize(("locale", "size"), [("zh-CN", (1366, 768)), ("en", (1920, 1080)), ("en", (1366, 768))])
def test_unit_board_station_view_and_layout(open_console, console_server, locale, size) -> None:
    console = open_console("supervisor", viewport=size, locale=locale)
    page = console.page
    if locale == "en":
        page.click("#lang-toggle")
    # Nothing in the top bar or the side tabs runs off the screen.
    for selector in ("header.topbar", "#side-tabs"):
        overflow = page.evaluate(
            "(s) => { const e = document.querySelector(s); return e.scrollWidth - e.clientWidth; }", selector)
        assert overflow <= 1, (selector, overflow)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
    page.click("#stab-units")
    page.wait_for_selector("#unit-list details.unit-group")
    assert page.locator("#unit-list details.unit-group").count() > 1
    first = page.locator("#unit-list li[data-unit-id] .call-sign:not([disabled])").first
    unit_id = first.evaluate("(b) => b.closest('li').dataset.unitId")
    first.click()
    page.wait_for_selector(f"#map[data-located='{unit_id}']")
    page.fill("#unit-text-filter", first.inner_text())
    page.wait_for_function("() => document.querySelectorAll('#unit-list li[data-unit-id]').length === 1")
    console.screenshot(f"shift-04-unit-board-{locale}-{size[0]}")
    page.click("#tab-station")
    page.wait_for_selector("#station-beat-list li")
    page.wait_for_selector("#station-directive-list li")
    assert page.locator("#station-unit-list li").count() > 0
    console.screenshot(f"shift-05-station-{locale}-{size[0]}")


def test_officer_shares_position_and_clearing_the_last_unit_needs_a_disposition(open_console, console_server,
                                                                                  browser) -> None:
    unit_id = console_server.officer_unit_id
    free_unit(console_server, unit_id)  # an earlier test may have left it on a call
    incident = create_incident(console_server, description="officer clear test")
    console_server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments", json={"unit_id": unit_id})
    console = open_console("officer", viewport=(390, 844))
    page = console.page
    console.context.grant_permissions(["geolocation"], origin=console_server.base_url)
    console.context.set_geolocation({"longitude": CENTRE[0] + 0.001, "latitude": CENTRE[1] + 0.001})
    page.wait_for_selector(f"#officer-assignment[data-incident-id='{incident['id']}']")
    page.check("#officer-share-position")
    page.wait_for_selector("#officer-position-state[data-state='on']:has-text('上次')")
    unit = console_server.api("dispatcher", "GET", f"/units/{unit_id}").json()
    assert (round(unit["lon"], 3), round(unit["lat"], 3)) == (round(CENTRE[0] + 0.001, 3), round(CENTRE[1] + 0.001, 3))
    page.click("#officer-ack")
    page.click("button[data-unit-status='on_scene']")
    page.wait_for_selector("#officer-unit-status[data-status='on_scene']")
    page.fill("#officer-note", "现场已控制")
    page.click("#officer-note-add")
    page.click("button[data-unit-status='available']")  # the last unit on scene: refused, and told what to do
    page.wait_for_selector("#officer-clear-error:has-text('现场唯一')")
    assert console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()["status"] == "on_scene"
    console.screenshot("shift-06-officer-clear")
    page.select_option("#officer-disposition", "resolved")
    page.fill("#officer-feedback", "已劝离")
    page.click("#officer-clear-close")
    page.wait_for_selector("#officer-no-assignment")
    closed = console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()
    assert (closed["status"], closed["disposition"]) == ("closed", "resolved")
    notes = console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}/notes").json()
    assert [n["text"] for n in notes] == ["现场已控制"]
