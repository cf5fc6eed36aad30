"""A language switch in headless Chromium says the map again: incident and unit tooltips, a loaded layer's "send as
directive" popups, and no popup or toast left in the language before."""

from __future__ import annotations

import pytest
from console_kit import create_incident

pytestmark = pytest.mark.browser

TOOLTIP = "(id) => window.precinctMap.incidentMarkers.get(id)?.getTooltip()?.getContent() || ''"
PREMISES_POPUP = """() => {
  const def = window.precinctMap.layerDefs.find((d) => d.key === 'premises');
  const first = def && def.layer ? def.layer.getLayers()[0] : null;
  return first ? first.getPopup()?.getContent()?.textContent || '' : null;
}"""
UNIT_TIPS = "() => [...window.precinctMap.unitMarkers.values()].slice(0, 20).map((m) => m.getTooltip().getContent())"


def test_a_language_switch_says_the_map_again(open_console, console_server) -> None:
    incident = create_incident(console_server, description="language switch test")
    console = open_console("supervisor")
    page = console.page
    page.wait_for_function(f"() => ({TOOLTIP})({incident['id']}).includes('已接警')")
    assert any("空闲" in tip for tip in page.evaluate(UNIT_TIPS))
    page.check("#layer-premises")
    page.wait_for_function(f"() => ({PREMISES_POPUP})() === '下发指令'")
    page.evaluate("() => { window.precinctMap.layerDefs.find((d) => d.key === 'premises').layer.getLayers()[0]"
                  ".openPopup(); }")
    page.wait_for_selector(".leaflet-popup .send-directive")
    page.evaluate("() => { const box = document.getElementById('toast'); box.textContent = '已保存'; "
                  "box.classList.add('show'); }")  # a toast said in Chinese
    page.click("#lang-toggle")
    page.wait_for_selector("html[lang='en']")
    page.wait_for_function(f"() => ({TOOLTIP})({incident['id']}).includes('Received')")
    assert not any("空闲" in tip for tip in page.evaluate(UNIT_TIPS))
    assert any("Available" in tip for tip in page.evaluate(UNIT_TIPS))
    page.wait_for_function(f"() => ({PREMISES_POPUP})() === 'Send as directive'")
    # closed, not left in Chinese (Leaflet fades a closed popup out and removes it 200 ms later)
    page.wait_for_selector(".leaflet-popup", state="detached", timeout=5_000)
    assert not page.locator("#toast").evaluate("(box) => box.classList.contains('show')")
    assert page.locator("#layer-premises").is_checked()
    console.screenshot("language-switch-map-en")
