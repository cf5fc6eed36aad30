"""``precinct forecast``: evaluate forecasts, write the next day's, run the operational one on the store."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from precinct.cli.common import cli_actor, error_console, handle_errors, load_settings, open_session
from precinct.core.errors import ValidationError

if TYPE_CHECKING:
    from precinct.analysis.events import EventTable

app = typer.Typer(help="Hotspot forecasting: honest rolling evaluation and operational forecasts.",
                  no_args_is_help=True)
BAD_INPUT_ZH = "输入无效（请检查类别、日期、方法、列名和参数）"
UNREADABLE_ZH = "无法读取事件文件（请提供 UTF-8 编码的 CSV）"


@contextmanager
def _explained() -> Iterator[None]:
    """Turn bad input or an unreadable events file into a ValidationError in both languages.

    ``handle_errors`` prints it and exits 2.
    """
    try:
        yield
    except ValidationError as error:
        raise ValidationError(f"{BAD_INPUT_ZH} / {error}") from error
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValidationError(f"{UNREADABLE_ZH} / events: cannot read the CSV: {error}") from error


def _load(events: Path, timezone: str | None, include_officer_initiated: bool) -> EventTable:
    from precinct.analysis.events import event_table_from_frame, read_events_csv

    frame = read_events_csv(events, timezone=timezone)
    return event_table_from_frame(frame, include_officer_initiated=include_officer_initiated)


def _method_options(method: str, holidays: str | None) -> dict[str, str | None]:
    if not holidays or method not in ("boosted", "ensemble", "best"):
        return {}
    country, _, subdivision = holidays.partition("-")
    return {"holiday_country": country, "holiday_subdivision": subdivision or None}


Events = Annotated[Path, typer.Option("--events", help="Incident CSV (occurred_at, category, lat, lon).")]
Category = Annotated[str, typer.Option("--category", help="A category or 'all'.")]
CellM = Annotated[float, typer.Option("--cell-m", help="Cell side in metres.")]
Method = Annotated[str, typer.Option("--method", help="naive_all, naive_365d, naive_28d, kde, prospective, ewma, "
                                                      "sepp, boosted, ensemble, best.")]
Timezone = Annotated[str | None, typer.Option("--timezone", help="IANA zone for local days, e.g. America/Toronto.")]
Holidays = Annotated[str | None, typer.Option("--holidays", help="Public holidays for boosted models, e.g. CA-ON.")]
OfficerInitiated = Annotated[bool, typer.Option("--include-officer-initiated",
                                                help="Learn from patrol-found incidents too.")]
Coverage = Annotated[float, typer.Option("--coverage", help="Share of the study area to flag.")]


@app.command()
@handle_errors
def evaluate(
    events: Events,
    start: Annotated[str, typer.Option("--start", help="First test day, YYYY-MM-DD.")],
    category: Category = "all",
    days: Annotated[int, typer.Option("--days", help="Number of test days.")] = 60,
    cell_m: CellM = 250.0,
    method: Method = "best",
    timezone: Timezone = None,
    holidays: Holidays = None,
    include_officer_initiated: OfficerInitiated = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Rolling-origin evaluation: each test day is forecast from earlier events only."""
    from precinct.analysis.evaluation import evaluate_forecast
    from precinct.analysis.methods import METHODS

    if method not in METHODS:
        raise ValidationError(f"未知的预测方法 {method!r}，可选：{', '.join(METHODS)} / "
                              f"method: unknown method {method!r}; use one of {list(METHODS)}")
    began = time.perf_counter()
    with _explained():
        table = _load(events, timezone, include_officer_initiated)
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} days"), TimeElapsedColumn(), console=error_console,
                      transient=True) as progress:
            task = progress.add_task(f"{method} / {category}", total=days)
            result = evaluate_forecast(
                table, method=method, category=category, start=start, n_days=days, cell_m=cell_m,
                options=_method_options(method, holidays),
                progress=lambda done, total: progress.update(task, completed=done),
            )
    payload = result.to_dict()
    payload["seconds"] = round(time.perf_counter() - began, 2)  # including reading the CSV
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    typer.echo(f"{payload['method']} / {payload['category']}: {payload['days']} days, "
               f"{payload['n_cells']} cells of {payload['cell_m']:g} m")
    for key, value in payload["coverage"].items():
        typer.echo(f"  top {float(key):.0%}: hit rate {value['hit_rate']:.3f}, PAI {value['pai']:.2f}")
    typer.echo(f"  {payload['seconds']} s")


@app.command()
@handle_errors
def next_day(
    events: Events,
    category: Category = "all",
    cell_m: CellM = 250.0,
    method: Method = "best",
    coverage: Coverage = 0.05,
    timezone: Timezone = None,
    holidays: Holidays = None,
    output: Annotated[Path | None, typer.Option("--output", help="GeoJSON file (stdout if omitted).")] = None,
) -> None:
    """Forecast the day after the last event and write the top cells as GeoJSON."""
    from precinct.analysis.operational import forecast_next_day, forecast_to_geojson

    with _explained():
        table = _load(events, timezone, False)
        forecast = forecast_next_day(table, method=method, category=category, cell_m=cell_m,
                                     options=_method_options(method, holidays))
        collection = forecast_to_geojson(forecast, coverage=coverage)
    text = json.dumps(collection, ensure_ascii=False)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("run")
@handle_errors
def run_stored(
    method: Method = "best",
    category: Category = "all",
    cell_m: CellM = 250.0,
    coverage: Coverage = 0.05,
    history_days: Annotated[int, typer.Option("--history-days", help="Days of history to learn from.")] = 365,
    include_officer_initiated: OfficerInitiated = False,
) -> None:
    """为今日生成预测并存储，供地图使用 / forecast today from the incident store and store it for the map."""
    from precinct.forecasts import service

    settings = load_settings()
    with open_session(settings) as session:
        stored = service.run_forecast(session, actor=cli_actor(), method=method, category=category, cell_m=cell_m,
                                      coverage=coverage, history_days=history_days,
                                      include_officer_initiated=include_officer_initiated, zone=settings.zone)
        session.commit()
        typer.echo(json.dumps({"forecast_id": stored.id, "method": stored.method, "category": stored.category,
                               "target_date": stored.target_date.isoformat(), "n_events": stored.n_events,
                               "flagged_cells": len(json.loads(stored.geojson)["features"]),
                               "district_shares": stored.district_shares, "seconds": round(stored.seconds, 2)},
                              ensure_ascii=False))


@app.command("backfill")
@handle_errors
def backfill_stored(
    days: Annotated[int, typer.Option(min=1, max=90, help="Past days to forecast, each from the days before it.")] = 14,
    method: Method = "kde",
) -> None:
    """为过去几天补做预测以计算准确率 / forecast the last past days from their own history, to score them."""
    from precinct.forecasts import backfill

    settings = load_settings()
    with open_session(settings) as session:
        stored = backfill.backfill(session, actor=cli_actor(), zone=settings.zone, days=days, method=method)
        session.commit()
    typer.echo(json.dumps({"backfilled": stored, "method": method}, ensure_ascii=False))
