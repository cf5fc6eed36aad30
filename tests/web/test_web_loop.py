"""Closing the loop in headless Chromium: a station signs for, starts and reports a directive and its issuer
checks the report; "send as directive" from a repeat-call place, a spike, a forecast hotspot and premises;
feedback, call-back and reopening on the incident card; the alert for an assignment nobody acknowledged; an overdue
call's escalation alerting the station at the station's step and the district branch at the branch's; a station
that reinforces another's call seeing it live in its station view."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from console_kit import CENTRE, Console, ConsoleServer, create_incident, free_unit, new_account, serving
from playwright.sync_api import expect
from shapely.geometry import Point, shape
from sqlalchemy import delete
from sqlalchemy.orm import Session

from precinct.core.db import make_engine
from precinct.forecasts.models import StoredForecast

pytestmark = pytest.mark.browser


def _to_english(page) -> None:
    page.click("#lang-toggle")  # the console starts in Chinese; switch to English
    page.wait_for_selector("html[lang='en']")


def _open(open_console, username: str, locale: str):
    console = open_console(username, locale=locale)
    if locale == "en":
        _to_english(console.page)
    return console


def _first_station(server) -> dict:
    return min(server.api("supervisor", "GET", "/org/units", params={"tier": "station"}).json(),
               key=lambda s: s["id"])


def _station_dispatcher(server, station_id: int, username: str) -> None:
    """A dispatcher of ``station_id`` (or of a district branch: its role grant approved by the auditor), unless
    one exists already."""
    if username in server.passwords:
        return
    user = new_account(server, username, "dispatcher", org_unit_id=station_id,
                       reason="值班 / the unit's duty desk")
    grant = next(g for g in server.api("auditor", "GET", "/role-grants", params={"status": "pending"}).json()
                 if g["user_id"] == user["id"])
    server.api("auditor", "POST", f"/role-grants/{grant['id']}/approve", json={"note": "browser test"})


def _issue(server, station_id: int, title: str) -> dict:
    deadline = (datetime.now(UTC) + timedelta(hours=6)).isoformat()
    return server.api("supervisor", "POST", "/directives", json={
        "kind": "other", "title": title, "text": "browser test", "target_org_unit_id": station_id,
        "deadline": deadline}).json()


def _status(server, directive_id: int) -> str:
    return server.api("supervisor", "GET", f"/directives/{directive_id}").json()["status"]


def _show_station(page, station_id: int) -> None:
    page.click("#tab-station")
    page.wait_for_selector("#station-pick")
    if page.locator("#station-pick").input_value() != str(station_id):
        page.select_option("#station-pick", str(station_id))
    page.wait_for_selector(f"#view-station[data-station-id='{station_id}']")


LOOP_TEXTS = {
    "zh-CN": {"sign": "签收", "start": "开始执行", "report": "反馈完成", "accept": "验收通过", "return": "退回",
              "done": "巡区内无异常", "reason": "请补充走访记录"},
    "en": {"sign": "Sign for", "start": "Start", "report": "Report done", "accept": "Accept", "return": "Return",
           "done": "Nothing amiss in the area", "reason": "Add the visits made"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_station_signs_starts_and_reports_a_directive_and_the_issuer_checks_it(open_console, console_server,
                                                                               locale) -> None:
    texts = LOOP_TEXTS[locale]
    station = _first_station(console_server)
    username = "station-desk"
    _station_dispatcher(console_server, station["id"], username)
    directive = _issue(console_server, station["id"], f"loop test {locale}")
    row = f"#station-directive-list li[data-directive-id='{directive['id']}']"
    desk = _open(open_console, username, locale)
    page = desk.page
    page.click("#tab-station")
    assert page.locator(f"#view-station[data-station-id='{station['id']}']").count() == 1  # its own station
    page.click(f"{row}[data-status='issued'] .directive-sign:has-text('{texts['sign']}')")
    page.click(f"{row}[data-status='signed_for'] .directive-start:has-text('{texts['start']}')")
    page.wait_for_selector(f"{row}[data-status='in_progress'] .directive-report-text")
    page.fill(f"{row} .directive-report-text", texts["done"])
    page.click(f"{row} .directive-report:has-text('{texts['report']}')")
    page.wait_for_selector(f"{row}[data-status='reported']")
    assert page.locator(f"{row} .directive-accept").count() == 0  # the station does not check its own report
    stored = console_server.api("supervisor", "GET", f"/directives/{directive['id']}").json()
    assert (stored["status"], stored["report_text"], stored["signed_by"]) == ("reported", texts["done"], username)
    desk.screenshot(f"loop-01-station-reported-{locale}")
    # The issuer returns it with a reason (back in progress), the station reports again, the issuer accepts it.
    issuer = _open(open_console, "supervisor", locale)
    boss = issuer.page
    _show_station(boss, station["id"])
    boss.wait_for_selector(f"{row}[data-status='reported'] .directive-report-shown:has-text('{texts['done']}')")
    assert boss.locator(f"{row} .directive-sign, {row} .directive-report").count() == 0
    boss.fill(f"{row} .directive-return-reason", texts["reason"])
    boss.click(f"{row} .directive-return:has-text('{texts['return']}')")
    boss.wait_for_selector(f"{row}[data-status='in_progress']")
    assert _status(console_server, directive["id"]) == "in_progress"
    page.click("#tab-map")
    page.click("#tab-station")  # the station's list afresh: report once more
    page.wait_for_selector(f"{row}[data-status='in_progress'] .directive-report-text")
    page.fill(f"{row} .directive-report-text", texts["reason"])
    page.click(f"{row} .directive-report")
    page.wait_for_selector(f"{row}[data-status='reported']")
    boss.click("#tab-map")
    _show_station(boss, station["id"])
    boss.click(f"{row}[data-status='reported'] .directive-accept:has-text('{texts['accept']}')")
    boss.wait_for_selector(row, state="detached")  # closed: no longer among the directives to work
    assert _status(console_server, directive["id"]) == "closed"
    events = console_server.api("supervisor", "GET", f"/directives/{directive['id']}/events").json()
    kinds = [e["kind"] for e in events]
    assert kinds.count("reported") == 2 and "returned" in kinds and "accepted" in kinds, kinds


SEND_TEXTS = {"zh-CN": {"sent": "指令已下发", "area": "边长 200 米"},
              "en": {"sent": "Directive #", "area": "200 m square"}}
REPEAT_PLACE = {"place": "闭环测试路 8 号", "n_calls": 9, "first_half_calls": 3, "second_half_calls": 6,
                "trend": "rising", "trend_p_value": 0.04, "category_mix": {"theft": 1.0},
                "lon": CENTRE[0], "lat": CENTRE[1]}


def _only(row: dict):
    """A patch for a JSON list: the server's rows give way to ``row`` (the table then holds a known row)."""
    def change(data: list) -> None:
        data.clear()
        data.append(row)
    return change


