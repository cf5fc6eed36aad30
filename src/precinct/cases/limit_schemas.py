"""Request and response shapes of the deadlines (rules, extensions, pauses, the board), custody and the figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from precinct.api.inputs import Day, Instant, RequestModel
from precinct.cases.custody_models import CustodyAction, DisposalMethod, DisposalStatus, ItemStatus
from precinct.cases.limit_models import DeadlineOutcome, DurationUnit, PauseKind
from precinct.cases.models import CaseKind
from precinct.cases.rules import TIERS

Tier = Literal[TIERS]  # type: ignore[valid-type]  # the tuple's values


class ExtensionStep(BaseModel):
    to: int
    tier: str


class RuleRead(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: CaseKind | None
    trigger: str
    stops: list[str]
    duration: int
    unit: DurationUnit
    extensions: list[ExtensionStep]
    pauses: list[str]
    roll_past_holidays: bool
    remind_before_h: int
    provision: str


class RuleVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    created_by: str
    reason: str


class RuleTableRead(BaseModel):
    version: RuleVersionRead
    rules: list[RuleRead]


class ExtensionStepIn(RequestModel):
    to: int = Field(ge=1, le=10_000)
    tier: Tier


class RuleChangeIn(RequestModel):
    code: str = Field(min_length=1, max_length=48)
    duration: int | None = Field(default=None, ge=1, le=10_000)
    extensions: list[ExtensionStepIn] | None = Field(default=None, max_length=5)
    remind_before_h: int | None = Field(default=None, ge=0, le=24 * 30)
    provision: str | None = Field(default=None, min_length=4, max_length=2000)


class RuleUpdate(RequestModel):
    rules: list[RuleChangeIn] = Field(min_length=1, max_length=50)
    reason: str = Field(min_length=4, max_length=2000)


class ExtensionCreate(RequestModel):
    to: int = Field(ge=1, le=10_000, description="the new total duration, in the rule's unit")
    reason: str = Field(min_length=1, max_length=2000)


class ExtensionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_value: int
    to_value: int
    tier: str
    reason: str
    approved_by: str
    approved_at: datetime


class PauseCreate(RequestModel):
    kind: PauseKind
    started_at: Instant
    ended_at: Instant | None = None
    reason: str = Field(min_length=1, max_length=2000)


class PauseEnd(RequestModel):
    ended_at: Instant | None = None


class PauseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: PauseKind
    started_at: datetime
    ended_at: datetime | None
    reason: str
    created_by: str


class BreachRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    deadline_id: int
    case_id: int
    rule_code: str
    due_at: datetime
    detected_at: datetime
    late_s: int
    station_id: int | None
    district_id: int | None


class ExplanationStep(BaseModel):
    code: str
    zh: str
    en: str
    values: dict[str, Any]


class DeadlineRead(BaseModel):
    """A deadline of a case with how it was reached."""

    id: int
    rule_code: str
    rule_zh: str
    rule_en: str
    provision: str
    party_id: int | None
    started_at: datetime
    duration: int
    unit: DurationUnit
    extended_to: int | None
    max_extension: int | None
    due_at: datetime | None
    warn_at: datetime | None
    ended_at: datetime | None
    outcome: DeadlineOutcome | None
    state: Literal["running", "paused", "amber", "red", "met", "late", "moot"]
    explanation: list[ExplanationStep]
    extensions: list[ExtensionRead]
    breach: BreachRead | None


class CaseDeadlinesRead(BaseModel):
    case_id: int
    now: datetime
    deadlines: list[DeadlineRead]
    pauses: list[PauseRead]


class BoardRowRead(BaseModel):
    deadline_id: int
    case_id: int
    number: str
    rule_code: str
    station_id: int | None
    district_id: int | None
    team_unit_id: int | None
    lead_officer: str | None
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    state: Literal["amber", "red"]
    late_s: int


class BoardRead(BaseModel):
    now: datetime
    red: int
    amber: int
    items: list[BoardRowRead]
    truncated: bool


class BoardCountRead(BaseModel):
    station_id: int | None
    district_id: int | None
    red: int
    amber: int


class BreachPage(BaseModel):
    items: list[BreachRead]
    total: int
    page: int
    page_size: int


class ItemCreate(RequestModel):
    label_number: str = Field(min_length=1, max_length=64, pattern=r"^[\w\-/.]+$")
    description: str = Field(min_length=1, max_length=2000)
    storage_location: str = Field(min_length=1, max_length=128)
    retention_until: Day | None = None


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    label_number: str
    description: str
    storage_location: str
    status: ItemStatus
    held_by: str | None
    retention_until: date | None
    created_at: datetime
    created_by: str


class CustodyStep(RequestModel):
    action: Literal["check_out", "return", "move"]
    reason: str = Field(min_length=1, max_length=2000)
    to_whom: str | None = Field(default=None, max_length=128)
    location: str | None = Field(default=None, max_length=128)


class CustodyEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    at: datetime
    action: CustodyAction
    to_whom: str | None
    location: str | None
    reason: str
    actor: str


class DisposalCreate(RequestModel):
    method: DisposalMethod
    reason: str = Field(min_length=1, max_length=2000)


class DisposalDecision(RequestModel):
    approved: bool
    note: str = Field(default="", max_length=2000, description="required when refusing")


class DisposalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    case_id: int
    method: DisposalMethod
    reason: str
    status: DisposalStatus
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class MonthFiguresRead(BaseModel):
    station_id: int
    month: str
    opened: int
    cleared: int
    closed: int
    decisions: int
    within_limit: int
    within_limit_share: float | None


class AgeBandRead(BaseModel):
    station_id: int
    band: str
    open_cases: int


class FiguresRead(BaseModel):
    since: date
    until: date
    now: datetime
    months: list[MonthFiguresRead]
    ages: list[AgeBandRead]
