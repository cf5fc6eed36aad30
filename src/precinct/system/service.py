"""The platform's self-description (``GET /meta``), built from the one home of each fact."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import TypeVar

from precinct import __version__
from precinct.core.permissions import GRANTS, Role
from precinct.core.settings import Settings
from precinct.dispatch.models import Agency, HandoffMode
from precinct.dispatch.plans import DUTY_LEVELS
from precinct.incidents import status as incident_status
from precinct.incidents.models import (
    PURPOSE_NAMES,
    REPORTED_SOURCES,
    Disposition,
    IncidentSource,
    IncidentStatus,
    PartyKind,
)
from precinct.places.models import CATEGORY_NAMES
from precinct.system.schemas import CodeName, DutyLevelSpec, MetaRead, StatusMachine
from precinct.units import status as unit_status
from precinct.units.models import UnitStatus, UnitType

PRIORITIES = [1, 2, 3, 4]
NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}
S = TypeVar("S", bound=StrEnum)


def _machine(
    statuses: type[S], transitions: Mapping[S, Collection[S]], *, reached_otherwise: set[str],
) -> StatusMachine:
    moves = {str(s): sorted(str(t) for t in targets) for s, targets in transitions.items()}
    return StatusMachine(
        statuses=[str(s) for s in statuses],
        open=[str(s) for s in statuses if transitions[s]],
        final=[str(s) for s in statuses if not transitions[s]],
        transitions=moves,
        manual_targets=[str(s) for s in statuses if str(s) not in reached_otherwise],
    )


def describe(settings: Settings) -> MetaRead:
    """Roles and permissions, status machines and code lists, the city's time zone."""
    return MetaRead(
        version=__version__,
        local_timezone=settings.local_timezone,
        default_language=settings.default_language,
        roles=list(Role),
        permissions={permission: sorted(roles) for permission, roles in GRANTS.items()},
        incident=_machine(IncidentStatus, incident_status.TRANSITIONS, reached_otherwise={IncidentStatus.DISPATCHED}),
        unit=_machine(UnitStatus, unit_status.TRANSITIONS, reached_otherwise={UnitStatus.DISPATCHED}),
        incident_sources=[str(s) for s in IncidentSource],
        reported_sources=[str(s) for s in IncidentSource if s in REPORTED_SOURCES],
        dispositions=[str(d) for d in Disposition],
        priorities=PRIORITIES,
        party_kinds=[str(k) for k in PartyKind],
        unit_types=[str(t) for t in UnitType],
        premises_categories=[CodeName(code=str(c), zh=zh, en=en) for c, (zh, en) in CATEGORY_NAMES.items()],
        read_purposes=[CodeName(code=str(c), zh=zh, en=en) for c, (zh, en) in PURPOSE_NAMES.items()],
        handoff_agencies=[str(a) for a in Agency],
        handoff_modes=[str(m) for m in HandoffMode],
        duty_levels=[DutyLevelSpec(level=level, numeral=NUMERALS[level], zh=spec["zh"], en=spec["en"],
                                   min_available_share=spec["min_available_share"])
                     for level, spec in sorted(DUTY_LEVELS.items())],
    )
