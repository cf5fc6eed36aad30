"""Scenario files and the ``precinct drill`` command line (a committed database of its own)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from precinct.cli.drill import app
from precinct.core.errors import NotFoundError, ValidationError
from precinct.drills.scenarios import (
    get_scenario,
    scenario_from_dict,
    scenario_from_file,
    standard_scenarios,
)

runner = CliRunner()


def test_standard_scenarios_are_valid_and_ordered():
    scenarios = standard_scenarios()
    assert len(scenarios) >= 3
    for scenario in scenarios.values():
        offsets = [step.offset_s for step in scenario.steps]
        assert offsets == sorted(offsets) and offsets[0] == 0
        assert all(step.description_zh and step.description_en for step in scenario.steps)
    moved = scenarios["armed_assault"].moved_to(114.0, 30.0)
    assert (moved.steps[0].lon, moved.steps[0].lat) == pytest.approx((114.0, 30.0))


def test_scenario_errors(tmp_path):
    with pytest.raises(ValidationError, match="place 'x' is not in places"):
        scenario_from_dict({"code": "a", "steps": [{"offset_s": 0, "type_code": "theft", "place": "x"}]})
    with pytest.raises(ValidationError, match="needs lon and lat"):
        scenario_from_dict({"code": "a", "steps": [{"offset_s": 0, "type_code": "theft"}]})
    with pytest.raises(ValidationError, match="code must be"):
        scenario_from_dict({"code": "Bad Code", "steps": [{"offset_s": 0, "type_code": "t", "lon": 1, "lat": 2}]})
    with pytest.raises(NotFoundError, match="standard ones"):
        get_scenario("nope")
    with pytest.raises(NotFoundError):
        scenario_from_file(tmp_path / "missing.json")


def test_drill_run_from_a_local_file(fresh_database_url, tmp_path):
    scenario = tmp_path / "local.json"
    scenario.write_text(json.dumps({
        "code": "local", "steps": [
            {"offset_s": 0, "type_code": "theft", "lon": 114.30, "lat": 30.58, "description_en": "a"},
            {"offset_s": 50, "type_code": "fight", "lon": 114.301, "lat": 30.581, "description_en": "b"},
        ]}), encoding="utf-8")
    result = runner.invoke(app, ["run", str(scenario), "--speed", "100", "--interval-s", "0.1", "--finish", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["injected"] == 2 and data["result"]["injected"] == 2 and data["result"]["dispatched"] == 0
    replay = runner.invoke(app, ["replay", str(data["run_id"]), "--json"])
    assert [e["kind"] for e in json.loads(replay.stdout)] == ["incident.created", "incident.created"]
    score = runner.invoke(app, ["score", str(data["run_id"])])
    assert "injected 2/2" in score.stdout
    assert runner.invoke(app, ["finish", str(data["run_id"])]).exit_code == 1   # already finished
    assert runner.invoke(app, ["run", "nope"]).exit_code == 2  # no such scenario: fix the command
