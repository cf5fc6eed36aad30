"""Request and response models of the supervision API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import RequestModel
from precinct.incidents.models import IncidentStatus
from precinct.supervision.limits import MAX_LIMIT_S
from precinct.supervision.models import CallbackOutcome, DeadlineOutcome, Stage


class TimeLimitCell(RequestModel):
    """One cell of the time-limit table."""

    priority: int = Field(ge=1, le=4, description="1 most urgent")
    stage: Stage
    limit_s: int = Field(ge=1, le=MAX_LIMIT_S, description="seconds allowed for the stage")


class TimeLimitUpdate(RequestModel):
    """The cells to change; the other cells keep the values of the version in force."""

    limits: list[TimeLimitCell] = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=2, max_length=500, description="why the limits change, kept with the version")
    base_version_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1,
        description="the version these changes were made on: refused with 409 when a newer one is in force (a "
                    "save that meets another at the same moment is refused with 409 either way)")


class StageName(BaseModel):
    code: Stage
    zh: str
    en: str


class TimeLimitVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    created_by: str
    reason: str


class TimeLimitTableRead(BaseModel):
    version: TimeLimitVersionRead
    limits: list[TimeLimitCell]
    stages: list[StageName]


class BoardItem(BaseModel):
    """One open deadline on the overdue board, with what a timer on the page needs."""

    deadline_id: int
    incident_id: int
    stage: Stage
    state: Literal["amber", "red"]
    priority: int
    type_code: str
    status: IncidentStatus
    address: str
    simulated: bool
    station_id: int | None
    district_id: int | None
    entered_at: datetime
    deadline_at: datetime
    warn_at: datetime
    limit_s: int
    late_s: int = Field(description="seconds past the deadline at ``now`` (negative: still to go)")
    used_fraction: float = Field(description="share of the limit used at ``now``")
    breached_at: datetime | None
    escalation_level: int = Field(description="0 none, 1 station, 2 district branch, 3 city command centre")


class OverdueBoard(BaseModel):
    now: datetime = Field(description="the server's clock: timers count from the difference to the browser's")
    amber_fraction: float
    red: int
    amber: int
    items: list[BoardItem]
    truncated: bool = Field(description="more deadlines qualify than ``limit`` returned")


class DeadlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    incident_id: int
    stage: Stage
    priority: int
    version_id: int
    limit_s: int
    entered_at: datetime
    deadline_at: datetime
    warn_at: datetime
    station_id: int | None
    district_id: int | None
    ended_at: datetime | None
    outcome: DeadlineOutcome | None
    breached_at: datetime | None
    escalation_level: int
    next_escalation_at: datetime | None


class BreachRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    deadline_id: int
    incident_id: int
    stage: Stage
    deadline_at: datetime
    detected_at: datetime
    late_s: int = Field(description="seconds late when the breach was found")
    station_id: int | None
    district_id: int | None
    unit_id: int | None


class BreachPage(BaseModel):
    items: list[BreachRead]
    total: int
    page: int
    page_size: int


class IncidentDeadlines(BaseModel):
    incident_id: int
    now: datetime
    deadlines: list[DeadlineRead]
    breaches: list[BreachRead]


class FeedbackCreate(RequestModel):
    """Feedback to the caller on how their call was handled (反馈)."""

    text: str = Field(min_length=2, max_length=2000)


class CallbackCreate(RequestModel):
    """A call-back to the caller (回访) and how it went."""

    outcome: CallbackOutcome
    note: str = Field(default="", max_length=2000)


class ReopenRequest(RequestModel):
    reason: str = Field(min_length=2, max_length=2000, description="why the closed incident is reopened")


class FollowUpRead(BaseModel):
    """A follow-up written on an incident (feedback or call-back) and the deadline it ended."""

    incident_id: int
    kind: Literal["feedback", "callback"]
    at: datetime
    deadline: DeadlineRead | None
