"""``precinct addresses``: load the standard address register, search it, and reverse-geocode a point."""

from __future__ import annotations

import csv
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

app = typer.Typer(help="标准地址 / the standard address register: import, search, reverse geocoding",
                  no_args_is_help=True)
SHOWN_REFUSED = 50
EXIT_INTERRUPTED = 130


@app.command("import")
@handle_errors
def import_addresses(
    file: Annotated[Path, typer.Argument(help="标准地址 CSV 或 OpenStreetMap .osm.pbf / the register's CSV or an "
                                              "OpenStreetMap extract (.osm.pbf, .osm)")],
    json_: Annotated[bool, typer.Option("--json", help="输出 JSON 摘要 / print a JSON summary")] = False,
    errors_out: Annotated[Path | None, typer.Option(
        help="把所有拒收行（位置、原因）写入此 CSV / write every refused row (where, why) to this CSV")] = None,
) -> None:
    """导入标准地址：拒收行报告位置和原因，好行保留；中断的导入不写入任何地址 / load addresses into the register.

    Exit 0 when every row was stored (or was there already), 1 when some were refused (the rest are
    kept), 2 when the file cannot be read at all, 130 when interrupted (nothing of it is kept).
    """
    from precinct.addresses import service
    from precinct.addresses.importer import import_addresses as run_import
    from precinct.addresses.messages import said
    from precinct.addresses.models import ImportKind
    from precinct.addresses.sources import read_csv, read_osm

    is_osm = file.name.endswith((".osm.pbf", ".pbf", ".osm"))
    settings = load_settings()
    with open_session(settings) as session:
        handle = None if is_osm else file.open(encoding="utf-8-sig", newline="")
        try:
            rows = read_osm(file) if is_osm else read_csv(handle, name=file.name)  # type: ignore[arg-type]
            report = run_import(session, rows, kind=ImportKind.OSM if is_osm else ImportKind.CSV,
                                source_name=file.name, actor=cli_actor(), on_done=service.forget_index)
        except KeyboardInterrupt:
            error_console.print(said("address.interrupted"), highlight=False, markup=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        finally:
            if handle is not None:
                handle.close()
    if errors_out is not None:
        with errors_out.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["at", "reason"])
            writer.writerows([r.at, r.reason] for r in report.refused)
    if json_:
        summary = report.as_dict()
        summary["refused_rows"] = summary["refused_rows"][:1000]
        console.print_json(json.dumps(summary, ensure_ascii=False))
    else:
        console.print(f"{said('address.import_done')}: {report.rows} {said('address.rows')}, {report.imported} "
                      f"{said('address.imported')}, {report.skipped_existing} {said('address.already_there')}, "
                      f"{len(report.refused)} {said('address.refused')}", highlight=False, markup=False, soft_wrap=True)
        for refused in report.refused[:SHOWN_REFUSED]:
            error_console.print(f"  {refused.at}: {refused.reason}", highlight=False, markup=False)
    if report.refused:
        raise typer.Exit(EXIT_FAILED)


@app.command("search")
@handle_errors
def search(
    query: Annotated[str, typer.Argument(help="中文、拼音、首字母或英文 / Chinese, pinyin, initials or English")],
    near: Annotated[str | None, typer.Option(help="LON,LAT：附近优先 / nearer this point first")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 10,
    json_: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """搜索标准地址 / search the register as the intake form does."""
    from precinct.addresses import service
    from precinct.addresses.messages import said

    centre = _point(near) if near else None
    with open_session(load_settings()) as session:
        matches = service.search(session, query, actor=cli_actor(), centre=centre, limit=limit)
        if json_:
            console.print_json(json.dumps([
                {"id": m.address.id, "code": m.address.code, "text": m.address.text, "text_en": m.address.text_en,
                 "station_id": m.address.station_id, "beat_id": m.address.beat_id,
                 "distance_m": None if m.distance_m is None else round(m.distance_m, 1)} for m in matches],
                ensure_ascii=False))
            session.rollback()
            return
        table = Table()
        for column in ("编号 / id", "地址 / address", "英文 / English", "派出所 / station", "距离 / distance m"):
            table.add_column(column)
        for match in matches:
            a = match.address
            table.add_row(str(a.id), a.text, a.text_en, str(a.station_id or ""),
                          "" if match.distance_m is None else f"{match.distance_m:.0f}")
        session.rollback()
    console.print(table if matches else said("address.no_match"))


@app.command("reverse")
@handle_errors
def reverse(point: Annotated[str, typer.Argument(help="LON,LAT")]) -> None:
    """逆地理编码：最近的地址、道路和辖区 / the nearest address and road, and the jurisdiction of a point."""
    from precinct.addresses import service

    lon, lat = _point(point)
    settings = load_settings()
    with open_session(settings) as session:
        found = service.reverse(session, lon, lat, actor=cli_actor(), roads_file=settings.roads_file)
        address = found.address
        answer = {
            "jurisdiction": vars(found.jurisdiction),
            "address": None if address is None else {"id": address.address.id, "text": address.address.text,
                                                     "distance_m": round(address.distance_m or 0.0, 1)},
            "road": None if found.road is None else vars(found.road)}
        session.rollback()
    console.print_json(json.dumps(answer, ensure_ascii=False))


def _point(text: str) -> tuple[float, float]:
    from precinct.core.errors import ValidationError

    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise ValidationError(f"write the point as LON,LAT (e.g. 114.27,30.58), not {text!r}") from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(f"{text}: lon must lie in -180..180 and lat in -90..90")
    return lon, lat
