"""``precinct drill``: list scenarios, run a drill (injecting its steps), finish, score and replay."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer

from precinct.cli.common import cli_actor, console, handle_errors, load_settings, open_session
from precinct.core.errors import ValidationError

app = typer.Typer(help="演练 / drills (红蓝攻防): scripted scenarios, scored afterwards", no_args_is_help=True)


@app.command("list")
@handle_errors
def list_scenarios(json_: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出标准剧本 / list the standard scenarios."""
    from precinct.drills.scenarios import standard_scenarios

    scenarios = standard_scenarios()
    if json_:
        typer.echo(json.dumps([s.to_dict() for s in scenarios.values()], ensure_ascii=False))
        return
    for code, scenario in scenarios.items():
        console.print(f"{code}: {scenario.name_zh} / {scenario.name_en} ({len(scenario.steps)} 步 / steps, "
                      f"{scenario.steps[-1].offset_s:g} s)")


@app.command("run")
@handle_errors
def run(
    scenario: Annotated[str, typer.Argument(help="standard scenario code, or a local scenario .json file")],
    speed: Annotated[float, typer.Option("--speed", help="10 = ten times real time")] = 1.0,
    at: Annotated[str | None, typer.Option("--at", help="move the scenario to LON,LAT")] = None,
    interval_s: Annotated[float, typer.Option("--interval-s", help="seconds between ticks")] = 1.0,
    finish: Annotated[bool, typer.Option("--finish/--no-finish",
                                         help="finish and score once every step is in")] = False,
    json_: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """开始演练并按时注入警情 / start a run and inject its steps as they fall due."""
    from precinct.drills import scenarios, service
    from precinct.roads.graph import road_graph

    settings = load_settings()
    chosen = scenarios.get_scenario(scenario)
    position = None
    if at is not None:
        try:
            lon, lat = (float(v) for v in at.split(","))
        except ValueError:
            raise ValidationError(f"--at must be LON,LAT, got {at!r}") from None
        position = (lon, lat)
    graph = road_graph(settings.roads_file)
    actor = cli_actor()
    with open_session(settings) as session:
        drill = service.start(session, chosen, actor=actor, speed=speed, at=position)
        session.commit()
        run_id, total = drill.id, len(chosen.steps)
        if not json_:
            console.print(f"演练 / drill run {run_id}: {drill.name}, x{speed:g}")
        injected = 0
        while injected < total:
            for incident in service.tick(session, graph=graph, run_id=run_id):
                injected += 1
                extra = incident.extra or {}
                if not json_:
                    console.print(f"  步骤 / step {extra.get('drill_step')}: 警情 / incident {incident.id} "
                                  f"{incident.type_code} P{incident.priority}; 推荐 / recommended "
                                  f"{extra.get('recommended_call_sign') or '-'}")
            session.commit()
            if injected < total:
                time.sleep(interval_s)
        result: dict[str, Any] = {}
        if finish:
            result = (service.finish(session, run_id, actor=actor).score or {})["result"]
            session.commit()
    if json_:
        typer.echo(json.dumps({"run_id": run_id, "injected": injected, "result": result or None}, ensure_ascii=False))
    elif finish:
        console.print(f"已结束 / finished; 派警 / dispatched {result['dispatched']} of {result['injected']}")


@app.command("finish")
@handle_errors
def finish_run(run_id: int, json_: Annotated[bool, typer.Option("--json")] = False) -> None:
    """结束演练并评分 / finish a run and store its score."""
    from precinct.drills import service

    settings = load_settings()
    with open_session(settings) as session:
        result = (service.finish(session, run_id, actor=cli_actor()).score or {})["result"]
        session.commit()
    _print_score(result, json_)


@app.command("score")
@handle_errors
def score(run_id: int, json_: Annotated[bool, typer.Option("--json")] = False) -> None:
    """演练评分 / a run's score (live while it runs)."""
    from precinct.drills import service

    settings = load_settings()
    with open_session(settings) as session:
        drill = service.get(session, run_id)
        result = (drill.score or {}).get("result") or service.score(session, drill)
    _print_score(result, json_)


@app.command("replay")
@handle_errors
def replay(run_id: int, json_: Annotated[bool, typer.Option("--json")] = False) -> None:
    """复盘时间线 / the ordered timeline of the run's events."""
    from precinct.drills import service

    settings = load_settings()
    with open_session(settings) as session:
        timeline = service.replay(session, run_id)
    if json_:
        typer.echo(json.dumps(timeline, ensure_ascii=False, default=str))
        return
    for entry in timeline:
        console.print(f"{entry['seq']:>4} {entry['at']} {entry['kind']:<24} incident {entry['incident_id']} "
                      f"{entry.get('call_sign') or ''} {entry.get('to_status') or ''}")


def _print_score(result: dict[str, Any], json_: bool) -> None:
    if json_:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    share = result["share_dispatched_to_recommended"]
    console.print(
        f"注入 / injected {result['injected']}/{result['steps']}, 派警 / dispatched {result['dispatched']}, "
        f"按推荐 / to the recommended unit {result['dispatched_to_recommended']}"
        + (f" ({share:.0%})" if share is not None else "")
    )
    for item in result["incidents"]:
        console.print(f"  步骤 / step {item['step']}: 推荐 / recommended {item['recommended_call_sign'] or '-'}, "
                      f"派出 / sent {item['dispatched_call_sign'] or '-'}, 派警用时 / to dispatch "
                      f"{item['to_dispatch_s'] if item['to_dispatch_s'] is not None else '-'} s")
