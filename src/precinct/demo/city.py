"""The Wuhan demo city: real districts and roads, generated stations, beats, units and accounts.

Districts and roads are real (see ``data/ATTRIBUTION.md``). Stations are placed on the road network
in proportion to each district's road length (k-means on road points, seeded), their jurisdictions
are the Voronoi cells of the stations clipped to the district, and each station area is split the
same way into community beats. All of this is generated and labelled so in the README.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyotp
import shapely
from scipy.cluster.vq import kmeans2
from shapely.geometry import mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.permissions import Role
from precinct.core.security import Actor, generate_password
from precinct.core.settings import BUNDLED_DATA, Settings
from precinct.demo import addresses as demo_addresses
from precinct.demo import history
from precinct.demo.calls import road_points
from precinct.forecasts import backfill as forecast_backfill
from precinct.geo.projection import geometry_from_lonlat, geometry_to_lonlat, xy_to_lonlat
from precinct.org import service as org_service
from precinct.org.models import OrgTier, OrgUnit
from precinct.units import service as unit_service
from precinct.units.models import Unit, UnitStatus, UnitType
from precinct.users import login
from precinct.users import service as user_service
from precinct.users.models import User

CITY_CODE = "WH"
SEED = 20261122
ROAD_KM_PER_STATION = 110.0
MAX_STATIONS_PER_DISTRICT = 9
BEATS_PER_STATION = 3

DISTRICT_NAMES_EN = {
    "156420102": ("Jiang'an", "JA"), "156420103": ("Jianghan", "JH"), "156420104": ("Qiaokou", "QK"),
    "156420105": ("Hanyang", "HY"), "156420106": ("Wuchang", "WC"), "156420107": ("Qingshan", "QS"),
    "156420111": ("Hongshan", "HS"), "156420112": ("Dongxihu", "DXH"), "156420113": ("Hannan", "HN"),
    "156420114": ("Caidian", "CD"), "156420115": ("Jiangxia", "JX"), "156420116": ("Huangpi", "HP"),
    "156420117": ("Xinzhou", "XZ"),
}
DEMO_ACCOUNTS = [
    ("admin", Role.ADMIN), ("calltaker", Role.CALL_TAKER), ("dispatcher", Role.DISPATCHER),
    ("officer", Role.PATROL_OFFICER), ("analyst", Role.ANALYST), ("supervisor", Role.SUPERVISOR),
    ("auditor", Role.AUDITOR),
]


def districts() -> list[dict[str, Any]]:
    """Return the bundled Wuhan district features (GeoJSON, lon/lat)."""
    data = json.loads((BUNDLED_DATA / "wuhan_districts.geojson").read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = data["features"]
    return features


@dataclass
class LoadSummary:
    """What loading the demo city created (or that it was there already), and the demo accounts."""

    districts: int = 0
    stations: int = 0
    beats: int = 0
    units: int = 0
    history_calls: int = 0
    premises: int = 0
    addresses: int = 0  # the generated address register (demo/addresses.py)
    already_loaded: bool = False
    accounts: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> str:
        """Return a one-line bilingual summary for the terminal."""
        if self.already_loaded:
            return "已存在 / already loaded"
        return (f"{self.districts} 分局/districts, {self.stations} 派出所/stations, {self.beats} 警务区/beats, "
                f"{self.units} 警力/units, {self.premises} 生成的重点场所/generated premises, "
                f"{self.history_calls} 模拟历史警情/simulated past calls, "
                f"{self.addresses} 生成的标准地址/generated addresses")


def load(
    session: Session, *, actor: Actor, credentials_file: Path, settings: Settings, history_days: int = 0,
    calls_per_day: float = 300.0,
) -> LoadSummary:
    """Create the demo city once (idempotent), and make sure the demo accounts exist.

    With ``history_days``, also that many days of simulated past calls (local days in
    ``settings.zone``). Accounts whose role needs a second factor get one; its secret and recovery
    codes are written to ``credentials_file`` with the passwords.
    """
    summary = LoadSummary()
    if session.scalar(select(OrgUnit.id).where(OrgUnit.code == CITY_CODE)) is None:
        _build_city(session, actor=actor, summary=summary)
        summary.premises = _premises(session, actor=actor)
        summary.history_calls = history.generate(session, days=history_days, calls_per_day=calls_per_day, actor=actor,
                                                 zone=settings.zone)
        if summary.history_calls:  # forecasts of the history's last days: forecast accuracy has figures at once
            forecast_backfill.backfill(session, actor=actor, zone=settings.zone)
    else:
        summary.already_loaded = True
    summary.addresses = demo_addresses.load(session, actor=actor, district_names_en={
        gb: name for gb, (name, _) in DISTRICT_NAMES_EN.items()})
    summary.accounts = _ensure_accounts(session, actor=actor, credentials_file=credentials_file, settings=settings)
    return summary


def _build_city(session: Session, *, actor: Actor, summary: LoadSummary) -> None:
    features = districts()
    polygons = [shape(f["geometry"]) for f in features]
    city_polygon = shapely.union_all(polygons)
    city = org_service.create_unit(
        session, code=CITY_CODE, name_zh="武汉市公安局", name_en="Wuhan Public Security Bureau",
        tier=OrgTier.CITY, boundary_geojson=mapping(city_polygon),
        lon=city_polygon.representative_point().x, lat=city_polygon.representative_point().y,
    )
    user_service.place_without_unit(session, city.id, actor=actor)  # accounts made before the city: its bureau's
    points = road_points()
    rng = np.random.default_rng(SEED)
    crs = points.crs
    road_xy = np.column_stack([points.x_m, points.y_m])
    for feature, polygon in sorted(zip(features, polygons, strict=True), key=lambda fp: fp[0]["properties"]["gb"]):
        gb = feature["properties"]["gb"]
        name_en, short = DISTRICT_NAMES_EN[gb]
        anchor = polygon.representative_point()
        district = org_service.create_unit(
            session, code=f"{CITY_CODE}-{short}", name_zh=f"{feature['properties']['name']}分局",
            name_en=f"{name_en} District Branch", tier=OrgTier.DISTRICT, parent_id=city.id,
            boundary_geojson=mapping(polygon), lon=anchor.x, lat=anchor.y,
        )
        summary.districts += 1
        inside = shapely.contains_xy(polygon, points.lon, points.lat)
        km = float(points.length_m[inside].sum()) / 1000
        k = int(np.clip(round(km / ROAD_KM_PER_STATION), 1, MAX_STATIONS_PER_DISTRICT))
        polygon_m = geometry_from_lonlat(polygon, crs)
        sites_m = _sites(road_xy[inside], k, rng, fallback=polygon_m.representative_point())
        cells = _cells(sites_m, polygon_m)
        for number, (site, cell_m) in enumerate(zip(sites_m, cells, strict=True), start=1):
            lon, lat = (float(v[0]) for v in xy_to_lonlat(crs, np.array([site[0]]), np.array([site[1]])))
            cell = geometry_to_lonlat(cell_m, crs)
            station = org_service.create_unit(
                session, code=f"{CITY_CODE}-{short}-{number:02d}",
                name_zh=f"{feature['properties']['name']}第{number}派出所", name_en=f"{name_en} Station {number}",
                tier=OrgTier.STATION, parent_id=district.id, boundary_geojson=mapping(cell), lon=lon, lat=lat,
            )
            summary.stations += 1
            in_cell = shapely.contains_xy(cell_m, road_xy[:, 0], road_xy[:, 1])
            beat_sites = _sites(road_xy[in_cell], BEATS_PER_STATION, rng, fallback=cell_m.representative_point())
            for beat_number, beat_m in enumerate(_cells(beat_sites, cell_m), start=1):
                org_service.create_beat(
                    session, code=f"{station.code}-{beat_number}",
                    name_zh=f"{station.name_zh}第{beat_number}警务区", name_en=f"{station.name_en} beat {beat_number}",
                    station_id=station.id, boundary_geojson=mapping(geometry_to_lonlat(beat_m, crs)),
                )
                summary.beats += 1
            summary.units += _station_units(session, station.id, f"{short}{number:02d}", lon, lat, actor,
                                            rapid_response=number == 1)
    session.flush()


PREMISES_PER_CATEGORY = {
    "school": 60, "hospital": 25, "hazardous_goods": 15, "financial": 40, "transport_hub": 12, "market": 30,
    "entertainment": 25, "government": 15,
}


def _premises(session: Session, *, actor: Actor) -> int:
    """Generate key premises at road points (the OSM extract has no places), labelled generated."""
    from precinct.places import service as places_service
    from precinct.places.models import CATEGORY_NAMES, PremisesCategory

    rng = np.random.default_rng(SEED + 1)
    points = road_points()
    weights = points.length_m / points.length_m.sum()
    count = 0
    for category, n in PREMISES_PER_CATEGORY.items():
        kind = PremisesCategory(category)
        zh, en = CATEGORY_NAMES[kind]
        for number, index in enumerate(rng.choice(len(weights), size=n, replace=False, p=weights), start=1):
            places_service.create(session, name=f"[生成 GENERATED] {zh} {number} / {en} {number}", category=kind,
                                  lon=float(points.lon[index]), lat=float(points.lat[index]), actor=actor,
                                  address=f"road point {int(index)}", generated=True)
            count += 1
    return count


def _sites(xy: np.ndarray, k: int, rng: np.random.Generator, *, fallback: shapely.Point) -> np.ndarray:
    """K sites on the road network (k-means centres snapped to the nearest road point)."""
    if len(xy) == 0:
        return np.array([[fallback.x, fallback.y]])
    k = min(k, len(xy))
    if k == 1:
        centres = xy.mean(axis=0, keepdims=True)
    else:
        centres, _ = kmeans2(xy, k, seed=rng, minit="++")
    nearest = np.argmin(((xy[None, :, :] - centres[:, None, :]) ** 2).sum(axis=2), axis=1)
    return np.unique(xy[nearest], axis=0)


def _cells(sites: np.ndarray, area: shapely.Geometry) -> list[shapely.Geometry]:
    """Voronoi cells of ``sites`` clipped to ``area``, in the order of ``sites``."""
    if len(sites) == 1:
        return [area]
    regions = shapely.voronoi_polygons(shapely.MultiPoint(sites), extend_to=area)
    cells = list(regions.geoms)
    ordered = []
    for site in sites:
        point = shapely.Point(site)
        cell = next(c for c in cells if c.covers(point))
        ordered.append(shapely.make_valid(cell.intersection(area)))
    return ordered


def _station_units(
    session: Session, station_id: int, prefix: str, lon: float, lat: float, actor: Actor, *, rapid_response: bool,
) -> int:
    kinds = [UnitType.PATROL_CAR, UnitType.PATROL_CAR, UnitType.PATROL_CAR, UnitType.MOTORCYCLE, UnitType.FOOT_PATROL]
    if rapid_response:
        kinds.append(UnitType.RAPID_RESPONSE)
    for number, kind in enumerate(kinds, start=1):
        unit_service.create(
            session, call_sign=f"{prefix}-{number}", unit_type=kind, home_station_id=station_id,
            status=UnitStatus.AVAILABLE, lon=lon, lat=lat, actor=actor, simulated=True,
        )
    return len(kinds)


def _ensure_accounts(session: Session, *, actor: Actor, credentials_file: Path,
                     settings: Settings) -> list[dict[str, Any]]:
    known: dict[str, dict[str, Any]] = {}
    if credentials_file.exists():
        known = {a["username"]: a for a in json.loads(credentials_file.read_text(encoding="utf-8"))}
    accounts = []
    first_station = session.scalar(select(OrgUnit.id).where(OrgUnit.tier == OrgTier.STATION).order_by(OrgUnit.id))
    bureau = session.scalar(select(OrgUnit.id).where(OrgUnit.tier == OrgTier.CITY).order_by(OrgUnit.id))
    officer_unit = session.scalar(select(Unit.id).where(Unit.home_station_id == first_station).order_by(Unit.id))
    for username, role in DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.username == username))
        entry = dict(known.get(username) or {})
        password = entry.get("password")
        if user is None:
            password = password or generate_password()
            officer = role == Role.PATROL_OFFICER
            user = user_service.create(session, username=username, password=password, role=role, actor=actor,
                                       org_unit_id=first_station if officer else bureau,
                                       unit_id=officer_unit if officer else None, direct=True)
            entry = {}
            if role in settings.mfa_roles:  # the demo's second factors: their secrets go to the credentials file
                entry["totp_secret"] = pyotp.random_base32()
                entry["recovery_codes"] = login.enrol_directly(session, user, entry["totp_secret"], settings=settings,
                                                               actor=actor)
        elif password is None:
            # An account this command did not create (or whose password file is gone): leave it alone.
            password = "(existing account: password unchanged / 已有账户，密码未改)"
        accounts.append(entry | {"username": username, "role": role.value, "password": password})
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(credentials_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(json.dumps([a for a in accounts if not a["password"].startswith("(existing")], indent=1))
    os.chmod(credentials_file, 0o600)
    return accounts
