"""``precinct plan`` commands from CSV files: JSON output, bilingual errors, exit code 2."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from precinct.cli.plan import app

runner = CliRunner()


def test_staffing_json():
    result = runner.invoke(app, ["staffing", "--calls-per-hour", "10,30", "--service-min", "30", "--travel-min", "2",
                                 "--units", "12", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"] == [9, 20]
    assert data["at_units"][0]["units"] == 12


def test_staffing_text_is_bilingual():
    result = runner.invoke(app, ["staffing", "--calls-per-hour", "4", "--service-min", "30"])
    assert result.exit_code == 0
    assert "建议 / recommended" in result.stdout


def test_posts_from_csv_matrix(tmp_path):
    matrix = tmp_path / "times.csv"
    times = np.full((4, 7), 100.0)
    for site, cells in enumerate([[0, 1, 2], [2, 3], [3, 4, 5], [0, 5]]):
        times[site, cells] = 5.0
    header = "site," + ",".join(f"cell{i}" for i in range(7))
    rows = [f"s{i}," + ",".join(f"{v:g}" for v in row) for i, row in enumerate(times)]
    matrix.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    weights = tmp_path / "weights.csv"
    weights.write_text("weight\n5\n5\n1\n4\n3\n3\n2\n", encoding="utf-8")
    result = runner.invoke(app, ["posts", "--matrix", str(matrix), "--k", "2", "--threshold-s", "10",
                                 "--weights", str(weights), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["chosen_sites"] == [0, 2] and data["status"] == "optimal"
    lscp = runner.invoke(app, ["posts", "--matrix", str(matrix), "--threshold-s", "10", "--json"])
    assert json.loads(lscp.stdout)["site_count"] == 2
    coverage = runner.invoke(app, ["coverage", "--matrix", str(matrix), "--minutes", "0.1,2", "--json"])
    assert json.loads(coverage.stdout)["citywide_share"] == [6 / 7, 1.0]


def test_did_command():
    result = runner.invoke(app, ["did", "--treated-before", "100", "--treated-after", "60",
                                 "--comparison-before", "200", "--comparison-after", "180", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rate_ratio"] == (60 / 100) / (180 / 200)


def test_bad_input_exits_2_with_a_bilingual_message_and_no_traceback(tmp_path):
    cases = [
        ["staffing", "--calls-per-hour", "ten", "--service-min", "30"],
        ["staffing", "--calls-per-hour", "10", "--service-min", "30", "--travel-min", "9"],
        ["posts", "--matrix", str(tmp_path / "missing.csv"), "--k", "2"],
        ["coverage"],
        ["did", "--treated-before", "0", "--treated-after", "0", "--comparison-before", "0", "--comparison-after", "0"],
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,x\n", encoding="utf-8")
    cases.append(["posts", "--matrix", str(bad), "--k", "1"])
    for args in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "错误 / error:" in result.stderr
        assert "Traceback" not in result.output
    assert "non-numeric value at data row 2, column 2" in runner.invoke(app, cases[-1]).stderr
