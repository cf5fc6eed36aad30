"""The dispatcher's shift in headless Chromium: overdue board with timers, the time limit counted to the deadline
the server stored, alerts, notes and corrections, the event log in words, confirm before closing, the unit board, the
station view and the officer's field tools."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from console_kit import CENTRE, create_incident, free_unit

pytestmark = pytest.mark.browser

# Read a timer's text, wait 2.1 s and read the same node again; a node that a re-render replaced
# meanwhile is tried afresh, so the second reading is the page's own ticker at work.
_READ_TWICE = """async (selector) => {
  for (let attempt = 0; attempt < 4; attempt++) {
    const node = document.querySelector(selector);
    const before = node ? node.textContent : "";
    await new Promise((done) => setTimeout(done, 2100));
    if (node && node.isConnected) return [before, node.textContent];
  }
  return null;
}"""


def _clock_s(text: str) -> int:
    """Seconds on a timer that reads "label 4:05" or "label 1:02:07"."""
    clock = re.search(r"(\d+(?::\d\d){1,2})$", text)
    assert clock, text
    seconds = 0
    for part in clock.group(1).split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def _assert_counts_on_the_page(page, selector: str, label: str) -> None:
    """The timer at ``selector`` reads ``label`` and a clock that grows with no re-render of the page."""
    readings = page.evaluate(_READ_TWICE, selector)
    assert readings is not None, f"{selector}: re-rendered on every try, or missing"
    before, after = readings
    assert before.startswith(f"{label} ") and after.startswith(f"{label} "), readings
    assert _clock_s(after) > _clock_s(before), readings


def _set_p1_dispatch_limit(server, seconds: int) -> None:
    server.api("supervisor", "POST", "/supervision/time-limits", json={
        "limits": [{"priority": 1, "stage": "dispatch", "limit_s": seconds}], "reason": "browser test / 浏览器测试"})


def _to_english(page) -> None:
    page.click("#lang-toggle")  # the console starts in Chinese; switch to English
    page.wait_for_selector("html[lang='en']")


OVERDUE_TEXTS = {
    "zh-CN": {"received": "接警后", "over": "超时", "limit": "距时限"},
    "en": {"received": "Since received", "over": "Over by", "limit": "To limit"},
}


def _live_dispatcher(open_console, locale: str):
    """The city's dispatcher, in ``locale``, once the live stream is on."""
    console = open_console("dispatcher", locale=locale)
    if locale == "en":
        _to_english(console.page)
    console.page.wait_for_selector("#live-state[data-mode='push']")
    return console


_RECORD_TONES = """() => {
  window.__tones = [];
  window.AudioContext = class {  // records each tone's frequency as it starts
    constructor() { this.currentTime = 0; this.destination = {}; }
    createOscillator() {
      const osc = { frequency: { value: 0 }, connect: (next) => next, stop() {} };
      osc.start = () => window.__tones.push(osc.frequency.value);
      return osc;
    }
    createGain() { return { gain: { value: 0 }, connect: (next) => next }; }
  };
}"""


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_overdue_board_counts_and_the_priority_1_alert(open_console, console_server, locale) -> None:
    """The board and its timers; the escalation alerts, which reach each level of the chain at its own step,
    are tested in test_web_loop (test_an_escalation_alerts_each_level_at_its_own_step)."""
    texts = OVERDUE_TEXTS[locale]
    console = _live_dispatcher(open_console, locale)
    page = console.page
    page.evaluate(_RECORD_TONES)  # the optional sound, chosen in the alerts list, heard by a stand-in audio device
    page.click("#alerts-badge")
    page.check("#alerts-sound")  # a first tone at once (it also unlocks audio in a browser)
    assert page.evaluate("() => [window.__tones, localStorage.getItem('precinct.alert-sound')]") == [[880], "on"]
    page.click("#alerts-badge")
    _set_p1_dispatch_limit(console_server, 3)
    try:
        incident = create_incident(console_server, type_code="robbery", description="overdue board test")
        created = time.monotonic()
    finally:
        _set_p1_dispatch_limit(console_server, 60)
    row = f"#incident-list [data-incident-id='{incident['id']}']"
    page.wait_for_selector(f"{row} time[data-kind='received']")
    _assert_counts_on_the_page(page, f"{row} time[data-kind='received']", texts["received"])
    # A new priority-1 call: a toast, the alert badge and the high tone.
    page.wait_for_selector("#alerts-badge:not([data-unread='0'])")
    page.wait_for_function("() => window.__tones.filter((f) => f === 880).length >= 2")  # other alerts sound low
    page.wait_for_timeout(max(0.0, created + 3.5 - time.monotonic()) * 1000)  # past the 3 s limit
    page.click("#stab-overdue")
    board_row = f"#overdue-list li[data-incident-id='{incident['id']}'][data-stage='dispatch']"
    page.wait_for_selector(f"{board_row}[data-state='red']")
    limit = f"{board_row} time[data-kind='limit']"
    assert page.locator(limit).get_attribute("data-state") == "red"
    _assert_counts_on_the_page(page, limit, texts["over"])  # the time past the limit grows on the page
    assert int(page.locator(".overdue-counts").get_attribute("data-red")) >= 1
    console.screenshot(f"shift-01-overdue-board-{locale}")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _open_deadline(server, incident_id: int, stage: str) -> dict:
    found = server.api("dispatcher", "GET", f"/supervision/incidents/{incident_id}/deadlines").json()["deadlines"]
    return next(d for d in found if d["stage"] == stage and d["ended_at"] is None)


