"""``precinct route``: fastest route between two points on a local roads file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from precinct.cli.common import handle_errors
from precinct.core.errors import ValidationError

app = typer.Typer(help="Road routing on local files (GeoParquet, GeoPackage, OSM).")

def _lonlat(text: str, option: str) -> tuple[float, float]:
    try:
        lon_text, lat_text = text.split(",")
        return float(lon_text), float(lat_text)
    except ValueError:
        raise ValidationError(f"{option} must be 'LON,LAT' in degrees, e.g. 114.30,30.58; got {text!r}") from None


def _human(distance_m: float, travel_time_s: float) -> str:
    minutes, seconds = divmod(round(travel_time_s), 60)
    distance = f"{distance_m / 1000:.1f} km" if distance_m >= 1000 else f"{distance_m:.0f} m"
    return f"距离 / distance: {distance}, 用时 / time: {minutes} min {seconds} s"


@app.command("route")
@handle_errors
def route(
    roads: Annotated[Path, typer.Option("--roads", help="Roads file: .parquet, .gpkg, .osm or .osm.pbf")],
    from_: Annotated[str, typer.Option("--from", help="Start as LON,LAT (WGS84 degrees)")],
    to: Annotated[str, typer.Option("--to", help="Destination as LON,LAT (WGS84 degrees)")],
    hour: Annotated[
        int | None, typer.Option("--hour", help="Hour of day 0-23 for congestion; omit for free flow")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON with a GeoJSON LineString path")] = False,
) -> None:
    """Print the fastest driving route between two points (distance, time, path)."""
    from precinct.geo import graph_from_file
    from precinct.geo import route as fastest_route

    start = _lonlat(from_, "--from")
    end = _lonlat(to, "--to")
    result = fastest_route(graph_from_file(roads), start, end, hour=hour)
    if json_:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        typer.echo(_human(result.distance_m, result.travel_time_s))
