"""The intake form's address search in headless Chromium, in zh-CN and English: typing shows matches, choosing one
places the call and shows its station and beat before the call is stored; the keys take only the highlighted match
of the query typed (never one left over from the previous query), and Ctrl+Enter submits the call with the point
chosen on the map; a map click reverse-geocodes."""

from __future__ import annotations

import json

import httpx
import pytest
from console_kit import CENTRE

pytestmark = pytest.mark.browser

REGISTER = ("code,text,text_en,name,district,road,number,lon,lat\n"
            f"WEB-1,,Web Test Plaza,网页测试广场,江汉区,测试大道,88,{CENTRE[0] + 0.001},{CENTRE[1]}\n"
            f"WEB-2,,,,江汉区,测试大道,90,{CENTRE[0] + 0.002},{CENTRE[1]}\n")
TEXTS = {  # what the console says, by language
    "zh-CN": {"station": "辖区派出所: ", "beat": "警务区: ", "matches": "匹配的标准地址", "none": "没有匹配的标准地址",
              "web_1": "测试大道88号"},
    "en": {"station": "Station: ", "beat": "Beat: ", "matches": "Matching standard addresses",
           "none": "No matching standard address", "web_1": "Web Test Plaza"},
}
LOCALES = list(TEXTS)


def _load_register(console_server) -> None:
    response = httpx.post(f"{console_server.base_url}/api/v1/addresses/imports", params={"name": "web.csv"},
                          content=REGISTER.encode(), timeout=60,
                          headers={"Authorization": f"Bearer {console_server.token('supervisor')}",
                                   "Content-Type": "text/csv"})
    assert response.status_code == 201, response.text


def _open(open_console, locale: str):
    console = open_console("dispatcher", locale=locale)
    if locale == "en":
        console.page.click("#lang-toggle")  # the console starts in Chinese
        console.page.wait_for_selector("html[lang='en']")
    return console


def _click_map_at(page, lon: float, lat: float) -> None:
    """Click the map at (lon, lat), with the calls and units layers out of the way."""
    page.uncheck("#layer-units")
    page.uncheck("#layer-incidents")
    page.evaluate(f"() => window.precinctMap.map.setView([{lat}, {lon}], 17, {{animate: false}})")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("locale", LOCALES)
def test_typing_an_address_places_the_call_and_a_click_names_the_place(open_console, console_server,
                                                                       locale) -> None:
    _load_register(console_server)
    texts = TEXTS[locale]
    console = _open(open_console, locale)
    page = console.page
    page.click("#stab-call")
    page.fill("#call-address", "csdd")  # the initials of 测试大道
    page.wait_for_selector("#address-matches .address-match")
    assert page.locator("#address-matches .address-match").count() == 2
    assert page.locator("#address-matches").get_attribute("aria-label") == texts["matches"]
    page.fill("#call-address", "测试大道 88")
    page.wait_for_selector(f"#address-matches .address-match:has-text('{texts['web_1']}')")
    page.click("#address-matches .address-match >> nth=0")
    assert page.locator("#call-address").input_value() == "江汉区测试大道88号"
    assert float(page.locator("#call-lon").input_value()) == pytest.approx(CENTRE[0] + 0.001, abs=1e-5)
    assert float(page.locator("#call-lat").input_value()) == pytest.approx(CENTRE[1], abs=1e-5)
    place = page.locator("#address-place")
    assert texts["station"] in place.inner_text() and texts["beat"] in place.inner_text()
    assert "—" not in place.locator(".address-station").inner_text()
    console.screenshot(f"addresses-01-chosen-{locale}")
    page.fill("#call-address", "")
    _click_map_at(page, CENTRE[0] + 0.002, CENTRE[1])
    page.wait_for_function("() => document.getElementById('call-address').value === '江汉区测试大道90号'")
    assert texts["station"].rstrip(": ") in page.locator("#address-place .address-station").inner_text()
    console.screenshot(f"addresses-02-reverse-{locale}")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_keys_take_only_the_highlighted_match_and_ctrl_enter_keeps_the_point_clicked(open_console, console_server,
                                                                                         locale) -> None:
    _load_register(console_server)
    texts = TEXTS[locale]
    console = _open(open_console, locale)
    page = console.page
    posted: list[dict] = []

    def refuse_the_call(route) -> None:  # the submitted call is looked at, not stored
        if route.request.method != "POST":
            route.continue_()
            return
        posted.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(status=422, json={"error": {"code": "validation_error", "title": "x", "message": "test stop"}})

    page.route("**/api/v1/incidents", refuse_the_call)
    page.click("#stab-call")
    _click_map_at(page, *CENTRE)  # the scene, clicked on the map: 100 m west of WEB-1
    page.wait_for_function("() => document.getElementById('call-lon').value !== ''")
    clicked = (float(page.locator("#call-lon").input_value()), float(page.locator("#call-lat").input_value()))
    assert clicked[0] == pytest.approx(CENTRE[0], abs=1e-4)
    address = page.locator("#call-address")
    address.fill("")
    address.focus()
    page.keyboard.type("csdd")
    page.wait_for_selector("#address-matches .address-match >> nth=1")
    # A new query starts: Enter before its answer takes none of the shown (earlier) matches and submits nothing
    page.keyboard.type("x")
    page.keyboard.press("Enter")
    assert address.input_value() == "csddx"
    page.wait_for_selector(f"#address-matches .hint:has-text('{texts['none']}')")
    assert float(page.locator("#call-lon").input_value()) == clicked[0]
    assert posted == []
    # Ctrl+Enter with a match highlighted submits the call at the clicked point; the match is not taken
    page.keyboard.press("Backspace")
    page.wait_for_selector("#address-matches .address-match >> nth=1")
    page.keyboard.press("ArrowDown")
    assert address.get_attribute("aria-activedescendant") == "address-match-0"
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.getElementById('call-error').textContent !== ''")
    assert [(p["lon"], p["lat"]) for p in posted] == [clicked]
    assert address.input_value() == "csdd"
    # ArrowDown and ArrowUp move the highlight (aria-activedescendant, aria-selected); Enter takes that one
    page.keyboard.press("ArrowDown")
    assert address.get_attribute("aria-activedescendant") == "address-match-1"
    page.keyboard.press("ArrowDown")  # past the last: the first again
    page.keyboard.press("ArrowUp")
    assert address.get_attribute("aria-activedescendant") == "address-match-1"
    assert page.locator("#address-match-1").get_attribute("aria-selected") == "true"
    assert page.locator("#address-match-0").get_attribute("aria-selected") == "false"
    page.keyboard.press("Enter")
    assert address.input_value() == "江汉区测试大道90号"
    assert float(page.locator("#call-lon").input_value()) == pytest.approx(CENTRE[0] + 0.002, abs=1e-5)
    assert address.get_attribute("aria-expanded") == "false"
    assert texts["station"] in page.locator("#address-place").inner_text()
    assert len(posted) == 1
    console.screenshot(f"addresses-03-keys-{locale}")
