"""The unit status machine (pure).

    available -> dispatched -> en_route -> on_scene -> available

``dispatched`` is reached only by assigning the unit to an incident; a unit may report on scene
without having reported en route, and may clear (``available``) from any busy status. Off duty and
out of service are entered from and left to ``available``.
"""

from __future__ import annotations

from precinct.core.errors import ConflictError
from precinct.units.messages import STATUS_ZH, said
from precinct.units.models import UnitStatus

U = UnitStatus

TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    U.AVAILABLE: frozenset({U.DISPATCHED, U.OFF_DUTY, U.OUT_OF_SERVICE}),
    U.DISPATCHED: frozenset({U.EN_ROUTE, U.ON_SCENE, U.AVAILABLE}),
    U.EN_ROUTE: frozenset({U.ON_SCENE, U.AVAILABLE}),
    U.ON_SCENE: frozenset({U.AVAILABLE}),
    U.OFF_DUTY: frozenset({U.AVAILABLE, U.OUT_OF_SERVICE}),
    U.OUT_OF_SERVICE: frozenset({U.AVAILABLE, U.OFF_DUTY}),
}

BUSY_STATUSES = frozenset({U.DISPATCHED, U.EN_ROUTE, U.ON_SCENE})
GROUNDED_STATUSES = frozenset({U.OFF_DUTY, U.OUT_OF_SERVICE})


def check_transition(call_sign: str, current: UnitStatus, target: UnitStatus) -> None:
    """Raise ConflictError (naming the allowed moves) unless ``current -> target`` is allowed."""
    if target not in TRANSITIONS[current]:
        moves = sorted(s.value for s in TRANSITIONS[current])
        raise ConflictError(said("unit.bad_move", call_sign=call_sign, current=current.value, target=target.value,
                                 allowed=", ".join(moves), current_zh=STATUS_ZH[current.value],
                                 target_zh=STATUS_ZH[target.value], allowed_zh="、".join(STATUS_ZH[m] for m in moves)))
