"""``precinct city init`` on the real Helsinki extract, ``city show``, ``org add`` and ``org list``, on both
databases."""

from __future__ import annotations

import json

import pytest
from city_kit import halves_geojson, helsinki_extract, tiny_extract
from sqlalchemy import func, select

from precinct.app import session_factory
from precinct.audit.models import AuditEntry
from precinct.cities.models import CityProfile
from precinct.geo import graph_from_file, route
from precinct.org import service as org_service
from precinct.org.models import Beat, OrgTier, OrgUnit
from precinct.units.models import Unit
from precinct.users.models import User

NAMES = ("--code", "HEL", "--name-zh", "赫尔辛基警察局", "--name-en", "Helsinki Police")


def _counts(url):
    factory = session_factory(url)
    try:
        with factory() as session:
            tiers = dict(session.execute(select(OrgUnit.tier, func.count()).group_by(OrgUnit.tier)).all())
            return ({str(k): v for k, v in tiers.items()}, session.scalar(select(func.count(Beat.id))),
                    session.scalar(select(func.count(Unit.id))))
    finally:
        factory.kw["bind"].dispose()


def test_init_sets_up_helsinki_from_its_extract(fresh_database_url, cli, tmp_path):
    result = cli("city", "init", str(helsinki_extract()), *NAMES, "--station-road-km", "15", "--units-per-station",
                 "2", "--out", str(tmp_path / "hel"))
    assert result.exit_code == 0, result.output
    assert "1 districts, 4 stations, 12 beats, 8 units; 953 road edges, 813 named; 14 water and 163 park features; " \
           "time zone Europe/Helsinki" in " ".join(result.output.split())
    assert _counts(fresh_database_url) == ({"city": 1, "district": 1, "station": 4}, 12, 8)
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            profile = session.scalar(select(CityProfile))
            assert (profile.code, profile.local_timezone, profile.projected_crs) == ("HEL", "Europe/Helsinki",
                                                                                     "EPSG:32635")
            assert (profile.roads_file, profile.basemap_file) == (str(tmp_path / "hel" / "roads.parquet"),
                                                                  str(tmp_path / "hel" / "basemap.geojson"))
            assert profile.sources["stations"] == "generated"
            assert profile.sources["attribution"] == "© OpenStreetMap contributors (ODbL)"
            where = org_service.resolve(session, 24.9414, 60.1690)  # Aleksanterinkatu
            assert where.district_id is not None and where.station_id is not None and where.beat_id is not None
            actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action == "city.create")).all()
            assert actions == ["city.create"]
            units = session.scalars(select(Unit.call_sign).order_by(Unit.id)).all()
            assert units[:2] == ["HEL-D01-01-1", "HEL-D01-01-2"]
    finally:
        factory.kw["bind"].dispose()
    graph = graph_from_file(tmp_path / "hel" / "roads.parquet")  # the roads file routes as the extract did
    found = route(graph, (24.9414, 60.1690), (24.9500, 60.1750), hour=9)
    assert 600 < found.distance_m < 2000
    basemap = json.loads((tmp_path / "hel" / "basemap.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["kind"] for f in basemap["features"]} == {"water", "park"}
    shown = cli("city", "show", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["local_timezone"] == "Europe/Helsinki"
    again = cli("city", "init", str(helsinki_extract()), *NAMES)
    assert again.exit_code == 1
    assert "this database already holds the city HEL (Helsinki Police)" in " ".join(again.output.split())


def test_districts_and_stations_from_files_and_the_extract_police(fresh_database_url, cli, tmp_path):
    # the first admin, made before the city: city init places it at the bureau (it worked city-wide)
    assert cli("user", "add", "first-admin", "--role", "admin", input="the-real-chief-passphrase\n").exit_code == 0
    extract = tiny_extract(tmp_path / "tiny.osm")
    districts = halves_geojson(tmp_path / "d.geojson", 9.999, 49.999, 10.0095, 50.0065)
    result = cli("city", "init", str(extract), "--code", "T", "--name-zh", "测试市", "--name-en", "Test City",
                 "--districts", str(districts), "--beats-per-station", "2", "--timezone", "Europe/Berlin",
                 "--out", str(tmp_path / "t"))
    assert result.exit_code == 0, result.output
    # the extract's police station lies in the west half; the east half gets a generated one
    tiers, beats, units = _counts(fresh_database_url)
    assert (tiers, units) == ({"city": 1, "district": 2, "station": 2}, 0)
    assert beats == 4
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            stations = session.execute(select(OrgUnit.code, OrgUnit.name_en).where(OrgUnit.tier == OrgTier.STATION)
                                       .order_by(OrgUnit.id)).all()
            placed = session.execute(select(OrgUnit.code).join(User, User.org_unit_id == OrgUnit.id)
                                     .where(User.username == "first-admin")).scalar_one()
            entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "city.create")).one()
    finally:
        factory.kw["bind"].dispose()
    assert [tuple(s) for s in stations] == [("T-W-01", "Polizei Mitte"), ("T-E-01", "East Station")]
    assert placed == "T" and entry.detail["accounts_placed"] == ["first-admin"]
    assert "first-admin" in result.output  # listed by name in the summary


@pytest.mark.parametrize(("make", "options", "code", "message"), [
    (lambda p: (p / "bad.osm.pbf").write_bytes(b"not an extract") and p / "bad.osm.pbf", (), 2,
     "could not be read"),
    (lambda p: p / "missing.osm.pbf", (), 2, "missing.osm.pbf does not exist"),
    (lambda p: tiny_extract(p / "t.osm"), ("--timezone", "Mars/Olympus"), 2,
     "--timezone 'Mars/Olympus' is not an IANA time zone"),
    (lambda p: tiny_extract(p / "t.osm"), ("--stations", "{tmp}/s.csv"), 2, "line 2: lon 'x' is not a number"),
    (lambda p: tiny_extract(p / "t.osm"), ("--code", "hel"), 2, "code 'hel': use 1 to 8 capital letters"),
])
def test_bad_input_exits_2_saying_what_to_fix_and_stores_nothing(fresh_database_url, cli, tmp_path, make, options,
                                                                  code, message):
    (tmp_path / "s.csv").write_text("name,lon,lat\nA,x,50\n", encoding="utf-8")
    extract = make(tmp_path)
    options = tuple(o.replace("{tmp}", str(tmp_path)) for o in options)
    result = cli("city", "init", str(extract), *NAMES, *options, "--out", str(tmp_path / "out"))
    assert result.exit_code == code, result.output
    assert message in " ".join(result.output.split())
    assert _counts(fresh_database_url) == ({}, 0, 0)
    assert not (tmp_path / "out").exists()


def test_org_add_and_list(fresh_database_url, cli, tmp_path):
    boundary = halves_geojson(tmp_path / "d.geojson", 10.0, 50.0, 10.02, 50.01)
    assert cli("org", "add", "city", "X", "--name-zh", "某市局", "--name-en", "X Bureau").exit_code == 0
    made = cli("org", "add", "district", "X-1", "--name-zh", "一分局", "--name-en", "First Branch", "--parent", "X",
               "--boundary", str(boundary))
    assert made.exit_code == 0, made.output
    assert "district X-1" in made.output
    station = cli("org", "add", "station", "X-1-1", "--name-zh", "一所", "--name-en", "First Station", "--parent",
                  "X-1", "--lon", "10.005", "--lat", "50.005")
    assert station.exit_code == 0, station.output
    assert _counts(fresh_database_url)[0] == {"city": 1, "district": 1, "station": 1}
    unknown = cli("org", "add", "station", "X-1-2", "--name-zh", "二所", "--name-en", "Second", "--parent", "NOPE")
    assert unknown.exit_code == 2 and "--parent 'NOPE': 没有该编码的组织机构" in unknown.output
    assert "no organisation unit has this code" in unknown.output
    taken = cli("org", "add", "station", "X-1-1", "--name-zh", "二所", "--name-en", "Second", "--parent", "X-1")
    assert taken.exit_code == 1 and "code 'X-1-1' is taken already" in taken.output
    wrong_parent = cli("org", "add", "station", "X-1-3", "--name-zh", "三所", "--name-en", "Third", "--parent", "X")
    assert wrong_parent.exit_code == 2 and "parent_id of a station must name a district" in wrong_parent.output
    listed = cli("org", "list")
    assert listed.exit_code == 0
    rows = [line for line in listed.output.splitlines() if line.startswith("│ X")]
    assert [row.split("│")[1].strip() for row in rows] == ["X", "X-1", "X-1-1"]
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            district = session.scalar(select(OrgUnit).where(OrgUnit.code == "X-1"))
            assert district.tier == OrgTier.DISTRICT and district.boundary_geojson is not None
            assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "org.create")).all() == [
                "org.create"] * 3
    finally:
        factory.kw["bind"].dispose()
