"""``precinct places``: import premises, load a checklist, the overdue board and the hazard sweep on demand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from precinct.cli.common import (
    EXIT_FAILED,
    cli_actor,
    console,
    error_console,
    handle_errors,
    load_settings,
    open_session,
)

app = typer.Typer(help="场所 / places: premises import, checklists, the overdue board, the hazard sweep",
                  no_args_is_help=True)


def _format_of(path: Path, given: str | None) -> str:
    if given:
        return given
    return "geojson" if path.suffix.lower() in (".geojson", ".json") else "csv"


@app.command("import")
@handle_errors
def places_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or GeoJSON of premises")],
    file_format: Annotated[str | None, typer.Option("--format", help="csv or geojson (default: from the name)")] = None,
) -> None:
    """导入重点场所 / import premises: good rows are stored; refused rows are listed by line and exit 1.

    CSV columns: name, category, lon, lat and optionally address, notes, risk_grade. GeoJSON: a
    FeatureCollection of Points with the same properties. A file that cannot be read stores nothing (exit 2).
    """
    from precinct.places import importer

    with open_session(load_settings()) as session:
        report = importer.import_premises(session, file.read_bytes(), file_format=_format_of(file, file_format),
                                          actor=cli_actor())
        session.commit()
    console.print(f"导入 / imported: {len(report.created_ids)} of {report.rows} rows; "
                  f"已有 / already there: {len(report.skipped)}", highlight=False)
    for skip in report.skipped:
        console.print(f"  {file.name}:{skip.line}: {skip.reason}", highlight=False, markup=False)
    for refusal in report.refused:
        error_console.print(f"{file.name}:{refusal.line}: {refusal.reason}", highlight=False, markup=False)
    if report.refused:
        raise typer.Exit(EXIT_FAILED)


@app.command("checklist")
@handle_errors
def places_checklist(
    file: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False, help=(
        'JSON: {"category": "school", "title": "...", "items": [{"code", "text_zh", "text_en"}, ...]}'))] = None,
    defaults: Annotated[bool, typer.Option("--defaults", help=(
        "每类别一份基础检查表（仅限尚无检查表的类别）/ a starting checklist for each category without one"))] = False,
) -> None:
    """新增检查表版本 / store a new version of a category's inspection checklist from a JSON file, or the defaults."""
    from precinct.places import inspections
    from precinct.places.default_checklists import default_checklists
    from precinct.places.schemas import ChecklistCreate

    if (file is None) == (not defaults):
        raise typer.BadParameter("give a JSON file or --defaults (not both)")
    if file is not None:
        body = ChecklistCreate.model_validate(json.loads(file.read_text(encoding="utf-8")))
        wanted = [(body.category, body.title, [item.model_dump() for item in body.items])]
    else:
        wanted = default_checklists()
    with open_session(load_settings()) as session:
        have = {template.category for template in inspections.list_templates(session)} if defaults else set()
        for category, title, items in wanted:
            if category in have:
                continue
            template = inspections.add_template(session, category=category, title=title, actor=cli_actor(),
                                                items=items)
            console.print(f"检查表 / checklist {template.category.value} v{template.version}: "
                          f"{len(template.items)} items", highlight=False)
        session.commit()


@app.command("overdue")
@handle_errors
def places_overdue(
    station_id: Annotated[int | None, typer.Option(help="只看该派出所 / only this station")] = None,
) -> None:
    """超期未检与超期隐患 / the premises overdue for inspection and the hazards past their deadline."""
    from precinct.places import hazards, inspections

    actor = cli_actor()
    with open_session(load_settings()) as session:
        due = inspections.overdue(session, actor=actor, station_id=station_id)
        late = hazards.list_(session, actor=actor, overdue=True, station_id=station_id)
        table = Table(title=f"超期未检 / inspections overdue: {len(due)}")
        for column in ("场所 / premises", "名称 / name", "应检 / due", "超期天数 / days late"):
            table.add_column(column)
        for row in due:
            table.add_row(str(row.premises.id), row.premises.name, row.due_at.date().isoformat(),
                          f"{row.days_late:.1f}")
        console.print(table)
        table = Table(title=f"超期隐患 / hazards overdue: {len(late)}")
        for column in ("隐患 / hazard", "场所 / premises", "期限 / deadline", "督办层级 / level"):
            table.add_column(column)
        for hazard in late:
            zh, en = hazards.LEVEL_NAMES[hazard.escalation_level]
            table.add_row(str(hazard.id), str(hazard.premises_id), hazard.deadline.isoformat(timespec="minutes"),
                          f"{zh} / {en}")
        console.print(table)
        session.rollback()


@app.command("sweep")
@handle_errors
def places_sweep(
    escalate_after_s: Annotated[float, typer.Option(
        min=1, help="每级停留秒数 / seconds an overdue hazard stays at one level")] = 86400.0,
) -> None:
    """记录超期隐患并逐级升级 / record hazards newly past their deadline and escalate those due (the server's job)."""
    from precinct.places import hazards

    with open_session(load_settings()) as session:
        result = hazards.sweep(session, escalate_after_s=escalate_after_s)
        session.commit()
    console.print(f"隐患超期检查 / hazards swept: {len(result.breached)} overdue {result.breached}, "
                  f"{len(result.escalated)} escalated {result.escalated}", highlight=False)
