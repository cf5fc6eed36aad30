"""Which live events an account's stream carries: those of its scope (the org subtree).

The live stream itself (``precinct.live``) sits below the organisation and knows nothing of
scopes; the composition root hands it :func:`stream_filter`, which it calls once per connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from precinct.core.security import Actor
from precinct.org import service as org_service

#: events every account may see whatever its scope (reference data: the duty levels)
CITYWIDE_KINDS = frozenset({"duty_level"})

EventFilter = Callable[[str, dict[str, Any]], bool]


def stream_filter(session: Session, actor: Actor) -> EventFilter | None:
    """Return the test an event must pass to reach ``actor``'s stream (``None``: every event passes).

    An event of a record in the scope passes: an incident, escalation, note or directive by its
    station (or, without one, its district), an escalation also by the unit of a neighbouring
    station it names or the level it went to, a directive also by its target; a unit of the scope
    or of a neighbouring station (the reinforcement the account may call on), or the account's own.
    """
    scope = org_service.scope_for(session, actor)
    if scope.citywide:
        return None
    near = org_service.with_neighbours(session, scope) or frozenset()

    def placed(data: dict[str, Any]) -> bool:
        station = data.get("station_id")
        return scope.holds(station) if station is not None else scope.holds(data.get("district_id"))

    def passes(kind: str, data: dict[str, Any]) -> bool:
        if kind in CITYWIDE_KINDS:
            return True
        if kind == "unit":
            own = actor.unit_id is not None and data.get("id") == actor.unit_id
            return own or data.get("home_station_id") in near
        if kind == "escalation":
            return placed(data) or data.get("unit_station_id") in near or scope.holds(data.get("org_unit_id"))
        if kind == "directive":
            return placed(data) or scope.holds(data.get("target_org_unit_id"))
        return placed(data)

    return passes