def _send_from(page, table: str, text: str, locale: str) -> None:
    page.click(f"#analysis-{table} tr:has-text({json.dumps(text, ensure_ascii=False)}) .send-directive")
    page.wait_for_selector("#directive-dialog[open]")
    assert page.locator("#directive-kind").input_value() == "patrol"
    page.click("#directive-submit")
    page.wait_for_selector("#directive-dialog", state="detached")  # sent: no error kept it open
    page.wait_for_function("(text) => document.querySelector('#toast').textContent.includes(text)",
                           arg=SEND_TEXTS[locale]["sent"])


def _mine_titled(server, text: str) -> dict:
    found = server.api("supervisor", "GET", "/directives", params={"issued_by_me": True, "page_size": 100}).json()
    return next(d for d in found["items"] if text in d["title"])


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_send_as_directive_from_a_repeat_call_place_and_a_spike(open_console, console_server, locale) -> None:
    district = min(console_server.api("supervisor", "GET", "/org/units", params={"tier": "district"}).json(),
                   key=lambda d: d["id"])
    place = {**REPEAT_PLACE, "place": f"{REPEAT_PLACE['place']} {locale}"}
    spike = {"area": district["name_zh"], "area_en": district["name_en"], "observed": 40, "expected": 12.5,
             "p_value": 0.001, "alarm": True, "window_days": 7, "baseline_days": 56}
    console = open_console("supervisor", locale=locale, patches={"/analysis/repeat-places*": _only(place),
                                                                 "/analysis/spikes*": _only(spike)})
    page = console.page
    if locale == "en":
        _to_english(page)
    page.click("#tab-analyst")
    page.wait_for_selector(f"#analysis-repeat_calls tr:has-text('{place['place']}') .send-directive").click()
    page.wait_for_selector(f"#directive-area:has-text('{SEND_TEXTS[locale]['area']}')")  # a point: patrol its square
    page.click("#directive-cancel")
    _send_from(page, "repeat_calls", place["place"], locale)
    sent = _mine_titled(console_server, place["place"])
    assert (sent["kind"], sent["geometry"]["type"], sent["links"][0]["kind"]) == ("patrol", "Polygon", "repeat_place")
    assert sent["station_id"] is not None  # sent to the station of the place
    _show_station(page, sent["station_id"])
    page.wait_for_selector(f"#station-directive-list li[data-directive-id='{sent['id']}'][data-status='issued']")
    console.screenshot(f"loop-02-repeat-place-directive-{locale}")
    page.click("#tab-analyst")
    area = district["name_zh"] if locale == "zh-CN" else district["name_en"]
    _send_from(page, "spikes", area, locale)
    spiked = _mine_titled(console_server, district["name_zh"])
    assert (spiked["kind"], spiked["target_org_unit_id"]) == ("patrol", district["id"])
    assert spiked["links"][0]["kind"] == "spike"
    assert spiked["geometry"]["type"] in ("Polygon", "MultiPolygon")


