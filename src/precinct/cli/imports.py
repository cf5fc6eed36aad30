"""``precinct import``: bring incidents in from CSV files."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from precinct.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    cli_actor,
    console,
    error_console,
    handle_errors,
    load_settings,
    open_session,
)
from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.core.i18n import both

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from precinct.incidents.import_columns import UnmappedColumnsError
    from precinct.incidents.importer import ImportReport

app = typer.Typer(help="导入 / import", no_args_is_help=True)

SHOWN_BAD_ROWS = 50
"""Bad rows printed on the terminal; ``--errors-out`` writes them all."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C), as shells report it: the batches committed before stay; run the command again."""


@app.command("incidents")
@handle_errors
def import_incidents(
    file: Annotated[Path, typer.Argument(
        help="规范警情 CSV（.csv 或 .csv.gz）/ canonical incident CSV (.csv or .csv.gz)")],
    map_: Annotated[list[str] | None, typer.Option(
        "--map", metavar="COLUMN=TARGET",
        help="其他列的去向（可重复）：extra.KEY、party.KIND.FIELD（个人信息）或 ignore / where another column goes "
             "(repeatable): extra.KEY, party.KIND.FIELD (personal data) or ignore")] = None,
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", metavar="FILE.json",
        help='JSON 映射文件 {"列": "去向"}，--map 优先 / a JSON mapping {"column": "target"}; --map wins')] = None,
    source: Annotated[str, typer.Option(
        help="无 source 列的行的来源 / source for rows without a 'source' column")] = "phone_110",
    json_: Annotated[bool, typer.Option("--json", help="输出 JSON 摘要 / print a JSON summary")] = False,
    errors_out: Annotated[Path | None, typer.Option(
        help="把所有坏行（行号、原因）写入此 CSV / write every bad row (line, reason) to this CSV")] = None,
) -> None:
    """导入警情 CSV：坏行报告行号和原因，好行保留，重复导入不会重复 / import incidents from CSV."""
    from precinct.incidents.import_columns import UnmappedColumnsError
    from precinct.incidents.importer import import_incidents as run_import
    from precinct.incidents.models import IncidentSource

    try:
        default_source = IncidentSource(source)
    except ValueError as exc:
        raise ValidationError(f"--source must be one of {', '.join(s.value for s in IncidentSource)}") from exc
    try:
        columns = read_mapping(mapping, map_ or [])
    except ValidationError as exc:
        raise _refused(str(exc)) from exc
    settings = load_settings()
    written = 0

    def advance(rows: int) -> None:
        nonlocal written
        written += rows
        progress.advance(task, rows)

    started_at = utcnow()
    with open_session(settings) as session, Progress(
        TextColumn(both("import.progress")), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=error_console, transient=True, disable=not error_console.is_terminal,
    ) as progress:
        task = progress.add_task("import", total=None)
        try:  # the importer commits each batch itself
            report = run_import(session, file, actor=cli_actor(), mapping=columns, default_source=default_source,
                                progress=advance)
        except UnmappedColumnsError as exc:
            raise _refused(unmapped_message(exc)) from exc
        except ValidationError as exc:
            raise _refused(str(exc)) from exc
        except KeyboardInterrupt:
            progress.stop()
            _start_deadlines(session, started_at)  # of the batches already written
            error_console.print(both("import.interrupted").format(written=written), highlight=False, markup=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except SQLAlchemyError as exc:
            progress.stop()
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            error_console.print(f"{both('import.database_failed').format(written=written)}: {detail}",
                                highlight=False, markup=False)
            raise typer.Exit(EXIT_FAILED) from exc
        _start_deadlines(session, started_at)
    if errors_out is not None:
        with errors_out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "reason"])
            writer.writerows([bad.line, bad.reason] for bad in report.bad_rows)
    _print_report(report, as_json=json_)
    if report.bad_rows:
        raise typer.Exit(EXIT_FAILED)


