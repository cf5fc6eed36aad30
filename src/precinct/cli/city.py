"""``precinct city`` (set up a city from files, show it) and ``precinct org`` (create and list org units)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy import select

from precinct.cli.common import cli_actor, console, handle_errors, load_settings, open_session
from precinct.core.errors import ConflictError, NotFoundError, ValidationError

app = typer.Typer(help="城市 / the city: set up from an OpenStreetMap extract, show", no_args_is_help=True)
org_app = typer.Typer(help="组织机构 / organisation units: list and create", no_args_is_help=True)

ExtractArg = Annotated[Path, typer.Argument(help="OpenStreetMap extract (.osm.pbf or .osm)")]
STEPS = ("city.step.roads", "city.step.extract", "city.step.files", "city.step.plan", "city.step.write",
         "city.step.store")


@app.command("init")
@handle_errors
def init(
    extract: ExtractArg,
    code: Annotated[str, typer.Option(help="城市编码 / the bureau's code: 1-8 capital letters or digits (HEL)")],
    name_zh: Annotated[str, typer.Option(help="中文名称 / the bureau's Chinese name")],
    name_en: Annotated[str, typer.Option(help="英文名称 / the bureau's English name")],
    districts: Annotated[Path | None, typer.Option(help="分局辖区 / districts: GeoJSON or GeoPackage")] = None,
    district_name_field: Annotated[str | None, typer.Option(help="districts' name property (default: name)")] = None,
    stations: Annotated[Path | None, typer.Option(help="派出所 / stations CSV: name, lon, lat[, code] (default: the "
                                                       "extract's amenity=police, else generated)")] = None,
    beats: Annotated[Path | None, typer.Option(help="警务区 / beats: GeoJSON or GeoPackage (default: "
                                                    "generated)")] = None,
    beats_per_station: Annotated[int, typer.Option(min=1, max=20, help="generated beats per station")] = 3,
    station_road_km: Annotated[float, typer.Option(min=1, help="generated stations: one per this many km of "
                                                               "road")] = 110.0,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone (default: looked up from the centre)")] = None,
    units_per_station: Annotated[int, typer.Option(min=0, max=50, help="patrol cars to register per "
                                                                       "station")] = 0,
    out: Annotated[Path | None, typer.Option(help="folder for the roads and base map files (default: "
                                                  "var/cities/CODE)")] = None,
) -> None:
    """从 OSM 数据建立城市 / set up the city: roads, org units, jurisdictions, beats, map view, time zone.

    Reads the extract's drivable roads (projected to the data's UTM zone), its water, parks and
    police stations, and the optional boundary files; draws what is not given (one district, road-
    weighted stations and beats); writes the roads (GeoParquet) and base map (GeoJSON) under
    ``--out``; stores the organisation and the city profile in one transaction. A database holds
    one city: a second ``init`` is refused (exit 1). A bad file is refused (exit 2) with what to fix.
    """
    from precinct.cities import basemap, service, sources
    from precinct.cities import extract as extract_features
    from precinct.cities import plan as city_plan
    from precinct.cities.messages import said
    from precinct.geo.edges import write_edges_parquet
    from precinct.geo.osm import read_osm

    city_plan.require_city_code(code)
    settings = load_settings()
    folder = (out or Path("var") / "cities" / code.lower()).resolve()
    with open_session(settings) as session, Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                                     console=console) as progress:
        service.require_no_city(session)
        task = progress.add_task(said(STEPS[0]), total=len(STEPS))

        def step(index: int) -> None:
            progress.update(task, completed=index, description=said(STEPS[index]))

        roads = read_osm(extract)
        step(1)
        found = extract_features.read_extract_features(extract)
        step(2)
        district_areas = sources.read_areas(districts, what="districts file",
                                            name_field=district_name_field) if districts else None
        station_sites = sources.read_stations_csv(stations) if stations else None
        beat_areas = sources.read_areas(beats, what="beats file") if beats else None
        step(3)
        planned = city_plan.plan_city(city_plan.CityInputs(
            code, name_zh, name_en, roads, districts=district_areas, stations=station_sites,
            extract_stations=found.stations, beats=beat_areas, beats_per_station=beats_per_station,
            road_km_per_station=station_road_km))
        zone = _timezone(timezone, planned.centre)
        step(4)
        roads_file = write_edges_parquet(roads, folder / "roads.parquet")
        base = basemap.basemap_features(found, roads.crs)
        basemap_file = basemap.write_basemap(base, folder / "basemap.geojson")
        step(5)
        origin = {s.origin for s in planned.stations}
        created = service.create(
            session, planned, actor=cli_actor(), local_timezone=zone, roads_file=str(roads_file),
            basemap_file=str(basemap_file), units_per_station=units_per_station,
            sources={"extract": {"file": str(Path(extract).resolve()), "size_bytes": os.path.getsize(extract),
                                 "bounds": found.bounds},
                     "districts": str(districts.resolve()) if districts else "generated: the roads' outline",
                     "stations": str(stations.resolve()) if stations else "/".join(sorted(origin)),
                     "beats": str(beats.resolve()) if beats else f"generated: {beats_per_station} per station",
                     "notes": planned.notes, "attribution": service.OSM_ATTRIBUTION})
        session.commit()
        progress.update(task, completed=len(STEPS), description=said("city.done"))
    named = int(sum(1 for n in roads.name if n)) if roads.name is not None else 0
    kinds = [f["properties"]["kind"] for f in base["features"]]
    console.print(said("city.summary", districts=created.districts, stations=created.stations, beats=created.beats,
                       units=created.units, edges=len(roads), named=named, water=kinds.count("water"),
                       parks=kinds.count("park"), zone=zone), highlight=False)
    if created.accounts_placed:
        console.print(said("city.accounts_placed", names=", ".join(created.accounts_placed)), highlight=False)
    for note in planned.notes:
        console.print(f"  · {note}", highlight=False)
    console.print(f"  roads: {roads_file} ({roads.crs.to_string()})\n  base map: {basemap_file}", highlight=False)
    console.print(said("city.environment"), highlight=False)


def _timezone(given: str | None, centre: tuple[float, float]) -> str:
    from precinct.cities.messages import said

    if given is None:
        import tzfpy

        given = tzfpy.get_tz(centre[0], centre[1])
        if not given:
            raise ValidationError(said("city.timezone_unknown"))
    try:
        ZoneInfo(given)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"--timezone {given!r} 不是 IANA 时区（如 Asia/Shanghai） / "
                              f"--timezone {given!r} is not an IANA time zone such as Europe/Helsinki") from exc
    return given


@app.command("show")
@handle_errors
def show(json_: Annotated[bool, typer.Option("--json", help="print the profile as JSON")] = False) -> None:
    """显示城市档案 / show the city profile: centre, bounds, time zone, roads file, sources."""
    from precinct.cities import service
    from precinct.cities.messages import said

    settings = load_settings()
    with open_session(settings) as session:
        profile = service.get(session)
        if profile is None:
            raise NotFoundError(said("city.none"))
        data: dict[str, Any] = {
            "code": profile.code, "centre": [profile.centre_lon, profile.centre_lat],
            "bounds": [profile.west, profile.south, profile.east, profile.north],
            "local_timezone": profile.local_timezone, "projected_crs": profile.projected_crs,
            "roads_file": profile.roads_file, "basemap_file": profile.basemap_file, "sources": profile.sources,
            "created_by": profile.created_by, "created_at": profile.created_at.isoformat()}
    if json_:
        console.print_json(json.dumps(data, ensure_ascii=False))
        return
    for key, value in data.items():
        console.print(f"{key}: {value}", highlight=False, markup=False)


@org_app.command("list")
@handle_errors
def org_list(tier: Annotated[str | None, typer.Option(help="city, district or station")] = None) -> None:
    """列出组织机构 / list the organisation units (code, tier, names, parent, beats)."""
    from precinct.org import service as org_service
    from precinct.org.models import OrgTier

    settings = load_settings()
    with open_session(settings) as session:
        units = org_service.list_units(session, tier=_tier(tier) if tier else None)
        codes = {u.id: u.code for u in org_service.list_units(session)}
        beats: dict[int, int] = {}
        for beat in org_service.list_beats(session):
            beats[beat.station_id] = beats.get(beat.station_id, 0) + 1
        table = Table(title="组织机构 / organisation units")
        for column in ("编码 / code", "层级 / tier", "中文 / Chinese", "English", "上级 / parent", "警务区 / beats"):
            table.add_column(column)
        for unit in units:
            table.add_row(unit.code, unit.tier.value, unit.name_zh, unit.name_en, codes.get(unit.parent_id or 0, ""),
                          str(beats.get(unit.id, "")) if unit.tier == OrgTier.STATION else "")
    console.print(table)


def _tier(value: str) -> Any:  # noqa: ANN401  (an OrgTier; the import waits for the command)
    from precinct.org.models import OrgTier

    try:
        return OrgTier(value)
    except ValueError as exc:
        raise ValidationError(f"--tier {value!r}: 请用 city、district 或 station / use city, district or "
                              "station") from exc


@org_app.command("add")
@handle_errors
def org_add(
    tier: Annotated[str, typer.Argument(help="city, district or station")],
    code: Annotated[str, typer.Argument(help="unique code, e.g. HEL-D02")],
    name_zh: Annotated[str, typer.Option(help="中文名称 / Chinese name")],
    name_en: Annotated[str, typer.Option(help="英文名称 / English name")],
    parent: Annotated[str | None, typer.Option(help="code of the unit above (a city for a district, a district "
                                                    "for a station)")] = None,
    boundary: Annotated[Path | None, typer.Option(help="jurisdiction: GeoJSON with one polygon (lon/lat)")] = None,
    lon: Annotated[float | None, typer.Option(min=-180, max=180)] = None,
    lat: Annotated[float | None, typer.Option(min=-90, max=90)] = None,
) -> None:
    """新建组织机构 / create an organisation unit (audited), under the unit coded --parent."""
    from shapely.geometry import mapping

    from precinct.audit import service as audit_service
    from precinct.cities.messages import said
    from precinct.cities.sources import read_areas
    from precinct.org import service as org_service
    from precinct.org.models import OrgTier, OrgUnit
    from precinct.users import service as user_service

    settings = load_settings()
    area = read_areas(boundary, what="boundary file", names_required=False)[0].polygon if boundary else None
    with open_session(settings) as session:
        if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
            raise ConflictError(f"编码 {code!r} 已被使用，请另选 / code {code!r} is taken already; choose another")
        parent_id = None
        if parent is not None:
            parent_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == parent))
            if parent_id is None:
                raise NotFoundError(f"--parent {parent!r}: 没有该编码的组织机构（见 precinct org list） / "
                                    "no organisation unit has this code (precinct org list)")
        if area is not None and (lon is None or lat is None):
            lon, lat = area.representative_point().x, area.representative_point().y
        unit = org_service.create_unit(session, code=code, name_zh=name_zh, name_en=name_en, tier=_tier(tier),
                                       parent_id=parent_id, boundary_geojson=mapping(area) if area else None,
                                       lon=lon, lat=lat)
        audit_service.record(session, actor=cli_actor(), action="org.create", resource_type="org_unit",
                             resource_id=unit.id, detail={"code": code, "tier": tier, "parent": parent})
        placed = user_service.place_without_unit(session, unit.id, actor=cli_actor()) if (
            unit.tier == OrgTier.CITY) else []
        session.commit()
        console.print(f"{unit.tier.value} {unit.code} (id {unit.id}): {unit.name_zh} / {unit.name_en}", highlight=False)
        if placed:
            console.print(said("city.accounts_placed", names=", ".join(placed)), highlight=False)
