"""``precinct plan``: staffing, post placement, coverage and before/after evaluation from CSV files.

Matrices are CSV files of travel times in seconds, one row per post or candidate site and one
column per demand cell; an optional header row and a non-numeric first column (ids) are skipped.
Bad input prints ``错误 / error: …`` and exits with status 2, never a traceback.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from precinct.core.errors import NotFoundError, ValidationError

app = typer.Typer(help="警力规划 / planning: staffing, post placement, coverage, evaluation", no_args_is_help=True)

EXIT_BAD_INPUT = 2


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"错误 / error: {exc}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _echo_json(data: dict) -> None:
    typer.echo(json.dumps(_finite(data), ensure_ascii=False))


def _finite(value):  # noqa: ANN001, ANN202 - JSON has no inf/nan: write null
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _numbers(text: str, option: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValidationError(f"{option} must be comma-separated numbers, e.g. 1,3,5; got {text!r}") from None
    if not values:
        raise ValidationError(f"{option} is empty; give at least one number")
    return values


def read_matrix_csv(path: Path, option: str = "--matrix") -> np.ndarray:
    """Read a numeric CSV matrix (optional header row and id column) as float seconds."""
    import pandas as pd

    if not path.is_file():
        raise NotFoundError(f"{option}: file not found: {path} / 找不到文件")
    try:
        frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{option}: {path} is not a readable CSV ({exc})") from None
    numeric = frame.apply(lambda column: pd.to_numeric(column.str.strip(), errors="coerce"))
    if len(frame) and numeric.iloc[0].isna().all():  # header row
        frame, numeric = frame.iloc[1:], numeric.iloc[1:]
    if numeric.shape[1] > 1 and numeric.iloc[:, 0].isna().all():  # id column
        numeric = numeric.iloc[:, 1:]
    if numeric.size == 0:
        raise ValidationError(f"{option}: {path} holds no numbers")
    if numeric.isna().any().any():
        row, column = np.argwhere(numeric.isna().to_numpy())[0]
        raise ValidationError(f"{option}: {path} has a non-numeric value at data row {row + 1}, column {column + 1}")
    return numeric.to_numpy(dtype=float)


def _read_vector(path: Path | None, option: str, length: int) -> np.ndarray | None:
    if path is None:
        return None
    matrix = read_matrix_csv(path, option)
    vector = matrix.ravel() if 1 in matrix.shape else matrix[:, -1]
    if vector.size != length:
        raise ValidationError(f"{option}: {path} has {vector.size} values but the matrix has {length} demand cells")
    return vector


@app.command("staffing")
def staffing(
    calls_per_hour: Annotated[str, typer.Option("--calls-per-hour", help="Calls per hour, or one value per shift: 12,30,18")],
    service_min: Annotated[float, typer.Option("--service-min", help="Mean minutes a call occupies a unit")],
    units: Annotated[int | None, typer.Option("--units", help="Also report Erlang figures for this many units")] = None,
    target_share: Annotated[float, typer.Option("--target-share", help="Share of calls to reach in time")] = 0.9,
    target_min: Annotated[float, typer.Option("--target-min", help="Response target, minutes")] = 5.0,
    travel_min: Annotated[float, typer.Option("--travel-min", help="Typical travel minutes added to the wait")] = 0.0,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Erlang-C 排队与最少警力建议 / Erlang-C queue figures and the fewest units per shift."""
    from precinct.planning.queueing import fewest_units, queue_metrics

    try:
        rates = _numbers(calls_per_hour, "--calls-per-hour")
        service_s = service_min * 60.0
        recommendation = fewest_units(
            rates, service_s, target_share=target_share, target_s=target_min * 60.0, travel_time_s=travel_min * 60.0
        )
        current = [
            queue_metrics(rate, service_s, units, target_s=target_min * 60.0, travel_time_s=travel_min * 60.0)
            for rate in rates
        ] if units is not None else []
    except ValidationError as exc:
        raise _fail(exc) from None
    if json_:
        data = recommendation.to_dict() | {"calls_per_hour": rates, "service_min": service_min}
        if current:
            data["at_units"] = [metrics.to_dict() for metrics in current]
        _echo_json(data)
        return
    for index, (rate, shift) in enumerate(zip(rates, recommendation.shifts), start=1):
        typer.echo(
            f"班次 / shift {index}: {rate:g} 警情/小时 calls/h -> 建议 / recommended {shift.units} 警力 units "
            f"(等待概率 / P(wait) {shift.probability_wait:.3f}, "
            f"{target_min:g} 分钟内 / within {target_min:g} min {shift.share_within_target:.1%})"
        )
    for index, metrics in enumerate(current, start=1):
        typer.echo(
            f"班次 / shift {index} @ {metrics.units} 警力 units: 利用率 / utilisation {metrics.utilisation:.1%}, "
            f"等待概率 / P(wait) {metrics.probability_wait:.3f}, 平均等待 / mean wait {metrics.mean_wait_s:.0f} s"
        )


