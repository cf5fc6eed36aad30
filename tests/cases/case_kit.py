"""The small world the cases tests work in: the directives' accounts and units, incidents, and case helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from directives.directive_kit import World, build_world
from precinct.cases import review, service
from precinct.cases.schemas import CaseCreate
from precinct.cases.status import Move
from precinct.incidents.models import Incident, IncidentSource, IncidentStatus

ZONE = ZoneInfo("Asia/Shanghai")
PATTERN = "{station}-{kind}-{year}-{seq:05d}"

__all__ = ["World", "build_world"]


def incident(session, ids, *, station="west_station", lon=114.05, lat=30.55, at=None, type_code="theft") -> int:
    """Store an incident of ``station`` and return its id."""
    district = {"west_station": ids["west"], "east_station": ids["east"]}[station]
    row = Incident(source=IncidentSource.PHONE_110, type_code=type_code, priority=3, status=IncidentStatus.CLOSED,
                   description="bike stolen", address="market street", lon=lon, lat=lat,
                   received_at=at or datetime.now(UTC) - timedelta(days=1), station_id=ids[station],
                   district_id=district, created_by="tester")
    session.add(row)
    session.flush()
    return row.id


def open_case(session, world: World, *, by="west-officer", kind="criminal", type_code=None, now=None, **changes):
    """Register a case by ``by`` (default: West Station's officer, for their team W-1) and commit."""
    body = {"kind": kind, "type_code": type_code or ("XS-DQ" if kind == "criminal" else "XZ-OD"),
            "summary": "电动车被盗 e-bike stolen", "station_id": world.ids["west_station"]} | changes
    case = service.create(session, CaseCreate.model_validate(body), actor=world[by], number_pattern=PATTERN,
                          zone=ZONE, now=now)
    session.commit()
    return case


def decide(session, world: World, case_id: int, move: Move, *, by="west-officer", approver="west-station-chief",
           now=None):
    """Submit ``move`` and have it approved; return the approved review."""
    submitted = review.submit(session, case_id, move, "证据充分 grounds", actor=world[by], zone=ZONE, now=now)
    approved = review.approve(session, submitted.id, actor=world[approver], zone=ZONE, now=now)
    session.commit()
    return approved
