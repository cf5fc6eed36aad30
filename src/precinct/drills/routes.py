"""Drill endpoints: scenarios, start, finish, score and replay (红蓝攻防)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from precinct.api.deps import SessionDep, require
from precinct.core.errors import ValidationError
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.drills import scenarios as scenario_files
from precinct.drills import service
from precinct.drills.models import DrillRun
from precinct.drills.schemas import DrillDetail, DrillRead, DrillStart, ReplayEntry, ReplayTimeline, ScenarioRead
from precinct.roads.graph import RoadGraphDep

router = APIRouter(tags=["drills"])



@router.get("/drills/scenarios")
def list_scenarios(_: Annotated[Actor, require(Permission.READ_INCIDENTS)]) -> list[ScenarioRead]:
    """演练剧本 / the standard drill scenarios."""
    scenarios = scenario_files.standard_scenarios().values()
    return [ScenarioRead.model_validate(scenario.to_dict()) for scenario in scenarios]


@router.post("/drills", response_model=DrillRead, status_code=status.HTTP_201_CREATED)
def start_drill(body: DrillStart, session: SessionDep, graph: RoadGraphDep,
                actor: Annotated[Actor, require(Permission.RUN_DRILLS)]) -> DrillRun:
    """开始演练 / start a drill run (steps are injected as they fall due)."""
    if (body.scenario_code is None) == (body.scenario is None):
        raise ValidationError("give scenario_code (a standard scenario) or scenario (its JSON), not both")
    scenario = (scenario_files.standard_scenario(body.scenario_code) if body.scenario_code is not None
                else scenario_files.scenario_from_dict(body.scenario or {}, source="scenario"))
    run = service.start(session, scenario, actor=actor, speed=body.speed, district_id=body.district_id, at=body.at,
                        auto_tick=body.auto_tick)
    service.tick(session, graph=graph, run_id=run.id)  # steps at offset 0 arrive at once
    session.commit()
    return run


@router.get("/drills", response_model=list[DrillRead])
def list_drills(session: SessionDep, _: Annotated[Actor, require(Permission.REVIEW)],
                status_: Annotated[str | None, Query(alias="status")] = None) -> list[DrillRun]:
    """演练记录 / the drill runs, latest first (of one status if given)."""
    return service.list_(session, status=status_)


@router.post("/drills/{run_id}/tick", response_model=list[int])
def tick_drill(
    run_id: int, session: SessionDep, graph: RoadGraphDep, _: Annotated[Actor, require(Permission.RUN_DRILLS)],
) -> list[int]:
    """立即注入到期步骤 / inject due steps now; returns the new incident ids."""
    injected = service.tick(session, graph=graph, run_id=run_id)
    session.commit()
    return [incident.id for incident in injected]


@router.post("/drills/{run_id}/finish", response_model=DrillRead)
def finish_drill(run_id: int, session: SessionDep, actor: Annotated[Actor, require(Permission.RUN_DRILLS)]) -> DrillRun:
    """结束演练并评分 / finish a run and store its score."""
    run = service.finish(session, run_id, actor=actor)
    session.commit()
    return run


@router.get("/drills/{run_id}")
def get_drill(run_id: int, session: SessionDep, _: Annotated[Actor, require(Permission.REVIEW)]) -> DrillDetail:
    """演练评分 / a run and its score (computed live while it is running)."""
    run = service.get(session, run_id)
    result = (run.score or {}).get("result") or service.score(session, run)
    return DrillDetail.model_validate(DrillRead.model_validate(run).model_dump() | {"result": result})


@router.get("/drills/{run_id}/replay")
def replay_drill(
    run_id: int, session: SessionDep, _: Annotated[Actor, require(Permission.REVIEW)],
) -> list[ReplayEntry]:
    """复盘 / the ordered timeline of every event of the run's incidents."""
    return ReplayTimeline.validate_python(service.replay(session, run_id))
