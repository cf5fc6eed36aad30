"""``precinct directive``: the overdue sweep on demand, and the city's overdue directives."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from precinct.cli.common import cli_actor, console, handle_errors, load_settings, open_session
from precinct.core.i18n import both

app = typer.Typer(help="指令 / directives: the overdue sweep and board", no_args_is_help=True)


@app.command("sweep")
@handle_errors
def directive_sweep(
    escalate_after_s: Annotated[float, typer.Option(
        min=1, help="每级停留秒数 / seconds a breach stays at one level before it climbs")] = 1800.0,
) -> None:
    """记录新超期并逐级升级督办 / record new breaches and escalate those due (what the server's job does)."""
    from precinct.directives import sweep

    with open_session(load_settings()) as session:
        result = sweep.sweep(session, escalate_after_s=escalate_after_s)
        session.commit()
    console.print(f"{both('cli.directives_swept')}: {len(result.breached)} overdue "
                  f"{result.breached}, {len(result.escalated)} escalated {result.escalated}", highlight=False)


@app.command("overdue")
@handle_errors
def directive_overdue(
    limit: Annotated[int, typer.Option(min=1, max=500, help="最多列出 / at most this many")] = 100,
) -> None:
    """列出全市超期指令（超期最久在前）/ list the city's open directives past their deadline, most late first."""
    from precinct.core.db import utcnow
    from precinct.directives import service
    from precinct.directives.models import level_names

    now = utcnow()
    table = Table()
    for column in ("编号 / id", "标题 / title", "接收 / target", "截止 / deadline", "超期分钟 / minutes late",
                   "督办层级 / level"):
        table.add_column(column)
    with open_session(load_settings()) as session:
        items, total = service.list_(session, service.DirectiveFilter(overdue=True), actor=cli_actor(),
                                     page_size=limit, now=now)
        for directive in items:
            target = (f"org {directive.target_org_unit_id}" if directive.target_org_unit_id is not None
                      else f"unit {directive.target_unit_id}")
            level = level_names(directive.escalation_level)
            table.add_row(str(directive.id), directive.title, target,
                          directive.deadline.isoformat(timespec="minutes"),
                          f"{(now - directive.deadline).total_seconds() / 60:.0f}", f"{level[0]} / {level[1]}")
        session.rollback()
    table.title = f"{both('cli.directives_overdue')}: {total}"
    console.print(table)
