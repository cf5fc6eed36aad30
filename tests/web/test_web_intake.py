"""The call taker's and dispatcher's keyboard and desk in both languages: the new-call form (Ctrl+Enter, a stale
error going once the scene is picked, typed values kept across a language switch), the hotkeys (Alt+N/Q/U/O,
Esc), Dispatch buttons that give way once the unit is sent (here or from another console), transfers that ask to
confirm, the alerts badge and duty levels in the language chosen, the unit symbols' heading arrows, and the
officer's phone (clearing offered on scene only, the position's errors in words, the time of the last report)."""

from __future__ import annotations

import pytest
from console_kit import CENTRE, create_incident, free_unit

pytestmark = pytest.mark.browser

LOCALES = ["zh-CN", "en"]
TEXTS = {
    "zh-CN": {"queue": "警情", "call": "新警情", "need_location": "请先在地图上选定位置", "alerts": "告警",
              "p1": "新的 1 级警情", "confirm_transfer": "确认移交", "transferred": "已移交",
              "clear_close": "处置完毕并结案",
              "denied": "未获定位授权", "address": "汉口火车站东出口", "description": "电动车被盗（键盘测试）",
              "caller": "李四"},
    "en": {"queue": "Incidents", "call": "New call", "need_location": "Set the location on the map first",
           "alerts": "Alerts", "p1": "New priority-1 call", "confirm_transfer": "Hand this incident over",
           "transferred": "Transferred", "clear_close": "Clear and close", "denied": "Location permission denied",
           "address": "Hankou station, east exit", "description": "E-bike stolen (keyboard test)",
           "caller": "Li Si"},
}
OTHER = {"zh-CN": "en", "en": "zh-CN"}


def switch_language(page, to: str) -> None:
    """Click the top bar's language switch and wait until the console speaks ``to``."""
    page.click("#lang-toggle")
    page.wait_for_selector(f"html[lang='{to}']")
    page.wait_for_function("(text) => document.getElementById('stab-queue').textContent === text",
                           arg=TEXTS[to]["queue"])


def open_in(open_console, username: str, locale: str, **kwargs):
    """A console for ``username`` speaking ``locale`` (it starts in Chinese; English is one click away)."""
    console = open_console(username, locale=locale, **kwargs)
    if locale == "en":
        switch_language(console.page, "en")
    return console


def click_the_map_at_the_centre(page) -> None:
    page.uncheck("#layer-units")  # live layers off so that the click lands on the map itself
    page.uncheck("#layer-incidents")
    page.evaluate(f"() => window.precinctMap.map.setView([{CENTRE[1]}, {CENTRE[0]}], 15, {{animate: false}})")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def focused_in(page, selector: str) -> bool:
    return page.evaluate("(s) => Boolean(document.activeElement?.closest(s))", selector)


@pytest.mark.parametrize("locale", LOCALES)
def test_keyboard_intake_ctrl_enter_and_a_stale_error(open_console, console_server, locale) -> None:
    texts = TEXTS[locale]
    console = open_in(open_console, "calltaker", locale)
    page = console.page
    page.keyboard.press("Alt+n")
    page.wait_for_selector("#panel-call:not([hidden]) #call-form")
    assert focused_in(page, "#panel-call")
    page.fill("#call-type-search", "theft")
    page.press("#call-type-search", "ArrowDown")
    type_code = page.locator("#call-type").input_value()
    page.fill("#call-address", texts["address"])
    page.fill("#call-description", texts["description"])
    page.fill("#caller-name", texts["caller"])
    page.fill("#caller-phone", "13800000003")
    page.focus("#call-description")
    page.keyboard.press("Control+Enter")  # no scene yet: refused in words
    page.wait_for_selector(f"#call-error:has-text('{texts['need_location']}')")
    click_the_map_at_the_centre(page)  # picking the scene answers the error
    page.wait_for_function("() => document.getElementById('call-lon').value !== ''")
    assert page.locator("#call-error").inner_text() == ""
    page.focus("#caller-phone")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#panel-incident:not([hidden]) #incident-title")
    incident_id = int(page.locator("#panel-incident").get_attribute("data-incident-id"))
    stored = console_server.api("calltaker", "GET", f"/incidents/{incident_id}").json()
    assert (stored["type_code"], stored["address"], stored["description"]) == (type_code, texts["address"],
                                                                              texts["description"])
    # Esc (outside a text field) leaves the card for the queue.
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Escape")
    page.wait_for_selector("#panel-queue:not([hidden])")
    assert page.locator("#panel-incident").is_hidden()
    # The form afterwards is empty: nothing of the call just taken is kept.
    page.keyboard.press("Alt+n")
    page.wait_for_selector("#panel-call:not([hidden]) #call-form")
    assert page.locator("#call-address").input_value() == page.locator("#call-description").input_value() == ""


