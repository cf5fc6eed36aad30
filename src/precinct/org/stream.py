"""Which live events an account's stream carries: those of its scope (the org subtree).

The live stream itself (``precinct.live``) sits below the organisation and knows nothing of
scopes; the composition root hands it :func:`stream_filter`, which it calls once per connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from precinct.core.permissions import Permission, has
from precinct.core.security import Actor
from precinct.org import service as org_service

#: events every account may see whatever its scope (reference data: the duty levels)
CITYWIDE_KINDS = frozenset({"duty_level"})
#: events of cases (their moves, reminders and breaches): only for roles that read cases, whatever the scope
CASE_KINDS = frozenset({"case", "case_deadline"})

EventFilter = Callable[[str, dict[str, Any]], bool]


def stream_filter(session: Session, actor: Actor) -> EventFilter | None:
    """Return the test an event must pass to reach ``actor``'s stream (``None``: every event passes).

    An event of a record in the scope passes: an incident, escalation, note or directive by its
    station (or, without one, its district), an incident also by the stations whose units reinforce
    it (``reinforcing_station_ids``: the API shows it to them too), an escalation also by the unit
    of a neighbouring station it names or the level it went to, a directive also by its target; a
    unit of the scope or of a neighbouring station (the reinforcement the account may call on), or
    the account's own. Events of cases (:data:`CASE_KINDS`) reach only roles that read cases: a
    dispatcher's or an analyst's stream, citywide or not, never carries them.

    Every escalation of the scope passes, whichever level it went to (the boards redraw on them);
    the console raises an alert only for one addressed to the account's own unit (``org_unit_id``).
    """
    scope = org_service.scope_for(session, actor)
    reads_cases = has(actor.role, Permission.READ_CASES)
    if scope.citywide:
        return None if reads_cases else _without_cases
    near = org_service.with_neighbours(session, scope) or frozenset()

    def placed(data: dict[str, Any]) -> bool:
        station = data.get("station_id")
        return scope.holds(station) if station is not None else scope.holds(data.get("district_id"))

    def passes(kind: str, data: dict[str, Any]) -> bool:
        if kind in CITYWIDE_KINDS:
            return True
        if kind in CASE_KINDS and not reads_cases:
            return False
        if kind == "unit":
            own = actor.unit_id is not None and data.get("id") == actor.unit_id
            return own or data.get("home_station_id") in near
        if kind == "escalation":
            return placed(data) or data.get("unit_station_id") in near or scope.holds(data.get("org_unit_id"))
        if kind == "directive":
            return placed(data) or scope.holds(data.get("target_org_unit_id"))
        if kind == "incident":
            return placed(data) or scope.holds(*(data.get("reinforcing_station_ids") or ()))
        return placed(data)

    return passes


def _without_cases(kind: str, _data: dict[str, Any]) -> bool:
    """Pass every event but those of cases (a citywide account that does not read cases)."""
    return kind not in CASE_KINDS
