"""``precinct addresses import|search|reverse`` on a database of its own (the command commits)."""

from __future__ import annotations

import csv
import json

from address_kit import CSV, HEADER
from precinct.app import session_factory
from precinct.core.db import make_engine
from testkit import seed


def _city(url):
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return seed(session)
    finally:
        engine.dispose()


def test_import_reports_refused_rows_keeps_good_ones_and_exits_1(fresh_database_url, cli, tmp_path):
    _city(fresh_database_url)
    file = tmp_path / "register.csv"
    file.write_text(CSV + "Z9,,,,江汉区,解放大道,9,,,north,30.52\n", encoding="utf-8")
    errors = tmp_path / "refused.csv"
    result = cli("addresses", "import", str(file), "--errors-out", str(errors))
    assert result.exit_code == 1, result.output
    assert "6 行 / rows, 5 已导入 / imported, 0 已存在 / already in the register, 1 拒收 / refused" in result.output
    with errors.open(encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [["at", "reason"], ["line 7", "lon 不是数字：'north' / lon is not a "
                                                                         "number: 'north'"]]
    again = cli("addresses", "import", str(file), "--json")
    assert again.exit_code == 1
    assert {k: v for k, v in json.loads(again.output).items() if k != "refused_rows"} == {
        "import_id": 2, "rows": 6, "imported": 0, "skipped_existing": 5, "refused": 1}
    found = cli("addresses", "search", "jfdd", "--near", "114.03,30.53", "--json")
    assert found.exit_code == 0, found.output
    assert [(m["text"], m["distance_m"]) for m in json.loads(found.output)] == [
        ("江汉区解放大道690号", 0.0), ("江汉区解放大道688号A座3单元", 1467.5)]
    reverse = cli("addresses", "reverse", "114.0301,30.5301")
    assert reverse.exit_code == 0, reverse.output
    assert json.loads(reverse.output)["address"]["text"] == "江汉区解放大道690号"


def test_a_file_that_cannot_be_read_is_refused_with_exit_2(fresh_database_url, cli, tmp_path):
    file = tmp_path / "wrong.csv"
    file.write_text("code,lon\n1,2\n", encoding="utf-8")
    result = cli("addresses", "import", str(file))
    assert result.exit_code == 2
    assert "required columns missing: lat, text" in result.output
    assert cli("addresses", "reverse", "north").exit_code == 2
    header_only = tmp_path / "header.csv"
    header_only.write_text(HEADER, encoding="utf-8")
    assert cli("addresses", "import", str(header_only)).exit_code == 0