@pytest.mark.parametrize("locale", LOCALES)
def test_the_panel_hotkeys(open_console, locale) -> None:
    console = open_in(open_console, "dispatcher", locale)
    page = console.page
    for key, panel in (("n", "call"), ("u", "units"), ("o", "overdue"), ("q", "queue")):
        page.keyboard.press(f"Alt+{key}")
        page.wait_for_selector(f"#panel-{panel}:not([hidden])")
        assert page.locator(f"#stab-{panel}").get_attribute("aria-selected") == "true"
        for other in ("call", "units", "overdue", "queue", "duty"):
            if other != panel:
                assert page.locator(f"#panel-{other}").is_hidden(), (key, other)
    # Esc inside a text field keeps the card open; outside it the card closes.
    incident = create_incident(console.server, description="hotkey test / 快捷键")
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.wait_for_selector("#panel-incident:not([hidden]) #incident-title")
    page.wait_for_selector("#panel-incident textarea")
    page.locator("#panel-incident textarea").first.focus()
    page.keyboard.press("Escape")
    assert page.locator("#panel-incident").is_visible()
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Escape")
    page.wait_for_selector("#panel-queue:not([hidden])")


def test_the_call_taker_has_no_overdue_hotkey(open_console) -> None:
    console = open_console("calltaker")
    page = console.page
    page.keyboard.press("Alt+o")  # the call taker does not see deadlines: nothing changes
    assert page.locator("#panel-queue").is_visible() and page.locator("#panel-overdue").is_hidden()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_language_switch_keeps_what_was_typed(open_console, locale) -> None:
    texts = TEXTS[locale]
    console = open_in(open_console, "calltaker", locale)
    page = console.page
    page.click("#stab-call")
    page.fill("#call-address", texts["address"])
    page.fill("#call-description", texts["description"])
    page.fill("#caller-name", texts["caller"])
    page.fill("#caller-phone", "13800000004")
    page.select_option("#call-priority", "2")
    switch_language(page, OTHER[locale])
    page.wait_for_selector(f"#panel-call h2:has-text('{TEXTS[OTHER[locale]]['call']}')")
    typed = {id_: page.locator(f"#{id_}").input_value()
             for id_ in ("call-address", "call-description", "caller-name", "caller-phone", "call-priority")}
    assert typed == {"call-address": texts["address"], "call-description": texts["description"],
                     "caller-name": texts["caller"], "caller-phone": "13800000004", "call-priority": "2"}


