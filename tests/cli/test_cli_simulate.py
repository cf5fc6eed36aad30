"""`precinct simulate`: the live stream without replay options, a road-network replay with --json."""

from __future__ import annotations

import json


def test_simulate_json_replays_generated_calls_on_the_road_network(fresh_database_url, cli, tmp_path):
    posts = tmp_path / "posts.csv"
    posts.write_text("lon,lat,units\n114.30,30.58,3\n114.27,30.55,2\n", encoding="utf-8")
    result = cli("simulate", "--json", "--generate", "300", "--posts", str(posts), "--seed", "4")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    overall = report["overall"]
    assert overall["calls"] > 250 and overall["served"] == overall["calls"]
    assert 0 < overall["p50_response_s"] <= overall["p90_response_s"]
    assert report["targets_s"] == [60.0, 180.0, 300.0]


def test_simulate_replay_needs_one_source(fresh_database_url, cli):
    result = cli("simulate", "--day", "2026-11-21", "--generate", "10")
    assert result.exit_code == 2 and "exactly one of" in result.output
