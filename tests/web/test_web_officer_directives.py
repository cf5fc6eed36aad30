"""The officer's phone lists the directives of their unit in headless Chromium, in zh-CN and English: one sent to
the unit, one of its station that names the unit to carry it out, with their deadline and status, not the station's
others; one issued while the phone is open joins the list live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from console_kit import new_account

pytestmark = pytest.mark.browser

DESK = "officer-directives-desk"
TEXTS = {"zh-CN": {"heading": "我的指令", "issued": "已下达", "in_progress": "执行中", "due": "截止"},
         "en": {"heading": "My directives", "issued": "issued", "in_progress": "in progress", "due": "Due"}}


def _station_desk(server, station_id: int) -> None:
    """A dispatcher of the officer's station (its role grant approved by the auditor), unless there is one."""
    if DESK in server.passwords:
        return
    user = new_account(server, DESK, "dispatcher", org_unit_id=station_id, reason="值班 / the unit's duty desk")
    grant = next(g for g in server.api("auditor", "GET", "/role-grants", params={"status": "pending"}).json()
                 if g["user_id"] == user["id"])
    server.api("auditor", "POST", f"/role-grants/{grant['id']}/approve", json={"note": "browser test"})


def _issue(server, title: str, **target: int) -> dict:
    deadline = (datetime.now(UTC) + timedelta(hours=6)).isoformat()
    return server.api("supervisor", "POST", "/directives", json={
        "kind": "other", "title": title, "text": "browser test", "deadline": deadline, **target}).json()


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_officer_sees_the_directives_of_their_unit(open_console, console_server, locale) -> None:
    texts = TEXTS[locale]
    unit_id = console_server.officer_unit_id
    station_id = console_server.api("dispatcher", "GET", f"/units/{unit_id}").json()["home_station_id"]
    _station_desk(console_server, station_id)
    sent = _issue(console_server, f"unit directive {locale}", target_unit_id=unit_id)
    named = _issue(console_server, f"named directive {locale}", target_org_unit_id=station_id)
    others = _issue(console_server, f"station directive {locale}", target_org_unit_id=station_id)
    console_server.api(DESK, "POST", f"/directives/{named['id']}/sign", json={})
    console_server.api(DESK, "POST", f"/directives/{named['id']}/start", json={"unit_ids": [unit_id]})

    console = open_console("officer", viewport=(390, 844), locale=locale)
    page = console.page
    if locale == "en":
        page.click("#lang-toggle")  # the console starts in Chinese
        page.wait_for_selector("html[lang='en']")
    row = "#officer-directive-list li[data-directive-id='{}']"
    first = page.wait_for_selector(row.format(sent["id"]) + "[data-status='issued']")
    assert f"unit directive {locale}" in first.inner_text() and texts["issued"] in first.inner_text()
    assert texts["due"] in first.inner_text()
    second = page.wait_for_selector(row.format(named["id"]) + "[data-status='in_progress']")
    assert texts["in_progress"] in second.inner_text()
    assert page.locator(row.format(others["id"])).count() == 0  # the station's, not naming the unit
    assert page.locator("#officer-directives h2").inner_text() == texts["heading"]
    console.screenshot(f"officer-directives-{locale}")

    page.wait_for_selector("#live-state[data-mode='push']")
    later = _issue(console_server, f"later directive {locale}", target_unit_id=unit_id)
    page.wait_for_selector(row.format(later["id"]) + "[data-status='issued']")
    for directive in (sent, named, others, later):  # leave the station's list as it was for the other tests
        console_server.api("supervisor", "POST", f"/directives/{directive['id']}/cancel",
                           json={"reason": "browser test done"})
