"""The small world the places tests work in: accounts at each tier, a checklist, premises in both stations."""

from __future__ import annotations

from dataclasses import dataclass, field

from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.places import inspections
from precinct.places import service as premises_service
from precinct.places.models import PremisesCategory, RiskGrade
from precinct.users.models import User
from testkit import ADMIN_ACTOR, bearer_for

#: account name -> (role, org unit key of the seed ids)
ACCOUNTS = {
    "city-chief": (Role.SUPERVISOR, "city"),
    "west-chief": (Role.SUPERVISOR, "west"),
    "west-station-chief": (Role.SUPERVISOR, "west_station"),
    "east-station-chief": (Role.SUPERVISOR, "east_station"),
    "west-officer": (Role.PATROL_OFFICER, "west_station"),
    "west-officer-2": (Role.PATROL_OFFICER, "west_station"),
    "east-officer": (Role.PATROL_OFFICER, "east_station"),
    "west-desk": (Role.DISPATCHER, "west_station"),
    "west-analyst": (Role.ANALYST, "west_station"),
    "west-clerk": (Role.CALL_TAKER, "west_station"),
    "city-admin": (Role.ADMIN, None),
    "city-auditor": (Role.AUDITOR, None),
}
WEST = (114.02, 30.52)  # inside West Station and its beat B1
EAST = (114.15, 30.55)  # inside East Station
CHECKLIST = [{"code": "exit", "text_zh": "安全出口畅通", "text_en": "emergency exits clear"},
             {"code": "extinguisher", "text_zh": "灭火器有效", "text_en": "extinguishers in date"}]


@dataclass
class World:
    ids: dict
    actors: dict[str, Actor]
    premises: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Actor:
        return self.actors[name]

    def headers(self, name: str) -> dict[str, str]:
        return bearer_for(name, self.actors[name].role)


def build_world(session, ids, *, accounts: bool = True) -> World:
    """The accounts of :data:`ACCOUNTS` (stored when ``accounts``), a school checklist, a school in each station."""
    actors = {}
    for name, (role, org) in ACCOUNTS.items():
        org_unit_id = ids[org] if org else None
        actors[name] = Actor(username=name, role=role, org_unit_id=org_unit_id, ip="127.0.0.1")
        if accounts:
            session.add(User(username=name, display_name=name, role=role, password_hash="not-a-hash", is_active=True,
                             org_unit_id=org_unit_id))
    session.flush()
    inspections.add_template(session, category=PremisesCategory.SCHOOL, title="学校检查 school check",
                             items=CHECKLIST, actor=ADMIN_ACTOR)
    world = World(ids=ids, actors=actors)
    for key, (lon, lat) in (("west", WEST), ("east", EAST)):
        world.premises[key] = premises_service.create(
            session, name=f"{key} school", category=PremisesCategory.SCHOOL, lon=lon, lat=lat, actor=ADMIN_ACTOR,
            risk_grade=RiskGrade.HIGH).id
    session.commit()
    return world
