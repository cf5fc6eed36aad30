"""The console takes its decisions from the server: the caller's permissions (``GET /auth/me``), the
status machines, code lists and time zone (``GET /meta``). Each test changes what the server answers
on the way to the browser and checks that the console follows."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from console_kit import create_incident

pytestmark = pytest.mark.browser

CITY_ZONE = "America/St_Johns"  # a half-hour offset with daylight saving: -03:30 in January, -02:30 in July


def grant(*gained: str, lose: tuple[str, ...] = ()):
    """A patch for /auth/me: the role holds the permissions ``gained`` and not those in ``lose``."""

    def change(me: dict) -> None:
        me["permissions"] = [p for p in me["permissions"] if p not in lose] + list(gained)

    return change


def option_values(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(f"{selector} option", "options => options.map(o => o.value)")


def test_views_and_buttons_follow_the_permissions_the_server_lists(open_console, console_server) -> None:
    incident = create_incident(console_server, description="permissions test")
    console = open_console("dispatcher", patches={"/auth/me": grant("command", lose=("dispatch", "review"))})
    page = console.page
    # Without review: no analysis or drills view; without dispatch: recommendations but no dispatch button.
    assert page.locator("#tab-analyst").is_hidden() and page.locator("#tab-drills").is_hidden()
    page.wait_for_selector(f"#incident-list [data-incident-id='{incident['id']}']").click()
    page.wait_for_selector("#recommendation-list .recommendation")
    assert page.locator("#recommendation-list .dispatch").count() == 0
    # With command: the duty levels may be set.
    page.click("#incident-back")
    page.click("#stab-duty")
    page.wait_for_selector("#duty-table tr")
    assert page.locator("#duty-table select").count() == page.locator("#duty-table tr").count() > 0

    # An analyst granted the officer permission gets the officer view, and starts there.
    analyst = open_console("analyst", patches={"/auth/me": grant("officer")})
    assert analyst.page.locator("#tab-officer").is_visible()
    analyst.page.wait_for_selector("#view-officer:not([hidden]) #officer-no-unit")


def test_status_moves_and_code_lists_follow_the_servers_tables(open_console, console_server) -> None:
    incident = create_incident(console_server, description="status machine test")
    meta = console_server.api("dispatcher", "GET", "/meta").json()
    row = f"#incident-list [data-incident-id='{incident['id']}']"
    plain = open_console("dispatcher")
    plain.page.wait_for_selector(row).click()
    plain.page.wait_for_selector("#close-incident")
    assert plain.page.locator(".status-button[data-target='transferred']").count() == 1
    assert option_values(plain.page, "#close-disposition") == meta["dispositions"]

    def change(meta: dict) -> None:
        meta["incident"]["manual_targets"].remove("transferred")
        meta["dispositions"] = ["false_alarm", "resolved"]
        meta["incident_sources"] = ["alarm_button", "phone_110"]
        meta["unit"]["statuses"] = ["available", "out_of_service"]
        meta["permissions"]["command"] = ["dispatcher", "supervisor"]

    console = open_console("dispatcher", patches={"/meta": change})
    page = console.page
    page.wait_for_selector(row).click()
    page.wait_for_selector("#close-incident")
    assert page.locator(".status-button").count() == 0  # received: only closing is left
    assert option_values(page, "#close-disposition") == ["false_alarm", "resolved"]
    page.click("#incident-back")
    page.click("#stab-call")
    assert option_values(page, "#call-source") == ["alarm_button", "phone_110"]
    page.click("#stab-units")
    assert option_values(page, "#unit-filter") == ["", "available", "out_of_service"]
    # The note on who may set duty levels names the roles the server's table gives.
    page.click("#stab-duty")
    page.wait_for_selector("#panel-duty :text('仅以下角色可调整勤务等级：调度员和值班领导')")


def test_clock_charts_and_date_filters_follow_the_city_time_zone(open_console, console_server) -> None:
    create_incident(console_server, description="time zone test")
    console = open_console("analyst", patches={"/meta": lambda meta: meta.update(local_timezone=CITY_ZONE)})
    page = console.page
    zone = ZoneInfo(CITY_ZONE)
    # The clock shows the city's time, not the browser's or China's.
    hours, minutes, seconds = map(int,
                                  re.search(r"(\d{1,2}):(\d{2}):(\d{2})", page.locator("#clock").inner_text()).groups())
    now = datetime.now(zone)
    drift = (now.hour * 3600 + now.minute * 60 + now.second - (hours * 3600 + minutes * 60 + seconds)) % 86400
    assert min(drift, 86400 - drift) <= 5, f"clock {hours}:{minutes}:{seconds}, {CITY_ZONE} {now:%H:%M:%S}"
    # The hour and weekday charts draw the server's counts: reported calls (not officer-initiated or drill ones) in the
    # city's time zone as the server keeps it (the patched /meta changes only what the browser is told).
    page.wait_for_selector("#charts-basis:has-text('图表基于')")
    server_zone = ZoneInfo(console_server.api("analyst", "GET", "/meta").json()["local_timezone"])
    listed = console_server.api("analyst", "GET", "/incidents", params={"page_size": 500}).json()
    assert listed["total"] == len(listed["items"])  # the whole store: what the charts count
    local = [datetime.fromisoformat(i["received_at"]).astimezone(server_zone) for i in listed["items"]
             if i["source"] != "officer_initiated" and i.get("drill_run_id") is None]
    by_hour = Counter(at.hour for at in local)
    by_weekday = Counter(at.weekday() for at in local)
    chart = "id => Chart.getChart(id).data.datasets[0].data"
    page.wait_for_function(f"() => Chart.getChart('chart_hour')?.data.datasets[0].data.reduce((a, b) => a + b, 0) "
                           f"=== {len(local)}")
    assert page.evaluate(chart, "chart_hour") == [by_hour[h] for h in range(24)]
    assert page.evaluate(chart, "chart_weekday") == [by_weekday[d] for d in range(7)]
    # A date filter is read as wall-clock time in the city, with the offset of its own date.
    page.fill("#f-from", "2024-01-01T00:00")
    page.fill("#f-to", "2024-07-01T12:30")
    def filtered(request) -> bool:
        return "/api/v1/incidents?" in request.url and "received_from=" in request.url

    with page.expect_request(filtered) as sent:
        page.click("#f-apply")
    query = parse_qs(urlparse(sent.value.url).query)
    assert query["received_from"] == ["2024-01-01T00:00:00-03:30"]
    assert query["received_to"] == ["2024-07-01T12:30:00-02:30"]
    page.wait_for_selector("#table-total")
