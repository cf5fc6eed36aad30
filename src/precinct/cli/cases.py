"""``precinct cases``: the case register, one case's deadlines, the overdue board, the sweep, figures, the rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from precinct.cli.common import cli_actor, console, handle_errors, load_settings, open_session
from precinct.core.errors import NotFoundError

if TYPE_CHECKING:
    from precinct.cases.timing import Explained

app = typer.Typer(help="案件 / cases: the register, legal deadlines, the overdue board, clearance figures",
                  no_args_is_help=True)


def _station_id(session: Session, code: str | None) -> int | None:
    from precinct.org import service as org_service

    return org_service.get_unit_by_code(session, code).id if code else None


def _station_codes(session: Session) -> dict[int, str]:
    from precinct.org import service as org_service

    return {unit.id: unit.code for unit in org_service.list_units(session)}


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    return table


@app.command("list")
@handle_errors
def cases_list(
    station: Annotated[str | None, typer.Option(help="派出所代码 / one station's code (default: every one)")] = None,
    state: Annotated[list[str] | None, typer.Option(
        help="状态 / received, investigating, decided, transferred, not_opened, withdrawn or closed (repeatable)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="最多列出 / at most this many")] = 50,
) -> None:
    """列出案件（最近受案在前）/ list the cases, latest received first."""
    from precinct.cases import service
    from precinct.cases.messages import field_error
    from precinct.cases.models import STATUS_NAMES, CaseStatus

    try:
        statuses = tuple(CaseStatus(s) for s in state or ())
    except ValueError as exc:
        raise field_error("--state", "case.state_unknown", value=", ".join(state or ()),
                          allowed=", ".join(CaseStatus)) from exc
    settings = load_settings()
    zone = settings.zone
    table = _table("", "编号 / number", "种类 / kind", "类别 / type", "状态 / state", "派出所 / station",
                   "主办 / lead", "受案 / received", "摘要 / summary")
    with open_session(settings) as session:
        filters = service.CaseFilter(status=statuses, station_id=_station_id(session, station))
        items, total = service.list_(session, filters, actor=cli_actor(), page_size=limit)
        codes = _station_codes(session)
        for case in items:
            table.add_row(case.number, case.kind.value, case.type_code, " / ".join(STATUS_NAMES[case.status]),
                          codes.get(case.station_id, str(case.station_id)), case.lead_officer or "",
                          _local(case.received_at, zone), case.summary[:40])
        session.rollback()
    table.title = f"案件 / cases: {total}" + (" …" if total > len(items) else "")
    console.print(table)


@app.command("show")
@handle_errors
def cases_show(number: Annotated[str, typer.Argument(help="案件编号 / the case number")]) -> None:
    """显示一起案件：事实、状态、可做的决定、每个期限及其计算过程 / one case: facts, state, moves, deadlines."""
    from precinct.cases import service, timing
    from precinct.cases.messages import said
    from precinct.cases.models import KIND_NAMES, STATUS_NAMES
    from precinct.cases.status import MOVE_NAMES, allowed_moves

    settings = load_settings()
    zone, actor = settings.zone, cli_actor()
    with open_session(settings) as session:
        found, _ = service.list_(session, service.CaseFilter(number=number), actor=actor, page_size=20)
        case = next((c for c in found if c.number == number), None)
        if case is None:
            raise NotFoundError(said("case.number_unknown", number=number))
        facts = _table(f"案件 / case {case.number}", "项目 / field", "值 / value")
        moves = [" / ".join(MOVE_NAMES[m]) for m in allowed_moves(case.status, case.kind)]
        for label, value in (("种类 / kind", " / ".join(KIND_NAMES[case.kind])), ("类别 / type", case.type_code),
                             ("状态 / state", " / ".join(STATUS_NAMES[case.status])),
                             ("可做决定 / allowed moves", "; ".join(moves) or "—"),
                             ("派出所 / station", _station_codes(session).get(case.station_id, "")),
                             ("主办 / lead", case.lead_officer or ""), ("地址 / address", case.address),
                             ("受案 / received", _local(case.received_at, zone)),
                             ("立案 / opened", _local(case.opened_at, zone)),
                             ("破案 / cleared", _local(case.cleared_at, zone)),
                             ("结案 / closed", _local(case.closed_at, zone)),
                             ("摘要 / summary", case.summary)):
            facts.add_row(label, value)
        explained, _ = timing.explain(session, case.id, actor=actor, zone=settings.zone)
        console.print(facts)
        for entry in explained:
            console.print(_deadline_table(entry, zone))
        session.rollback()


def _deadline_table(entry: Explained, zone: ZoneInfo) -> Table:
    deadline, rule = entry.deadline, entry.rule
    ended = f"{_local(deadline.ended_at, zone)} ({deadline.outcome.value if deadline.outcome else ''})"
    title = (f"{rule.name_zh} / {rule.name_en} · 期满 / due {_local(deadline.due_at, zone) or '—'}"
             + (f" · 结束 / ended {ended}" if deadline.ended_at else ""))
    steps = _table(title, "计算过程 / how it was reached")
    for step in entry.steps:
        steps.add_row(f"{step['zh']} / {step['en']}")
    return steps


@app.command("overdue")
@handle_errors
def cases_overdue(
    station: Annotated[str | None, typer.Option(help="派出所代码 / one station's code (default: the city)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="最多列出 / at most this many")] = 100,
) -> None:
    """列出临近（黄）和已超（红）法定期限的案件 / the cases' legal deadlines near (amber) and past (red) due."""
    from precinct.cases import board

    settings = load_settings()
    zone = settings.zone
    table = _table("", "案件 / case", "期限 / limit", "状态 / state", "派出所 / station", "主办 / lead",
                   "期满 / due", "超期 / late")
    with open_session(settings) as session:
        found = board.board(session, cli_actor(), station_id=_station_id(session, station), limit=limit)
        codes = _station_codes(session)
        session.rollback()
    for row in found.rows:
        state = "超期 / red" if row.state == "red" else "临近 / amber"
        late = f"{row.late_s / 3600:+.1f} h"
        table.add_row(row.number, row.rule_code, state, codes.get(row.station_id or 0, ""), row.lead_officer or "",
                      _local(row.due_at, zone), late)
    table.title = f"超期 / red {found.red} · 临近 / amber {found.amber}" + (" …" if found.truncated else "")
    console.print(table)


