"""The small world the directives tests work in: accounts at each tier, units, an area, and issuing helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.directives import service
from precinct.directives.schemas import DirectiveCreate
from precinct.units import service as unit_service
from precinct.units.models import UnitStatus, UnitType
from precinct.users.models import User
from testkit import ADMIN_ACTOR

NOW = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
"""The tests' clock: the services take ``now`` (a time in the past, so incidents can be stored then)."""
# a square inside West Station (S1 covers 114.0-114.1, 30.5-30.6)
AREA = {"type": "Polygon", "coordinates": [[[114.02, 30.52], [114.04, 30.52], [114.04, 30.54], [114.02, 30.54],
                                            [114.02, 30.52]]]}

#: account name -> (role, org unit key of the seed ids or None, crews the unit with this call sign)
ACCOUNTS = {
    "city-chief": (Role.SUPERVISOR, "city", None),
    "west-chief": (Role.SUPERVISOR, "west", None),
    "east-chief": (Role.SUPERVISOR, "east", None),
    "west-station-chief": (Role.SUPERVISOR, "west_station", None),
    "west-desk": (Role.DISPATCHER, "west_station", None),
    "east-desk": (Role.DISPATCHER, "east_station", None),
    "west-branch-desk": (Role.DISPATCHER, "west", None),
    "city-desk": (Role.DISPATCHER, "city", None),
    "west-analyst": (Role.ANALYST, "west_station", None),
    "west-officer": (Role.PATROL_OFFICER, "west_station", "W-1"),
    "other-officer": (Role.PATROL_OFFICER, "west_station", "W-2"),
    "east-officer": (Role.PATROL_OFFICER, "east_station", "E-1"),
}


@dataclass
class World:
    ids: dict
    units: dict[str, int]
    actors: dict[str, Actor]

    def __getitem__(self, name: str) -> Actor:
        return self.actors[name]


def build_world(session, ids, *, accounts: bool = False) -> World:
    """Three units (two of West Station, one of East) and the actors of :data:`ACCOUNTS`.

    With ``accounts`` the accounts are stored too (for API calls with ``bearer_for``).
    """
    units = {}
    for sign, station, lon in (("W-1", "west_station", 114.05), ("W-2", "west_station", 114.06),
                               ("E-1", "east_station", 114.15)):
        unit = unit_service.create(session, call_sign=sign, unit_type=UnitType.PATROL_CAR, home_station_id=ids[station],
                                   actor=ADMIN_ACTOR, status=UnitStatus.AVAILABLE, lon=lon, lat=30.55)
        units[sign] = unit.id
    actors = {}
    for name, (role, org, crews) in ACCOUNTS.items():
        org_unit_id = ids[org] if org else None
        unit_id = units[crews] if crews else None
        actors[name] = Actor(username=name, role=role, org_unit_id=org_unit_id, unit_id=unit_id, ip="127.0.0.1")
        if accounts:
            session.add(User(username=name, display_name=name, role=role, password_hash="not-a-hash", is_active=True,
                             org_unit_id=org_unit_id, unit_id=unit_id))
    session.commit()
    return World(ids=ids, units=units, actors=actors)


def patrol(world: World, *, to: str = "west_station", unit: str | None = None, **changes) -> DirectiveCreate:
    """A patrol directive over :data:`AREA` for the two hours after :data:`NOW`, due an hour after that."""
    body = {"kind": "patrol", "title": "夜间巡逻 night patrol", "text": "patrol the market streets",
            "geometry": AREA, "window_start": NOW, "window_end": NOW + timedelta(hours=2),
            "deadline": NOW + timedelta(hours=3)}
    if unit is not None:
        body["target_unit_id"] = world.units[unit]
    else:
        body["target_org_unit_id"] = world.ids[to]
    return DirectiveCreate.model_validate(body | changes)


def issue(session, world: World, *, by: str = "west-chief", at: datetime = NOW, **kwargs):
    """Issue :func:`patrol` (with ``kwargs``) as ``by`` at ``at`` and commit."""
    directive = service.create(session, patrol(world, **kwargs), actor=world[by], now=at)
    session.commit()
    return directive
