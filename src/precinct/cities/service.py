"""The city profile: storing a planned city, describing it to the console, and the settings it implies.

One database holds one city. :func:`create` stores a :class:`~precinct.cities.plan.CityPlan` (the
bureau, districts, stations, beats, optional units and the profile) in the caller's unit of work,
audited; :func:`describe` is what ``GET /city`` answers; :func:`settings_for_city` gives a server
process the stored city's roads file and time zone where the environment sets neither.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from shapely.geometry import mapping
from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from precinct.audit import service as audit_service
from precinct.cities.messages import said
from precinct.cities.models import CityProfile
from precinct.cities.plan import CityPlan
from precinct.cities.schemas import CityRead
from precinct.core.errors import ConflictError, NotFoundError
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.org import service as org_service
from precinct.org.models import Beat, OrgTier, OrgUnit
from precinct.roads.layer import road_extent
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from precinct.users import service as user_service

logger = logging.getLogger(__name__)
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"


@dataclass(frozen=True)
class CreatedCity:
    """What :func:`create` stored."""

    profile_id: int
    city_id: int
    districts: int
    stations: int
    beats: int
    units: int
    accounts_placed: tuple[str, ...] = ()  # accounts made before the city, now at its bureau


def get(session: Session) -> CityProfile | None:
    """Return the database's city profile, or None if no city was set up with ``city init``."""
    return session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))


def require_no_city(session: Session) -> None:
    """Refuse to set up a second city in one database.

    Raises
    ------
    ConflictError
        If the database holds a city bureau already (naming it).
    """
    existing = session.scalar(select(OrgUnit).where(OrgUnit.tier == OrgTier.CITY).order_by(OrgUnit.id).limit(1))
    if existing is not None:
        raise ConflictError(said("city.exists", code=existing.code, name=existing.name_en))


def create(
    session: Session, plan: CityPlan, *, actor: Actor, local_timezone: str, roads_file: str,
    basemap_file: str | None, sources: dict[str, Any], units_per_station: int = 0,
) -> CreatedCity:
    """Store a planned city: bureau, districts, stations, beats, ``units_per_station`` patrol cars, profile.

    Runs in the caller's transaction (the caller commits). Audited as ``city.create``.

    Raises
    ------
    ConflictError
        If the database holds a city already, or a code of the plan is taken.
    """
    require_no_city(session)
    codes = [plan.city.code, *(d.code for d in plan.districts), *(s.code for s in plan.stations)]
    taken = session.scalar(select(OrgUnit.code).where(OrgUnit.code.in_(codes)).limit(1)) or session.scalar(
        select(Beat.code).where(Beat.code.in_([b.code for b in plan.beats])).limit(1))
    if taken:
        raise ConflictError(said("city.code_taken", code=taken))
    city = org_service.create_unit(session, code=plan.city.code, name_zh=plan.city.name_zh, name_en=plan.city.name_en,
                                   tier=OrgTier.CITY, boundary_geojson=mapping(plan.city.polygon),
                                   lon=plan.city.lon, lat=plan.city.lat)
    districts = [org_service.create_unit(session, code=d.code, name_zh=d.name_zh, name_en=d.name_en,
                                         tier=OrgTier.DISTRICT, parent_id=city.id, boundary_geojson=mapping(d.polygon),
                                         lon=d.lon, lat=d.lat) for d in plan.districts]
    stations = [org_service.create_unit(session, code=s.code, name_zh=s.name_zh, name_en=s.name_en,
                                        tier=OrgTier.STATION, parent_id=districts[s.district].id,
                                        boundary_geojson=mapping(s.polygon), lon=s.lon, lat=s.lat)
                for s in plan.stations]
    for beat in plan.beats:
        org_service.create_beat(session, code=beat.code, name_zh=beat.name_zh, name_en=beat.name_en,
                                station_id=stations[beat.station].id, boundary_geojson=mapping(beat.polygon))
    placed = user_service.place_without_unit(session, city.id, actor=actor)
    units = 0
    for station in stations:
        for number in range(1, units_per_station + 1):
            unit_service.create(session, call_sign=f"{station.code}-{number}", unit_type=UnitType.PATROL_CAR,
                                home_station_id=station.id, status=UnitStatus.AVAILABLE, lon=station.lon,
                                lat=station.lat, actor=actor)
            units += 1
    west, south, east, north = plan.bounds
    profile = CityProfile(org_unit_id=city.id, code=plan.city.code, centre_lon=plan.centre[0],
                          centre_lat=plan.centre[1], west=west, south=south, east=east, north=north,
                          local_timezone=local_timezone, projected_crs=plan.projected_crs, roads_file=roads_file,
                          basemap_file=basemap_file, sources=sources, created_by=actor.username)
    session.add(profile)
    session.flush()
    audit_service.record(session, actor=actor, action="city.create", resource_type="city", resource_id=profile.id,
                         detail={"code": plan.city.code, "districts": len(districts), "stations": len(stations),
                                 "beats": len(plan.beats), "units": units, "local_timezone": local_timezone,
                                 "accounts_placed": placed,
                                 "roads_file": roads_file})
    return CreatedCity(profile.id, city.id, len(districts), len(stations), len(plan.beats), units, tuple(placed))


