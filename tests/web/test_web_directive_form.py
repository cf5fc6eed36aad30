"""The directive form in headless Chromium: sending a follow-up of an incident from its card, sending a directive to a
unit, and drawing its area on the map (finished, cancelled with Esc, or refused outside the city)."""

from __future__ import annotations

import pytest
from console_kit import CENTRE, create_incident

pytestmark = pytest.mark.browser

LOCALES = ["zh-CN", "en"]
TEXTS = {"zh-CN": {"send": "下发指令", "sent": "指令已下发", "draw": "在地图上画区域", "drawn": "3 边形",
                   "finish": "完成", "points": "已点 2 个点"},
         "en": {"send": "Send as directive", "sent": "Directive #", "draw": "Draw the area on the map",
                "drawn": "3-sided polygon", "finish": "Finish", "points": "2 points"}}
TRIANGLE_PX = [(-80, 60), (80, 60), (0, -80)]  # corners of a drawn area, in pixels from the map's centre


def _form_for_new_incident(open_console, console_server, locale: str):
    """A supervisor's console with the directive form opened from a new incident's card; returns (page, incident)."""
    incident = create_incident(console_server, description=f"directive form test {locale}")
    page = open_console("supervisor", locale=locale).page
    if locale == "en":
        page.click("#lang-toggle")
        page.wait_for_selector("html[lang='en']")
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.wait_for_selector(f"#incident-send-directive:has-text('{TEXTS[locale]['send']}')").click()
    page.wait_for_selector("#directive-dialog[open]")
    return page, incident


def _submit(page, locale: str) -> None:
    page.click("#directive-submit")
    page.wait_for_selector("#directive-dialog", state="detached")  # sent: no error kept it open
    page.wait_for_function("(text) => document.querySelector('#toast').textContent.includes(text)",
                           arg=TEXTS[locale]["sent"])


def _linked(console_server, incident: dict) -> list[dict]:
    return console_server.api("supervisor", "GET", "/directives", params={
        "link_kind": "incident", "link_ref_id": incident["id"]}).json()["items"]


def _click_map(page, lon: float, lat: float) -> None:
    page.evaluate("([lon, lat]) => window.precinctMap.map.fire('click', { latlng: L.latLng(lat, lon) })", [lon, lat])


def _mouse_on_map(page, dx: float, dy: float) -> None:
    """A real click ``dx``, ``dy`` pixels from the centre of the map (at the city's centre, zoom 15, no live layers)."""
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


@pytest.mark.parametrize("locale", LOCALES)
def test_send_a_follow_up_from_the_incident_card(open_console, console_server, locale) -> None:
    page, incident = _form_for_new_incident(open_console, console_server, locale)
    assert page.locator("#directive-kind").input_value() == "follow_up_incident"
    assert page.locator("#directive-target").input_value() == str(incident["station_id"])
    _submit(page, locale)
    [sent] = _linked(console_server, incident)
    assert (sent["kind"], sent["target_org_unit_id"]) == ("follow_up_incident", incident["station_id"])
    assert sent["geometry"] == {"type": "Point", "coordinates": [incident["lon"], incident["lat"]]}


@pytest.mark.parametrize("locale", LOCALES)
def test_send_a_directive_to_a_unit(open_console, console_server, locale) -> None:
    page, incident = _form_for_new_incident(open_console, console_server, locale)
    unit_id = page.locator("#directive-target-unit option:not([value=''])").first.get_attribute("value")
    page.select_option("#directive-target-unit", unit_id)
    _submit(page, locale)
    [sent] = _linked(console_server, incident)
    assert (sent["target_unit_id"], sent["target_org_unit_id"]) == (int(unit_id), None)
    assert sent["station_id"] == console_server.api("supervisor", "GET", f"/units/{unit_id}").json()["home_station_id"]


@pytest.mark.parametrize("locale", LOCALES)
def test_draw_the_area_on_the_map(open_console, console_server, locale) -> None:
    page, incident = _form_for_new_incident(open_console, console_server, locale)
    page.evaluate("() => (window.pickBeforeDrawing = window.precinctMap.onPick)")
    page.evaluate(f"() => window.precinctMap.map.setView([{CENTRE[1]}, {CENTRE[0]}], 15, {{animate: false}})")
    page.click(f"#directive-draw:has-text('{TEXTS[locale]['draw']}')")
    page.wait_for_selector("#draw-bar")
    assert page.locator("#directive-dialog[open]").count() == 0  # out of the way of the map
    page.uncheck("#layer-units")  # live layers off so that the clicks land on the map itself
    page.uncheck("#layer-incidents")
    for dx, dy in TRIANGLE_PX[:2]:
        _mouse_on_map(page, dx, dy)
    page.wait_for_selector(f"#draw-count:has-text('{TEXTS[locale]['points']}')")
    assert page.locator("#draw-finish").is_disabled()  # two points are no area
    _mouse_on_map(page, *TRIANGLE_PX[2])
    page.click(f"#draw-finish:has-text('{TEXTS[locale]['finish']}')")
    page.wait_for_selector(f"#directive-dialog[open] #directive-area:has-text('{TEXTS[locale]['drawn']}')")
    assert page.locator("#draw-bar").count() == 0
    assert page.evaluate("() => window.precinctMap.onPick === window.pickBeforeDrawing")  # intake's hook is back
    _submit(page, locale)
    [sent] = _linked(console_server, incident)
    assert sent["geometry"]["type"] == "Polygon"
    ring = sent["geometry"]["coordinates"][0]
    assert len(ring) == 4 and ring[0] == ring[-1]


@pytest.mark.parametrize("locale", LOCALES)
def test_escape_cancels_drawing(open_console, console_server, locale) -> None:
    page, _ = _form_for_new_incident(open_console, console_server, locale)
    page.click("#directive-draw")
    page.wait_for_selector("#draw-bar")
    _click_map(page, *CENTRE)
    page.keyboard.press("Escape")
    page.wait_for_selector("#directive-dialog[open]")
    assert page.locator("#draw-bar").count() == 0
    assert page.locator("#directive-area").text_content() == ""  # nothing drawn: the incident's point stays the area
    assert page.locator("#panel-incident").is_visible()  # Esc ended the drawing, not the incident card


@pytest.mark.parametrize("locale", LOCALES)
def test_an_area_outside_the_city_is_refused(open_console, console_server, locale) -> None:
    page, incident = _form_for_new_incident(open_console, console_server, locale)
    page.click("#directive-draw")
    for lon, lat in [(120.0, 36.0), (120.1, 36.0), (120.05, 36.1)]:
        _click_map(page, lon, lat)
    page.click("#draw-finish")
    page.click("#directive-dialog[open] #directive-submit")
    page.wait_for_function("() => document.querySelector('#directive-error').textContent.length > 0")
    assert _linked(console_server, incident) == []
