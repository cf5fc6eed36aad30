"""Stage deadlines, set by the server as incidents move: a session hook on the incident event log.

Every change of an incident's status is written to its event log (``IncidentEvent`` with
``from_status`` and ``to_status``) in the same transaction, by whichever service made it (intake,
assignment, a unit's report, a transition, a reopening). :func:`track_stages` runs before each
flush, reads the new status events and, for each, ends the stages that the move finishes and
opens the deadlines of the stages it starts, with the time-limit version in force then:

==================  ==============================  =====================================
move to            ends                             starts
==================  ==============================  =====================================
received            feedback, call-back (moot)       dispatch (from the call's time)
dispatched          dispatch                         arrival
on_scene            dispatch, arrival                handling
closed              every open stage                 feedback and call-back (called-in incidents)
transferred         every open stage (moot)
==================  ==============================  =====================================

The incident itself carries the deadline of its open dispatch, arrival or handling stage
(``due_stage``, ``due_at``, ``due_warn_at``), so its reads and live events say when the stage is due
as the server counts it (from a reopening; for arrival, from the dispatch, en route or not).

A stage that ends after its deadline, before the sweep saw it, gets its breach recorded here, so
no breach is lost while the sweep is off or the server is down. The composition root installs the
hook on every sessionmaker (``install_unit_of_work``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from precinct.incidents.models import (
    REPORTED_SOURCES,
    Assignment,
    Disposition,
    Incident,
    IncidentEvent,
    IncidentStatus,
)
from precinct.supervision import limits
from precinct.supervision.models import DeadlineBreach, DeadlineOutcome, IncidentDeadline, Stage

logger = logging.getLogger("precinct.supervision")
S = IncidentStatus

KEEPER = "deadline-keeper"  # the actor name of what this hook writes

#: the share of its limit after which an open deadline shows amber on the overdue board
AMBER_FRACTION = 0.8

#: per target status: the stages the move completes (met or late) and those it starts
_COMPLETES: dict[IncidentStatus, frozenset[Stage]] = {
    S.DISPATCHED: frozenset({Stage.DISPATCH}),
    S.ON_SCENE: frozenset({Stage.DISPATCH, Stage.ARRIVAL}),
    S.CLOSED: frozenset({Stage.HANDLING}),
}
_STARTS: dict[IncidentStatus, tuple[Stage, ...]] = {
    S.RECEIVED: (Stage.DISPATCH,),
    S.DISPATCHED: (Stage.ARRIVAL,),
    S.ON_SCENE: (Stage.HANDLING,),
    S.CLOSED: (Stage.FEEDBACK, Stage.CALLBACK),
}
#: a closed incident with these dispositions needs no feedback nor call-back (the original has them)
_NO_FOLLOW_UP = frozenset({Disposition.DUPLICATE, Disposition.CANCELLED})
#: what a follow-up event completes
FOLLOW_UP_KINDS = {"feedback": Stage.FEEDBACK, "callback": Stage.CALLBACK}


def track_stages(session: Session, _context: object = None, _instances: object = None) -> None:
    """Before a flush: end and start the stage deadlines of the incidents whose status events are new.

    A new call's dispatch deadline goes onto the incident before its INSERT (:func:`_mark_new_calls`),
    so the deadline opened from its ``created`` event finds it there and costs no UPDATE.
    """
    moves = [e for e in session.new if isinstance(e, IncidentEvent) and _is_move(e)]
    calls = [o for o in session.new if isinstance(o, Incident) and o.status == S.RECEIVED and o.due_at is None]
    if not moves and not calls:
        return
    table = limits.in_force(session)
    if table is None:
        logger.warning("no time-limit table: run the migrations (precinct db upgrade); no deadlines set")
        return
    _mark_new_calls(calls, table)
    open_by_incident = _open_deadlines(session, {e.incident_id for e in moves if e.kind != "created"})
    for event in moves:
        incident = session.get(Incident, event.incident_id)
        if incident is None:
            continue
        target = IncidentStatus(event.to_status) if event.to_status else None
        opened = open_by_incident.setdefault(incident.id, [])
        if event.kind in FOLLOW_UP_KINDS:
            _end(session, opened, {FOLLOW_UP_KINDS[event.kind]}, at=event.at, natural=True)
            continue
        assert target is not None
        completes = _COMPLETES.get(target, frozenset())
        _end(session, opened, completes, at=event.at, natural=True)
        if target == S.RECEIVED or target in (S.CLOSED, S.TRANSFERRED):  # whatever is left open no longer applies
            _end(session, opened, set(Stage), at=event.at, natural=False)
        for stage in _starts(incident, target):
            entered_at = incident.received_at if event.kind == "created" else event.at
            opened.append(_start(session, incident, stage, entered_at, table))
        mark_due(incident, opened)


def start_imported(session: Session, *, since: datetime) -> int:
    """Open the current stage's deadline of every open incident imported since ``since`` that has none.

    The importer writes its rows in bulk, past the flush hook; an open incident it brings in
    (received, dispatched, on scene) starts its stage at its reception time, the one time the file
    gives. Closed and transferred ones start nothing: their feedback and call-back are history.
    Returns how many deadlines were opened (in ``session``, uncommitted).
    """
    table = limits.in_force(session)
    if table is None:
        return 0
    imported = select(IncidentEvent.incident_id).where(IncidentEvent.kind == "imported", IncidentEvent.at >= since)
    has_deadline = select(IncidentDeadline.incident_id).where(IncidentDeadline.incident_id.in_(imported))
    opened = 0
    for incident in session.scalars(select(Incident).where(
            Incident.id.in_(imported), Incident.id.not_in(has_deadline),
            Incident.status.in_((S.RECEIVED, S.DISPATCHED, S.EN_ROUTE, S.ON_SCENE)))):
        status = S.DISPATCHED if incident.status == S.EN_ROUTE else incident.status
        started = [_start(session, incident, stage, incident.received_at, table) for stage in _STARTS.get(status, ())]
        due = _due(started)
        if due is not None:  # a bulk write, as the importer's: no version bump, no live event for history
            session.execute(update(Incident).where(Incident.id == incident.id).values(
                due_stage=due.stage.value, due_at=due.deadline_at, due_warn_at=due.warn_at),
                execution_options={"synchronize_session": False})
        opened += len(started)
    return opened


#: the stages of an open call's handling; the incident carries the open one's deadline (``Incident.due_at``)
HANDLING_STAGES = (Stage.DISPATCH, Stage.ARRIVAL, Stage.HANDLING)


def _due(opened: list[IncidentDeadline]) -> IncidentDeadline | None:
    return next((d for d in reversed(opened) if d.stage in HANDLING_STAGES), None)


def mark_due(incident: Incident, opened: list[IncidentDeadline]) -> None:
    """Put the deadline of the open handling stage among ``opened`` on ``incident`` (none open: clear it).

    So the incident's reads and live events carry the deadline the server keeps, and the console
    counts to it instead of re-deriving the rules (from a reopening, from the dispatch while en route).
    """
    due = _due(opened)
    values = (due.stage.value, due.deadline_at, due.warn_at) if due is not None else (None, None, None)
    if (incident.due_stage, incident.due_at, incident.due_warn_at) != values:
        incident.due_stage, incident.due_at, incident.due_warn_at = values


def _is_move(event: IncidentEvent) -> bool:
    if event.kind in FOLLOW_UP_KINDS:
        return True
    return event.to_status is not None and (event.kind == "created" or event.to_status != event.from_status)


def _starts(incident: Incident, target: IncidentStatus) -> tuple[Stage, ...]:
    if target == S.CLOSED and (incident.source not in REPORTED_SOURCES or incident.disposition in _NO_FOLLOW_UP):
        return ()
    return _STARTS.get(target, ())


def _open_deadlines(session: Session, incident_ids: set[int]) -> dict[int, list[IncidentDeadline]]:
    found: dict[int, list[IncidentDeadline]] = {}
    if incident_ids:
        for deadline in session.scalars(select(IncidentDeadline).where(
                IncidentDeadline.incident_id.in_(incident_ids), IncidentDeadline.ended_at.is_(None))):
            found.setdefault(deadline.incident_id, []).append(deadline)
    for obj in session.new:  # opened earlier in this transaction, not flushed yet
        if isinstance(obj, IncidentDeadline) and obj.ended_at is None and obj.incident_id in incident_ids:
            found.setdefault(obj.incident_id, []).append(obj)
    return found


def _times(table: limits.LimitTable, priority: int, stage: Stage,
           entered_at: datetime) -> tuple[int, datetime, datetime]:
    """Return a stage's limit (s), deadline and amber time, entered at ``entered_at`` at ``priority``."""
    limit_s = table.limit_s(priority, stage)
    return (limit_s, entered_at + timedelta(seconds=limit_s),
            entered_at + timedelta(seconds=limit_s * AMBER_FRACTION))