@pytest.mark.parametrize("locale", LOCALES)
def test_dispatch_buttons_give_way_once_the_unit_is_sent(open_console, console_server, locale) -> None:
    incident = create_incident(console_server, description="dispatch buttons / 派警按钮")
    sent: list[int] = []
    try:
        console = open_in(open_console, "dispatcher", locale)
        page = console.page
        page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
        first = page.wait_for_selector("#recommendation-list .recommendation .dispatch")
        here = int(first.get_attribute("data-unit-id"))
        sent.append(here)
        first.click()  # sent from this console: the button gives way, and fresh recommendations leave it out
        page.wait_for_selector("#incident-status[data-status='dispatched']")
        page.wait_for_function("() => !document.querySelector('#recommendation-list .dispatched-note')"
                               " && document.querySelector('#recommendation-list .recommendation .dispatch')")
        assert page.locator(f"#recommendation-list .dispatch[data-unit-id='{here}']").count() == 0
        # Another console sends a unit the card lists: its Dispatch button goes without a reload.
        there = int(page.locator("#recommendation-list .recommendation .dispatch").first.get_attribute("data-unit-id"))
        sent.append(there)
        console_server.api("supervisor", "POST", f"/incidents/{incident['id']}/assignments", json={"unit_id": there})
        page.wait_for_function(
            "(id) => !document.querySelector(`#recommendation-list .dispatch[data-unit-id='${id}']`)"
            " && document.querySelector('#recommendation-list .recommendation')", arg=there)
        page.wait_for_selector(f"#assignment-list li[data-unit-id='{there}']")
    finally:
        for unit_id in sent:
            free_unit(console_server, unit_id)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_transfer_asks_to_confirm(open_console, console_server, locale) -> None:
    texts = TEXTS[locale]
    by_button = create_incident(console_server, description="transfer by button / 移交按钮")
    by_form = create_incident(console_server, description="transfer by hand-off / 移交表单")
    console = open_in(open_console, "dispatcher", locale)
    page = console.page
    status = lambda incident: console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()["status"]  # noqa: E731
    # The status button: asked first; "cancel" leaves the call as it was, "confirm" hands it over.
    page.wait_for_selector(f"#incident-list [data-incident-id='{by_button['id']}']").click()
    page.click("#sec-status .status-button[data-target='transferred']")
    page.wait_for_selector(f"#sec-status .confirm-question:has-text('{texts['confirm_transfer']}')")
    assert status(by_button) == "received"
    page.click("#sec-status .confirm-no")
    page.wait_for_selector("#sec-status .status-button[data-target='transferred']")
    assert status(by_button) == "received"
    page.click("#sec-status .status-button[data-target='transferred']")
    page.click("#sec-status .confirm-yes")
    page.wait_for_selector("#incident-status[data-status='transferred']")
    assert page.locator("#incident-status").inner_text() == texts["transferred"]
    # The hand-off form: a transfer asks on the first submit and goes on the second.
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#incident-list [data-incident-id='{by_form['id']}']").click()
    page.wait_for_selector(f"#panel-incident[data-incident-id='{by_form['id']}'] #handoff-form")
    page.select_option("#handoff-mode", "transfer")
    page.fill("#handoff-reason", "fire brigade's call / 消防处置")
    page.click("#handoff-submit")
    page.wait_for_selector(f"#handoff-submit:has-text('{texts['confirm_transfer']}')")
    assert status(by_form) == "received"
    page.click("#handoff-submit")
    page.wait_for_function("(id) => document.getElementById('incident-status')?.dataset.status !== 'received'"
                           " && document.getElementById('panel-incident').dataset.incidentId === String(id)",
                           arg=by_form["id"])
    assert status(by_form) != "received"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_alerts_badge_and_list_follow_the_language(open_console, console_server, locale) -> None:
    texts, other = TEXTS[locale], TEXTS[OTHER[locale]]
    console = open_in(open_console, "dispatcher", locale)
    page = console.page
    page.wait_for_selector("#live-state[data-mode='push']")
    page.wait_for_selector(f"#alerts-badge:text-is('{texts['alerts']}')")
    create_incident(console_server, type_code="robbery", description="alerts badge / 告警")  # a priority-1 call
    page.wait_for_selector("#alerts-badge:not([data-unread='0'])")
    page.click("#alerts-badge")
    page.wait_for_selector(f"#alerts-list li[data-kind='p1']:has-text('{texts['p1']}')")
    switch_language(page, OTHER[locale])  # the badge and the open list follow
    page.wait_for_selector(f"#alerts-badge:has-text('{other['alerts']}')")
    page.wait_for_selector(f"#alerts-list li[data-kind='p1']:has-text('{other['p1']}')")
    switch_language(page, locale)
    assert page.locator("#alerts-badge").inner_text().startswith(texts["alerts"])
    assert texts["p1"] in page.locator("#alerts-list li[data-kind='p1']").first.inner_text()


@pytest.mark.parametrize("locale", LOCALES)
def test_duty_levels_name_each_level_once(open_console, console_server, locale) -> None:
    district = console_server.api("supervisor", "GET", "/org/units", params={"tier": "district"}).json()[0]
    console_server.api("supervisor", "POST", "/duty-levels",
                       json={"district_id": district["id"], "level": 4, "reason": "normal watch / 常态"})
    console = open_in(open_console, "supervisor", locale)
    page = console.page
    page.click("#stab-duty")
    cell = page.wait_for_selector(f"#duty-table tr[data-district-id='{district['id']}'] td.duty-level")
    assert cell.inner_text() == {"zh-CN": "IV级（常态）", "en": "Level IV (normal)"}[locale]


# The angle (degrees clockwise from north) from the centre of each status's unit symbol to the tip of its heading
# arrow, drawn by the map's own unitIcon(); and the symbols' fill, so that en route and dispatched differ.
ARROWS = """(headings) => {
  const out = [];
  for (const status of ["available", "dispatched", "en_route", "on_scene"]) {
    for (const heading of headings) {
      const icon = window.precinctMap.unitIcon({ status, heading_deg: heading, call_sign: "T" });
      const box = document.createElement("div");
      box.style.cssText = "position: fixed; left: 200px; top: 200px;";
      box.innerHTML = icon.options.html;
      document.body.append(box);
      const dot = box.querySelector(".unit-dot").getBoundingClientRect();
      const arrow = box.querySelector(".heading").getBoundingClientRect();
      const dx = arrow.left + arrow.width / 2 - (dot.left + dot.width / 2);
      const dy = arrow.top + arrow.height / 2 - (dot.top + dot.height / 2);
      const style = getComputedStyle(box.querySelector(".unit-dot"));
      out.push({ status, heading, angle: (Math.atan2(dx, -dy) * 180 / Math.PI + 360) % 360,
                 fill: style.backgroundColor + " " + style.backgroundImage });
      box.remove();
    }
  }
  return out;
}"""


