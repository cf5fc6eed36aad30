"""Response shapes of the system routes."""

from __future__ import annotations

from pydantic import BaseModel

from precinct.core.permissions import Permission, Role


class HealthRead(BaseModel):
    status: str
    version: str
    database: str
    jobs: dict[str, str]
    """Each background job of this server process and its state (running, finished, stopped)."""


class StatusMachine(BaseModel):
    """A status machine: every status, the open (non-final) ones, and the allowed moves."""

    statuses: list[str]
    open: list[str]
    final: list[str]
    transitions: dict[str, list[str]]
    manual_targets: list[str]
    """Statuses a user may move to directly (others are reached by another action, e.g. assigning)."""


class CodeName(BaseModel):
    code: str
    zh: str
    en: str


class DutyLevelSpec(BaseModel):
    """A graded duty-response level: its numeral, names, and the share of units kept available."""

    level: int
    numeral: str
    zh: str
    en: str
    min_available_share: float


class MetaRead(BaseModel):
    """What the console needs to know about this server, read once after log-in."""

    version: str
    local_timezone: str
    default_language: str
    roles: list[Role]
    permissions: dict[Permission, list[Role]]
    incident: StatusMachine
    unit: StatusMachine
    incident_sources: list[str]
    reported_sources: list[str]
    dispositions: list[str]
    priorities: list[int]
    party_kinds: list[str]
    unit_types: list[str]
    premises_categories: list[CodeName]
    read_purposes: list[CodeName]
    handoff_agencies: list[str]
    handoff_modes: list[str]
    duty_levels: list[DutyLevelSpec]