@app.command("posts")
def posts(
    matrix: Annotated[Path, typer.Option("--matrix", help="CSV travel times (s): candidate sites x demand cells")],
    k: Annotated[int | None, typer.Option("--k", help="Number of posts to choose (MCLP); omit for set covering")] = None,
    threshold_s: Annotated[float, typer.Option("--threshold-s", help="Response threshold, seconds")] = 300.0,
    weights: Annotated[Path | None, typer.Option("--weights", help="CSV of demand per cell (one column)")] = None,
    time_limit_s: Annotated[float, typer.Option("--time-limit-s", help="HiGHS time limit, seconds")] = 60.0,
    greedy: Annotated[bool, typer.Option("--greedy", help="Use the greedy heuristic instead of HiGHS")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """选址：最大覆盖（给定 --k）或最少站点全覆盖 / post placement: MCLP with --k, else set covering."""
    from precinct.planning.location import MaximalCoveringModel, SetCoveringModel

    try:
        times = read_matrix_csv(matrix)
        demand = _read_vector(weights, "--weights", times.shape[1])
        if k is not None:
            model = MaximalCoveringModel.from_cost_matrix(times, k, threshold_s, weights=demand)
            result = model.greedy() if greedy else model.solve(time_limit_s=time_limit_s)
        else:
            if greedy:
                raise ValidationError("--greedy needs --k (the greedy heuristic is for maximal covering)")
            result = SetCoveringModel.from_cost_matrix(times, threshold_s, weights=demand).solve(time_limit_s=time_limit_s)
    except (ValidationError, NotFoundError) as exc:
        raise _fail(exc) from None
    if json_:
        _echo_json(result.to_dict() | {"model": "mclp" if k is not None else "lscp", "threshold_s": threshold_s})
        return
    gap = "n/a" if math.isnan(result.mip_gap) else f"{result.mip_gap:.4%}"
    typer.echo(
        f"选中站点 / chosen sites ({result.site_count}): {', '.join(str(s) for s in result.chosen_sites)}\n"
        f"覆盖需求 / covered demand: {result.covered_share:.1%} (可覆盖上限 / coverable {result.coverable_share:.1%}); "
        f"最优性差距 / gap {gap}; 状态 / status {result.status}; {result.solve_s:.2f} s"
    )


@app.command("coverage")
def coverage(
    matrix: Annotated[Path | None, typer.Option("--matrix", help="CSV travel times (s): posts x demand cells")] = None,
    roads: Annotated[Path | None, typer.Option("--roads", help="Roads file (.parquet, .gpkg, .osm, .osm.pbf)")] = None,
    posts_csv: Annotated[Path | None, typer.Option("--posts", help="CSV with lon,lat columns (with --roads)")] = None,
    demand_csv: Annotated[Path | None, typer.Option("--demand", help="CSV with lon,lat[,weight[,group]] (with --roads)")] = None,
    minutes: Annotated[str, typer.Option("--minutes", help="Thresholds in minutes")] = "1,3,5",
    weights: Annotated[Path | None, typer.Option("--weights", help="CSV of demand per cell (with --matrix)")] = None,
    hour: Annotated[int | None, typer.Option("--hour", help="Hour of day for congestion (with --roads)")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """覆盖率：最近警力在 1/3/5 分钟内可达的需求比例 / share of demand within 1/3/5 minutes."""
    from precinct.planning.coverage import coverage_by_threshold

    try:
        thresholds_s = tuple(60.0 * m for m in _numbers(minutes, "--minutes"))
        if matrix is not None:
            if roads is not None:
                raise ValidationError("give either --matrix or --roads with --posts and --demand, not both")
            times = read_matrix_csv(matrix)
            report = coverage_by_threshold(
                times, thresholds_s=thresholds_s, weights=_read_vector(weights, "--weights", times.shape[1])
            )
        elif roads is not None and posts_csv is not None and demand_csv is not None:
            report = _network_coverage(roads, posts_csv, demand_csv, thresholds_s, hour)
        else:
            raise ValidationError("give --matrix CSV, or --roads FILE with --posts CSV and --demand CSV")
    except (ValidationError, NotFoundError) as exc:
        raise _fail(exc) from None
    except LookupError as exc:  # e.g. geo's NoRouteError
        raise _fail(exc) from None
    if json_:
        _echo_json(report.to_dict())
        return
    for threshold, share_covered in zip(report.thresholds_s, report.citywide_share):
        typer.echo(f"{threshold / 60:g} 分钟 / min: 全市 / citywide {share_covered:.1%}")
    for label, row in zip(report.group_labels, report.group_share):
        typer.echo(f"  {label}: " + ", ".join(f"{value:.1%}" for value in row))


def _lonlat_table(path: Path, option: str):  # noqa: ANN202
    import pandas as pd

    if not path.is_file():
        raise NotFoundError(f"{option}: file not found: {path} / 找不到文件")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{option}: {path} is not a readable CSV ({exc})") from None
    missing = {"lon", "lat"} - set(frame.columns)
    if missing:
        raise ValidationError(f"{option}: {path} needs columns lon and lat (missing {', '.join(sorted(missing))})")
    return frame


def _network_coverage(roads: Path, posts_csv: Path, demand_csv: Path, thresholds_s, hour):  # noqa: ANN001, ANN202
    from precinct.geo.graph import graph_from_file
    from precinct.planning.coverage import coverage_by_threshold
    from precinct.planning.network import travel_time_matrix

    posts_frame = _lonlat_table(posts_csv, "--posts")
    demand_frame = _lonlat_table(demand_csv, "--demand")
    if not roads.is_file():
        raise NotFoundError(f"--roads: file not found: {roads} / 找不到文件")
    graph = graph_from_file(roads)
    times = travel_time_matrix(
        graph,
        posts_frame[["lon", "lat"]].to_numpy(float),
        demand_frame[["lon", "lat"]].to_numpy(float),
        hour=hour,
        limit_s=max(thresholds_s),
    )
    weights = demand_frame["weight"].to_numpy(float) if "weight" in demand_frame else None
    groups = demand_frame["group"].astype(str).to_numpy() if "group" in demand_frame else None
    return coverage_by_threshold(times, thresholds_s=thresholds_s, weights=weights, groups=groups)


@app.command("did")
def did(
    treated_before: Annotated[str, typer.Option("--treated-before", help="Count, or weekly counts 5,7,6")],
    treated_after: Annotated[str, typer.Option("--treated-after")],
    comparison_before: Annotated[str, typer.Option("--comparison-before")],
    comparison_after: Annotated[str, typer.Option("--comparison-after")],
    confidence: Annotated[float, typer.Option("--confidence")] = 0.95,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """效果评估：双重差分（比率之比）/ before/after evaluation: difference-in-differences of counts."""
    from precinct.planning.evaluation import difference_in_differences

    try:
        result = difference_in_differences(
            _numbers(treated_before, "--treated-before"),
            _numbers(treated_after, "--treated-after"),
            _numbers(comparison_before, "--comparison-before"),
            _numbers(comparison_after, "--comparison-after"),
            confidence=confidence,
        )
    except ValidationError as exc:
        raise _fail(exc) from None
    if json_:
        _echo_json(result.to_dict())
        return
    typer.echo(result.verdict_zh)
    typer.echo(result.verdict_en)
