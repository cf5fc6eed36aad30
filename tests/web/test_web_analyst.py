"""The analyst's view in headless Chromium on a demo city with five weeks of history (forecasts back-filled), a
share of it again 52 weeks earlier (the trend's same period last year) and two repeat-call places.

Charts, trends by day, week and month, the hour-of-week grid, the heat map and its time slider, and the analysis
tables count on the server with the view's filters; forecast accuracy has figures at once; the planning card
draws response areas, placed posts and staffing. Each in zh-CN and English (the console starts in Chinese and
switches with the top bar's toggle, which rebuilds the view); screenshots in test-artifacts/web/.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from console_kit import Console, ConsoleServer, SecondFactors, serving
from playwright.sync_api import expect

from testkit import test_settings

pytestmark = pytest.mark.browser
HISTORY_DAYS = 35
LAST_YEAR = timedelta(weeks=52)  # the server's same period last year: weekday-aligned
LOCALES = ["zh-CN", "en"]
VIEWPORTS = {"zh-CN": (1920, 1080), "en": (1366, 768)}
SHORT = {"zh-CN": "zh", "en": "en"}  # in the screenshots' names
TEXTS = {
    "zh-CN": {"trend": "趋势与去年同期", "how": "一周各小时（本地时间）", "basis": "图表基于",
              "weekdays": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
              "totals": "本期 {n} 起，去年同期 {m} 起（", "series": ["本期", "去年同期"],
              "heat_step": r"第 27/\d+ 段：",
              "heat_legend": "{n} 起警情，{c} 个 250 米网格 · 每格警情数：",
              "accuracy": "预测日期", "summary": "14 次预测平均命中率", "spikes": ["区域", "近期警情", "预期"],
              "repeat": "趋势", "trends": {"上升", "下降", "平稳"}, "area_suffix": "分局"},
    "en": {"trend": "Trend and the same period last year", "how": "Hour of week (local time)",
           "basis": "Charts based on", "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
           "totals": "This period {n}, same period last year {m} (",
           "series": ["This period", "Same period last year"], "heat_step": r"Step 27 of \d+: ",
           "heat_legend": "{n} incidents in {c} cells of 250 m · Incidents per cell:",
           "accuracy": "Forecast day", "summary": "14 forecasts: mean hit rate",
           "spikes": ["Area", "Observed", "Expected"], "repeat": "Trend", "trends": {"Rising", "Falling", "Stable"},
           "area_suffix": "District Branch"},
}
PLANNING = {
    "zh-CN": {"share": "近 28 天报警在 1 分钟内可达：", "posts": "6 个布点在 5 分钟内可达近 28 天报警的 ",
              "kinds": {"station": "派出所 · ", "beat": "警务区 · "}, "units": "所需警力"},
    "en": {"share": "Calls of the last 28 days reachable within 1 min: ", "posts": "6 posts reach ",
           "kinds": {"station": "Station · ", "beat": "Beat · "}, "units": "Units needed"},
}
KEPT = ("source", "type_code", "priority", "status", "disposition", "description", "address", "lon", "lat",
        "district_id", "station_id", "beat_id", "simulated")


def _more_history(session) -> int:
    """Add every third incident again 52 weeks earlier (the trend's same period last year), and two places called
    six times in the last four weeks: one over disputes (five, and a noise call), one over thefts. Returns how many."""
    from sqlalchemy import insert, select

    from precinct.incidents.models import Incident, IncidentSource

    rows = session.scalars(select(Incident).order_by(Incident.id)).all()

    def copy(row, received_at: datetime, **changes) -> dict:
        closed_at = row.closed_at and received_at + (row.closed_at - row.received_at)
        return {**{key: getattr(row, key) for key in KEPT}, "received_at": received_at, "closed_at": closed_at,
                "created_by": "web-tests", **changes}

    added = [copy(row, row.received_at - LAST_YEAR) for row in rows[::3]]
    now = datetime.now(UTC)
    places = [row for row in rows if row.source == IncidentSource.PHONE_110][:2]
    for place, types in zip(places, (["dispute"] * 5 + ["noise"], ["theft"] * 6), strict=True):
        added += [copy(place, now - timedelta(days=4 * i + 1, hours=3), type_code=code) for i, code in enumerate(types)]
    session.execute(insert(Incident), added)
    return len(added)


@pytest.fixture(scope="module")
def analyst_server(tmp_path_factory) -> Iterator[ConsoleServer]:
    from precinct.app import session_factory
    from precinct.core import migrate
    from precinct.core.db import make_engine
    from precinct.core.permissions import Role
    from precinct.core.security import Actor
    from precinct.demo import city
    from precinct.incidents import service as incident_service

    root = tmp_path_factory.mktemp("analyst")
    url = f"sqlite:///{root / 'analyst.db'}"
    credentials = root / "credentials.json"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        incident_service.load_default_types(session)
        city.load(session, actor=Actor(username="web-tests", role=Role.ADMIN, ip="127.0.0.1"),
                  credentials_file=credentials, settings=test_settings(url), history_days=HISTORY_DAYS,
                  calls_per_day=120)
        assert _more_history(session) > 1000
        session.commit()
    engine.dispose()
    accounts = json.loads(credentials.read_text(encoding="utf-8"))
    factors = SecondFactors({a["username"]: a["totp_secret"] for a in accounts if "totp_secret" in a})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PRECINCT_PRELOAD_ADDRESSES", "false")  # no address search here: no index to build meanwhile
        with serving(url, root) as (base_url, log_file):
            yield ConsoleServer(base_url, {a["username"]: a["password"] for a in accounts}, 0, log_file, factors)


@pytest.fixture
def analyst(browser, analyst_server) -> Iterator:
    """``analyst(locale)`` -> the analyst's console speaking ``locale``; closed (and checked for errors) afterwards."""
    opened: list[Console] = []

    def _open(locale: str) -> Console:
        console = Console(browser, analyst_server, viewport=VIEWPORTS[locale])
        console.page.set_default_navigation_timeout(60_000)  # the server's first page while it loads its roads
        opened.append(console)
        console.log_in("analyst")
        console.page.wait_for_selector("#charts-basis[data-total]")
        if locale == "en":  # the console starts in Chinese; the toggle rebuilds the whole view in English
            console.page.click("#lang-toggle")
            console.page.wait_for_selector(f"#analyst-charts figcaption:has-text('{TEXTS['en']['trend']}')")
        return console

    yield _open
    for console in opened:
        console.close()


def _number(page, selector: str, attribute: str) -> int:
    return int(page.locator(selector).get_attribute(attribute))


def _chart(page, canvas_id: str, expression: str):
    """``expression`` over ``c``, the Chart.js chart on the canvas ``canvas_id`` (e.g. ``c.data.labels``)."""
    return page.evaluate(f"() => {{ const c = Chart.getChart(document.getElementById('{canvas_id}'));"
                         f" return {expression}; }}")


def _month_label(start: str, locale: str) -> str:
    day = date.fromisoformat(start)
    return f"{day.year}年{day.month}月" if locale == "zh-CN" else f"{calendar.month_abbr[day.month]} {day.year}"


def _column(page, table: str, n: int):
    return page.locator(f"#analysis-{table} tbody tr td:nth-child({n})")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_analyst_view_counts_on_the_server_and_plans(analyst, analyst_server, locale) -> None:
    console = analyst(locale)
    aggregates = analyst_server.api("analyst", "GET", "/analysis/aggregates").json()
    assert aggregates["total"] > 3000  # five weeks at 120 a day and their copies: more than an old cap allowed
    _charts_and_hour_of_week(console.page, aggregates, TEXTS[locale])
    _trend_by_day_week_and_month(console.page, analyst_server, aggregates, locale)
    _heat_map_and_slider(console.page, aggregates, TEXTS[locale])
    console.screenshot(f"analyst-01-charts-heat-{SHORT[locale]}")
    _analysis_tables(console.page, TEXTS[locale])
    console.screenshot(f"analyst-02-tables-{SHORT[locale]}")
    _planning_card(console.page, PLANNING[locale])
    console.screenshot(f"analyst-03-planning-{SHORT[locale]}")
    _a_filter_narrows_every_count(console.page, analyst_server, locale)
    if locale == "zh-CN":  # a language switch rebuilds the card: its response areas are drawn on the new map
        page = console.page
        page.click("#lang-toggle")
        page.wait_for_selector(f"#analyst-charts figcaption:has-text('{TEXTS['en']['trend']}')")
        page.click("#planning-compute")
        page.wait_for_selector("#planning-map.leaflet-container[data-areas]")
        assert page.locator("#planning-map .leaflet-overlay-pane canvas").count() == 1
        assert page.locator("#planning-shares li").first.inner_text().startswith(PLANNING["en"]["share"])


def _charts_and_hour_of_week(page, aggregates: dict, texts: dict) -> None:
    page.wait_for_selector(f"#charts-basis[data-total='{aggregates['total']}']")
    assert page.locator("#charts-basis").inner_text().startswith(texts["basis"])
    assert _number(page, "#chart_hour", "data-total") == aggregates["total"]
    assert _number(page, "#chart_district", "data-total") == aggregates["total"]
    assert _chart(page, "chart_weekday", "c.data.labels") == texts["weekdays"]
    # The hour-of-week grid: the server's counts, weekdays in the language, the busiest hour where it belongs.
    assert page.locator("#how-figure figcaption").inner_text() == texts["how"]
    assert _number(page, "#hour-of-week table", "data-total") == aggregates["total"]
    assert page.locator("#hour-of-week th[scope='row']").all_inner_texts() == texts["weekdays"]
    counts = aggregates["hour_of_week"]
    weekday, hour = divmod(counts.index(max(counts)), 24)
    busiest = page.locator(f"#hour-of-week tr:nth-child({weekday + 2}) td").nth(hour)
    assert busiest.inner_text() == f"{max(counts):,}"
    assert busiest.get_attribute("title") == f"{texts['weekdays'][weekday]} {hour}:00 — {max(counts):,}"


def _trend_by_day_week_and_month(page, server: ConsoleServer, aggregates: dict, locale: str) -> None:
    """90 days by day, then by week and by month, each beside the same period 52 weeks earlier."""
    texts = TEXTS[locale]
    bins = {}
    for size in ("day", "week", "month"):
        trend = server.api("analyst", "GET", "/analysis/trends", params={"bin": size}).json()
        bins[size] = trend["bins"]
        if size != "day":
            page.click(f"#trend-{size}")
        page.wait_for_selector(f"#chart_trend[data-bin='{size}']")
        expect(page.locator(f"#trend-{size}")).to_have_attribute("aria-pressed", "true")
        assert _number(page, "#chart_trend", "data-bins") == len(bins[size])
        assert _chart(page, "chart_trend", "c.data.datasets.map((d) => d.data)") == [
            [b["count"] for b in bins[size]], [b["last_year"] for b in bins[size]]]
    assert 90 <= len(bins["day"]) <= 91 and 13 <= len(bins["week"]) <= 14 and 3 <= len(bins["month"]) <= 4
    assert _chart(page, "chart_trend", "c.data.labels") == [_month_label(b["start"], locale) for b in bins["month"]]
    assert _chart(page, "chart_trend", "c.data.datasets.map((d) => d.label)") == texts["series"]
    assert 0 < trend["last_year_total"] < trend["total"] < aggregates["total"]
    assert (_number(page, "#trend-totals", "data-total"), _number(page, "#trend-totals", "data-last-year")) == (
        trend["total"], trend["last_year_total"])
    line = page.locator("#trend-totals").inner_text()
    assert line.startswith(texts["totals"].format(n=f"{trend['total']:,}", m=f"{trend['last_year_total']:,}"))
    change = re.search(r"[（(]\+([\d.]+)%[）)]$", line)
    assert change and float(change[1]) == pytest.approx((trend["total"] / trend["last_year_total"] - 1) * 100, abs=0.06)


def _heat_map_and_slider(page, aggregates: dict, texts: dict) -> None:
    """The whole period, then one step of the slider (a day of the last four weeks), drawn on the map in the page."""
    page.wait_for_selector("#heat-map.leaflet-container[data-step='0'][data-cells]")
    assert _number(page, "#heat-map", "data-cells") > 100
    assert _number(page, "#heat-map", "data-total") == aggregates["total"]
    page.locator("#heat-slider").fill("27")
    page.wait_for_selector("#heat-map[data-step='27']")
    assert page.locator("#heat-map .leaflet-heat-pane canvas").count() == 1  # one canvas for every step
    total, cells = _number(page, "#heat-map", "data-total"), _number(page, "#heat-map", "data-cells")
    assert 0 < total < 400 and 0 < cells <= total
    assert re.match(texts["heat_step"], page.locator("#heat-step").inner_text())
    legend = texts["heat_legend"].format(n=f"{total:,}", c=f"{cells:,}")
    assert page.locator("#heat-legend").inner_text().startswith(legend)


def _analysis_tables(page, texts: dict) -> None:
    """Forecast accuracy has figures on a fresh demo (the history's last days were forecast on load); headers,
    areas and trends in the language."""
    page.wait_for_selector("#analysis-forecast_accuracy table tbody tr")
    assert page.locator("#analysis-forecast_accuracy th").first.inner_text() == texts["accuracy"]
    assert _number(page, "#accuracy-summary", "data-scored") == 14
    assert page.locator("#accuracy-summary").inner_text().startswith(texts["summary"])
    page.wait_for_selector("#analysis-spikes table")
    assert page.locator("#analysis-spikes th").all_inner_texts()[:3] == texts["spikes"]
    areas = _column(page, "spikes", 1).all_inner_texts()
    assert areas and all(a.endswith(texts["area_suffix"]) for a in areas)
    page.wait_for_selector("#analysis-repeat_calls table")
    assert page.locator("#analysis-repeat_calls th").nth(4).inner_text() == texts["repeat"]
    trends = set(_column(page, "repeat_calls", 5).all_inner_texts())
    assert trends and trends <= texts["trends"]
    page.locator("#analysis-spikes").scroll_into_view_if_needed()


def _planning_card(page, texts: dict) -> None:
    """Response areas, six posts placed and a shift's staffing, drawn on the card's own map."""
    page.click("#planning-compute")
    page.wait_for_selector("#planning-map.leaflet-container[data-areas]", timeout=90_000)
    assert _number(page, "#planning-map", "data-areas") > 0
    assert page.locator("#planning-map .leaflet-overlay-pane canvas").count() == 1
    assert page.locator("#planning-shares li").count() == 3
    assert page.locator("#planning-shares li").first.inner_text().startswith(texts["share"])
    page.fill("#posts-count", "6")
    page.click("#posts-compute")
    page.wait_for_selector("#posts-list[data-count='6']", timeout=60_000)
    page.wait_for_selector("#planning-map[data-posts='6']")
    assert page.locator("#posts-summary").inner_text().startswith(texts["posts"])
    for item in page.locator("#posts-list li").all():
        assert item.inner_text().startswith(texts["kinds"][item.get_attribute("data-kind")])
    page.click("#staffing-compute")
    page.wait_for_selector("#staffing-table[data-units]")
    assert _number(page, "#staffing-table", "data-units") >= 1
    assert page.locator("#staffing-table td").first.inner_text() == texts["units"]
    page.locator("#planning-view").scroll_into_view_if_needed()


def _a_filter_narrows_every_count(page, server: ConsoleServer, locale: str) -> None:
    """The dispute calls only: the charts, the heat map, the spikes and the repeat-call places count fewer."""
    api = lambda path, **params: server.api("analyst", "GET", path, params=params).json()  # noqa: E731
    spikes, places = api("/analysis/spikes"), api("/analysis/repeat-places")
    disputes = api("/analysis/aggregates", type_code="dispute")
    dispute_spikes = api("/analysis/spikes", type_code="dispute")
    dispute_places = api("/analysis/repeat-places", type_code="dispute")
    assert sum(s["observed"] for s in dispute_spikes) < sum(s["observed"] for s in spikes)
    assert 0 < len(dispute_places) < len(places)
    page.select_option("#f-type", "dispute")
    page.click("#f-apply")
    page.wait_for_selector(f"#charts-basis[data-total='{disputes['total']}']")
    page.wait_for_selector(f"#heat-map[data-step='0'][data-total='{disputes['total']}']")
    expect(_column(page, "spikes", 2)).to_have_text([f"{s['observed']:,}" for s in dispute_spikes])
    area = "area_en" if locale == "en" else "area"
    expect(_column(page, "spikes", 1)).to_have_text([s[area] or s["area"] for s in dispute_spikes])
    expect(_column(page, "repeat_calls", 2)).to_have_text([f"{p['n_calls']:,}" for p in dispute_places])
    expect(_column(page, "repeat_calls", 1)).to_have_text([p["place"] for p in dispute_places])
    assert set(_column(page, "repeat_calls", 5).all_inner_texts()) <= TEXTS[locale]["trends"]
