"""``precinct supervision``: the deadline sweep on demand, the overdue board and the time-limit table."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from precinct.cli.common import cli_actor, console, handle_errors, load_settings, open_session

app = typer.Typer(help="督办 / supervision: time limits, the overdue board, the deadline sweep", no_args_is_help=True)


@app.command("sweep")
@handle_errors
def supervision_sweep() -> None:
    """记录新超期并逐级升级督办 / record new breaches and make the escalations due (what the server's job does)."""
    from precinct.supervision import sweep

    settings = load_settings()
    with open_session(settings) as session:
        result = sweep.sweep(session, district_after_s=settings.escalate_district_after_s,
                             city_after_s=settings.escalate_city_after_s)
        session.commit()
    console.print(f"超期 / breached: {result.breached}, 升级 / escalated: {result.escalated}", highlight=False)


@app.command("overdue")
@handle_errors
def supervision_overdue(
    station: Annotated[str | None, typer.Option(
        help="派出所代码 / one station's code (default: the whole city)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="最多列出 / at most this many")] = 100,
) -> None:
    """列出临近和已超时限的警情（超期最久在前）/ list incidents near (amber) and past (red) their limit."""
    from precinct.org import service as org_service
    from precinct.supervision import service
    from precinct.supervision.models import STAGE_NAMES

    table = Table()
    for column in ("警情 / incident", "环节 / stage", "状态 / state", "优先级 / priority", "地址 / address",
                   "时限 / limit", "超期 / late", "督办层级 / level"):
        table.add_column(column)
    with open_session(load_settings()) as session:
        station_id = org_service.get_unit_by_code(session, station).id if station else None
        board = service.board(session, cli_actor(), station_id=station_id, limit=limit)
        session.rollback()
    for item in board.items:
        zh, en = STAGE_NAMES[item.stage]
        state = "超期 / red" if item.state == "red" else "临近 / amber"
        late = f"{item.late_s // 60:+d} min"
        table.add_row(str(item.incident_id), f"{zh} / {en}", state, str(item.priority), item.address,
                      f"{item.limit_s // 60} min", late, str(item.escalation_level))
    table.title = f"超期 / red {board.red} · 临近 / amber {board.amber}" + (" …" if board.truncated else "")
    console.print(table)


@app.command("limits")
@handle_errors
def supervision_limits() -> None:
    """显示现行时限表（秒）/ show the time-limit table in force, in seconds per priority and stage."""
    from precinct.supervision import limits
    from precinct.supervision.models import STAGE_NAMES

    with open_session(load_settings()) as session:
        current = limits.current(session)
        session.rollback()
    table = Table(title=f"时限表第 {current.version_id} 版 / time limits, version {current.version_id}")
    table.add_column("优先级 / priority")
    for zh, en in STAGE_NAMES.values():
        table.add_column(f"{zh} / {en}")
    for priority in limits.PRIORITIES:
        table.add_row(str(priority), *(str(current.limit_s(priority, stage)) for stage in STAGE_NAMES))
    console.print(table)
