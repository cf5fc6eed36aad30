"""The intake form's address search in headless Chromium: typing shows matches, choosing one places the call and
shows its station and beat before the call is stored; a map click reverse-geocodes."""

from __future__ import annotations

import httpx
import pytest
from console_kit import CENTRE

pytestmark = pytest.mark.browser

REGISTER = ("code,text,text_en,name,district,road,number,lon,lat\n"
            f"WEB-1,,Web Test Plaza,网页测试广场,江汉区,测试大道,88,{CENTRE[0] + 0.001},{CENTRE[1]}\n"
            f"WEB-2,,,,江汉区,测试大道,90,{CENTRE[0] + 0.002},{CENTRE[1]}\n")


def test_typing_an_address_places_the_call_and_a_click_names_the_place(open_console, console_server) -> None:
    response = httpx.post(f"{console_server.base_url}/api/v1/addresses/imports", params={"name": "web.csv"},
                          content=REGISTER.encode(), timeout=60,
                          headers={"Authorization": f"Bearer {console_server.token('supervisor')}",
                                   "Content-Type": "text/csv"})
    assert response.status_code == 201, response.text
    console = open_console("dispatcher")
    page = console.page
    page.click("#stab-call")
    page.fill("#call-address", "csdd")  # the initials of 测试大道
    page.wait_for_selector("#address-matches .address-match")
    assert page.locator("#address-matches .address-match").count() == 2
    page.fill("#call-address", "测试大道 88")
    page.wait_for_selector("#address-matches .address-match:has-text('测试大道88号')")
    page.click("#address-matches .address-match >> nth=0")
    assert page.locator("#call-address").input_value() == "江汉区测试大道88号"
    assert float(page.locator("#call-lon").input_value()) == pytest.approx(CENTRE[0] + 0.001, abs=1e-5)
    assert float(page.locator("#call-lat").input_value()) == pytest.approx(CENTRE[1], abs=1e-5)
    place = page.locator("#address-place")
    assert "辖区派出所: " in place.inner_text() and "警务区: " in place.inner_text()
    assert "—" not in place.locator(".address-station").inner_text()
    console.screenshot("addresses-01-chosen")
    page.fill("#call-address", "")
    page.uncheck("#layer-units")
    page.uncheck("#layer-incidents")
    page.evaluate(f"() => window.precinctMap.map.setView([{CENTRE[1]}, {CENTRE[0] + 0.002}], 17, {{animate: false}})")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.getElementById('call-address').value === '江汉区测试大道90号'")
    assert "派出所" in page.locator("#address-place .address-station").inner_text()
    console.screenshot("addresses-02-reverse")
