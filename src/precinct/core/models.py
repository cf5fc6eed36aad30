"""Import every ORM model so that metadata and Alembic see the whole schema."""

from precinct.analysis_store.models import StoredForecast
from precinct.audit.models import AuditEntry, AuditHead
from precinct.dispatch.models import DutyLevelChange, Handoff, ResponsePlan
from precinct.drills.models import DrillRun
from precinct.incidents.models import (
    Assignment,
    Incident,
    IncidentEvent,
    IncidentParty,
    IncidentType,
)
from precinct.org.models import Beat, OrgUnit
from precinct.places.models import Premises
from precinct.units.models import Unit, UnitPosition, UnitStatusChange
from precinct.users.models import LoginFailure, User

__all__ = [
    "Assignment",
    "AuditEntry",
    "AuditHead",
    "Beat",
    "DrillRun",
    "DutyLevelChange",
    "Handoff",
    "Incident",
    "IncidentEvent",
    "IncidentParty",
    "IncidentType",
    "LoginFailure",
    "OrgUnit",
    "Premises",
    "ResponsePlan",
    "StoredForecast",
    "Unit",
    "UnitPosition",
    "UnitStatusChange",
    "User",
]