FOLLOW_UP_TEXTS = {
    "zh-CN": {"feedback": "已电话告知报警人处理结果", "write": "提交反馈", "call_back": "记录回访", "met": "按时",
              "reason": "报警人反映问题仍未解决", "reopen": "重新打开警情"},
    "en": {"feedback": "Told the caller how it was handled", "write": "Write feedback",
           "call_back": "Record the call-back", "met": "met", "reason": "The caller says it is not solved",
           "reopen": "Reopen the incident"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_feedback_call_back_and_reopening_from_the_incident_card(open_console, console_server, locale) -> None:
    texts = FOLLOW_UP_TEXTS[locale]
    incident = create_incident(console_server, description=f"follow-up test {locale}")
    console = _open(open_console, "supervisor", locale)
    page = console.page
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.select_option("#close-disposition", "resolved")
    page.fill("#close-note", texts["feedback"])
    page.click("#close-incident")
    page.click("#close-incident-confirm")
    page.wait_for_selector("#incident-status[data-status='closed']")
    # Closed: the feedback and call-back stages run, each closed from the card's time limits.
    page.wait_for_selector("#deadline-list li[data-stage='feedback'][data-outcome='open']")
    page.fill("#feedback-text", texts["feedback"])
    page.click(f"#feedback-form-submit:has-text('{texts['write']}')")
    page.wait_for_selector(f"#deadline-list li[data-stage='feedback'][data-outcome='met']:has-text('{texts['met']}')")
    assert page.locator("#feedback-form").count() == 0
    page.select_option("#callback-outcome", "satisfied")
    page.fill("#callback-note", texts["feedback"])
    page.click(f"#callback-form-submit:has-text('{texts['call_back']}')")
    page.wait_for_selector("#deadline-list li[data-stage='callback'][data-outcome='met']")
    console.screenshot(f"loop-03-follow-up-{locale}")
    deadlines = console_server.api("supervisor", "GET", f"/supervision/incidents/{incident['id']}/deadlines").json()
    ended = {d["stage"]: d["outcome"] for d in deadlines["deadlines"] if d["stage"] in ("feedback", "callback")}
    assert ended == {"feedback": "met", "callback": "met"}
    # A supervisor reopens it with a reason: back in the queue.
    page.click("#reopen-form-submit")  # no reason: refused, and said why
    page.wait_for_selector("#reopen-form .error:not(:empty)")
    page.fill("#reopen-reason", texts["reason"])
    page.click(f"#reopen-form-submit:has-text('{texts['reopen']}')")
    page.wait_for_selector("#incident-status[data-status='received']")
    assert console_server.api("supervisor", "GET", f"/incidents/{incident['id']}").json()["status"] == "received"
    kinds = [e["kind"] for e in console_server.api("supervisor", "GET", f"/incidents/{incident['id']}/events").json()]
    assert {"feedback", "callback", "reopened"} <= set(kinds), kinds
    page.wait_for_selector(f"#event-list li[data-kind='reopened']:has-text('{texts['reason']}')")


ACK_TIMEOUT_S = 2


@contextmanager
def _second_server(console_server, tmp_path: Path) -> Iterator[ConsoleServer]:
    """A second server on a copy of the console's database (the settings from the environment: set them first)."""
    source = sqlite3.connect(console_server.log_file.parent / "console.db")
    target = sqlite3.connect(tmp_path / "console.db")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    with serving(f"sqlite:///{tmp_path / 'console.db'}", tmp_path) as (base_url, log_file):
        yield ConsoleServer(base_url, console_server.passwords, console_server.officer_unit_id, log_file,
                            console_server.factors, console_server.recovery_codes)


@pytest.fixture
def quick_ack_server(console_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ConsoleServer]:
    """A second server on a copy of the console's database whose watchdog escalates after ``ACK_TIMEOUT_S``."""
    monkeypatch.setenv("PRECINCT_DISPATCH_ACK_TIMEOUT_S", str(ACK_TIMEOUT_S))
    with _second_server(console_server, tmp_path) as server:
        yield server


def test_an_unacknowledged_assignment_raises_an_alert(browser, quick_ack_server) -> None:
    server = quick_ack_server
    console = Console(browser, server).log_in("dispatcher")
    page = console.page
    try:
        page.wait_for_selector("#live-state[data-mode='push']")
        incident = create_incident(server, description="ack escalation test")
        units = server.api("dispatcher", "GET", "/units", params={"status": "available"}).json()
        unit_id = next(u["id"] for u in units if u["lon"] is not None)
        server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments", json={"unit_id": unit_id})
        # The watchdog (every 10 s) escalates it: a toast, the badge and the alert list, in words.
        page.wait_for_function("() => document.querySelector('#toast').textContent.includes('派警未确认')",
                               timeout=30_000)
        page.click("#alerts-badge")
        alert = "#alerts-list li[data-kind='ack']"
        page.wait_for_selector(f"{alert}:has-text('派警未确认：派警{ACK_TIMEOUT_S}秒未确认')")
        _to_english(page)  # the list says it again in English
        page.wait_for_selector(
            f"{alert}:has-text('Unacknowledged assignment: assignment not acknowledged within {ACK_TIMEOUT_S} s')")
        console.screenshot("loop-04-ack-alert-en")
        page.click(f"{alert} button")
        page.wait_for_selector(f"#panel-incident:not([hidden])[data-incident-id='{incident['id']}']")
    finally:
        console.close()


ESCALATE_DISTRICT_AFTER_S = 12


def _signed_in(server: ConsoleServer, *usernames: str) -> None:
    """Log the accounts in for API calls, waiting as long as a server just started needs for its first log-ins
    (longer than one API call waits)."""
    for username in usernames:
        if username not in server.tokens:
            response = httpx.post(f"{server.base_url}/api/v1/auth/token", data=server.log_in_form(username), timeout=90)
            response.raise_for_status()
            server.tokens[username] = response.json()["access_token"]


def _station_of(server, lon: float, lat: float) -> dict:
    """The station whose boundary holds the point (as the server resolves a call's jurisdiction)."""
    _signed_in(server, "dispatcher")
    stations = server.api("dispatcher", "GET", "/org/units", params={"tier": "station", "boundaries": True}).json()
    return next(s for s in stations if s["boundary"] and shape(s["boundary"]).contains(Point(lon, lat)))


@pytest.fixture
def quick_escalation_server(console_server, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ConsoleServer, dict]]:
    """A second server (on a copy of the console's database, with a dispatcher of the station holding ``CENTRE``
    and one of its district branch) whose sweep runs every second and passes a breach to the branch after
    ``ESCALATE_DISTRICT_AFTER_S``. Yields it and the station."""
    station = _station_of(console_server, *CENTRE)
    _station_dispatcher(console_server, station["id"], "tier-station")
    _station_dispatcher(console_server, station["parent_id"], "tier-district")
    monkeypatch.setenv("PRECINCT_DEADLINE_SWEEP_INTERVAL_S", "1")
    monkeypatch.setenv("PRECINCT_ESCALATE_DISTRICT_AFTER_S", str(ESCALATE_DISTRICT_AFTER_S))
    with _second_server(console_server, tmp_path) as server:
        yield server, station


TIER_TEXTS = {"zh-CN": {"alert": "超期升级：", "station": "已通报派出所", "district": "已通报分局"},
              "en": {"alert": "Overdue escalation: ", "station": "station notified",
                     "district": "district branch notified"}}


def _deadline_alerts(page, incident_id: int):
    """The alert list's entries for overdue escalations of ``incident_id`` (the list opened)."""
    if page.locator("#notify-panel").is_hidden():
        page.click("#alerts-badge")
    return page.locator(f"#alerts-list li[data-kind='deadline'][data-incident-id='{incident_id}']")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_escalation_alerts_each_level_at_its_own_step(browser, quick_escalation_server, locale) -> None:
    server, station = quick_escalation_server
    texts = TIER_TEXTS[locale]
    consoles: dict[str, Console] = {}
    try:
        for tier in ("station", "district"):  # logged in first: the browser waits longer than an API call
            console = consoles[tier] = Console(browser, server, locale=locale)
            console.log_in(f"tier-{tier}")
            if locale == "en":
                _to_english(console.page)
            console.page.wait_for_selector("#live-state[data-mode='push']")
        desk, branch = consoles["station"].page, consoles["district"].page
        _signed_in(server, "supervisor", "calltaker")
        server.api("supervisor", "POST", "/supervision/time-limits", json={  # this server's copy of the table only
            "limits": [{"priority": 1, "stage": "dispatch", "limit_s": 3}], "reason": "browser test / 浏览器测试"})
        incident = create_incident(server, type_code="robbery", description=f"escalation tiers {locale}")
        assert (incident["station_id"], incident["district_id"]) == (station["id"], station["parent_id"])
        # Step 1, the station: the station's desk is alerted ...
        alerts = _deadline_alerts(desk, incident["id"])
        expect(alerts).to_have_count(1, timeout=30_000)
        expect(alerts).to_contain_text(texts["alert"])
        expect(alerts).to_contain_text(texts["station"])
        # ... and the branch's board shows the step, but the branch gets no alert for it.
        branch.click("#stab-overdue")
        branch.wait_for_selector(f"#overdue-list li[data-incident-id='{incident['id']}'] .escalation[data-level='1']")
        branch.wait_for_timeout(1000)  # time for the step's live event to have come (and been passed over)
        assert _deadline_alerts(branch, incident["id"]).count() == 0
        consoles["district"].screenshot(f"loop-05-branch-not-alerted-at-step-1-{locale}")
        # Step 2, the district branch: now the branch is alerted (a toast and the list), the station not again.
        alerts = _deadline_alerts(branch, incident["id"])
        expect(alerts).to_have_count(1, timeout=(ESCALATE_DISTRICT_AFTER_S + 30) * 1000)
        expect(alerts).to_contain_text(texts["district"])
        expect(branch.locator("#toast")).to_contain_text(texts["alert"])
        consoles["district"].screenshot(f"loop-06-branch-alerted-at-step-2-{locale}")
        desk.wait_for_timeout(1500)  # the same step reached the station's stream too
        expect(_deadline_alerts(desk, incident["id"])).to_have_count(1)
        alerts.locator("button").click()  # the alert opens the call, at its time limits
        branch.wait_for_selector(f"#panel-incident:not([hidden])[data-incident-id='{incident['id']}'] #sec-deadlines")
    finally:
        for console in consoles.values():
            console.close()


REINFORCE_TEXTS = {"zh-CN": {"badge": "增援", "on_scene": "到场"},
                   "en": {"badge": "Reinforcing", "on_scene": "On scene"}}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_reinforcing_station_sees_the_call_live_in_its_station_view(open_console, console_server, locale) -> None:
    texts = REINFORCE_TEXTS[locale]
    owner = _station_of(console_server, *CENTRE)
    units = console_server.api("dispatcher", "GET", "/units", params={"status": "available"}).json()
    helper = next(u for u in units if u["home_station_id"] not in (None, owner["id"]) and u["lon"] is not None
                  and u["id"] != console_server.officer_unit_id)
    username = f"help-desk-{helper['home_station_id']}"
    _station_dispatcher(console_server, helper["home_station_id"], username)
    desk = _open(open_console, username, locale)
    page = desk.page
    page.wait_for_selector("#live-state[data-mode='push']")
    page.click("#tab-station")
    page.wait_for_selector(f"#view-station[data-station-id='{helper['home_station_id']}'] #station-incident-list",
                           state="attached")
    incident = create_incident(console_server, description=f"reinforcement test {locale}")
    assert incident["station_id"] == owner["id"]
    row = f"#station-incident-list [data-incident-id='{incident['id']}']"
    try:
        console_server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments",
                           json={"unit_id": helper["id"]})
        page.wait_for_selector(row)  # live: the station never reloaded its view
        owner_name = owner["name_zh"] if locale == "zh-CN" else owner["name_en"]
        expect(page.locator(f"{row} [data-reinforcing='true']")).to_contain_text(texts["badge"])
        expect(page.locator(f"{row} [data-reinforcing='true']")).to_contain_text(owner_name)
        console_server.api("dispatcher", "POST", f"/units/{helper['id']}/status", json={"status": "on_scene"})
        expect(page.locator(f"{row} .badge-status[data-status='on_scene']")).to_have_text(texts["on_scene"])
        desk.screenshot(f"loop-07-reinforcing-station-{locale}")
    finally:
        free_unit(console_server, helper["id"])