def _mark_new_calls(calls: list[Incident], table: limits.LimitTable) -> None:
    """Give each new call, before it is inserted, the dispatch deadline its ``created`` event will open."""
    for incident in calls:
        _, deadline_at, warn_at = _times(table, incident.priority, Stage.DISPATCH, incident.received_at)
        incident.due_stage, incident.due_at, incident.due_warn_at = Stage.DISPATCH.value, deadline_at, warn_at


def _start(session: Session, incident: Incident, stage: Stage, entered_at: datetime,
           table: limits.LimitTable) -> IncidentDeadline:
    limit_s, deadline_at, warn_at = _times(table, incident.priority, stage, entered_at)
    deadline = IncidentDeadline(
        incident_id=incident.id, stage=stage, priority=incident.priority, version_id=table.version_id,
        limit_s=limit_s, entered_at=entered_at, deadline_at=deadline_at, warn_at=warn_at,
        station_id=incident.station_id, district_id=incident.district_id, ended_at=None, outcome=None,
        breached_at=None, escalation_level=0, next_escalation_at=None)
    session.add(deadline)
    return deadline


def _end(session: Session, opened: list[IncidentDeadline], stages: set[Stage] | frozenset[Stage], *,
         at: datetime, natural: bool) -> None:
    """End the open deadlines of ``stages``: met or late when the stage was done, moot when it no longer applies."""
    for deadline in [d for d in opened if d.stage in stages]:
        opened.remove(deadline)
        late = at > deadline.deadline_at
        deadline.ended_at = at
        deadline.next_escalation_at = None
        if not natural:
            deadline.outcome = DeadlineOutcome.MOOT
            continue
        deadline.outcome = DeadlineOutcome.LATE if late else DeadlineOutcome.MET
        if late and deadline.breached_at is None and deadline.id is not None:
            record_breach(session, deadline, detected_at=at, unit_id=_assigned_unit(session, deadline.incident_id, at),
                          actor=KEEPER)


