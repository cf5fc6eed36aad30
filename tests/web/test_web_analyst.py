"""The analyst's view in headless Chromium on a demo city with five weeks of history (forecasts back-filled).

Charts, trends, the hour-of-week grid, the heat map and its time slider, and the analysis tables
count on the server with the view's filters; forecast accuracy has figures at once; the planning
card draws response areas, placed posts and staffing. In zh-CN and English, screenshots in test-artifacts/web/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from console_kit import Console, ConsoleServer, SecondFactors, serving

from testkit import test_settings

pytestmark = pytest.mark.browser
HISTORY_DAYS = 35


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
        session.commit()
    engine.dispose()
    accounts = json.loads(credentials.read_text(encoding="utf-8"))
    factors = SecondFactors({a["username"]: a["totp_secret"] for a in accounts if "totp_secret" in a})
    with serving(url, root) as (base_url, log_file):
        yield ConsoleServer(base_url, {a["username"]: a["password"] for a in accounts}, 0, log_file, factors)


@pytest.fixture
def analyst(browser, analyst_server) -> Iterator:
    opened: list[Console] = []

    def _open(**kwargs) -> Console:
        console = Console(browser, analyst_server, **kwargs)
        opened.append(console)
        return console.log_in("analyst")

    yield _open
    for console in opened:
        console.close()


def _number(page, selector: str, attribute: str) -> int:
    return int(page.locator(selector).get_attribute(attribute))


def test_the_analyst_view_counts_everything_on_the_server(analyst, analyst_server) -> None:
    console = analyst(viewport=(1920, 1080))
    page = console.page
    aggregates = analyst_server.api("analyst", "GET", "/analysis/aggregates").json()
    assert aggregates["total"] > 3000  # five weeks at 120 a day: more than the old cap would allow to matter
    page.wait_for_selector(f"#charts-basis[data-total='{aggregates['total']}']")
    assert _number(page, "#chart_hour", "data-total") == aggregates["total"]
    assert _number(page, "#chart_district", "data-total") == aggregates["total"]
    assert _number(page, "#hour-of-week table", "data-total") == aggregates["total"]
    # The trend: 90 days by default, with last year's (empty) period beside it.
    page.wait_for_selector("#trend-totals[data-total]")
    assert _number(page, "#trend-totals", "data-total") == aggregates["total"]
    assert page.locator("#trend-totals").inner_text().startswith(f"本期 {aggregates['total']:,} 起")
    page.click("#trend-week")
    page.wait_for_selector("#chart_trend[data-bin='week']")
    assert 13 <= _number(page, "#chart_trend", "data-bins") <= 14
    # The heat map: the whole period, then one step of the slider (a day of the last four weeks).
    page.wait_for_selector("#heat-map[data-step='0'][data-cells]")
    assert _number(page, "#heat-map", "data-cells") > 100
    page.locator("#heat-slider").fill("27")
    page.wait_for_selector("#heat-map[data-step='27']")
    assert 0 < _number(page, "#heat-map", "data-total") < 400
    assert page.locator("#heat-step").inner_text().startswith("第 27/")
    console.screenshot("analyst-01-charts-heat-zh")
    # Forecast accuracy has figures on a fresh demo: the history's last days were forecast on load.
    page.wait_for_selector("#analysis-forecast_accuracy table tbody tr")
    assert page.locator("#analysis-forecast_accuracy th").first.inner_text() == "预测日期"
    assert _number(page, "#accuracy-summary", "data-scored") == 14
    page.wait_for_selector("#analysis-spikes table")
    assert page.locator("#analysis-spikes th").first.inner_text() == "区域"
    page.wait_for_selector("#analysis-repeat_calls table")
    assert page.locator("#analysis-repeat_calls th").nth(4).inner_text() == "趋势"
    page.locator("#analysis-forecast_accuracy").scroll_into_view_if_needed()
    console.screenshot("analyst-02-tables-zh")
    # A filter narrows every count: the dispute calls only.
    disputes = analyst_server.api("analyst", "GET", "/analysis/aggregates", params={"type_code": "dispute"}).json()
    page.select_option("#f-type", "dispute")
    page.click("#f-apply")
    page.wait_for_selector(f"#charts-basis[data-total='{disputes['total']}']")
    page.wait_for_selector(f"#heat-map[data-step='0'][data-total='{disputes['total']}']")
    assert disputes["total"] < aggregates["total"]


def test_the_analyst_view_in_english_with_the_planning_card(analyst) -> None:
    console = analyst(viewport=(1366, 768))
    page = console.page
    page.click("#lang-toggle")
    page.wait_for_selector("#analyst-charts figcaption:has-text('Trend and the same period last year')")
    page.wait_for_selector("#trend-totals[data-total]")
    assert page.locator("#trend-totals").inner_text().startswith("This period")
    page.wait_for_selector("#analysis-spikes table")
    assert [h.inner_text() for h in page.locator("#analysis-spikes th").all()][:3] == ["Area", "Observed", "Expected"]
    areas = [c.inner_text() for c in page.locator("#analysis-spikes tbody tr td:first-child").all()]
    assert areas and all(a.endswith("District Branch") for a in areas)
    page.wait_for_selector("#analysis-forecast_accuracy table")
    assert page.locator("#analysis-forecast_accuracy th").first.inner_text() == "Forecast day"
    assert page.locator("#accuracy-summary").inner_text().startswith("14 forecasts: mean hit rate")
    page.wait_for_selector("#analysis-repeat_calls table")
    trends = {c.inner_text() for c in page.locator("#analysis-repeat_calls tbody tr td:nth-child(5)").all()}
    assert trends and trends <= {"Rising", "Falling", "Stable"}
    console.screenshot("analyst-03-tables-en")
    page.click("#planning-compute")
    page.wait_for_selector("#planning-map[data-areas]", timeout=90_000)
    assert _number(page, "#planning-map", "data-areas") > 0
    assert page.locator("#planning-shares li").count() == 3
    first = page.locator("#planning-shares li").first.inner_text()
    assert first.startswith("Calls of the last 28 days reachable within 1 min")
    page.fill("#posts-count", "6")
    page.click("#posts-compute")
    page.wait_for_selector("#posts-list[data-count='6']", timeout=60_000)
    assert page.locator("#posts-summary").inner_text().startswith("6 posts reach ")
    kinds = {item.get_attribute("data-kind") for item in page.locator("#posts-list li").all()}
    assert kinds <= {"station", "beat"}
    page.click("#staffing-compute")
    page.wait_for_selector("#staffing-table[data-units]")
    assert _number(page, "#staffing-table", "data-units") >= 1
    page.locator("#planning-view").scroll_into_view_if_needed()
    console.screenshot("analyst-04-planning-en")