HOTSPOT_CELL = 424242  # the one flagged cell of the forecast the hotspot test stores
CELL_HALF_M = 125.0


def _cell_ring(lon: float, lat: float) -> list[list[float]]:
    """The closed ring of a square forecast cell (side ``2 * CELL_HALF_M``) centred on ``lon``, ``lat``."""
    d_lat = CELL_HALF_M / 111_320
    d_lon = CELL_HALF_M / (111_320 * math.cos(math.radians(lat)))
    return [[lon - d_lon, lat - d_lat], [lon + d_lon, lat - d_lat], [lon + d_lon, lat + d_lat],
            [lon - d_lon, lat + d_lat], [lon - d_lon, lat - d_lat]]


@contextmanager
def _stored_forecast(server, lon: float, lat: float) -> Iterator[int]:
    """A stored forecast flagging one cell centred on ``lon``, ``lat`` (the hotspot layer's latest) while the
    block runs; removed afterwards, so that other tests still see a city without forecasts. Yields its id."""
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [_cell_ring(lon, lat)]},
               "properties": {"cell": HOTSPOT_CELL, "rank": 1, "score": 3.5, "method": "kde", "category": "all",
                              "valid_for": datetime.now(UTC).date().isoformat()}}
    geojson = {"type": "FeatureCollection", "features": [feature],
               "properties": {"cell_m": 2 * CELL_HALF_M, "coverage": 0.05, "crs_of_grid": "EPSG:32650"}}
    engine = make_engine(f"sqlite:///{server.log_file.parent / 'console.db'}")
    try:
        with Session(engine) as session:
            forecast = StoredForecast(created_by="web-tests", method="kde", category="all", cell_m=2 * CELL_HALF_M,
                                      coverage=0.05, target_date=datetime.now(UTC).date(), history_days=28,
                                      n_events=100, geojson=json.dumps(geojson), district_shares=[], seconds=0.1)
            session.add(forecast)
            session.commit()
            forecast_id = forecast.id
        try:
            yield forecast_id
        finally:
            with Session(engine) as session:
                session.execute(delete(StoredForecast).where(StoredForecast.id == forecast_id))
                session.commit()
    finally:
        engine.dispose()


