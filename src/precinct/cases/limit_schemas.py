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
    """One step of a rule's extensions: the total duration it allows and the tier that approves it."""

    to: int
    tier: str


class RuleRead(BaseModel):
    """A rule of the legal time limits: what starts and stops it, how long it runs, its extensions and pauses."""

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
    """A stored version of the rule table: when, by whom and why it was made."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    created_by: str
    reason: str


class RuleTableRead(BaseModel):
    """A version of the rule table with its rules."""

    version: RuleVersionRead
    rules: list[RuleRead]


class ExtensionStepIn(RequestModel):
    """One step of a rule's extensions as given in a change: the total duration and the approving tier."""

    to: int = Field(ge=1, le=10_000)
    tier: Tier


class RuleChangeIn(RequestModel):
    """A change to one rule, by its code; fields left out keep their current value."""

    code: str = Field(min_length=1, max_length=48)
    duration: int | None = Field(default=None, ge=1, le=10_000)
    extensions: list[ExtensionStepIn] | None = Field(default=None, max_length=5)
    remind_before_h: int | None = Field(default=None, ge=0, le=24 * 30)
    provision: str | None = Field(default=None, min_length=4, max_length=2000)


class RuleUpdate(RequestModel):
    """A set of rule changes stored together as a new version of the rule table, with the reason."""

    rules: list[RuleChangeIn] = Field(min_length=1, max_length=50)
    reason: str = Field(min_length=4, max_length=2000)


class ExtensionCreate(RequestModel):
    """A request to extend a running deadline to a new total duration, with the reason."""

    to: int = Field(ge=1, le=10_000, description="the new total duration, in the rule's unit")
    reason: str = Field(min_length=1, max_length=2000)


class ExtensionRead(BaseModel):
    """An extension granted to a deadline: from and to which duration, at which tier, by whom."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    from_value: int
    to_value: int
    tier: str
    reason: str
    approved_by: str
    approved_at: datetime


class PauseCreate(RequestModel):
    """A period that stops the clock of a case's deadlines (open while it has no end), with the reason."""

    kind: PauseKind
    started_at: Instant
    ended_at: Instant | None = None
    reason: str = Field(min_length=1, max_length=2000)


class PauseEnd(RequestModel):
    """The end of an open pause (now when left out)."""

    ended_at: Instant | None = None


class PauseRead(BaseModel):
    """A period that stops (or stopped) the clock of a case's deadlines."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: PauseKind
    started_at: datetime
    ended_at: datetime | None
    reason: str
    created_by: str


class BreachRead(BaseModel):
    """A recorded breach of a legal time limit: which deadline, when it was due, and how late it was when found."""

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
    """One step of how a deadline was reached, in Chinese and English, with the values it used."""

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
    """A case's legal deadlines and its pauses, as of ``now``."""

    case_id: int
    now: datetime
    deadlines: list[DeadlineRead]
    pauses: list[PauseRead]


class BoardRowRead(BaseModel):
    """One deadline on the overdue board, with its case, placement and how late it is."""

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
    """The overdue board: amber and red counts and the rows shown (``truncated`` when more were found)."""

    now: datetime
    red: int
    amber: int
    items: list[BoardRowRead]
    truncated: bool


class BoardCountRead(BaseModel):
    """The amber and red counts of one station or district branch."""

    station_id: int | None
    district_id: int | None
    red: int
    amber: int


class BreachPage(BaseModel):
    """A page of recorded breaches with the total count."""

    items: list[BreachRead]
    total: int
    page: int
    page_size: int


class ItemCreate(RequestModel):
    """A new item of evidence or property for a case, with its label number and storage location."""

    label_number: str = Field(min_length=1, max_length=64, pattern=r"^[\w\-/.]+$")
    description: str = Field(min_length=1, max_length=2000)
    storage_location: str = Field(min_length=1, max_length=128)
    retention_until: Day | None = None


class ItemRead(BaseModel):
    """An item of evidence or property held for a case, with where it is and who holds it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    label_number: str
    description: str
    storage_location: str
    status: ItemStatus
    held_by: str | None
    retention_until: date | None
    past_retention: bool = Field(default=False, description="still held after its retention ended (local date)")
    created_at: datetime
    created_by: str


class CustodyStep(RequestModel):
    """A step in an item's chain of custody: check out, return or move, with the reason."""

    action: Literal["check_out", "return", "move"]
    reason: str = Field(min_length=1, max_length=2000)
    to_whom: str | None = Field(default=None, max_length=128)
    location: str | None = Field(default=None, max_length=128)


class CustodyEntryRead(BaseModel):
    """One entry of an item's chain of custody."""

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
    """A request to dispose of an item, with the method and the reason."""

    method: DisposalMethod
    reason: str = Field(min_length=1, max_length=2000)


class DisposalDecision(RequestModel):
    """An approver's decision on a disposal request, with a note (required when refusing)."""

    approved: bool
    note: str = Field(default="", max_length=2000, description="required when refusing")


class DisposalRead(BaseModel):
    """A disposal request for an item and its decision."""

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
    """One station's cases opened, cleared and closed in one month, and its decisions within their limit."""

    station_id: int
    month: str
    opened: int
    cleared: int
    closed: int
    decisions: int
    within_limit: int
    within_limit_share: float | None


class AgeBandRead(BaseModel):
    """How many of a station's open cases fall in one age band."""

    station_id: int
    band: str
    open_cases: int


class FiguresRead(BaseModel):
    """The case figures of a period: per station and month, and the open cases by age as of ``now``."""

    since: date
    until: date
    now: datetime
    months: list[MonthFiguresRead]
    ages: list[AgeBandRead]
