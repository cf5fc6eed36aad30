"""``precinct plan``: staffing, post placement, coverage and before/after evaluation from CSV files.

Matrices are CSV files of travel times in seconds, one row per post or candidate site and one
column per demand cell; an optional header row and a non-numeric first column (ids) are skipped.
Bad input prints ``错误 / error: …`` and exits with status 2, never a traceback (``cli.common``).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import numpy as np
import typer

from precinct.cli.common import handle_errors
from precinct.core.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy.orm import Session

    from precinct.core.settings import Settings
    from precinct.geo import RoadGraph
    from precinct.planning.coverage import CoverageReport

T = TypeVar("T")

app = typer.Typer(help="警力规划 / planning: staffing, post placement, coverage, evaluation", no_args_is_help=True)

def _echo_json(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(_finite(data), ensure_ascii=False))


def _finite(value: object) -> object:
    """JSON has no inf or NaN: write null (and plain numbers for numpy scalars)."""
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
    matrix: np.ndarray = numeric.to_numpy(dtype=float)
    return matrix


def _read_vector(path: Path | None, option: str, length: int) -> np.ndarray | None:
    if path is None:
        return None
    matrix = read_matrix_csv(path, option)
    vector = matrix.ravel() if 1 in matrix.shape else matrix[:, -1]
    if vector.size != length:
        raise ValidationError(f"{option}: {path} has {vector.size} values but the matrix has {length} demand cells")
    return vector


@app.command("staffing")
@handle_errors
def staffing(
    calls_per_hour: Annotated[str, typer.Option("--calls-per-hour",
                                                help="Calls per hour, or one value per shift: 12,30,18")],
    service_min: Annotated[float, typer.Option("--service-min", help="Mean minutes a call occupies a unit")],
    units: Annotated[int | None, typer.Option("--units", help="Also report Erlang figures for this many units")] = None,
    target_share: Annotated[float, typer.Option("--target-share", help="Share of calls to reach in time")] = 0.9,
    target_min: Annotated[float, typer.Option("--target-min", help="Response target, minutes")] = 5.0,
    travel_min: Annotated[float, typer.Option("--travel-min", help="Typical travel minutes added to the wait")] = 0.0,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Erlang-C 排队与最少警力建议 / Erlang-C queue figures and the fewest units per shift."""
    from precinct.planning.queueing import fewest_units, queue_metrics

    rates = _numbers(calls_per_hour, "--calls-per-hour")
    service_s = service_min * 60.0
    recommendation = fewest_units(
        rates, service_s, target_share=target_share, target_s=target_min * 60.0, travel_time_s=travel_min * 60.0
    )
    current = [
        queue_metrics(rate, service_s, units, target_s=target_min * 60.0, travel_time_s=travel_min * 60.0)
        for rate in rates
    ] if units is not None else []
    if json_:
        data = recommendation.to_dict() | {"calls_per_hour": rates, "service_min": service_min}
        if current:
            data["at_units"] = [metrics.to_dict() for metrics in current]
        _echo_json(data)
        return
    for index, (rate, shift) in enumerate(zip(rates, recommendation.shifts, strict=True), start=1):
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
@handle_errors
def posts(
    matrix: Annotated[Path | None, typer.Option("--matrix",
                                                help="CSV travel times (s): candidate sites x demand cells")] = None,
    roads: Annotated[Path | None, typer.Option("--roads", help="Roads file: travel times on the road network")] = None,
    candidates_csv: Annotated[Path | None, typer.Option("--candidates",
                                                        help="CSV lon,lat of candidate sites (with --roads)")] = None,
    demand_csv: Annotated[Path | None, typer.Option("--demand", help="CSV lon,lat[,weight] (with --roads)")] = None,
    k: Annotated[int | None, typer.Option("--k",
                                          help="Number of posts to choose (MCLP); omit for set covering")] = None,
    threshold_s: Annotated[float | None, typer.Option("--threshold-s",
                                                      help="Response threshold, seconds (default 300)")] = None,
    minutes: Annotated[float | None, typer.Option("--minutes", help="Response threshold, minutes (instead of "
                                                                    "--threshold-s)")] = None,
    weights: Annotated[Path | None, typer.Option("--weights",
                                                 help="CSV of demand per cell (one column, with --matrix)")] = None,
    hour: Annotated[int | None, typer.Option("--hour", help="Hour of day for congestion (with --roads)")] = None,
    time_limit_s: Annotated[float, typer.Option("--time-limit-s", help="HiGHS time limit, seconds")] = 60.0,
    greedy: Annotated[bool, typer.Option("--greedy", help="Use the greedy heuristic instead of HiGHS")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """选址：最大覆盖（给定 --k）或最少站点全覆盖 / post placement: MCLP with --k, else set covering."""
    from precinct.planning.location import MaximalCoveringModel, SetCoveringModel

    sites = None
    matrix_s = None
    if threshold_s is not None and minutes is not None:
        raise ValidationError("give --threshold-s or --minutes, not both")
    limit = 60.0 * minutes if minutes is not None else (threshold_s if threshold_s is not None else 300.0)
    if matrix is not None:
        if roads is not None:
            raise ValidationError("give either --matrix or --roads with --candidates and --demand, not both")
        times = read_matrix_csv(matrix)
        demand = _read_vector(weights, "--weights", times.shape[1])
    elif roads is not None and candidates_csv is not None and demand_csv is not None:
        sites = _lonlat_table(candidates_csv, "--candidates")
        demand_frame = _lonlat_table(demand_csv, "--demand")
        started = time.perf_counter()
        times = _network_matrix(roads, sites, demand_frame, hour=hour, limit_s=limit)
        matrix_s = time.perf_counter() - started
        demand = demand_frame["weight"].to_numpy(float) if "weight" in demand_frame else None
    else:
        raise ValidationError("give --matrix CSV, or --roads FILE with --candidates CSV and --demand CSV")
    if k is not None:
        model = MaximalCoveringModel.from_cost_matrix(times, k, limit, weights=demand)
        result = model.greedy() if greedy else model.solve(time_limit_s=time_limit_s)
    else:
        if greedy:
            raise ValidationError("--greedy needs --k (the greedy heuristic is for maximal covering)")
        result = SetCoveringModel.from_cost_matrix(times, limit, weights=demand).solve(time_limit_s=time_limit_s)
    if json_:
        data = result.to_dict() | {"model": "mclp" if k is not None else "lscp", "threshold_s": limit}
        if sites is not None:
            chosen = sites.iloc[list(result.chosen_sites)]
            data |= {"chosen_lonlat": chosen[["lon", "lat"]].to_numpy(float).tolist(),
                     "travel_matrix_s": round(matrix_s or 0.0, 3),
                     "candidates": len(sites), "demand_cells": times.shape[1]}
        _echo_json(data)
        return
    gap = "n/a" if math.isnan(result.mip_gap) else f"{result.mip_gap:.4%}"
    typer.echo(
        f"选中站点 / chosen sites ({result.site_count}): {', '.join(str(s) for s in result.chosen_sites)}\n"
        f"覆盖需求 / covered demand: {result.covered_share:.1%} (可覆盖上限 / coverable {result.coverable_share:.1%}); "
        f"最优性差距 / gap {gap}; 状态 / status {result.status}; {result.solve_s:.2f} s"
    )


@app.command("coverage")
@handle_errors
def coverage(
    matrix: Annotated[Path | None, typer.Option("--matrix", help="CSV travel times (s): posts x demand cells")] = None,
    roads: Annotated[Path | None, typer.Option("--roads", help="Roads file (.parquet, .gpkg, .osm, .osm.pbf)")] = None,
    posts_csv: Annotated[Path | None, typer.Option("--posts", help="CSV with lon,lat columns (with --roads)")] = None,
    demand_csv: Annotated[Path | None, typer.Option("--demand", help="CSV with lon,lat[,weight][,district column] "
                                                                     "(with --roads)")] = None,
    minutes: Annotated[str, typer.Option("--minutes", help="Thresholds in minutes")] = "1,3,5",
    weights: Annotated[Path | None, typer.Option("--weights", help="CSV of demand per cell (with --matrix)")] = None,
    district_column: Annotated[str, typer.Option("--district-column",
                                                 help="Demand CSV column naming the district")] = "group",
    districts: Annotated[Path | None, typer.Option("--districts", help="GeoJSON of district polygons: label demand by "
                                                                       "location")] = None,
    district_property: Annotated[str, typer.Option("--district-property",
                                                   help="Feature property with the district name")] = "name",
    polygons_out: Annotated[Path | None, typer.Option("--polygons-out",
                                                      help="Write the response areas as GeoJSON here")] = None,
    hour: Annotated[int | None, typer.Option("--hour", help="Hour of day for congestion (with --roads)")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """覆盖率：最近警力在 1/3/5 分钟内可达的需求比例 / share of demand within 1/3/5 minutes."""
    from precinct.planning.coverage import coverage_by_threshold

    extra: dict[str, object] = {}
    minute_values = _numbers(minutes, "--minutes")
    thresholds_s = tuple(60.0 * m for m in minute_values)
    if matrix is not None:
        if roads is not None:
            raise ValidationError("give either --matrix or --roads with --posts and --demand, not both")
        if polygons_out is not None or districts is not None:
            raise ValidationError("--polygons-out and --districts need --roads (a matrix has no geography)")
        times = read_matrix_csv(matrix)
        report = coverage_by_threshold(
            times, thresholds_s=thresholds_s, weights=_read_vector(weights, "--weights", times.shape[1])
        )
    elif roads is not None and posts_csv is not None and demand_csv is not None:
        report, extra = _network_coverage(
            roads, posts_csv, demand_csv, thresholds_s, hour, district_column=district_column,
            districts=districts, district_property=district_property, polygons_out=polygons_out,
            minutes=minute_values,
        )
    else:
        raise ValidationError("give --matrix CSV, or --roads FILE with --posts CSV and --demand CSV")
    if json_:
        _echo_json(report.to_dict() | extra)
        return
    for threshold, share_covered in zip(report.thresholds_s, report.citywide_share, strict=True):
        typer.echo(f"{threshold / 60:g} 分钟 / min: 全市 / citywide {share_covered:.1%}")
    for label, row in zip(report.group_labels, report.group_share, strict=True):
        typer.echo(f"  {label}: " + ", ".join(f"{value:.1%}" for value in row))
    if polygons_out is not None:
        typer.echo(f"响应圈 / response areas: {polygons_out}")


def _lonlat_table(path: Path, option: str) -> pd.DataFrame:
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
    if frame.empty:
        raise ValidationError(f"{option}: {path} has no rows")
    return frame


def _graph(roads: Path) -> RoadGraph:
    from precinct.roads.graph import road_graph

    if not roads.is_file():
        raise NotFoundError(f"--roads: file not found: {roads} / 找不到文件")
    return road_graph(roads)


def _network_matrix(roads: Path, posts_frame: pd.DataFrame, demand_frame: pd.DataFrame, *, hour: int | None,
                    limit_s: float | None) -> np.ndarray:
    from precinct.planning.network import travel_time_matrix

    return travel_time_matrix(
        _graph(roads), posts_frame[["lon", "lat"]].to_numpy(float), demand_frame[["lon", "lat"]].to_numpy(float),
        hour=hour, limit_s=limit_s,
    )


def _network_coverage(roads: Path, posts_csv: Path, demand_csv: Path, thresholds_s: tuple[float, ...],
                      hour: int | None, *, district_column: str, districts: Path | None, district_property: str,
                      polygons_out: Path | None, minutes: list[float]) -> tuple[CoverageReport, dict[str, object]]:
    from precinct.planning.coverage import coverage_by_threshold
    from precinct.planning.network import label_points_by_polygons, on_road_mask, response_areas_geojson

    posts_frame = _lonlat_table(posts_csv, "--posts")
    demand_frame = _lonlat_table(demand_csv, "--demand")
    graph = _graph(roads)
    posts_on_road = on_road_mask(graph, posts_frame[["lon", "lat"]].to_numpy(float))
    if not posts_on_road.any():
        raise ValidationError("--posts: no post lies within 1 km of a road in the roads file")
    posts_frame = posts_frame[posts_on_road]
    demand_on_road = on_road_mask(graph, demand_frame[["lon", "lat"]].to_numpy(float))
    started = time.perf_counter()
    times = np.full((len(posts_frame), len(demand_frame)), np.inf)
    if demand_on_road.any():
        times[:, demand_on_road] = _network_matrix(roads, posts_frame, demand_frame[demand_on_road], hour=hour,
                                                   limit_s=max(thresholds_s))
    extra: dict[str, object] = {"posts": len(posts_frame), "posts_off_road": int((~posts_on_road).sum()),
                   "demand_points": len(demand_frame), "demand_off_road": int((~demand_on_road).sum()),
                   "travel_matrix_s": round(time.perf_counter() - started, 3)}
    weights = demand_frame["weight"].to_numpy(float) if "weight" in demand_frame else None
    if districts is not None:
        if not districts.is_file():
            raise NotFoundError(f"--districts: file not found: {districts} / 找不到文件")
        try:
            collection = json.loads(districts.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationError(f"--districts: {districts} is not GeoJSON ({exc})") from None
        groups = label_points_by_polygons(demand_frame[["lon", "lat"]].to_numpy(float), collection,
                                          label_property=district_property)
        groups = np.where(groups == "", "(outside)", groups)
    elif district_column in demand_frame:
        groups = demand_frame[district_column].astype(str).to_numpy()
    else:
        groups = None
    report = coverage_by_threshold(times, thresholds_s=thresholds_s, weights=weights, groups=groups)
    if polygons_out is not None:
        started = time.perf_counter()
        areas = response_areas_geojson(_graph(roads), posts_frame[["lon", "lat"]].to_numpy(float), tuple(minutes),
                                       hour=hour)
        polygons_out.write_text(json.dumps(areas, ensure_ascii=False), encoding="utf-8")
        by_minutes: dict[float, list[float]] = {}
        for feature in areas["features"]:
            by_minutes.setdefault(feature["properties"]["minutes"], []).append(feature["properties"]["area_km2"])
        extra |= {"polygons_file": str(polygons_out), "response_areas_s": round(time.perf_counter() - started, 3),
                  "mean_area_km2": {f"{m:g}": float(np.mean(v)) for m, v in by_minutes.items()}}
    return report, extra


@app.command("did")
@handle_errors
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

    result = difference_in_differences(
        _numbers(treated_before, "--treated-before"),
        _numbers(treated_after, "--treated-after"),
        _numbers(comparison_before, "--comparison-before"),
        _numbers(comparison_after, "--comparison-after"),
        confidence=confidence,
    )
    if json_:
        _echo_json(result.to_dict())
        return
    typer.echo(result.verdict_zh)
    typer.echo(result.verdict_en)


DEFAULT_SERVICE_MIN = 30.0


@app.command("simulate")
@handle_errors
def simulate(
    day: Annotated[str | None, typer.Option("--day", help="Replay this local day (the city's time zone) from the "
                                                          "store: YYYY-MM-DD")] = None,
    incidents_csv: Annotated[Path | None, typer.Option("--incidents", help="Canonical incident CSV (occurred_at, lon, "
                                                                           "lat[, priority])")] = None,
    generate: Annotated[int | None, typer.Option("--generate", help="Replay N generated incidents over 24 h")] = None,
    posts_csv: Annotated[Path | None, typer.Option("--posts", help="CSV lon,lat,units; default: the store's units at "
                                                                   "their home stations")] = None,
    roads: Annotated[Path | None, typer.Option("--roads",
                                               help="Roads file; default: the configured roads (Wuhan demo)")] = None,
    service_min: Annotated[float, typer.Option("--service-min",
                                               help="Mean minutes on scene (exponential)")] = DEFAULT_SERVICE_MIN,
    cell_size_m: Annotated[float, typer.Option("--cell-size-m",
                                               help="Demand-cell size for the travel-time matrix")] = 250.0,
    hour: Annotated[int | None, typer.Option("--hour", help="Hour of day for congestion; default free flow")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """离散事件推演：在路网上重放一天的警情 / replay a day of incidents on the road network.

    ``precinct simulate --json`` runs this too; without replay options ``precinct simulate`` is the
    demo's live stream of simulated calls.
    """
    from precinct.planning.replay import replay_on_network

    if sum(option is not None for option in (day, incidents_csv, generate)) != 1:
        raise ValidationError("give exactly one of --day YYYY-MM-DD, --incidents CSV or --generate N")
    if not service_min > 0:
        raise ValidationError(f"--service-min must be positive, got {service_min}")
    from precinct.cli.common import load_settings

    settings = load_settings()
    roads_path = roads or Path(settings.roads_file)
    graph = _graph(roads_path)
    posts_lonlat, units_per_post = (_posts_with_units(posts_csv) if posts_csv is not None
                                    else _store_deployment(settings))
    rng = np.random.default_rng(seed)
    if day is not None:
        points, arrival_s, priority = _store_day(settings, day)
    elif incidents_csv is not None:
        points, arrival_s, priority = _csv_incidents(incidents_csv)
    else:
        points, arrival_s, priority = _generated(generate or 0, posts_lonlat, rng)
    service_s = rng.exponential(service_min * 60.0, len(arrival_s))
    replay = replay_on_network(graph, posts_lonlat, units_per_post, points, arrival_s, service_s,
                               priority=priority, cell_size_m=cell_size_m, hour=hour)
    data = replay.to_dict() | {"service_min": service_min, "roads": str(roads_path)}
    if json_:
        _echo_json(data)
        return
    report = replay.report
    typer.echo(f"{data['incidents']} 警情 / incidents, {replay.units} 警力 / units at {replay.posts} 站点 / posts")
    for stats in (report.overall, *report.by_priority):
        label = "全部 / all" if stats.priority == 0 else f"{stats.priority} 级 / priority {stats.priority}"
        typer.echo(f"  {label}: p50 {stats.p50_response_s:.0f} s, p90 {stats.p90_response_s:.0f} s; "
                   "1/3/5 分钟内 / within " + ", ".join(f"{share:.1%}" for share in stats.share_within))
    typer.echo(f"平均利用率 / mean utilisation {report.unit_utilisation.mean():.1%}; "
               f"排队比例 / queued {report.share_queued:.1%}")


def _posts_with_units(path: Path) -> tuple[np.ndarray, np.ndarray]:
    frame = _lonlat_table(path, "--posts")
    if "units" not in frame:
        raise ValidationError(f"--posts: {path} needs a units column (units based at each post)")
    units = frame["units"].to_numpy()
    if not np.issubdtype(units.dtype, np.integer):
        raise ValidationError(f"--posts: {path} column units must hold whole numbers")
    return frame[["lon", "lat"]].to_numpy(float), units.astype(np.int64)


def _from_store(settings: Settings, read: Callable[[Session], T]) -> T:
    """``read(session)`` in a unit of work of its own on the configured database."""
    from precinct.cli.common import open_session

    with open_session(settings) as session:
        return read(session)


def _store_deployment(settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    from precinct.deployment import service

    return _from_store(settings, service.unit_posts)


def _store_day(settings: Settings, day: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from datetime import date

    from precinct.deployment import service

    try:
        local_day = date.fromisoformat(day)
    except ValueError:
        raise ValidationError(f"--day must be YYYY-MM-DD, got {day!r}") from None
    return _from_store(settings, lambda session: service.day_of_demand(session, local_day, zone=settings.zone))


def _csv_incidents(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import pandas as pd

    frame = _lonlat_table(path, "--incidents")
    if "occurred_at" not in frame:
        raise ValidationError(f"--incidents: {path} needs an occurred_at column (ISO 8601 with offset)")
    try:
        moments = pd.to_datetime(frame["occurred_at"], utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"--incidents: occurred_at must be ISO 8601 with a UTC offset ({exc})") from None
    arrival = (moments - moments.min()).dt.total_seconds().to_numpy(float)
    priority = frame["priority"].fillna(2).astype(int).to_numpy() if "priority" in frame else np.full(len(frame), 2)
    return frame[["lon", "lat"]].to_numpy(float), arrival, priority.astype(np.int64)


def _generated(count: int, posts_lonlat: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Incidents near the posts (normal scatter, sd ~600 m), Poisson over 24 h, priorities 20/50/30 %."""
    if count < 1:
        raise ValidationError(f"--generate must be at least 1, got {count}")
    around = rng.integers(0, len(posts_lonlat), count)
    points = posts_lonlat[around] + rng.normal(0.0, 0.006, (count, 2))
    arrival = np.sort(rng.uniform(0.0, 86_400.0, count))
    priority = rng.choice([1, 2, 3], size=count, p=[0.2, 0.5, 0.3])
    return points, arrival, priority.astype(np.int64)