def _linked(server, link_kind: str, ref_id: int) -> list[dict]:
    return server.api("supervisor", "GET", "/directives", params={
        "link_kind": link_kind, "link_ref_id": ref_id, "page_size": 100}).json()["items"]


def _submit_directive(page, locale: str) -> None:
    page.click("#directive-submit")
    page.wait_for_selector("#directive-dialog", state="detached")  # sent: no error kept it open
    page.wait_for_function("(text) => document.querySelector('#toast').textContent.includes(text)",
                           arg=SEND_TEXTS[locale]["sent"])


HOTSPOT_TEXTS = {"zh-CN": f"预测热点网格 {HOTSPOT_CELL}", "en": f"forecast cell {HOTSPOT_CELL}"}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_send_as_directive_from_a_forecast_hotspot(open_console, console_server, locale) -> None:
    station = _station_of(console_server, *CENTRE)
    console = _open(open_console, "supervisor", locale)
    page = console.page
    with _stored_forecast(console_server, *CENTRE) as forecast_id:
        page.uncheck("#layer-units")  # nothing above the cell where the click lands
        page.uncheck("#layer-incidents")
        page.check("#layer-hotspots")
        page.wait_for_selector("li[data-layer='hotspots'][data-state='ready']")
        page.evaluate(f"() => window.precinctMap.map.setView([{CENTRE[1]}, {CENTRE[0]}], 16, {{animate: false}})")
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the cell: its popup
        page.click(".leaflet-popup-content .send-directive[data-source='forecast_cell']")
        page.wait_for_selector("#directive-dialog[open]")
        assert page.locator("#directive-kind").input_value() == "patrol"
        assert page.locator("#directive-target").input_value() == str(station["id"])  # the cell's station
        expect(page.locator("#directive-link")).to_contain_text(HOTSPOT_TEXTS[locale])
        expect(page.locator("#directive-area")).to_have_text("")  # the cell is the area: no square around a point
        console.screenshot(f"loop-08-hotspot-directive-{locale}")
        before = {d["id"] for d in _linked(console_server, "forecast_cell", forecast_id)}
        _submit_directive(page, locale)
        sent = [d for d in _linked(console_server, "forecast_cell", forecast_id) if d["id"] not in before]
    assert len(sent) == 1, sent
    directive = sent[0]
    assert (directive["kind"], directive["target_org_unit_id"], directive["station_id"]) == (
        "patrol", station["id"], station["id"])
    assert directive["links"][0]["ref_key"] == str(HOTSPOT_CELL)
    assert directive["geometry"]["type"] == "Polygon"
    assert shape(directive["geometry"]).contains(Point(*CENTRE))
    assert directive["window_start"] and directive["window_end"]


