"""The time-limit table under the overdue board in headless Chromium: a city supervisor changes a cell and saves a new
version with a reason (a refusal without one shows in words and stores nothing); a dispatcher reads the table only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LOCALES = ["zh-CN", "en"]
TEXTS = {"zh-CN": {"title": "时限表", "saved": "已保存为第", "reason": "修改原因", "callback": "回访", "p4": "4 级",
                   "unchanged": "没有改动的时限", "bad": "时限须为至少 1 秒"},
         "en": {"title": "Time-limit table", "saved": "Saved as version", "reason": "Reason for the change",
                "callback": "Call-back", "p4": "P4", "unchanged": "No limit was changed",
                "bad": "a limit must be a number, at least 1 second"}}
CELL = "#time-limit-table input[data-priority='4'][data-stage='callback']"


def _minutes(seconds: int) -> str:
    """Seconds as the table shows them: minutes to two decimals, without a trailing .0."""
    return f"{round(seconds / 60, 2):g}"


def _limits(console_server) -> dict:
    return console_server.api("supervisor", "GET", "/supervision/time-limits").json()


def _callback_p4(table: dict) -> int:
    return next(c["limit_s"] for c in table["limits"] if c["priority"] == 4 and c["stage"] == "callback")


def _overdue_panel(open_console, username: str, locale: str):
    console = open_console(username, locale=locale)
    page = console.page
    if locale == "en":
        page.click("#lang-toggle")
        page.wait_for_selector("html[lang='en']")
    page.click("#stab-overdue")
    page.wait_for_selector(f"#time-limits h2:has-text('{TEXTS[locale]['title']}')")
    return console


@pytest.mark.parametrize("locale", LOCALES)
def test_a_city_supervisor_saves_a_new_version_of_the_table(open_console, console_server, locale) -> None:
    before = _limits(console_server)
    was_s = _callback_p4(before)
    console = _overdue_panel(open_console, "supervisor", locale)
    page = console.page
    cell = page.locator(CELL)
    assert cell.input_value() == _minutes(was_s)
    label = f"{TEXTS[locale]['callback']} · {TEXTS[locale]['p4']}"
    assert cell.get_attribute("aria-label") == label
    page.fill("#time-limit-reason", "no real change")
    cell.fill(f"{was_s / 60:.3f}")  # the same seconds written otherwise: nothing to save
    page.click("#time-limit-save")
    page.wait_for_selector(f"#time-limit-error:has-text('{TEXTS[locale]['unchanged']}')")
    cell.fill("0.001")  # under a second
    page.click("#time-limit-save")
    page.wait_for_selector(f"#time-limit-error:has-text('{TEXTS[locale]['bad']}')")
    assert label in page.locator("#time-limit-error").inner_text()
    page.fill("#time-limit-reason", "")
    try:
        cell.fill(str(was_s // 60 + 30))
        page.click("#time-limit-save")  # no reason: refused by the server, said in the console's language
        page.wait_for_selector(f"#time-limit-error:has-text('{TEXTS[locale]['reason']}')")
        assert _limits(console_server)["version"]["id"] == before["version"]["id"]
        page.fill("#time-limit-reason", f"call-backs take longer ({locale})")
        page.click("#time-limit-save")
        page.wait_for_function("(text) => document.querySelector('#toast').textContent.includes(text)",
                               arg=TEXTS[locale]["saved"])
        after = _limits(console_server)
        assert after["version"]["id"] > before["version"]["id"]
        assert after["version"]["reason"] == f"call-backs take longer ({locale})"
        assert _callback_p4(after) == (was_s // 60 + 30) * 60
        assert {(c["priority"], c["stage"]): c["limit_s"] for c in after["limits"] if c["stage"] != "callback"} == {
            (c["priority"], c["stage"]): c["limit_s"] for c in before["limits"] if c["stage"] != "callback"}
        page.wait_for_selector(f"#time-limit-version:has-text('{after['version']['reason']}')")
        assert page.locator(CELL).input_value() == str(was_s // 60 + 30)
        page.click("#time-limit-versions summary")
        assert page.locator(f"#time-limit-versions li[data-version-id='{after['version']['id']}']").is_visible()
        console.screenshot(f"time-limits-{locale}")
    finally:
        if _callback_p4(_limits(console_server)) != was_s:
            console_server.api("supervisor", "POST", "/supervision/time-limits", json={
                "limits": [{"priority": 4, "stage": "callback", "limit_s": was_s}], "reason": "web test restores"})


@pytest.mark.parametrize("locale", LOCALES)
def test_a_dispatcher_reads_the_table_without_changing_it(open_console, console_server, locale) -> None:
    table = _limits(console_server)
    page = _overdue_panel(open_console, "dispatcher", locale).page
    assert page.locator("#time-limit-table input").count() == 0 and page.locator("#time-limit-save").count() == 0
    shown = page.locator("#time-limit-table tr[data-stage='dispatch'] .limit-minutes[data-priority='1']").inner_text()
    assert float(shown) == round(next(c["limit_s"] for c in table["limits"]
                                      if c["priority"] == 1 and c["stage"] == "dispatch") / 60, 2)
    assert page.locator("#time-limit-table tbody tr").count() == len(table["stages"])


STALE = {"zh-CN": "时限表已有更新的版本", "en": "the time-limit table has a newer version"}


@pytest.mark.parametrize("locale", LOCALES)
def test_a_save_on_a_version_changed_since_is_refused_and_the_edit_kept(open_console, console_server, locale) -> None:
    before = _limits(console_server)
    was_s = _callback_p4(before)
    page = _overdue_panel(open_console, "supervisor", locale).page
    try:
        # another supervisor saves a version while this table is open
        other = console_server.api("supervisor", "POST", "/supervision/time-limits", json={
            "limits": [{"priority": 4, "stage": "callback", "limit_s": was_s + 600}], "reason": "another desk",
            "base_version_id": before["version"]["id"]})
        assert other.status_code == 201, other.text
        page.locator(CELL).fill(str(was_s // 60 + 45))
        page.fill("#time-limit-reason", f"stale edit ({locale})")
        page.click("#time-limit-save")
        page.wait_for_selector(f"#time-limit-error:has-text('{STALE[locale]}')")
        assert (STALE["en"] in page.locator("#time-limit-error").inner_text()) == (locale == "en")  # one language
        after = _limits(console_server)
        assert after["version"]["id"] == other.json()["version"]["id"]  # nothing stored over the other's version
        assert _callback_p4(after) == was_s + 600
        assert page.locator(CELL).input_value() == str(was_s // 60 + 45)  # the edit is still there to redo
    finally:
        if _callback_p4(_limits(console_server)) != was_s:
            console_server.api("supervisor", "POST", "/supervision/time-limits", json={
                "limits": [{"priority": 4, "stage": "callback", "limit_s": was_s}], "reason": "web test restores"})


def test_switching_language_while_editing_keeps_the_edits(open_console, console_server) -> None:
    was_s = _callback_p4(_limits(console_server))
    page = _overdue_panel(open_console, "supervisor", "zh-CN").page
    page.locator(CELL).fill(str(was_s // 60 + 15))
    page.fill("#time-limit-reason", "换班前改 / before the shift change")
    page.click("#lang-toggle")
    page.wait_for_selector(f"#time-limits h2:has-text('{TEXTS['en']['title']}')")
    assert page.locator(CELL).input_value() == str(was_s // 60 + 15)
    assert page.locator("#time-limit-reason").input_value() == "换班前改 / before the shift change"
    untouched = "#time-limit-table input[data-priority='1'][data-stage='dispatch']"
    assert round(float(page.locator(untouched).input_value()) * 60) == int(
        page.locator(untouched).get_attribute("data-was-s"))  # the cells not edited show the version's values
    assert _callback_p4(_limits(console_server)) == was_s  # nothing saved by the switch
