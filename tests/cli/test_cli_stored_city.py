"""CLI commands take the stored city's roads and time zone (``precinct city init``), as the server does."""

from __future__ import annotations

import json

from cities.city_kit import ORIGIN, STEP_DEG, tiny_extract
from precinct.cli.common import load_settings
from precinct.core.settings import Settings


def _init_city(cli, tmp_path):
    result = cli("city", "init", str(tiny_extract(tmp_path / "tiny.osm")), "--code", "T", "--name-zh", "测试市",
                 "--name-en", "Test City", "--timezone", "Europe/Berlin", "--out", str(tmp_path / "t"))
    assert result.exit_code == 0, result.output


def test_reverse_geocoding_uses_the_stored_citys_roads(fresh_database_url, cli, tmp_path):
    _init_city(cli, tmp_path)
    on_east_street_0 = f"{ORIGIN[0] + STEP_DEG[0] / 2},{ORIGIN[1] + 0.00002}"
    result = cli("addresses", "reverse", on_east_street_0)
    assert result.exit_code == 0, result.output
    road = json.loads(result.output)["road"]
    assert road is not None and road["highway"] == "residential"
    assert road["distance_m"] < 5.0


def test_the_stored_city_fills_only_what_the_environment_leaves_unset(fresh_database_url, cli, tmp_path,
                                                                      monkeypatch):
    _init_city(cli, tmp_path)
    settings = load_settings()
    assert (settings.roads_file, settings.local_timezone) == (str(tmp_path / "t" / "roads.parquet"), "Europe/Berlin")
    assert str(settings.zone) == "Europe/Berlin"
    monkeypatch.setenv("PRECINCT_LOCAL_TIMEZONE", "Asia/Shanghai")
    settings = load_settings()
    assert (settings.roads_file, settings.local_timezone) == (str(tmp_path / "t" / "roads.parquet"), "Asia/Shanghai")


def test_a_sqlite_database_that_does_not_exist_is_not_created_to_look(tmp_path, monkeypatch):
    missing = tmp_path / "none" / "precinct.db"
    monkeypatch.setenv("PRECINCT_DATABASE_URL", f"sqlite:///{missing}")
    monkeypatch.setenv("PRECINCT_ENVIRONMENT", "development")
    assert load_settings().roads_file == Settings().roads_file
    assert not missing.parent.exists()
