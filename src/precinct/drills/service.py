"""Drills (红蓝攻防): play a scenario as drill incidents, then score the dispatchers against the best plan.

A run stores its scenario (steps already placed) and its progress in ``DrillRun.score``::

    {"scenario": {...}, "injected": [step numbers], "result": {...} after finishing}

``tick`` injects every step whose offset (scaled by ``speed``) has passed as a simulated incident
with ``extra = {"drill_run_id", "drill_step", "recommended_unit_id", "recommended_call_sign",
"recommended_travel_time_s"}``: the unit that dispatch's recommendation ranked first at that
moment, which is what the run is scored against afterwards.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, NotFoundError, ValidationError
from precinct.core.jobs import BackgroundLoop
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.drills.models import DrillRun
from precinct.drills.scenarios import Scenario, Step
from precinct.geo import RoadGraph
from precinct.incidents import service as incident_service
from precinct.incidents.models import Assignment, Incident, IncidentEvent, IncidentSource
from precinct.incidents.schemas import IncidentCreate
from precinct.units.models import Unit, UnitStatusChange

log = logging.getLogger(__name__)

DRILL_PREFIX = "[演练 DRILL]"
RUNNING, FINISHED = "running", "finished"
MAX_SPEED = 100.0
DRILL_ACTOR = Actor(username="drill-engine", role=Role.ADMIN, ip="local")


def _scenario_of(run: DrillRun) -> dict[str, Any]:
    scenario: dict[str, Any] = (run.score or {})["scenario"]
    return scenario


def get(session: Session, run_id: int) -> DrillRun:
    """Return a drill run; NotFoundError if there is none."""
    run = session.get(DrillRun, run_id)
    if run is None:
        raise NotFoundError(f"drill run {run_id} not found")
    return run


def list_(session: Session, *, status: str | None = None) -> list[DrillRun]:
    """Return the drill runs (of one status if given), latest first."""
    query = select(DrillRun).order_by(DrillRun.id.desc())
    if status:
        query = query.where(DrillRun.status == status)
    return list(session.scalars(query))


def start(
    session: Session, scenario: Scenario, *, actor: Actor, speed: float = 1.0, district_id: int | None = None,
    at: tuple[float, float] | None = None, now: datetime | None = None, auto_tick: bool = True,
) -> DrillRun:
    """Start a run of ``scenario``; ``speed`` > 1 plays it faster (10 = ten times real time).

    ``auto_tick``: the server's drill ticker injects due steps (else only explicit ticks do).

    ``at = (lon, lat)`` moves the whole scenario so its anchor lies there (for other cities).

    Raises
    ------
    ValidationError
        For a speed outside (0, 100] or a step whose incident type does not exist.
    """
    if not 0 < speed <= MAX_SPEED:
        raise ValidationError(f"speed must be above 0 and at most {MAX_SPEED:g}, got {speed}")
    for number, step in enumerate(scenario.steps):
        try:
            incident_service.get_type(session, step.type_code)
        except NotFoundError:
            raise ValidationError(
                f"scenario {scenario.code} step {number}: unknown type_code {step.type_code!r}") from None
    if at is not None:
        scenario = scenario.moved_to(*at)
    run = DrillRun(
        scenario_code=scenario.code, name=f"{scenario.name_zh} / {scenario.name_en}"[:128], speed=speed,
        status=RUNNING, started_at=now or utcnow(), created_by=actor.username, district_id=district_id,
        score={"scenario": scenario.to_dict(), "injected": [], "auto_tick": auto_tick},
    )
    session.add(run)
    session.flush()
    audit_service.record(session, actor=actor, action="drill.start", resource_type="drill_run", resource_id=run.id,
                         detail={"scenario": scenario.code, "speed": speed, "steps": len(scenario.steps)})
    return run


def due_steps(run: DrillRun, now: datetime) -> list[int]:
    """Step numbers whose scaled offset has passed and that are not injected yet."""
    elapsed_s = (now - run.started_at).total_seconds() * run.speed
    done = set((run.score or {}).get("injected", []))
    steps = _scenario_of(run)["steps"]
    return [k for k, step in enumerate(steps) if step["offset_s"] <= elapsed_s + 1e-9 and k not in done]


def tick(
    session: Session, now: datetime | None = None, *, graph: RoadGraph | None = None, run_id: int | None = None,
) -> list[Incident]:
    """Inject every due step of every running run (or of ``run_id``) as a drill incident.

    The caller commits. ``graph`` is the road graph for the recommendation (None = straight line).
    """
    now = now or utcnow()
    run_ids = [run_id] if run_id is not None else [r.id for r in list_(session, status=RUNNING)]
    injected = []
    for rid in run_ids:
        # Lock the run and re-read what was injected: two tickers (two server processes, or the
        # background thread and a manual tick) must not inject a step twice.
        run = session.scalar(select(DrillRun).where(DrillRun.id == rid).with_for_update()
                             .execution_options(populate_existing=True))
        if run is None:
            raise NotFoundError(f"drill run {rid} does not exist")
        if run.status != RUNNING:
            continue
        for number in due_steps(run, now):
            injected.append(_inject(session, run, number, now, graph))
    return injected


def _inject(session: Session, run: DrillRun, number: int, now: datetime, graph: RoadGraph | None) -> Incident:
    from precinct.dispatch import service as dispatch_service

    step = Step(**_scenario_of(run)["steps"][number])
    description = f"{DRILL_PREFIX} {step.description_zh} / {step.description_en}".strip()
    incident = incident_service.create(
        session,
        IncidentCreate(source=IncidentSource.PHONE_110, type_code=step.type_code, priority=step.priority,
                       description=description[:4000], address=step.place or "", lon=step.lon, lat=step.lat,
                       received_at=now),
        actor=DRILL_ACTOR, simulated=True,
    )
    extra: dict[str, Any] = {"drill_run_id": run.id, "drill_step": number, "recommended_unit_id": None,
             "recommended_call_sign": None, "recommended_travel_time_s": None}
    recommendation = dispatch_service.recommend(session, incident.id, graph=graph, now=now)
    if recommendation.items:
        best = recommendation.items[0]
        extra |= {"recommended_unit_id": best.unit_id, "recommended_call_sign": best.call_sign,
                  "recommended_travel_time_s": float(best.travel_time_s)}
    incident.extra = (incident.extra or {}) | extra
    incident.drill_run_id = run.id
    score = run.score or {}
    run.score = score | {"injected": [*score.get("injected", []), number]}
    session.flush()
    return incident


def finish(session: Session, run_id: int, *, actor: Actor, now: datetime | None = None) -> DrillRun:
    """Stop a run (no more injections) and store its score.

    Raises
    ------
    ConflictError
        If the run has already finished.
    """
    run = get(session, run_id)
    if run.status != RUNNING:
        raise ConflictError(f"drill run {run_id} is already {run.status}")
    run.status = FINISHED
    run.finished_at = now or utcnow()
    result = score(session, run)
    run.score = (run.score or {}) | {"result": result}
    audit_service.record(session, actor=actor, action="drill.finish", resource_type="drill_run", resource_id=run.id,
                         detail={"injected": result["injected"], "dispatched": result["dispatched"]})
    return run


def incidents_of(session: Session, run: DrillRun) -> list[Incident]:
    """Return the run's drill incidents, in the order they were injected."""
    candidates = session.scalars(
        select(Incident).where(Incident.simulated.is_(True), Incident.received_at >= run.started_at)
        .order_by(Incident.received_at, Incident.id)
    )
    return [i for i in candidates if i.drill_run_id == run.id]


