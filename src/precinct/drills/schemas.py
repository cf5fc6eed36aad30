"""Request and response shapes for drills."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from precinct.api.inputs import Id, Latitude, Longitude, RequestModel


class DrillStart(RequestModel):
    scenario_code: str | None = Field(default=None, max_length=64, description="a standard scenario")
    scenario: dict[str, Any] | None = Field(default=None, description="or a whole scenario (local file contents)")
    speed: float = Field(default=1.0, gt=0, le=100)
    district_id: Id | None = None
    at: tuple[Longitude, Latitude] | None = Field(default=None, description="move the scenario's anchor to [lon, lat]")
    auto_tick: bool = Field(
        default=True,
        description="the server's drill ticker injects due steps (else only POST /drills/{id}/tick does)")


class DrillRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scenario_code: str
    name: str
    speed: float
    status: str
    started_at: datetime
    finished_at: datetime | None
    created_by: str
    district_id: int | None
    score: dict[str, Any] | None


class ScenarioStepRead(BaseModel):
    offset_s: float = Field(description="seconds after the start of the run (at speed 1)")
    type_code: str
    lon: float
    lat: float
    priority: int | None
    description_zh: str
    description_en: str
    place: str | None = Field(description="the scenario's named place, if the step uses one")


class ScenarioRead(BaseModel):
    """A drill scenario: timed calls at places."""

    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    anchor: tuple[float, float] | None = Field(description="[lon, lat] a run may move the scenario to")
    steps: list[ScenarioStepRead]


class DurationSummary(BaseModel):
    count: int
    mean_s: float | None
    median_s: float | None
    max_s: float | None


class DrillIncidentScore(BaseModel):
    """How one drill incident was handled, against the unit recommended when it was injected."""

    incident_id: int
    step: int | None
    type_code: str
    priority: int
    injected_at: str = Field(description="ISO 8601")
    recommended_unit_id: int | None
    recommended_call_sign: str | None
    recommended_travel_time_s: float | None
    dispatched_unit_id: int | None
    dispatched_call_sign: str | None
    dispatched_by: str | None
    to_dispatch_s: float | None
    to_on_scene_s: float | None
    followed_recommendation: bool


class DrillScore(BaseModel):
    """A run's score: dispatches against recommendations, and the times to dispatch and to scene."""

    scenario_code: str
    steps: int
    injected: int
    dispatched: int
    dispatched_to_recommended: int
    share_dispatched_to_recommended: float | None
    to_dispatch: DurationSummary
    to_on_scene: DurationSummary
    incidents: list[DrillIncidentScore]


class DrillDetail(DrillRead):
    """A run with its score (stored when it finished, computed live while it runs)."""

    result: DrillScore


class _ReplayEntry(BaseModel):
    seq: int
    at: str = Field(description="ISO 8601")
    kind: str
    incident_id: int
    step: int | None
    actor: str | None


class IncidentEventEntry(_ReplayEntry):
    """An incident event (``kind`` ``incident.<event kind>``)."""

    from_status: str | None
    to_status: str | None
    data: dict[str, Any] | None


class AssignmentEntry(_ReplayEntry):
    """An assignment milestone (``kind`` ``assignment.dispatched``, ``.acknowledged``, ``.en_route``, ...)."""

    unit_id: int
    call_sign: str | None


class UnitStatusEntry(_ReplayEntry):
    """A unit's status change for the incident (``kind`` ``unit.status``)."""

    unit_id: int
    call_sign: str | None
    from_status: str | None
    to_status: str


def _replay_tag(entry: object) -> str:
    kind = entry.get("kind", "") if isinstance(entry, dict) else getattr(entry, "kind", "")
    return str(kind).partition(".")[0]


ReplayEntry = Annotated[
    Annotated[IncidentEventEntry, Tag("incident")] | Annotated[AssignmentEntry, Tag("assignment")]
    | Annotated[UnitStatusEntry, Tag("unit")],
    Discriminator(_replay_tag),
]
"""One step of a drill's replay, by the prefix of its ``kind``."""

ReplayTimeline = TypeAdapter(list[ReplayEntry])
