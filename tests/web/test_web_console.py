"""The one-map console in real headless Chromium, against the real app (see conftest.py)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from console_kit import CENTRE, Console, create_incident, free_unit

pytestmark = pytest.mark.browser


def test_log_in_shows_offline_map_with_layers(open_console, console_server) -> None:
    console = open_console("dispatcher")
    page = console.page
    page.wait_for_selector("#map[data-roads='major']")
    assert page.locator(".leaflet-control-attribution").inner_text().strip() == "© OpenStreetMap contributors (ODbL)"
    assert page.locator("#who").inner_text().endswith("调度员")
    # Roads, districts and live layers are on; nothing is loaded from outside the app.
    assert page.evaluate("() => window.precinctMap.map.hasLayer(window.precinctMap.incidents)")
    positioned = [u for u in console_server.api("dispatcher", "GET", "/units").json() if u["lon"] is not None]
    assert page.evaluate("() => window.precinctMap.unitMarkers.size") == len(positioned) > 0
    external = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)"
                             ".filter(n => !n.startsWith(location.origin) && !n.startsWith('data:'))")
    assert external == []
    # Before the first forecast the hotspot layer says there is nothing yet instead of drawing anything.
    page.check("#layer-hotspots")
    page.wait_for_selector("li[data-layer='hotspots'][data-state='no_data']")
    assert "暂无数据" in page.locator("li[data-layer='hotspots']").inner_text()
    page.check("#layer-beats")
    page.wait_for_selector("li[data-layer='beats'][data-state='ready']")
    console.screenshot("01-map-dispatcher")


def test_wrong_password_is_refused_in_the_language_chosen(browser, console_server) -> None:
    console = Console(browser, console_server)
    page = console.page
    page.goto(console_server.base_url + "/")
    page.click("#login-screen .lang-toggle")
    assert page.locator("#login-submit").inner_text() == "Log in"
    page.fill("#login-username", "dispatcher")
    page.fill("#login-password", "not-the-password")
    page.click("#login-submit")
    page.wait_for_selector("#login-error:has-text('Authentication failed')")
    assert page.locator("#app").is_hidden()
    console.close()


def test_create_call_by_clicking_the_map(open_console, console_server) -> None:
    console = open_console("dispatcher")
    page = console.page
    page.click("#stab-call")
    # Keyboard: search the type list, move into it with the arrow key.
    page.fill("#call-type-search", "盗窃")
    page.press("#call-type-search", "ArrowDown")
    assert page.locator("#call-type").input_value() != ""
    type_code = page.locator("#call-type").input_value()
    # Live layers off so that the click lands on the map itself, then pick the scene on the map.
    page.uncheck("#layer-units")
    page.uncheck("#layer-incidents")
    page.evaluate(f"() => window.precinctMap.map.setView([{CENTRE[1]}, {CENTRE[0]}], 15, {{animate: false}})")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert float(page.locator("#call-lon").input_value()) == pytest.approx(CENTRE[0], abs=0.002)
    assert float(page.locator("#call-lat").input_value()) == pytest.approx(CENTRE[1], abs=0.002)
    page.fill("#call-address", "江汉路步行街")
    page.fill("#call-description", "手机被盗 (browser test)")
    page.fill("#caller-name", "张三")
    page.fill("#caller-phone", "13800000001")
    page.wait_for_selector("#duplicates h3")
    console.screenshot("02-new-call")
    page.click("#call-submit")
    page.wait_for_selector("#panel-incident:not([hidden]) #incident-title")
    incident_id = int(page.locator("#panel-incident").get_attribute("data-incident-id"))
    assert page.locator("#incident-status").get_attribute("data-status") == "received"
    stored = console_server.api("dispatcher", "GET", f"/incidents/{incident_id}").json()
    assert stored["type_code"] == type_code
    assert stored["address"] == "江汉路步行街"
    # It appears in the queue and on the map.
    page.check("#layer-incidents")
    assert page.evaluate(f"() => window.precinctMap.incidentMarkers.has({incident_id})")
    page.click("#incident-back")
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident_id}']")
    # The dispatcher may read the caller's details, giving a purpose (audited).
    page.click(f"#incident-list [data-incident-id='{incident_id}']")
    page.click("#parties-show")
    page.wait_for_selector("#parties-list table")
    assert "张三" in page.locator("#parties-list").inner_text()
    console.screenshot("03-incident-card")


def test_dispatch_recommended_unit_updates_a_second_console_live(open_console, console_server) -> None:
    incident = create_incident(console_server, description="dispatch test")
    watcher = open_console("supervisor")
    watcher.page.click("#stab-units")
    watcher.page.wait_for_selector("#live-state[data-mode='push']")
    dispatcher = open_console("dispatcher")
    page = dispatcher.page
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    # the first recommendation of a fresh server may wait for the road graph's build (seconds, more on a busy machine)
    first = page.wait_for_selector("#recommendation-list .recommendation", timeout=45_000)
    unit_id = first.get_attribute("data-unit-id")
    assert first.query_selector(".rec-travel").inner_text().strip() != ""
    dispatcher.screenshot("04-recommendations")
    page.click("#recommendation-list .recommendation .dispatch")  # one click
    page.wait_for_selector("#incident-status[data-status='dispatched']")
    # The second console sees the unit change without a reload.
    watcher.page.wait_for_selector(f"#unit-list li[data-unit-id='{unit_id}'][data-status='dispatched']")
    watcher.screenshot("05-second-console-unit-dispatched")
    page.select_option("#close-disposition", "resolved")
    page.fill("#close-note", "已处置")
    page.click("#close-incident")
    page.click("#close-incident-confirm")  # closing asks to confirm
    page.wait_for_selector("#incident-status[data-status='closed']")
    watcher.page.wait_for_selector(f"#unit-list li[data-unit-id='{unit_id}'][data-status='available']")


def test_unit_status_change_reaches_a_second_console_without_reload(open_console, console_server) -> None:
    watcher = open_console("dispatcher")
    watcher.page.click("#stab-units")
    unit = console_server.api("dispatcher", "GET", "/units", params={"status": "available"}).json()[0]
    row = f"#unit-list li[data-unit-id='{unit['id']}']"
    assert watcher.page.locator(row).get_attribute("data-status") == "available"
    watcher.page.evaluate("() => { window.__sameDocument = true; }")
    console_server.api("supervisor", "POST", f"/units/{unit['id']}/status", json={"status": "out_of_service"})
    watcher.page.wait_for_selector(f"{row}[data-status='out_of_service']", timeout=20_000)
    assert watcher.page.evaluate("() => window.__sameDocument") is True
    console_server.api("supervisor", "POST", f"/units/{unit['id']}/status", json={"status": "available"})
    watcher.page.wait_for_selector(f"{row}[data-status='available']", timeout=20_000)


def test_close_an_incident(open_console, console_server) -> None:
    incident = create_incident(console_server, description="close test")
    console = open_console("dispatcher")
    page = console.page
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.select_option("#close-disposition", "false_alarm")
    page.fill("#close-note", "误报")
    page.click("#close-incident")
    page.click("#close-incident-confirm")
    page.wait_for_selector("#incident-status[data-status='closed']")
    assert console_server.api("dispatcher", "GET",
                              f"/incidents/{incident['id']}").json()["disposition"] == "false_alarm"
    page.click("#incident-back")
    assert page.locator(f"#incident-list [data-incident-id='{incident['id']}']").count() == 0
    assert not page.evaluate(f"() => window.precinctMap.incidentMarkers.has({incident['id']})")


def test_analyst_sees_no_caller_details_but_gets_table_charts_and_csv(open_console, console_server) -> None:
    incident = create_incident(console_server, caller="李四保密", description="privacy test")
    console = open_console("analyst")
    page = console.page
    assert page.locator("#view-analyst").is_visible()
    page.wait_for_selector("#incident-table tbody tr")
    page.wait_for_selector("#charts-basis:has-text('图表基于')")
    assert int(page.locator("#chart_type").get_attribute("data-total")) >= 1
    # A store with no complete past day has no spikes or repeat-call places yet, and says so.
    page.wait_for_selector("#analysis-spikes p[data-state='no_data']")
    page.wait_for_selector("#analysis-repeat_calls p[data-state='no_data']")
    assert "暂无数据" in page.locator("#analysis-spikes p").inner_text()
    with page.expect_download() as download_info:
        page.click("#export-csv")
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(int(r["id"]) == incident["id"] for r in rows)
    assert "李四保密" not in text
    console.screenshot("06-analyst")
    # On the map, the incident card tells the analyst that party details are not for this role.
    page.click("#tab-map")
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.wait_for_selector("#parties-hidden")
    assert page.locator("#parties-form").count() == 0
    assert page.locator("#stab-call").is_hidden()
    assert page.locator("#recommendation-list").count() == 0
    assert "李四保密" not in page.content()
    console.screenshot("07-analyst-incident-no-parties")


def test_language_switch_localises_texts_dates_and_numbers(open_console, console_server) -> None:
    create_incident(console_server, description="language test")
    console = open_console("dispatcher")
    page = console.page
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#tab-map").inner_text() == "一张图"
    first_time = page.locator("#incident-list time").first.inner_text()
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#tab-map").inner_text() == "Map"
    assert page.locator("#stab-queue").inner_text() == "Incidents"
    assert re.search(r"\d+ open incidents", page.locator("#queue-count").inner_text())
    assert page.locator("#incident-list time").first.inner_text() != first_time  # Intl date format follows
    assert "Live incidents" in page.locator("#layer-list").inner_text()
    console.screenshot("08-english")
    # The choice is kept across a reload.
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    assert page.locator("#tab-map").inner_text() == "Map"
    page.click("#lang-toggle")
    assert page.locator("#tab-map").inner_text() == "一张图"


def test_officer_view_fits_a_phone(open_console, console_server) -> None:
    console = open_console("officer", viewport=(390, 844))
    page = console.page
    assert page.locator("#view-officer").is_visible()
    page.wait_for_selector("#officer-unit")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the officer view scrolls sideways ({width}px)"
    assert page.locator("#officer-no-assignment, #officer-assignment").count() == 1
    console.screenshot("09-officer-phone")


OFFICER = {
    "zh-CN": {"ack": "确认接收", "acknowledged": "已确认 ", "en_route": "出发", "status": "在途",
              "headings": ["现场记录", "导航路线"], "on_scene": "到场"},
    "en": {"ack": "Acknowledge", "acknowledged": "Acknowledged ", "en_route": "En route", "status": "En route",
           "headings": ["Field note", "Route to scene"], "on_scene": "On scene"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_officer_acknowledges_and_reports_status_on_a_phone(open_console, console_server, locale) -> None:
    texts = OFFICER[locale]
    free_unit(console_server, console_server.officer_unit_id)
    incident = create_incident(console_server, description="officer test")
    console_server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments",
                       json={"unit_id": console_server.officer_unit_id})
    console = open_console("officer", viewport=(390, 844))
    page = console.page
    if locale == "en":  # the console starts in Chinese
        page.click("#lang-toggle")
        page.wait_for_selector("html[lang='en']")
    page.wait_for_selector(f"#officer-assignment[data-incident-id='{incident['id']}']")
    assert page.locator("#officer-ack").inner_text() == texts["ack"]
    page.click("#officer-ack")
    page.wait_for_selector("#officer-acknowledged")
    assert page.locator("#officer-acknowledged").inner_text().startswith(texts["acknowledged"])
    en_route = page.locator("button[data-unit-status='en_route']")
    assert en_route.inner_text() == texts["en_route"]
    en_route.click()
    page.wait_for_selector("#officer-unit-status[data-status='en_route']")
    assert page.locator("#officer-unit-status").inner_text() == texts["status"]
    page.wait_for_selector("#officer-route[data-kind]")
    assert page.locator("#officer-assignment h3").all_inner_texts() == texts["headings"]
    console.screenshot("10-officer-assignment" + ("-en" if locale == "en" else ""))
    page.click("button[data-unit-status='on_scene']")
    page.wait_for_selector("#officer-unit-status[data-status='on_scene']")
    assert page.locator("#officer-unit-status").inner_text() == texts["on_scene"]
    assert console_server.api("dispatcher", "GET", f"/incidents/{incident['id']}").json()["status"] == "on_scene"


def test_supervisor_runs_a_drill_and_steps_through_its_replay(open_console, console_server) -> None:
    console = open_console("supervisor")
    page = console.page
    page.click("#tab-drills")
    page.wait_for_selector("#drill-scenarios .drill-scenario[data-scenario='armed_assault']")
    page.select_option("#drill-speed-armed_assault", "60")
    page.click("#drill-start-armed_assault")
    page.wait_for_selector("#drill-detail #drill-score")
    run_id = int(page.locator("#drill-detail").get_attribute("data-run-id"))
    run = console_server.api("supervisor", "GET", f"/drills/{run_id}").json()
    assert run["status"] == "running" and run["result"]["injected"] >= 1
    # The first step is a real (drill) incident: it reaches the map's queue like any call, and a unit is sent.
    first = run["result"]["incidents"][0]
    page.click("#tab-map")
    page.wait_for_selector(f"#incident-list [data-incident-id='{first['incident_id']}']")
    unit = next(u for u in console_server.api("dispatcher", "GET", "/units", params={"status": "available"}).json()
                if u["id"] != console_server.officer_unit_id)
    console_server.api("dispatcher", "POST", f"/incidents/{first['incident_id']}/assignments",
                       json={"unit_id": unit["id"]})
    page.click("#tab-drills")
    page.wait_for_selector(f"#drill-runs tr[data-run-id='{run_id}'] .drill-finish")
    page.click(f"#drill-runs tr[data-run-id='{run_id}'] .drill-finish")
    page.wait_for_selector(f"#drill-runs tr[data-run-id='{run_id}'][data-status='finished']")
    scenario = next(s for s in console_server.api("supervisor", "GET", "/drills/scenarios").json()
                    if s["code"] == "armed_assault")
    assert page.locator("#drill-detail h2").inner_text() == f"{scenario['name_zh']} · 已结束"
    page.wait_for_selector("#drill-replay-list li:nth-child(2)")
    assert page.locator("#drill-replay-position").inner_text().startswith("1 / ")
    steps = page.locator("#drill-replay-list li").all_inner_texts()  # each step in words, no raw codes
    assert any("接警" in step for step in steps) and any(f"派出 {unit['call_sign']}" in step for step in steps), steps
    raw = re.compile(r"\b(incident|unit)\.[a-z_]+|\b(en_route|on_scene|dispatched|received|assigned|created)\b")
    assert not [step for step in steps if raw.search(step)], steps
    page.click("#drill-replay-next")
    position = page.locator("#drill-replay-position").inner_text()
    assert position.startswith("2 / ")
    assert page.locator("#drill-replay-list li.active").get_attribute("data-index") == "1"
    console.screenshot("11-drills")
    # In English the run stays open at the same step, its name and each step in English words.
    page.click("#lang-toggle")
    page.wait_for_selector("#drill-replay h3:has-text('Replay, step by step')")
    assert page.locator("#drill-detail").get_attribute("data-run-id") == str(run_id)
    assert page.locator("#drill-detail h2").inner_text() == f"{scenario['name_en']} · finished"
    assert page.locator(f"#drill-runs tr[data-run-id='{run_id}'] td").first.inner_text() == scenario["name_en"]
    assert page.locator("#drill-replay-position").inner_text() == position
    assert page.locator("#drill-replay-list li.active").get_attribute("data-index") == "1"
    assert page.locator("#drill-score-table th").first.inner_text() == "Step"
    steps = page.locator("#drill-replay-list li").all_inner_texts()
    assert any("Call received" in step for step in steps), steps
    assert any(f"{unit['call_sign']} dispatched" in step for step in steps), steps
    assert all(re.search(r" · Step \d+ · #", step) for step in steps), steps
    codes = re.compile(r"\b(incident|unit|assignment)\.[a-z_]+|\b[a-z]+_[a-z_]+\b|[\u4e00-\u9fff]")
    assert not [step for step in steps if codes.search(step)], steps
    console.screenshot("11-drills-en")
    free_unit(console_server, unit["id"])


def test_dispatcher_reviews_drills_but_cannot_start_them(open_console) -> None:
    console = open_console("dispatcher")
    page = console.page
    page.click("#tab-drills")
    page.wait_for_selector("#drill-scenarios .drill-scenario")
    assert page.locator("#drill-scenarios button").count() == 0
    console.close()
