"""``precinct forecast``: evaluate hotspot forecasts, write the next day's forecast, and run the
operational forecast on the store."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from precinct.cli.common import cli_actor, error_console, handle_errors, load_settings, open_session
from precinct.core.errors import ValidationError

app = typer.Typer(help="Hotspot forecasting: honest rolling evaluation and operational forecasts.", no_args_is_help=True)
BAD_INPUT_ZH = "输入无效（请检查类别、日期、方法、列名和参数）"
UNREADABLE_ZH = "无法读取事件文件（请提供 UTF-8 编码的 CSV）"


@contextmanager
def _explained() -> Iterator[None]:
    """Bad input or an unreadable events file: a ValidationError that says in both languages what
    to check (``handle_errors`` prints it and exits 2)."""
    try:
        yield
    except ValidationError as error:
        raise ValidationError(f"{BAD_INPUT_ZH} / {error}") from error
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValidationError(f"{UNREADABLE_ZH} / events: cannot read the CSV: {error}") from error


def _load(events: Path, timezone: Optional[str], include_officer_initiated: bool):
    from precinct.analysis.events import event_table_from_frame, read_events_csv

    frame = read_events_csv(events, timezone=timezone)
    return event_table_from_frame(frame, include_officer_initiated=include_officer_initiated)


def _method_options(method: str, holidays: Optional[str]) -> dict:
    if not holidays or method not in ("boosted", "ensemble", "best"):
        return {}
    country, _, subdivision = holidays.partition("-")
    return {"holiday_country": country, "holiday_subdivision": subdivision or None}


@app.command()
@handle_errors
def evaluate(
    events: Path = typer.Option(..., "--events", help="Incident CSV (occurred_at, category, lat, lon)."),
    category: str = typer.Option("all", "--category", help="A category or 'all'."),
    start: str = typer.Option(..., "--start", help="First test day, YYYY-MM-DD."),
    days: int = typer.Option(60, "--days", help="Number of test days."),
    cell_m: float = typer.Option(250.0, "--cell-m", help="Cell side in metres."),
    method: str = typer.Option("best", "--method", help="naive_all, naive_365d, naive_28d, kde, prospective, sepp, boosted, ensemble, best."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="IANA zone for local days, e.g. America/Toronto."),
    holidays: Optional[str] = typer.Option(None, "--holidays", help="Public holidays for boosted models, e.g. CA-ON."),
    include_officer_initiated: bool = typer.Option(False, "--include-officer-initiated", help="Train on patrol-found incidents too."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
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
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} days"),
                      TimeElapsedColumn(), console=error_console, transient=True) as progress:
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
    typer.echo(f"{payload['method']} / {payload['category']}: {payload['days']} days, {payload['n_cells']} cells of {payload['cell_m']:g} m")
    for key, value in payload["coverage"].items():
        typer.echo(f"  top {float(key):.0%}: hit rate {value['hit_rate']:.3f}, PAI {value['pai']:.2f}")
    typer.echo(f"  {payload['seconds']} s")


@app.command()
@handle_errors
def next_day(
    events: Path = typer.Option(..., "--events", help="Incident CSV."),
    category: str = typer.Option("all", "--category"),
    cell_m: float = typer.Option(250.0, "--cell-m"),
    method: str = typer.Option("best", "--method"),
    coverage: float = typer.Option(0.05, "--coverage", help="Share of the study area to flag."),
    timezone: Optional[str] = typer.Option(None, "--timezone"),
    holidays: Optional[str] = typer.Option(None, "--holidays"),
    output: Optional[Path] = typer.Option(None, "--output", help="GeoJSON file (stdout if omitted)."),
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
    method: str = typer.Option("best", "--method", help="forecast method (see `evaluate --help`)"),
    category: str = typer.Option("all", "--category"),
    cell_m: float = typer.Option(250.0, "--cell-m"),
    coverage: float = typer.Option(0.05, "--coverage", help="share of the study area to flag"),
    history_days: int = typer.Option(365, "--history-days"),
    include_officer_initiated: bool = typer.Option(False, "--include-officer-initiated",
                                                   help="also learn from patrol-found incidents"),
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
