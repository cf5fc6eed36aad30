"""A second city in the console: Helsinki set up with ``precinct city init`` from its real OSM extract.

The server is given no roads file and no time zone: it takes both from the stored city. The map
opens on Helsinki with its water, parks, street names and legend, the clock reads Helsinki time,
station and beat labels name the city's own stations and beats, and a dispatcher takes a call there
from intake through a dispatched unit on scene to closed, with a disposition and the feedback. Each in
zh-CN and English, on one server set up once for the file. Screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from console_kit import Console, ConsoleServer, SecondFactors, serving
from typer.testing import CliRunner

from cities.city_kit import helsinki_extract
from precinct.core.permissions import Role
from testkit import ADMIN_ACTOR, PASSWORD

pytestmark = pytest.mark.browser
SCENE = (24.9414, 60.1690)  # on Aleksanterinkatu, central Helsinki
ACCOUNTS = {"dispatcher": Role.DISPATCHER, "calltaker": Role.CALL_TAKER}
LOCALES = ["zh-CN", "en"]
SHORT = {"zh-CN": "zh", "en": "en"}  # in the screenshots' names
CLOCK = {"zh-CN": "%H:%M:%S", "en": "%I:%M:%S %p"}  # Intl's medium time style
TEXTS = {
    "zh-CN": {"legend": "图例", "legend_lines": ["1 级", "水系", "公园绿地", "到场"], "type": "盗窃",
              "closed": "状态：到场 → 已结案 · 已处置", "note": "已找回手机，当事人已离开"},
    "en": {"legend": "Legend", "legend_lines": ["Priority 1", "Water", "Parks", "On scene"], "type": "theft",
           "closed": "Status: On scene → Closed · Resolved", "note": "Phone found, the parties have left"},
}


def _set_up(root: Path) -> str:
    """Migrate a fresh database, add two accounts and set up Helsinki with the command line."""
    from precinct.app import session_factory
    from precinct.cli.main import app
    from precinct.core import migrate
    from precinct.incidents import service as incident_service
    from precinct.users import service as user_service

    url = f"sqlite:///{root / 'helsinki.db'}"
    migrate.upgrade(url)
    factory = session_factory(url)
    with factory() as session:
        incident_service.load_default_types(session)
        for username, role in ACCOUNTS.items():
            user_service.create(session, username=username, password=PASSWORD, role=role, actor=ADMIN_ACTOR,
                                direct=True)
        session.commit()
    factory.kw["bind"].dispose()
    result = CliRunner().invoke(app, ["city", "init", str(helsinki_extract()), "--code", "HEL", "--name-zh",
                                      "赫尔辛基警察局", "--name-en", "Helsinki Police", "--station-road-km", "15",
                                      "--units-per-station", "2", "--out", str(root / "city")],
                                env={"PRECINCT_DATABASE_URL": url, "PRECINCT_ENVIRONMENT": "development",
                                     "PRECINCT_AUDIT_CHECKPOINT_FILE": str(root / "checkpoints.jsonl")})
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory) -> ConsoleServer:
    root = tmp_path_factory.mktemp("helsinki")
    url = _set_up(root)
    with serving(url, root) as (base_url, log_file):
        yield ConsoleServer(base_url, dict.fromkeys(ACCOUNTS, PASSWORD), 0, log_file, SecondFactors({}))


@pytest.fixture
def console_in(browser, helsinki):
    """``console_in(locale)`` -> the dispatcher's console on Helsinki speaking ``locale``; checked when closed."""
    opened: list[Console] = []

    def _open(locale: str) -> Console:
        console = Console(browser, helsinki, viewport=(1366, 768))
        opened.append(console)
        console.log_in("dispatcher")
        if locale == "en":  # the console starts in Chinese
            console.page.click("#lang-toggle")
            console.page.wait_for_selector("html[lang='en']")
        return console

    yield _open
    for console in opened:
        console.close()


def _map(page, expression: str):
    return page.evaluate(f"() => {{ const m = window.precinctMap.map; return {expression}; }}")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_map_opens_on_helsinki_with_what_its_extract_holds(console_in, helsinki, locale) -> None:
    console = console_in(locale)
    page = console.page  # in English: switched after the map was built in Chinese, its labels follow
    page.wait_for_selector("#map[data-roads][data-city='HEL']")
    city = helsinki.api("dispatcher", "GET", "/city").json()
    assert (city["code"], city["stored"], city["local_timezone"]) == ("HEL", True, "Europe/Helsinki")
    west, south, east, north = city["bounds"]
    lat, lon = _map(page, "[m.getCenter().lat, m.getCenter().lng]")
    assert west < lon < east and south < lat < north
    assert _map(page, "m.getZoom()") >= 14  # a 1.6 km extract fills the map
    page.wait_for_selector("#map[data-basemap]")
    assert int(page.get_attribute("#map", "data-basemap")) == 177  # 14 water and 163 park features
    # the clock reads Helsinki time, not China Standard Time, in the language's format
    shown = page.locator("#clock").inner_text().strip().replace("\u202f", " ")
    now = datetime.now(ZoneInfo("Europe/Helsinki"))
    read = datetime.strptime(shown, CLOCK[locale]).replace(year=now.year, month=now.month, day=now.day,
                                                          tzinfo=now.tzinfo)
    assert min(abs(read - now + timedelta(days=d)) for d in (-1, 0, 1)) < timedelta(minutes=1)
    assert page.locator("#map-legend summary").inner_text() == TEXTS[locale]["legend"]
    external = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)"
                             ".filter(n => !n.startsWith(location.origin) && !n.startsWith('data:'))")
    assert external == []
    page.check("#layer-stations")
    page.check("#layer-beats")
    page.wait_for_selector("li[data-layer='beats'][data-state='ready']")
    # station and beat labels (generated stations and beats, named after the branch) in the language
    field = "name_en" if locale == "en" else "name_zh"
    stations = helsinki.api("dispatcher", "GET", "/org/units", params={"tier": "station"}).json()
    beats = helsinki.api("dispatcher", "GET", "/beats").json()
    labels = set(page.locator(".map-label").all_inner_texts())
    assert {s[field] for s in stations} <= labels and {b[field] for b in beats} <= labels
    assert ("赫尔辛基警察局第1派出所" in labels) == (locale == "zh-CN")
    console.screenshot(f"city-01-helsinki-map-{SHORT[locale]}")
    page.click("#lang-toggle")  # and back the other way
    other = "name_zh" if locale == "en" else "name_en"
    page.wait_for_function("names => names.every(n => [...document.querySelectorAll('.map-label')]"
                           ".some(e => e.textContent === n))", arg=[s[other] for s in stations])