PREMISES_TEXTS = {"zh-CN": "重点场所", "en": "premises"}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_send_as_directive_from_premises_in_the_station_view(open_console, console_server, locale) -> None:
    features = console_server.api("supervisor", "GET", "/places/premises").json()["features"]
    names = [f["properties"]["name"] for f in features]
    premises = next(f["properties"] for f in features
                    if f["properties"]["station_id"] is not None and names.count(f["properties"]["name"]) == 1)
    console = _open(open_console, "supervisor", locale)
    page = console.page
    _show_station(page, premises["station_id"])
    name_text = json.dumps(premises["name"], ensure_ascii=False)
    page.click(f"#station-place-list li.premises:has-text({name_text}) .send-directive")
    page.wait_for_selector("#directive-dialog[open]")
    assert page.locator("#directive-kind").input_value() == "inspect_premises"
    assert page.locator("#directive-target").input_value() == str(premises["station_id"])
    expect(page.locator("#directive-link")).to_contain_text(f"{PREMISES_TEXTS[locale]} {premises['name']}")
    assert premises["name"] in page.locator("#directive-title-input").input_value()
    console.screenshot(f"loop-09-premises-directive-{locale}")
    before = {d["id"] for d in _linked(console_server, "premises", premises["id"])}
    _submit_directive(page, locale)
    sent = [d for d in _linked(console_server, "premises", premises["id"]) if d["id"] not in before]
    assert len(sent) == 1, sent
    directive = sent[0]
    assert (directive["kind"], directive["target_org_unit_id"]) == ("inspect_premises", premises["station_id"])
    assert (directive["links"][0]["kind"], directive["links"][0]["ref_id"]) == ("premises", premises["id"])
    stored = console_server.api("supervisor", "GET", f"/places/premises/{premises['id']}").json()
    assert directive["geometry"] == {"type": "Point", "coordinates": [stored["lon"], stored["lat"]]}  # its place