def describe(session: Session, settings: Settings) -> CityRead:
    """Return what the console's map opens on: the city's names, centre, bounds, time zone and base map.

    Without a stored profile (the Wuhan demo, or a city made by hand) the bureau's names come from
    the city org unit and the view from the extent of the configured roads file.

    Raises
    ------
    NotFoundError
        Without a profile, a city org unit, or a readable roads file to take a view from.
    """
    profile = get(session)
    city = session.get(OrgUnit, profile.org_unit_id) if profile else session.scalar(
        select(OrgUnit).where(OrgUnit.tier == OrgTier.CITY).order_by(OrgUnit.id).limit(1))
    if profile is not None and city is not None:
        return CityRead(code=profile.code, name_zh=city.name_zh, name_en=city.name_en, stored=True,
                        centre=[profile.centre_lon, profile.centre_lat],
                        bounds=[profile.west, profile.south, profile.east, profile.north],
                        local_timezone=settings.local_timezone, projected_crs=profile.projected_crs,
                        basemap=profile.basemap_file is not None,
                        attribution=str(profile.sources.get("attribution", OSM_ATTRIBUTION)))
    west, south, east, north = road_extent(settings.roads_file)
    return CityRead(code=city.code if city else None, name_zh=city.name_zh if city else None,
                    name_en=city.name_en if city else None, stored=False,
                    centre=[(west + east) / 2, (south + north) / 2], bounds=[west, south, east, north],
                    local_timezone=settings.local_timezone, projected_crs=None, basemap=False,
                    attribution=OSM_ATTRIBUTION)


def basemap_file(session: Session) -> str:
    """Return the path of the stored city's base map (water and parks GeoJSON).

    Raises
    ------
    NotFoundError
        If no city profile with a base map is stored.
    """
    profile = get(session)
    if profile is None or profile.basemap_file is None:
        raise NotFoundError(said("city.none"))
    return profile.basemap_file


def settings_for_city(settings: Settings, factory: sessionmaker[Session]) -> Settings:
    """Return ``settings`` with the stored city's roads file and time zone where the environment set neither.

    ``PRECINCT_ROADS_FILE`` and ``PRECINCT_LOCAL_TIMEZONE`` (or values passed to ``Settings``) win;
    a database without the profiles table (not migrated yet) or without a profile changes nothing.
    """
    wanted = {"roads_file", "local_timezone"} - settings.model_fields_set
    if not wanted:
        return settings
    try:
        with factory() as session:
            if not inspect(session.connection()).has_table(CityProfile.__tablename__):
                return settings
            row = session.execute(select(CityProfile.roads_file, CityProfile.local_timezone)
                                  .order_by(CityProfile.id).limit(1)).first()
    except SQLAlchemyError:  # the database is not reachable yet: the first request will say so
        logger.warning("could not read the city profile; using the configured roads and time zone", exc_info=True)
        return settings
    if row is None:
        return settings
    stored = {"roads_file": row.roads_file, "local_timezone": row.local_timezone}
    return settings.model_copy(update={name: stored[name] for name in wanted})