def test_heading_arrows_point_where_the_unit_heads(open_console) -> None:
    console = open_console("dispatcher")
    drawn = console.page.evaluate(ARROWS, [0, 90, 200])
    for symbol in drawn:
        off = abs((symbol["angle"] - symbol["heading"] + 180) % 360 - 180)
        assert off < 5, symbol
    fills = {symbol["status"]: symbol["fill"] for symbol in drawn}
    assert len(set(fills.values())) == 4, fills  # each status its own look
    assert len(drawn) == 12


# ---- the officer's phone ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_the_officer_is_offered_clearing_on_scene_only(open_console, console_server, locale) -> None:
    texts = TEXTS[locale]
    unit_id = console_server.officer_unit_id
    free_unit(console_server, unit_id)
    incident = create_incident(console_server, description="officer on scene only / 到场后结案")
    console_server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments", json={"unit_id": unit_id})
    try:
        console = open_in(open_console, "officer", locale, viewport=(390, 844))
        page = console.page
        page.wait_for_selector(f"#officer-assignment[data-incident-id='{incident['id']}']")
        offered = lambda: (page.locator("button[data-unit-status='available']").count(),  # noqa: E731
                           page.locator("#officer-clear-close, #officer-disposition").count())
        assert offered() == (0, 0)  # dispatched
        assert page.locator("#officer-note").count() == 1  # field notes at any time
        page.click("#officer-ack")
        page.click("button[data-unit-status='en_route']")
        page.wait_for_selector("#officer-unit-status[data-status='en_route']")
        assert offered() == (0, 0)
        page.click("button[data-unit-status='on_scene']")
        page.wait_for_selector("#officer-unit-status[data-status='on_scene']")
        page.wait_for_selector("#officer-clear-close")
        assert offered() == (1, 2)
        assert page.locator("#officer-clear-close").inner_text() == texts["clear_close"]
        # what the officer is typing survives the card being rebuilt by their own unit's position report
        page.fill("#officer-feedback", "已劝离 / moved on")
        page.fill("#officer-note", "现场两人争执 / two people arguing")
        page.evaluate("() => { document.getElementById('officer-note').dataset.old = '1'; }")
        console_server.api("officer", "POST", f"/units/{unit_id}/positions", json={"lon": CENTRE[0], "lat": CENTRE[1]})
        page.wait_for_selector("#officer-note:not([data-old])", timeout=20_000)
        assert page.input_value("#officer-note") == "现场两人争执 / two people arguing"
        assert page.input_value("#officer-feedback") == "已劝离 / moved on"
        assert page.evaluate("() => document.activeElement.id") == "officer-note"  # and the caret stays there
    finally:
        free_unit(console_server, unit_id)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_officer_reads_why_there_is_no_position(open_console, console_server, locale) -> None:
    texts = TEXTS[locale]
    console = open_in(open_console, "officer", locale, viewport=(390, 844))
    page = console.page
    console.context.clear_permissions()  # the device refuses the position
    page.wait_for_selector("#officer-share-position")
    page.check("#officer-share-position")
    state = page.wait_for_selector("#officer-position-state[data-state='error']")
    assert state.get_attribute("data-reason") == "1"
    assert texts["denied"] in state.inner_text()
    assert "denied geolocation" not in state.inner_text().lower() and "geolocation" not in state.inner_text()
    switch_language(page, OTHER[locale])  # the reason follows the language
    page.wait_for_selector(f"#officer-position-state:has-text('{TEXTS[OTHER[locale]]['denied']}')")
    page.uncheck("#officer-share-position")


_LAST_SENT = """() => { const e = document.getElementById('officer-position-state');
  return e && e.dataset.state === 'on' && !e.textContent.includes('—') ? e.textContent : null; }"""


@pytest.mark.parametrize("locale", LOCALES)
def test_the_last_report_time_keeps_moving_after_the_card_is_rebuilt(browser, console_server, locale) -> None:
    from console_kit import Console

    console = Console(browser, console_server, viewport=(390, 844), locale=locale)
    page = console.page
    page.clock.install()  # the console's clock, moved on below instead of waiting for the 30 s report interval
    try:
        console.log_in("officer")
        if locale == "en":
            switch_language(page, "en")
        console.context.grant_permissions(["geolocation"], origin=console_server.base_url)
        console.context.set_geolocation({"longitude": CENTRE[0], "latitude": CENTRE[1]})
        page.wait_for_selector("#officer-share-position")
        page.check("#officer-share-position")
        first = page.wait_for_function(_LAST_SENT).json_value()
        switch_language(page, OTHER[locale])  # rebuilds the card: a new state line
        switch_language(page, locale)
        assert page.evaluate(_LAST_SENT) == first
        page.clock.fast_forward("01:05")  # two more reports
        page.wait_for_function(f"() => ({_LAST_SENT})() && ({_LAST_SENT})() !== {first!r}")
        page.uncheck("#officer-share-position")
    finally:
        console.close()