@pytest.mark.parametrize("locale", LOCALES)
def test_street_names_call_signs_and_the_legend(console_in, locale) -> None:
    console = console_in(locale)
    page = console.page
    page.wait_for_selector("#map[data-roads]")
    assert page.locator("#map-legend summary").inner_text() == TEXTS[locale]["legend"]
    legend = page.locator("#map-legend").inner_text()
    assert all(line in legend for line in TEXTS[locale]["legend_lines"]), legend
    _map(page, f"(m.setView([{SCENE[1]}, {SCENE[0]}], 16, {{animate: false}}), null)")
    page.wait_for_function("() => Number(document.getElementById('map').dataset.streetLabels) > 0")
    names = page.locator(".street-label").all_inner_texts()
    assert "Aleksanterinkatu" in names  # the street's own name, in either language
    sign = page.locator(".unit-sign").first
    assert sign.evaluate("e => getComputedStyle(e).display") == "block"  # call signs at working zoom
    assert sign.inner_text().startswith("HEL-")
    console.screenshot(f"city-02-helsinki-street-names-{SHORT[locale]}")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_call_in_helsinki_from_intake_to_closed(console_in, helsinki, locale) -> None:
    texts = TEXTS[locale]
    console = console_in(locale)
    page = console.page
    page.click("#stab-call")
    page.fill("#call-type-search", texts["type"])
    page.press("#call-type-search", "ArrowDown")
    type_code = page.locator("#call-type").input_value()
    assert type_code != ""
    page.uncheck("#layer-units")
    page.uncheck("#layer-incidents")
    _map(page, f"(m.setView([{SCENE[1]}, {SCENE[0]}], 17, {{animate: false}}), null)")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert float(page.locator("#call-lon").input_value()) == pytest.approx(SCENE[0], abs=0.001)
    assert float(page.locator("#call-lat").input_value()) == pytest.approx(SCENE[1], abs=0.001)
    page.fill("#call-address", "Aleksanterinkatu 52")
    page.fill("#call-description", "Phone stolen in a shop (browser test)")
    console.screenshot(f"city-03-helsinki-intake-{SHORT[locale]}")
    page.click("#call-submit")
    page.wait_for_selector("#panel-incident:not([hidden]) #incident-title")
    incident_id = int(page.locator("#panel-incident").get_attribute("data-incident-id"))
    stored = helsinki.api("dispatcher", "GET", f"/incidents/{incident_id}").json()
    stations = {u["id"]: u["code"] for u in helsinki.api("dispatcher", "GET", "/org/units",
                                                           params={"tier": "station"}).json()}
    assert stored["type_code"] == type_code and stations[stored["station_id"]].startswith("HEL-D01-")
    first = page.wait_for_selector("#recommendation-list .recommendation")
    unit_id = int(first.get_attribute("data-unit-id"))
    assert first.query_selector(".rec-travel").inner_text().strip() != ""
    console.screenshot(f"city-04-helsinki-recommendations-{SHORT[locale]}")
    page.click("#recommendation-list .recommendation .dispatch")
    page.wait_for_selector("#incident-status[data-status='dispatched']")
    unit = helsinki.api("dispatcher", "GET", f"/units/{unit_id}").json()
    assert unit["status"] == "dispatched" and unit["call_sign"].startswith("HEL-D01-")
    page.check("#layer-incidents")
    assert page.evaluate(f"() => window.precinctMap.incidentMarkers.get({incident_id}).options.priority") == \
        stored["priority"]
    console.screenshot(f"city-05-helsinki-dispatched-{SHORT[locale]}")
    # On scene, then closed with a disposition and the feedback; the unit is free again.
    page.click(".status-button[data-target='on_scene']")
    page.wait_for_selector("#incident-status[data-status='on_scene']")
    page.select_option("#close-disposition", "resolved")
    page.fill("#close-note", texts["note"])
    page.click("#close-incident")
    page.click("#close-incident-confirm")  # closing asks to confirm
    page.wait_for_selector("#incident-status[data-status='closed']")
    page.wait_for_selector(f"#event-list li[data-kind='status']:has-text('{texts['closed']}')")
    closed = helsinki.api("dispatcher", "GET", f"/incidents/{incident_id}").json()
    assert (closed["status"], closed["disposition"]) == ("closed", "resolved")
    assert helsinki.api("dispatcher", "GET", f"/units/{unit_id}").json()["status"] == "available"
    console.screenshot(f"city-06-helsinki-closed-{SHORT[locale]}")