@app.command("sweep")
@handle_errors
def cases_sweep() -> None:
    """发出期满提醒并记录超期 / send the reminders due and record the breaches (what the server's job does)."""
    from precinct.cases import sweep

    settings = load_settings()
    with open_session(settings) as session:
        result = sweep.sweep(session, zone=settings.zone)
        session.commit()
    console.print(f"提醒 / reminded: {result.reminded}, 超期 / breached: {result.breached}", highlight=False)


def _months_back(today: datetime, months: int) -> tuple[datetime, datetime]:
    """Return the first day of the month ``months - 1`` before ``today``'s, and the day after ``today``."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return today.replace(year=year, month=month, day=1), today + timedelta(days=1)


@app.command("figures")
@handle_errors
def cases_figures(
    station: Annotated[str | None, typer.Option(help="派出所代码 / one station's code (default: the city)")] = None,
    months: Annotated[int, typer.Option(min=1, max=60, help="月数（含本月）/ months, this one included")] = 12,
) -> None:
    """破案与时效：每个派出所每月受理、破案、结案，期限内决定的比例，在办案件账龄 / the clearance figures."""
    from precinct.cases import figures

    settings = load_settings()
    start, end = _months_back(datetime.now(settings.zone), months)
    with open_session(settings) as session:
        found = figures.figures(session, cli_actor(), since=start.date(), until=end.date(), zone=settings.zone,
                                station_id=_station_id(session, station))
        codes = _station_codes(session)
        session.rollback()
    table = _table(f"案件数据 / case figures {found.since} – {found.until}", "派出所 / station", "月份 / month",
                   "立案 / opened", "破案 / cleared", "结案 / closed", "期限内 / within limit")
    for m in found.months:
        share = f"{m.within_limit}/{m.decisions} ({m.within_limit_share:.0%})" if m.within_limit_share is not None \
            else "—"
        table.add_row(codes.get(m.station_id, str(m.station_id)), m.month, str(m.opened), str(m.cleared),
                      str(m.closed), share)
    console.print(table)
    ages = _table("在办案件账龄（天）/ open cases by age (days)", "派出所 / station", "天数 / days",
                  "案件数 / cases")
    for band in found.ages:
        ages.add_row(codes.get(band.station_id, str(band.station_id)), band.band, str(band.open_cases))
    console.print(ages)


@app.command("rules")
@handle_errors
def cases_rules() -> None:
    """显示现行法定时限表及法律依据 / the legal time limits in force, with the provisions they cite."""
    from precinct.cases import rules
    from precinct.cases.limit_models import UNIT_NAMES
    from precinct.cases.rules import TIER_NAMES

    with open_session(load_settings()) as session:
        current = rules.current(session)
        version = current.version.id
        session.rollback()
    table = _table(f"法定时限第 {version} 版 / legal limits, version {version}",
                   "期限 / limit", "种类 / kind", "时限 / duration", "延长 / extensions", "依据 / provision")
    for rule in current.rules.values():
        unit = UNIT_NAMES[rule.unit]
        extensions = "; ".join(f"{to} ({TIER_NAMES[tier][0]} / {TIER_NAMES[tier][1]})" for to, tier in rule.extensions)
        table.add_row(f"{rule.name_zh} / {rule.name_en}", rule.kind.value if rule.kind else "",
                      f"{rule.duration} {unit[0]} / {unit[1]}", extensions or "—", rule.provision)
    console.print(table)


@app.command("types-import")
@handle_errors
def cases_types_import(
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8）：code,kind,name_zh,name_en,national_code")],
) -> None:
    """导入案件类别代码表（含国标代码）/ add or update case types, with their national codes, from a CSV file.

    Types the file does not name stay as they are; a bad line stores nothing and names the line.
    """
    from precinct.audit import service as audit_service
    from precinct.cases import catalogue

    content = file.read_text(encoding="utf-8-sig")
    with open_session(load_settings()) as session:
        added, updated = catalogue.import_csv(session, content)
        audit_service.record(session, actor=cli_actor(), action="case_types.import", resource_type="case_type",
                             detail={"file": file.name, "added": added, "updated": updated})
        session.commit()
    console.print(f"新增 / added: {added}, 更新 / updated: {updated}", highlight=False)


@app.command("retention")
@handle_errors
def cases_retention(
    station: Annotated[str | None, typer.Option(help="派出所代码 / one station's code (default: the city)")] = None,
) -> None:
    """列出超过保管期限仍在保管的涉案财物 / the items still held after their retention ended, longest past first."""
    from precinct.cases import custody
    from precinct.cases.custody_models import ITEM_STATUS_NAMES

    settings = load_settings()
    today = datetime.now(settings.zone).date()
    table = _table("", "案件 / case", "标签 / label", "财物 / item", "状态 / state", "保管至 / retention until",
                   "逾期天数 / days past")
    with open_session(settings) as session:
        found = custody.past_retention(session, actor=cli_actor(), today=today,
                                       station_id=_station_id(session, station))
        for item, case in found:
            table.add_row(case.number, item.label_number, item.description[:40],
                          " / ".join(ITEM_STATUS_NAMES[item.status]), str(item.retention_until),
                          str((today - item.retention_until).days) if item.retention_until else "")
        session.rollback()
    table.title = f"超过保管期限 / past retention: {len(found)}"
    console.print(table)