def _seconds(later: datetime | None, earlier: datetime) -> float | None:
    return None if later is None else (later - earlier).total_seconds()


def _summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "mean_s": None, "median_s": None, "max_s": None}
    return {"count": len(values), "mean_s": statistics.fmean(values), "median_s": statistics.median(values),
            "max_s": max(values)}


def score(session: Session, run: DrillRun) -> dict[str, Any]:
    """Compare each drill incident's first dispatched unit with the unit recommended at injection.

    Per incident: recommended unit and its road travel time, first unit sent, seconds from
    injection to dispatch and to on scene, whether the recommended unit was sent. Overall: counts,
    the share of dispatched incidents sent the recommended unit, and time summaries.
    """
    items: list[dict[str, Any]] = []
    for incident in incidents_of(session, run):
        extra = incident.extra or {}
        first = session.scalars(
            select(Assignment).where(Assignment.incident_id == incident.id)
            .order_by(Assignment.dispatched_at, Assignment.id)
        ).first()
        on_scene = session.scalars(
            select(Assignment.on_scene_at)
            .where(Assignment.incident_id == incident.id, Assignment.on_scene_at.is_not(None))
            .order_by(Assignment.on_scene_at)
        ).first()
        unit = session.get(Unit, first.unit_id) if first else None
        call_sign = unit.call_sign if unit else None
        items.append({
            "incident_id": incident.id, "step": extra.get("drill_step"), "type_code": incident.type_code,
            "priority": incident.priority, "injected_at": incident.received_at.isoformat(),
            "recommended_unit_id": extra.get("recommended_unit_id"),
            "recommended_call_sign": extra.get("recommended_call_sign"),
            "recommended_travel_time_s": extra.get("recommended_travel_time_s"),
            "dispatched_unit_id": first.unit_id if first else None, "dispatched_call_sign": call_sign,
            "dispatched_by": first.dispatched_by if first else None,
            "to_dispatch_s": _seconds(first.dispatched_at, incident.received_at) if first else None,
            "to_on_scene_s": _seconds(on_scene, incident.received_at),
            "followed_recommendation": (first is not None and extra.get("recommended_unit_id") is not None
                                        and first.unit_id == extra.get("recommended_unit_id")),
        })
    items.sort(key=lambda item: (item["step"] is None, item["step"]))
    dispatched = [i for i in items if i["dispatched_unit_id"] is not None]
    followed = sum(i["followed_recommendation"] for i in dispatched)
    steps_total = len(_scenario_of(run)["steps"])
    return {
        "scenario_code": run.scenario_code, "steps": steps_total, "injected": len(items),
        "dispatched": len(dispatched), "dispatched_to_recommended": followed,
        "share_dispatched_to_recommended": followed / len(dispatched) if dispatched else None,
        "to_dispatch": _summary([i["to_dispatch_s"] for i in dispatched]),
        "to_on_scene": _summary([i["to_on_scene_s"] for i in items if i["to_on_scene_s"] is not None]),
        "incidents": items,
    }


