"""Roles and what each may do: the one table of role groups.

Routes name a :class:`Permission` (``deps.require(Permission.DISPATCH)``); the console reads the
same table from ``GET /api/v1/meta`` and the caller's own permissions from ``GET /api/v1/auth/me``,
so no role list is copied anywhere else. A permission says what *kind* of work an account may do;
which records it may do it on (its scope and ownership) is checked by the services.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """An account's role: the kind of work it does."""

    CALL_TAKER = "call_taker"
    DISPATCHER = "dispatcher"
    PATROL_OFFICER = "patrol_officer"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"


ALL_ROLES = frozenset(Role)


class Permission(enum.StrEnum):
    """A named group of work, granted to a fixed set of roles (:data:`GRANTS`)."""

    ANY = "any"  # reference data every account needs (types, org units, plans, the base map)
    READ_INCIDENTS = "read_incidents"  # incidents, units, map layers, analysis results (no personal data)
    INTAKE = "intake"  # take a call (create an incident)
    INTAKE_DESK = "intake_desk"  # duplicates, recommendations, duplicate-of, hand-offs
    DISPATCH = "dispatch"  # assign units
    FIELD_STATUS = "field_status"  # move incidents and units along their status machines, positions
    PERSONAL_DATA = "personal_data"  # read callers, victims and witnesses, with a purpose
    OFFICER = "officer"  # the patrol officer's own assignment
    MANAGE_UNITS = "manage_units"  # register units
    COMMAND = "command"  # duty levels, response plans, key premises
    RUN_ANALYSIS = "run_analysis"  # start forecasts, before/after evaluations
    REVIEW = "review"  # drill results and replays; the console's analysis and drills views
    RUN_DRILLS = "run_drills"  # start, tick and finish drills
    AUDIT = "audit"  # the audit log and its verification
    MANAGE_ACCOUNTS = "manage_accounts"  # accounts
    SEE_GRANTS = "see_grants"  # the requests for roles that read personal data
    APPROVE_GRANTS = "approve_grants"  # decide those requests (never one's own)
    SEE_DEADLINES = "see_deadlines"  # the overdue board, deadlines, breaches and the time-limit table
    SET_TIME_LIMITS = "set_time_limits"  # a new version of the time-limit table
    FOLLOW_UP = "follow_up"  # feedback to the caller and the call-back on closed incidents
    REOPEN = "reopen"  # reopen a closed incident, with a reason
    ISSUE_DIRECTIVES = "issue_directives"  # issue directives in one's scope, check and cancel them
    WORK_DIRECTIVES = "work_directives"  # sign for, work on and report the directives sent to one's unit
    # cases (案件): the register, legal deadlines, review and custody; supervisors act as legal officers (法制员)
    READ_CASES = "read_cases"  # cases of one's scope: register, events, deadlines, tasks, documents, custody
    WORK_CASES = "work_cases"  # open and work cases (officers: their team's or their own), submit decisions
    APPROVE_CASES = "approve_cases"  # approve or return decisions, grant extensions, decide disposals (not one's own)
    CASE_PARTIES = "case_parties"  # record and read a case's parties, with a purpose (audited)
    SET_CASE_RULES = "set_case_rules"  # a new version of the rule table of legal time limits
    CASE_FIGURES = "case_figures"  # clearance and timeliness figures of one's scope (no personal data)
    # places: inspections of key premises, dispute mediation and the community beat log
    INSPECT = "inspect"  # inspect premises in one's scope, re-inspect hazards, attach files to one's inspections
    MEDIATE = "mediate"  # open and work dispute cases (矛盾纠纷) of one's station
    BEAT_WORK = "beat_work"  # record visits and work in the log of one's station's beats
    INCIDENT_NOTES = "incident_notes"  # add running notes to a call in one's scope (officers: their own calls)
    EDIT_INCIDENTS = "edit_incidents"  # correct an open call's type, priority, address and description


R = Role
GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.ANY: ALL_ROLES,
    Permission.READ_INCIDENTS: frozenset({R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.ANALYST, R.SUPERVISOR,
                                          R.ADMIN}),
    Permission.INTAKE: frozenset({R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR, R.ADMIN}),
    Permission.INTAKE_DESK: frozenset({R.CALL_TAKER, R.DISPATCHER, R.SUPERVISOR, R.ADMIN}),
    Permission.DISPATCH: frozenset({R.DISPATCHER, R.SUPERVISOR, R.ADMIN}),
    Permission.FIELD_STATUS: frozenset({R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR, R.ADMIN}),
    Permission.PERSONAL_DATA: frozenset({R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.OFFICER: frozenset({R.PATROL_OFFICER}),
    Permission.MANAGE_UNITS: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.COMMAND: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.RUN_ANALYSIS: frozenset({R.ANALYST, R.SUPERVISOR, R.ADMIN}),
    Permission.REVIEW: frozenset({R.DISPATCHER, R.ANALYST, R.SUPERVISOR, R.ADMIN}),
    Permission.RUN_DRILLS: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.AUDIT: frozenset({R.AUDITOR}),
    Permission.MANAGE_ACCOUNTS: frozenset({R.ADMIN}),
    Permission.SEE_GRANTS: frozenset({R.SUPERVISOR, R.AUDITOR, R.ADMIN}),
    Permission.APPROVE_GRANTS: frozenset({R.SUPERVISOR, R.AUDITOR}),
    Permission.SEE_DEADLINES: frozenset({R.DISPATCHER, R.ANALYST, R.SUPERVISOR, R.ADMIN}),
    Permission.SET_TIME_LIMITS: frozenset({R.SUPERVISOR}),
    Permission.FOLLOW_UP: frozenset({R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.REOPEN: frozenset({R.SUPERVISOR}),
    Permission.ISSUE_DIRECTIVES: frozenset({R.SUPERVISOR}),
    Permission.WORK_DIRECTIVES: frozenset({R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.READ_CASES: frozenset({R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.WORK_CASES: frozenset({R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.APPROVE_CASES: frozenset({R.SUPERVISOR}),
    Permission.CASE_PARTIES: frozenset({R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.SET_CASE_RULES: frozenset({R.SUPERVISOR}),
    Permission.CASE_FIGURES: frozenset({R.ANALYST, R.SUPERVISOR}),
    Permission.INSPECT: frozenset({R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.MEDIATE: frozenset({R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.BEAT_WORK: frozenset({R.PATROL_OFFICER, R.SUPERVISOR}),
    Permission.INCIDENT_NOTES: frozenset({R.CALL_TAKER, R.DISPATCHER, R.PATROL_OFFICER, R.SUPERVISOR, R.ADMIN}),
    Permission.EDIT_INCIDENTS: frozenset({R.CALL_TAKER, R.DISPATCHER, R.SUPERVISOR, R.ADMIN}),
}
del R


def roles_for(permission: Permission) -> frozenset[Role]:
    """Return the roles granted ``permission``."""
    return GRANTS[permission]


def permissions_of(role: Role | None) -> list[Permission]:
    """Every permission ``role`` holds, in the table's order (none for ``None``)."""
    return [permission for permission, roles in GRANTS.items() if role in roles]


def has(role: Role | None, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``."""
    return role in GRANTS[permission]
