"""``precinct import``: bring incidents in from CSV files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from precinct.cli.common import (
    EXIT_FAILED,
    cli_actor,
    console,
    error_console,
    handle_errors,
    load_settings,
    open_session,
)
from precinct.core.i18n import both

app = typer.Typer(help="导入 / import", no_args_is_help=True)


@app.command("incidents")
@handle_errors
def import_incidents(
    file: Annotated[Path, typer.Argument(help="canonical incident CSV (.csv or .csv.gz)")],
    source: Annotated[str, typer.Option(help="source for rows without a 'source' column")] = "phone_110",
    json_: Annotated[bool, typer.Option("--json", help="print a JSON summary")] = False,
    errors_out: Annotated[Path | None, typer.Option(help="write every bad row (line, reason) to this CSV")] = None,
) -> None:
    """导入警情 CSV：坏行报告行号和原因，好行保留，重复导入不会重复 / import incidents from CSV."""
    from precinct.core.errors import ValidationError
    from precinct.incidents.importer import import_incidents as run_import
    from precinct.incidents.models import IncidentSource

    try:
        default_source = IncidentSource(source)
    except ValueError as exc:
        raise ValidationError(f"--source must be one of {', '.join(s.value for s in IncidentSource)}") from exc
    settings = load_settings()
    with open_session(settings) as session, Progress(
        TextColumn("导入 / importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=error_console, transient=True,
    ) as progress:
        task = progress.add_task("import", total=None)
        report = run_import(session, file, actor=cli_actor(), default_source=default_source,
                            progress=lambda n: progress.advance(task, n))
        session.commit()
    if errors_out is not None:
        errors_out.write_text("line,reason\n" + "".join(f'{b.line},"{b.reason}"\n' for b in report.bad_rows),
                              encoding="utf-8")
    summary = {"rows": report.rows, "imported": report.imported, "skipped_existing": report.skipped_existing,
               "bad_rows": len(report.bad_rows)}
    if json_:
        errors = [{"line": b.line, "reason": b.reason} for b in report.bad_rows[:1000]]
        console.print_json(json.dumps({**summary, "errors": errors}))
    else:
        console.print(f"{both('cli.import_done')}: {summary}")
        for bad in report.bad_rows[:50]:
            error_console.print(f"  第 {bad.line} 行 / line {bad.line}: {bad.reason}")
        if len(report.bad_rows) > 50:
            error_console.print(f"  … {len(report.bad_rows) - 50} more (use --errors-out)")
    if report.bad_rows:
        raise typer.Exit(EXIT_FAILED)