def replay(session: Session, run_id: int) -> list[dict[str, Any]]:
    """Return every event of the run's incidents in time order, for step-by-step review.

    Incident events, assignment milestones and unit status changes.
    """
    run = get(session, run_id)
    incidents = {i.id: i for i in incidents_of(session, run)}
    if not incidents:
        return []
    ids = list(incidents)
    timeline: list[tuple[datetime, int, int, dict[str, Any]]] = []

    def step_of(incident_id: int | None) -> int | None:
        incident = incidents.get(incident_id) if incident_id is not None else None
        step: int | None = (incident.extra or {}).get("drill_step") if incident is not None else None
        return step

    for event in session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id.in_(ids))):
        timeline.append((event.at, 0, event.id, {
            "kind": f"incident.{event.kind}", "incident_id": event.incident_id,
            "step": step_of(event.incident_id), "actor": event.actor,
            "from_status": event.from_status, "to_status": event.to_status, "data": event.data}))
    call_signs = dict(session.execute(select(Unit.id, Unit.call_sign)).all())
    for assignment in session.scalars(select(Assignment).where(Assignment.incident_id.in_(ids))):
        for milestone in ("dispatched", "acknowledged", "en_route", "on_scene", "cleared"):
            at = getattr(assignment, f"{milestone}_at")
            if at is not None:
                timeline.append((at, 1, assignment.id, {
                    "kind": f"assignment.{milestone}", "incident_id": assignment.incident_id,
                    "step": step_of(assignment.incident_id),
                    "unit_id": assignment.unit_id, "call_sign": call_signs.get(assignment.unit_id),
                    "actor": assignment.dispatched_by if milestone == "dispatched" else None}))
    for change in session.scalars(select(UnitStatusChange).where(UnitStatusChange.incident_id.in_(ids))):
        timeline.append((change.at, 2, change.id, {
            "kind": "unit.status", "incident_id": change.incident_id,
            "step": step_of(change.incident_id),
            "unit_id": change.unit_id, "call_sign": call_signs.get(change.unit_id), "actor": change.actor,
            "from_status": change.from_status, "to_status": change.to_status}))
    timeline.sort(key=lambda entry: entry[:3])
    return [{"seq": seq, "at": at.isoformat()} | body for seq, (at, _, _, body) in enumerate(timeline, start=1)]


# ---- background injection ---------------------------------------------------------------------


def ticker_job(session_factory: Callable[[], Session], graph_loader: Callable[[], RoadGraph | None], *,
               interval_s: float = 1.0) -> BackgroundLoop:
    """Return the background job that injects the due steps of every running run started with ``auto_tick``.

    Each tick is its own unit of work. Runs started without ``auto_tick`` are injected only by
    ``POST /drills/{id}/tick``.
    """

    def step() -> None:
        with session_factory() as session:
            runs = [run.id for run in list_(session, status=RUNNING) if (run.score or {}).get("auto_tick", True)]
            for run_id in runs:
                tick(session, graph=graph_loader(), run_id=run_id)
            session.commit()

    return BackgroundLoop("drill-ticker", step, every_s=interval_s)