def _assert_counts_down(page, selector: str, label: str) -> None:
    """The timer at ``selector`` reads ``label`` and a clock that falls on the page (not past its limit)."""
    readings = page.evaluate(_READ_TWICE, selector)
    assert readings is not None, f"{selector}: re-rendered on every try, or missing"
    before, after = readings
    assert before.startswith(f"{label} ") and after.startswith(f"{label} "), readings
    assert _clock_s(after) < _clock_s(before), readings


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_limit_counts_from_the_reopening_and_arrival_from_the_dispatch(open_console, console_server,
                                                                           locale) -> None:
    texts = OVERDUE_TEXTS[locale]
    console = _live_dispatcher(open_console, locale)
    page = console.page
    received = (datetime.now(UTC) - timedelta(hours=2)).isoformat()  # a call taken two hours ago ...
    incident = console_server.api("calltaker", "POST", "/incidents", json={
        "source": "phone_110", "type_code": "theft", "description": f"reopened timer test {locale}",
        "address": "测试路 2 号", "lon": CENTRE[0], "lat": CENTRE[1], "received_at": received}).json()
    path = f"/incidents/{incident['id']}"
    console_server.api("dispatcher", "POST", f"{path}/transitions", json={
        "status": "closed", "disposition": "resolved", "note": "已处置 / handled"})
    console_server.api("supervisor", "POST", f"/supervision{path}/reopen", json={"reason": "报警人反映未解决"})
    dispatch = _open_deadline(console_server, incident["id"], "dispatch")  # ... reopened now: dispatch from now
    row = f"#incident-list [data-incident-id='{incident['id']}']"  # the live stream brings it back to the queue
    limit = f"{row} time[data-kind='limit']"
    page.wait_for_selector(f"{row}[data-status='received'] time[data-kind='limit']")
    assert _instant(page.locator(limit).get_attribute("datetime")) == _instant(dispatch["deadline_at"])
    assert page.locator(limit).get_attribute("data-state") == "ok"  # not two hours over
    _assert_counts_down(page, limit, texts["limit"])
    console.screenshot(f"shift-02-reopened-limit-{locale}")
    # Sent, then en route a moment later: arrival still counts from the dispatch, as the server counts it.
    units = console_server.api("dispatcher", "GET", "/units", params={"status": "available"}).json()
    unit_id = next(u["id"] for u in units if u["id"] != console_server.officer_unit_id and u["lon"] is not None)
    try:
        console_server.api("dispatcher", "POST", f"{path}/assignments", json={"unit_id": unit_id})
        page.wait_for_timeout(1500)
        console_server.api("dispatcher", "POST", f"/units/{unit_id}/status", json={"status": "en_route"})
        arrival = _open_deadline(console_server, incident["id"], "arrival")
        page.wait_for_selector(f"{row}[data-status='en_route'] time[data-kind='limit']")
        assert _instant(page.locator(limit).get_attribute("datetime")) == _instant(arrival["deadline_at"])
        _assert_counts_down(page, limit, texts["limit"])
    finally:
        free_unit(console_server, unit_id)


