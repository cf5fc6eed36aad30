"""Planning endpoints: station response areas and coverage, staffing, before/after evaluation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.api.inputs import Id
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.deployment import posts as post_service
from precinct.deployment import service
from precinct.deployment.schemas import (
    MAX_THRESHOLDS,
    BeforeAfterRead,
    BeforeAfterRequest,
    CoverageRead,
    PostPlacementRead,
    StaffingRead,
    ThresholdMinutes,
)
from precinct.roads.graph import RoadGraphDep

router = APIRouter(tags=["planning"])


@router.get("/planning/coverage")
def coverage(
    session: SessionDep, settings: SettingsDep, graph: RoadGraphDep,
    _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    minutes: Annotated[list[ThresholdMinutes], Query(
        min_length=1, max_length=MAX_THRESHOLDS,
        description=f"travel-time thresholds in minutes (above 0, at most 30; 1 to {MAX_THRESHOLDS} of them)",
    )] = [1.0, 3.0, 5.0],  # noqa: B006 - FastAPI copies defaults
) -> CoverageRead:
    """各派出所 1/3/5 分钟响应圈与近 28 天警情覆盖率 / station response areas and coverage of recent calls."""
    return CoverageRead.model_validate(
        service.coverage(session, minutes=minutes, graph=graph, roads_key=settings.roads_file))


@router.get("/planning/staffing")
def staffing(
    session: SessionDep, settings: SettingsDep, actor: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    shift_start_hour: Annotated[int, Query(ge=0, le=23, description="local hour (the city's time zone)")],
    district_id: Id | None = None,
    shift_hours: Annotated[int, Query(ge=1, le=24)] = 8,
    target_minutes: Annotated[float, Query(gt=0, le=60)] = 5.0,
    target_share: Annotated[float, Query(gt=0, lt=1)] = 0.9,
    travel_minutes: Annotated[float, Query(ge=0, le=60)] = service.DEFAULT_TRAVEL_MINUTES,
) -> StaffingRead:
    """排班建议（Erlang-C）/ fewest units for a shift from the last 28 days of calls of the caller's scope."""
    return StaffingRead.model_validate(service.staffing(
        session, zone=settings.zone, district_id=district_id, shift_start_hour=shift_start_hour,
        shift_hours=shift_hours, target_minutes=target_minutes, target_share=target_share,
        travel_minutes=travel_minutes, actor=actor))


@router.get("/planning/posts")
def posts(
    session: SessionDep, graph: RoadGraphDep, _: Annotated[Actor, require(Permission.READ_INCIDENTS)],
    posts: Annotated[int, Query(ge=1, le=50, description="how many posts to place")] = 10,
    minutes: Annotated[float, Query(gt=0, le=15, description="the response threshold, minutes")] = 5.0,
) -> PostPlacementRead:
    """警力布点（最大覆盖）/ where ``posts`` posts among the stations and beats reach the most recent calls in time."""
    return PostPlacementRead.model_validate(post_service.place_posts(session, graph=graph, posts=posts,
                                                                     minutes=minutes))


@router.post("/planning/before-after")
def before_after(
    body: BeforeAfterRequest, session: SessionDep, actor: Annotated[Actor, require(Permission.RUN_ANALYSIS)],
) -> BeforeAfterRead:
    """效果评估：双重差分 / difference-in-differences of reported incidents in two areas of the caller's scope."""
    return BeforeAfterRead.model_validate(service.before_after(
        session, treated=body.treated.model_dump(exclude_none=True),
        comparison=body.comparison.model_dump(exclude_none=True),
        before=body.before, after=body.after, actor=actor, type_codes=body.type_codes, confidence=body.confidence,
    ))
