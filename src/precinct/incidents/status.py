"""The incident status machine (pure).

    received -> dispatched -> en_route -> on_scene -> closed (with a disposition)

Any open incident may also be closed (e.g. a false alarm or a duplicate) or transferred to another
agency. ``dispatched`` is reached only by assigning a unit. A unit may report on scene without
having reported en route (``dispatched -> on_scene``). ``closed`` and ``transferred`` are final
for the status machine; closing needs a disposition and a short feedback text (反馈: what was done
and how it ended). Only a supervisor's reopening, with a reason, takes a closed incident back to
``received``.
"""

from __future__ import annotations

from precinct.core.errors import ConflictError, ValidationError
from precinct.core.i18n import texts
from precinct.incidents.models import Disposition, IncidentStatus

S = IncidentStatus

TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    S.RECEIVED: frozenset({S.DISPATCHED, S.CLOSED, S.TRANSFERRED}),
    S.DISPATCHED: frozenset({S.EN_ROUTE, S.ON_SCENE, S.CLOSED, S.TRANSFERRED}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.CLOSED, S.TRANSFERRED}),
    S.ON_SCENE: frozenset({S.CLOSED, S.TRANSFERRED}),
    S.CLOSED: frozenset(),
    S.TRANSFERRED: frozenset(),
}

OPEN_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if targets)
FINAL_STATUSES = frozenset(set(IncidentStatus) - OPEN_STATUSES)

#: what a supervisor may reopen (back to ``received``)
REOPENABLE = frozenset({S.CLOSED})
MIN_FEEDBACK_LENGTH = 2  # characters: "误报" is feedback enough

# The order in which units' reports move an incident forward.
PROGRESS_RANK = {S.RECEIVED: 0, S.DISPATCHED: 1, S.EN_ROUTE: 2, S.ON_SCENE: 3}


def is_allowed(current: IncidentStatus, target: IncidentStatus) -> bool:
    """Whether an incident may move from ``current`` to ``target``."""
    return target in TRANSITIONS[current]


def check_transition(
    current: IncidentStatus, target: IncidentStatus, disposition: Disposition | None
) -> None:
    """Raise ConflictError for an illegal move, ValidationError for a wrong disposition."""
    if not is_allowed(current, target):
        allowed = ", ".join(sorted(t.value for t in TRANSITIONS[current])) or "none (final status)"
        raise ConflictError(
            f"cannot move an incident from {current.value} to {target.value}; allowed: {allowed}"
        )
    if target == S.CLOSED and disposition is None:
        raise ValidationError("closing an incident needs a disposition: " + ", ".join(d.value for d in Disposition))
    if target != S.CLOSED and disposition is not None:
        raise ValidationError("a disposition is given only when closing an incident")


def check_feedback(target: IncidentStatus, feedback: str) -> None:
    """Raise ValidationError when closing without a feedback text (the ``note`` of the transition)."""
    if target == S.CLOSED and len(feedback.strip()) < MIN_FEEDBACK_LENGTH:
        raise texts.field_error("note", "incident.feedback_needed", n=MIN_FEEDBACK_LENGTH)


def check_reopen(current: IncidentStatus) -> None:
    """Raise ConflictError unless an incident in ``current`` may be reopened."""
    if current not in REOPENABLE:
        raise ConflictError(texts.said("incident.reopen_closed_only", status=current.value))
