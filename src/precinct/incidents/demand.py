"""Demand: which stored incidents count as calls for service in analysis, forecasting and planning.

Every demand read (forecasts, repeat-call places, spikes, coverage, staffing, before/after, the
replay of a day) builds its query with :func:`reported_demand`, so that they all agree: drill
incidents never count, and officer-initiated incidents count only when a user asks for them (what
patrols find must not decide where patrols go).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from precinct.incidents.models import Incident, IncidentSource


def reported_demand(
    *columns: Any, since: datetime | None = None, until: datetime | None = None,
    include_officer_initiated: bool = False, district_id: int | None = None, station_id: int | None = None,
    beat_id: int | None = None, type_codes: Iterable[str] | None = None,
) -> Select[Any]:
    """``SELECT columns`` of the incidents that count as demand, received in ``[since, until)``.

    Parameters
    ----------
    columns
        What to select (e.g. ``Incident.id, Incident.lon, Incident.lat``); joins are the caller's.
    since, until
        The received-at window (either may be open).
    include_officer_initiated
        Count incidents that officers found themselves (default: reported calls only).
    district_id, station_id, beat_id
        Only incidents of that area.
    type_codes
        Only these incident types (``None``: every type).
    """
    query = select(*columns).where(Incident.drill_run_id.is_(None))
    if since is not None:
        query = query.where(Incident.received_at >= since)
    if until is not None:
        query = query.where(Incident.received_at < until)
    if not include_officer_initiated:
        query = query.where(Incident.source != IncidentSource.OFFICER_INITIATED)
    for column, value in ((Incident.district_id, district_id), (Incident.station_id, station_id),
                          (Incident.beat_id, beat_id)):
        if value is not None:
            query = query.where(column == value)
    if type_codes:
        query = query.where(Incident.type_code.in_(list(type_codes)))
    return query