def _start_deadlines(session: Session, since: datetime) -> None:
    """Give the open incidents just imported the deadline of their current stage (the importer bypasses the hook)."""
    from precinct.supervision import deadlines

    session.rollback()  # whatever a stopped batch left half done
    deadlines.start_imported(session, since=since)
    session.commit()


def _refused(message: str) -> typer.Exit:
    """Print ``错误 / error: <message>`` as plain text (names in the file may hold [brackets]); return exit 2."""
    error_console.print(Text.assemble(("错误 / error:", "red"), " ", message), highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _print_report(report: ImportReport, *, as_json: bool) -> None:
    summary = {"rows": report.rows, "imported": report.imported, "skipped_existing": report.skipped_existing,
               "bad_rows": len(report.bad_rows), "parties": report.parties}
    if as_json:
        errors = [{"line": b.line, "reason": b.reason} for b in report.bad_rows[:1000]]
        console.print_json(json.dumps({**summary, "errors": errors}))
        return
    counts = ", ".join(f"{n} {both(key)}" for n, key in (
        (report.rows, "import.rows"), (report.imported, "import.imported"),
        (report.skipped_existing, "import.already_there"), (len(report.bad_rows), "import.bad_rows"),
        (report.parties, "import.parties")))
    console.print(f"{both('cli.import_done')}: {counts}", highlight=False, soft_wrap=True)
    if report.rows == 0:
        console.print(both("import.header_only"), highlight=False)
    for bad in report.bad_rows[:SHOWN_BAD_ROWS]:
        error_console.print(f"  {both('import.line').format(line=bad.line)}: {bad.reason}", highlight=False,
                            markup=False)
    if len(report.bad_rows) > SHOWN_BAD_ROWS:
        error_console.print(f"  … {both('import.more_bad_rows').format(count=len(report.bad_rows) - SHOWN_BAD_ROWS)}",
                            highlight=False)


def read_mapping(mapping_file: Path | None, pairs: list[str]) -> dict[str, str]:
    """Merge ``--mapping FILE.json`` and the ``--map COLUMN=TARGET`` options (these win) into one mapping.

    Raises
    ------
    ValidationError
        If the file cannot be read, is not a JSON object of strings, or a ``--map`` lacks its ``=``.
    """
    columns: dict[str, str] = {}
    if mapping_file is not None:
        try:
            loaded = json.loads(mapping_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(f"--mapping {mapping_file}: not a readable JSON file ({exc})") from exc
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            raise ValidationError(f'--mapping {mapping_file}: give one JSON object, {{"COLUMN": "TARGET", ...}}, '
                                  'e.g. {"ward": "extra.ward", "caller_name": "party.caller.name"}')
        columns.update(loaded)
    for pair in pairs:
        column, sign, target = pair.rpartition("=")
        if not sign or not column.strip():
            raise ValidationError(f"--map {pair!r}: write COLUMN=TARGET, e.g. --map ward=extra.ward")
        columns[column.strip()] = target
    return columns


def unmapped_message(exc: UnmappedColumnsError) -> str:
    """Say which columns are not placed (or would put personal data into ``extra``) and how to map them."""
    from precinct.incidents.import_columns import suggest_target

    lines = [f"{exc.path.name}: {both('import.nothing_imported')}."]
    if exc.unmapped:
        lines.append(f"{both('import.unmapped')}: {', '.join(exc.unmapped)}")
    if exc.personal_in_extra:
        lines.append(f"{both('import.personal_in_extra')}: {', '.join(exc.personal_in_extra)}")
    lines.append(f"{both('import.map_each')}:")
    for column in exc.unmapped + exc.personal_in_extra:
        lines.append(f"  --map {_shell_word(f'{column}={suggest_target(column)}')}")
    lines.append(both("import.targets").format())
    return "\n".join(lines)


def _shell_word(text: str) -> str:
    # letters (any script), digits and _ . = - need no quotes in a shell; anything else is single-quoted
    if all(c.isalnum() or c in "_.=-" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"
