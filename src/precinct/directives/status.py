"""The directive life cycle (pure).

    issued -> signed_for (签收) -> in_progress -> reported -> closed (checked and accepted)
                                       ^              |
                                       +-- returned --+ (checked and returned, with a reason)

The issuing side may cancel a directive that is not yet reported done. ``closed`` and
``cancelled`` are final. Each move has a name; a move the directive's status does not allow is a
conflict that lists the moves it does allow.
"""

from __future__ import annotations

import enum

from precinct.core.errors import ConflictError
from precinct.directives.messages import said
from precinct.directives.models import DirectiveStatus


class Move(enum.StrEnum):
    """A step of the life cycle, as the API names it."""

    SIGN = "sign"  # the target signs for it (签收)
    START = "start"  # the target begins the work
    REPORT = "report"  # the target reports it done, with a report
    ACCEPT = "accept"  # the issuing side checks the report and accepts it
    RETURN = "return"  # the issuing side checks the report and returns it, with a reason
    CANCEL = "cancel"  # the issuing side withdraws it


S = DirectiveStatus
M = Move

MOVES: dict[DirectiveStatus, dict[Move, DirectiveStatus]] = {
    S.ISSUED: {M.SIGN: S.SIGNED_FOR, M.CANCEL: S.CANCELLED},
    S.SIGNED_FOR: {M.START: S.IN_PROGRESS, M.CANCEL: S.CANCELLED},
    S.IN_PROGRESS: {M.REPORT: S.REPORTED, M.CANCEL: S.CANCELLED},
    S.REPORTED: {M.ACCEPT: S.CLOSED, M.RETURN: S.IN_PROGRESS},
    S.CLOSED: {},
    S.CANCELLED: {},
}

OPEN_STATUSES = frozenset({S.ISSUED, S.SIGNED_FOR, S.IN_PROGRESS})
"""Not yet reported done: the deadline runs."""
FINAL_STATUSES = frozenset(status for status, moves in MOVES.items() if not moves)
ISSUER_MOVES = frozenset({M.ACCEPT, M.RETURN, M.CANCEL})
"""The moves of the issuing side; the others are the target's."""

del S, M


def allowed_moves(current: DirectiveStatus) -> list[Move]:
    """Return the moves a directive in ``current`` allows, in the life cycle's order."""
    return list(MOVES[current])


def target_of(current: DirectiveStatus, move: Move) -> DirectiveStatus:
    """Return the status ``move`` leads to from ``current``.

    Raises
    ------
    ConflictError
        If ``current`` does not allow ``move``; the message lists the moves it allows.
    """
    found = MOVES[current].get(move)
    if found is None:
        allowed = ", ".join(allowed_moves(current))
        raise ConflictError(said("directive.move_refused" if allowed else "directive.move_refused_final",
                                 status=current.value, move=move.value, allowed=allowed))
    return found
