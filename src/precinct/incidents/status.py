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

from precinct.core.errors import ConflictError
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

#: the Chinese names of statuses and dispositions (as the console shows them), for refusals in words
STATUS_ZH = {S.RECEIVED: "已接警", S.DISPATCHED: "已派警", S.EN_ROUTE: "在途", S.ON_SCENE: "到场", S.CLOSED: "已结案",
             S.TRANSFERRED: "已移交"}
DISPOSITION_ZH = {Disposition.RESOLVED: "已处置", Disposition.ARRESTED: "已抓获", Disposition.REFERRED: "已移送",
                  Disposition.FALSE_ALARM: "误报", Disposition.DUPLICATE: "重复报警", Disposition.CANCELLED: "已撤销"}


def is_allowed(current: IncidentStatus, target: IncidentStatus) -> bool:
    """Whether an incident may move from ``current`` to ``target``."""
    return target in TRANSITIONS[current]


def check_transition(
    current: IncidentStatus, target: IncidentStatus, disposition: Disposition | None
) -> None:
    """Raise ConflictError for an illegal move, ValidationError for a wrong disposition."""
    if not is_allowed(current, target):
        allowed = sorted(TRANSITIONS[current])
        names = {"current": current.value, "target": target.value, "current_zh": STATUS_ZH[current],
                 "target_zh": STATUS_ZH[target]}
        if not allowed:
            raise ConflictError(texts.said("incident.move_refused_final", **names))
        raise ConflictError(texts.said("incident.move_refused", **names, allowed=", ".join(s.value for s in allowed),
                                       allowed_zh="、".join(STATUS_ZH[s] for s in allowed)))
    if target == S.CLOSED and disposition is None:
        raise texts.field_error("disposition", "incident.disposition_needed",
                                allowed=", ".join(d.value for d in Disposition),
                                allowed_zh="、".join(f"{DISPOSITION_ZH[d]}（{d.value}）" for d in Disposition))
    if target != S.CLOSED and disposition is not None:
        raise texts.field_error("disposition", "incident.disposition_not_closing")


def check_feedback(target: IncidentStatus, feedback: str) -> None:
    """Raise ValidationError when closing without a feedback text (the ``note`` of the transition)."""
    if target == S.CLOSED and len(feedback.strip()) < MIN_FEEDBACK_LENGTH:
        raise texts.field_error("note", "incident.feedback_needed", n=MIN_FEEDBACK_LENGTH)


def check_reopen(current: IncidentStatus) -> None:
    """Raise ConflictError unless an incident in ``current`` may be reopened."""
    if current not in REOPENABLE:
        raise ConflictError(texts.said("incident.reopen_closed_only", status=current.value))