def _assigned_unit(session: Session, incident_id: int, at: datetime) -> int | None:
    """Return the unit the incident was sent to last before ``at``: the one responsible while the stage ran late.

    As the sweep's, less a unit the ending move itself sends (a late dispatch is not that unit's).
    """
    return session.scalar(select(Assignment.unit_id).where(Assignment.incident_id == incident_id,
                                                           Assignment.dispatched_at < at)
                          .order_by(Assignment.id.desc()).limit(1))


def record_breach(session: Session, deadline: IncidentDeadline, *, detected_at: datetime,
                  unit_id: int | None, actor: str) -> DeadlineBreach:
    """Store the breach of ``deadline`` found at ``detected_at`` and its event on the incident."""
    deadline.breached_at = detected_at
    late_s = max(0, int((detected_at - deadline.deadline_at).total_seconds()))
    breach = DeadlineBreach(deadline_id=deadline.id, incident_id=deadline.incident_id, stage=deadline.stage,
                            deadline_at=deadline.deadline_at, detected_at=detected_at, late_s=late_s,
                            station_id=deadline.station_id, district_id=deadline.district_id, unit_id=unit_id)
    session.add(breach)
    session.add(IncidentEvent(incident_id=deadline.incident_id, at=detected_at, actor=actor,
                              kind="deadline_breached", data=breach_data(deadline, late_s, unit_id)))
    return breach


def breach_data(deadline: IncidentDeadline, late_s: int, unit_id: int | None) -> dict[str, Any]:
    """Return the event data of a breach (what the incident's history shows)."""
    return {"stage": deadline.stage.value, "deadline_at": deadline.deadline_at.isoformat(), "late_s": late_s,
            "limit_s": deadline.limit_s, "station_id": deadline.station_id, "district_id": deadline.district_id,
            "unit_id": unit_id}