NOTES_TEXTS = {
    "zh-CN": {"queue": "警情", "author": "dispatcher · 调度员", "edited": ["修改：", "优先级 3 级 → 1 级",
              "地址 “测试路 1 号” → “1 Jiefang Avenue”"], "received": "接警", "note": "添加备注",
              "closed": "状态：已接警 → 已结案 · 已处置"},
    "en": {"queue": "Incidents", "author": "dispatcher · Dispatcher", "edited": ["Edited: ", "priority P3 → P1",
           "address “测试路 1 号” → “1 Jiefang Avenue”"], "received": "Call received", "note": "Note added",
           "closed": "Status: Received → Closed · Resolved"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_notes_corrections_and_the_event_log(open_console, console_server, locale) -> None:
    texts = NOTES_TEXTS[locale]
    incident = create_incident(console_server, description="notes test")
    console = open_console("dispatcher", locale=locale)
    page = console.page
    if locale == "en":
        _to_english(page)
    assert page.locator("#stab-queue").inner_text() == texts["queue"]
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.fill("#note-text", "Caller says the suspect wore a red jacket")
    page.keyboard.press("Control+Enter")  # Ctrl+Enter submits the form typed in
    page.wait_for_selector("#note-list li[data-note-id]")
    assert texts["author"] in page.locator("#note-list").inner_text()
    page.click("#edit-details summary")
    page.select_option("#edit-priority", "1")
    page.fill("#edit-address", "1 Jiefang Avenue")
    page.click("#edit-save")
    page.wait_for_selector("#event-list li[data-kind='edited']")
    log = page.locator("#event-list").inner_text()
    edited = page.locator("#event-list li[data-kind='edited']").inner_text()
    assert all(part in edited for part in texts["edited"]), edited
    assert texts["received"] in log and texts["note"] in log and "created" not in log and "edited" not in log
    stored = console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()
    assert (stored["priority"], stored["address"]) == (1, "1 Jiefang Avenue")
    console.screenshot(f"shift-03-notes-and-log-{locale}")
    # Closing asks first; Cancel leaves it open, Confirm closes it; the closing note then shows.
    page.select_option("#close-disposition", "resolved")
    page.fill("#close-note", "Resolved on the phone")
    page.click("#close-incident")
    page.click(".confirm-no")
    assert page.locator("#incident-status").get_attribute("data-status") == "received"
    assert console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()["status"] == "received"
    page.click("#close-incident")
    page.click("#close-incident-confirm")
    page.wait_for_selector("#incident-status[data-status='closed']")
    page.wait_for_selector("#closing-note:has-text('Resolved on the phone')")
    page.wait_for_selector(f"#event-list li[data-kind='status']:has-text('{texts['closed']}')")  # the log reloads


UNIT_BOARD_TEXTS = {"zh-CN": {"dispatched": "已派", "in_status": "本状态", "type": "盗窃", "cases": "案件超期预警"},
                    "en": {"dispatched": "Dispatched", "in_status": "In status", "type": "Theft",
                           "cases": "Case deadlines board"}}


def _send_a_unit(server) -> tuple[dict, int]:
    """A new call with an available unit (not the officer's) sent to it; returns the call and the unit's id."""
    incident = create_incident(server, description="unit board test")
    units = server.api("supervisor", "GET", "/units", params={"status": "available"}).json()
    unit_id = next(u["id"] for u in units if u["id"] != server.officer_unit_id and u["lon"] is not None)
    server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments", json={"unit_id": unit_id})
    return incident, unit_id


@pytest.mark.parametrize(("locale", "size"), [("zh-CN", (1366, 768)), ("en", (1920, 1080)), ("en", (1366, 768))])
def test_unit_board_station_view_and_layout(open_console, console_server, locale, size) -> None:
    texts = UNIT_BOARD_TEXTS[locale]
    incident, sent_id = _send_a_unit(console_server)
    try:
        console = open_console("supervisor", viewport=size, locale=locale)
        page = console.page
        if locale == "en":
            _to_english(page)
        # Nothing in the top bar or the side tabs runs off the screen.
        for selector in ("header.topbar", "#side-tabs"):
            overflow = page.evaluate(
                "(s) => { const e = document.querySelector(s); return e.scrollWidth - e.clientWidth; }", selector)
            assert overflow <= 1, (selector, overflow)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
        page.click("#stab-units")
        page.wait_for_selector("#unit-list details.unit-group")
        assert page.locator("#unit-list details.unit-group").count() > 1
        # The unit sent to the call: under its status, with the call it works and its time in that status.
        sent = f"#unit-list ul[data-status='dispatched'] li[data-unit-id='{sent_id}']"
        page.wait_for_selector(f"{sent} .unit-incident[data-incident-id='{incident['id']}']")
        assert page.locator(f"{sent} .unit-incident").inner_text() == f"#{incident['id']} {texts['type']}"
        assert page.locator(f"{sent} .unit-status").inner_text() == texts["dispatched"]
        _assert_counts_on_the_page(page, f"{sent} time[data-kind='unit-status']", texts["in_status"])
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
        # the station's case deadlines too, each board under its own one title
        page.wait_for_selector(f"#station-cases:has-text('{texts['cases']}')")
        for box in ("#station-overdue", "#station-cases"):
            titles = page.locator(f"{box} h2, {box} h3").all_inner_texts()
            assert len(titles) == len(set(titles)), (box, titles)
        console.screenshot(f"shift-05-station-{locale}-{size[0]}")
    finally:
        free_unit(console_server, sent_id)


OFFICER_TEXTS = {"zh-CN": {"last_unit": "现场唯一", "note": "现场已控制", "feedback": "已劝离"},
                 "en": {"last_unit": "last unit on scene", "note": "Scene under control", "feedback": "Moved on"}}
# The position the phone reports, a different one in each pass so that the API shows this pass's report.
OFFICER_POSITIONS = {"zh-CN": (CENTRE[0] + 0.001, CENTRE[1] + 0.001), "en": (CENTRE[0] + 0.002, CENTRE[1] - 0.001)}
_POSITION_SENT = """() => { const e = document.getElementById('officer-position-state');
  return e && e.dataset.state === 'on' && !e.textContent.includes('—'); }"""

# Resolves once the officer's card has not been redrawn for 1.5 s.
_CARD_SETTLED = """() => new Promise((done) => {
  const card = document.getElementById('officer-card');
  const observer = new MutationObserver(() => { clearTimeout(quiet); quiet = setTimeout(settled, 1500); });
  const settled = () => { observer.disconnect(); done(); };
  let quiet = setTimeout(settled, 1500);
  observer.observe(card, { childList: true });
})"""


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_officer_shares_position_and_clearing_the_last_unit_needs_a_disposition(open_console, console_server,
                                                                                  locale) -> None:
    texts, (lon, lat) = OFFICER_TEXTS[locale], OFFICER_POSITIONS[locale]
    unit_id = console_server.officer_unit_id
    free_unit(console_server, unit_id)  # an earlier test may have left it on a call
    incident = create_incident(console_server, description="officer clear test")
    console_server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments", json={"unit_id": unit_id})
    console = open_console("officer", viewport=(390, 844), locale=locale)
    page = console.page
    if locale == "en":
        _to_english(page)
    console.context.grant_permissions(["geolocation"], origin=console_server.base_url)
    console.context.set_geolocation({"longitude": lon, "latitude": lat})
    page.wait_for_selector(f"#officer-assignment[data-incident-id='{incident['id']}']")
    page.check("#officer-share-position")
    page.wait_for_function(_POSITION_SENT)  # "last —" until the first report is through
    unit = console_server.api("dispatcher", "GET", f"/units/{unit_id}").json()
    assert (round(unit["lon"], 3), round(unit["lat"], 3)) == (round(lon, 3), round(lat, 3))
    page.click("#officer-ack")
    page.click("button[data-unit-status='on_scene']")
    page.wait_for_selector("#officer-unit-status[data-status='on_scene']")
    page.evaluate(_CARD_SETTLED)  # the card redraws on the unit's own updates, and a redraw drops a typed note
    page.fill("#officer-note", texts["note"])
    page.click("#officer-note-add")
    page.wait_for_function("() => document.getElementById('officer-note').value === ''")  # the note went in
    page.click("button[data-unit-status='available']")  # the last unit on scene: refused, and told what to do
    page.wait_for_selector(f"#officer-clear-error:has-text('{texts['last_unit']}')")
    assert console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()["status"] == "on_scene"
    console.screenshot(f"shift-06-officer-clear-{locale}")
    page.select_option("#officer-disposition", "resolved")
    page.fill("#officer-feedback", texts["feedback"])
    page.click("#officer-clear-close")
    page.wait_for_selector("#officer-no-assignment")
    closed = console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()
    assert (closed["status"], closed["disposition"]) == ("closed", "resolved")
    notes = console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}/notes").json()
    assert [n["text"] for n in notes] == [texts["note"]]
