"""The console's layout in both languages at 1366×768 and 1920×1080: the view tabs, the side tabs, the
incident badges and the duty-level panel stay inside their containers, nothing cut off."""

from __future__ import annotations

import pytest
from console_kit import create_incident

pytestmark = pytest.mark.browser

# For each container: how far it overflows itself (scrollWidth - clientWidth), and its visible children
# whose box reaches past the container's (or the window's) right or bottom edge, or whose own text is
# clipped (an element with hidden overflow whose content is wider than its box).
OVERFLOW = """
(selector) => {
  const box = document.querySelector(selector);
  if (!box) return { missing: selector };
  const outer = box.getBoundingClientRect();
  const right = Math.min(outer.right, window.innerWidth), bottom = Math.min(outer.bottom, window.innerHeight);
  const cut = [];
  let scrolls = false;  // a panel inside something that scrolls down may reach below the window
  for (let a = box; a; a = a.parentElement) scrolls ||= ["auto", "scroll"].includes(getComputedStyle(a).overflowY);
  for (const e of box.querySelectorAll("button, .badge, td, th, select, input, h2, span, label")) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || e.closest("[hidden], .sr-only")) continue;
    if (getComputedStyle(e).visibility === "hidden") continue;
    const style = getComputedStyle(e);
    const clipped = style.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1 && e.tagName !== "SELECT"
      && e.tagName !== "INPUT";
    if (r.right > right + 1 || r.left < outer.left - 1 || clipped) {
      cut.push(`${e.tagName.toLowerCase()}#${e.id}.${e.className} "${(e.textContent || "").trim().slice(0, 30)}"`
        + ` right ${Math.round(r.right)} > ${Math.round(right)}${clipped ? " (clipped)" : ""}`);
    }
    const text = (e.textContent || "").trim().slice(0, 30);
    if (!scrolls && r.bottom > bottom + 1) cut.push(`${e.tagName.toLowerCase()} "${text}" below`);
  }
  return { overflow: box.scrollWidth - box.clientWidth, cut };
}
"""


def assert_inside(page, selector: str) -> None:
    """``selector`` does not scroll sideways and none of its visible parts reach outside it."""
    found = page.evaluate(OVERFLOW, selector)
    assert "missing" not in found, found
    assert found["overflow"] <= 1, (selector, found)
    assert not found["cut"], (selector, found["cut"])


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_tabs_badges_and_duty_panel_fit(open_console, console_server, locale, size) -> None:
    create_incident(console_server, type_code="traffic_collision", description="layout test / 版面检查")
    console = open_console("supervisor", viewport=size, locale=locale)
    page = console.page
    if locale == "en":
        page.click("#lang-toggle")
        page.wait_for_selector("#stab-queue:has-text('Incidents')")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
    for selector in ("header.topbar", "#view-tabs", "#side-tabs"):
        assert_inside(page, selector)
    page.wait_for_selector("#panel-queue .badge")
    assert_inside(page, "#panel-queue")
    page.locator("#panel-queue .incident-row").first.click()
    page.wait_for_selector("#panel-incident:not([hidden]) .badge")
    assert_inside(page, "#panel-incident")
    page.click("#stab-duty")
    page.wait_for_selector("#duty-table tr")
    assert_inside(page, "#panel-duty")
    assert_inside(page, "#side")
    console.screenshot(f"layout-duty-{locale}-{size[0]}")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_officer_phone_top_bar_keeps_each_control_on_one_line(open_console, locale) -> None:
    console = open_console("officer", viewport=(390, 844), locale=locale)
    page = console.page
    if locale == "en":
        page.click("#lang-toggle")
        page.wait_for_selector("#tab-officer:has-text('My assignment')")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    heights = page.evaluate("""() => {
      const one = (e) => { const r = e.getBoundingClientRect(), line = parseFloat(getComputedStyle(e).lineHeight)
        || 1.25 * parseFloat(getComputedStyle(e).fontSize); return r.height / line; };
      const shown = [...document.querySelectorAll(
          "header.topbar h1, #view-tabs button, #live-state, #lang-toggle, #alerts-badge")]
        .filter((e) => e.getBoundingClientRect().width && !e.closest("[hidden]"));
      return { header: document.querySelector("header.topbar").getBoundingClientRect().height,
               lines: Object.fromEntries(shown.map((e) => [e.id || e.tagName, one(e)])) };
    }""")
    assert heights["header"] <= 110, heights  # two rows: title and controls, then the view tabs
    assert all(lines < 1.9 for lines in heights["lines"].values()), heights  # none broken over two lines
    assert_inside(page, "#view-officer")
    console.screenshot(f"layout-officer-phone-{locale}")


# Where the new call's submit button is: inside the window, and the element the pointer meets at its centre.
SUBMIT_IN_SIGHT = """() => {
  const submit = document.getElementById("call-submit"), box = submit.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return { top: box.top, bottom: box.bottom, height: innerHeight, inside: box.height > 0 && box.top >= 0
           && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth, clickable: submit.contains(hit) };
}"""
CALL_TEXTS = {"zh-CN": {"tab": "新警情", "need_location": "请先在地图上选定位置"},
              "en": {"tab": "New call", "need_location": "Set the location on the map first"}}


def assert_submit_in_sight(page) -> None:
    where = page.evaluate(SUBMIT_IN_SIGHT)
    assert where["inside"] and where["clickable"], where


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_new_call_submit_stays_in_sight(open_console, locale, size) -> None:
    texts = CALL_TEXTS[locale]
    console = open_console("calltaker", viewport=size, locale=locale)
    page = console.page
    if locale == "en":
        page.click("#lang-toggle")
        page.wait_for_selector(f"#stab-call:has-text('{texts['tab']}')")
    page.click("#stab-call")
    page.wait_for_selector("#call-form #call-submit")
    assert_submit_in_sight(page)  # at the top of the form
    page.fill("#call-description", "layout test / 版面检查")
    page.fill("#caller-phone", "13800000002")  # the last field: the panel scrolls down to it
    assert_submit_in_sight(page)
    page.evaluate("() => document.getElementById('side').scrollTo(0, 0)")
    assert_submit_in_sight(page)
    page.click("#call-submit")  # no location yet: the error shows beside the button, in sight
    page.wait_for_selector(f"#call-error:has-text('{texts['need_location']}')")
    assert_submit_in_sight(page)
    error = page.locator("#call-error").bounding_box()
    assert error["y"] >= 0 and error["y"] + error["height"] <= size[1], error
    assert_inside(page, "#panel-call")
    console.screenshot(f"layout-new-call-{locale}-{size[0]}")
