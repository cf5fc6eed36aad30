r"""The case life cycle (pure).

    received (受案) --open--> investigating (立案/受理调查) --decide--> decided (处罚决定, administrative)
        |                          |  |  \--transfer--> transferred (移送审查起诉, criminal)
        +--not_open--> not_opened  |  +--withdraw--> withdrawn (撤案)
                                   +--close--> closed (结案)   decided / transferred --close--> closed

Every move is a decision that goes through review (submitted, then approved by a supervisor or
legal officer); a move the case's state or kind does not allow is a conflict listing the moves it allows.
"""

from __future__ import annotations

import enum

from precinct.cases.messages import named, said
from precinct.cases.models import KIND_NAMES, STATUS_NAMES, CaseKind, CaseStatus
from precinct.core.errors import ConflictError


class Move(enum.StrEnum):
    """A decision on a case, as the API names it."""

    OPEN = "open"  # 立案 / 受理
    NOT_OPEN = "not_open"  # 不予立案
    DECIDE = "decide"  # 作出处罚决定 (administrative)
    TRANSFER = "transfer"  # 移送审查起诉 (criminal)
    WITHDRAW = "withdraw"  # 撤案
    CLOSE = "close"  # 结案


MOVE_NAMES = {Move.OPEN: ("立案", "open"), Move.NOT_OPEN: ("不予立案", "not open"),
              Move.DECIDE: ("处罚决定", "decide"), Move.TRANSFER: ("移送审查起诉", "transfer for prosecution"),
              Move.WITHDRAW: ("撤案", "withdraw"), Move.CLOSE: ("结案", "close")}

S, M = CaseStatus, Move
MOVES: dict[CaseStatus, dict[Move, CaseStatus]] = {
    S.RECEIVED: {M.OPEN: S.INVESTIGATING, M.NOT_OPEN: S.NOT_OPENED},
    S.INVESTIGATING: {M.DECIDE: S.DECIDED, M.TRANSFER: S.TRANSFERRED, M.WITHDRAW: S.WITHDRAWN, M.CLOSE: S.CLOSED},
    S.DECIDED: {M.CLOSE: S.CLOSED},
    S.TRANSFERRED: {M.CLOSE: S.CLOSED},
    S.NOT_OPENED: {},
    S.WITHDRAWN: {},
    S.CLOSED: {},
}
ONLY_FOR: dict[Move, CaseKind] = {M.DECIDE: CaseKind.ADMINISTRATIVE, M.TRANSFER: CaseKind.CRIMINAL}
"""Moves that one kind of case only makes."""
EVENT_OF: dict[Move, str] = {M.OPEN: "opened", M.NOT_OPEN: "not_opened", M.DECIDE: "decided",
                             M.TRANSFER: "transferred", M.WITHDRAW: "withdrawn", M.CLOSE: "closed"}
"""The event (and deadline stop) each move records."""
del S, M

FINAL_STATUSES = frozenset(status for status, moves in MOVES.items() if not moves)
OPEN_STATUSES = frozenset(CaseStatus) - FINAL_STATUSES


def allowed_moves(current: CaseStatus, kind: CaseKind) -> list[Move]:
    """Return the moves a case of ``kind`` in ``current`` allows, in the life cycle's order."""
    return [move for move in MOVES[current] if ONLY_FOR.get(move, kind) == kind]


def target_of(current: CaseStatus, kind: CaseKind, move: Move) -> CaseStatus:
    """Return the state ``move`` leads to from ``current`` for a case of ``kind``.

    Raises
    ------
    ConflictError
        If the state or the kind does not allow ``move``; the message lists the moves allowed.
    """
    allowed = allowed_moves(current, kind)
    if move not in allowed:
        names = ", ".join(allowed)
        raise ConflictError(said("case.move_refused" if names else "case.move_refused_final", status=current.value,
                                 kind=kind.value, move=move.value, allowed=names,
                                 allowed_zh="、".join(MOVE_NAMES[m][0] for m in allowed),
                                 **named("status", STATUS_NAMES[current]), **named("kind", KIND_NAMES[kind]),
                                 **named("move", MOVE_NAMES[move])))
    return MOVES[current][move]
