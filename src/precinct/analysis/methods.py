"""Forecasting methods by name.

The registry that the evaluation, the operational forecast, the CLI and the API choose from
(``make_forecaster("boosted", grid)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from precinct.analysis.boosted import BoostedForecaster, EnsembleForecaster
from precinct.analysis.forecasting import (
    CountForecaster,
    ExponentialRateForecaster,
    Forecaster,
    KernelDensityForecaster,
    ProspectiveForecaster,
)
from precinct.analysis.grid import SquareGrid
from precinct.analysis.sepp import SelfExcitingForecaster
from precinct.core.errors import ValidationError

ForecasterFactory = Callable[..., Forecaster]


def _registry() -> dict[str, ForecasterFactory]:
    return {
        "naive_all": lambda grid, **kw: CountForecaster(grid, window_days=None, **kw),
        "naive_365d": lambda grid, **kw: CountForecaster(grid, window_days=365, **kw),
        "naive_28d": lambda grid, **kw: CountForecaster(grid, window_days=28, **kw),
        "kde": KernelDensityForecaster,
        "prospective": ProspectiveForecaster,
        "ewma": ExponentialRateForecaster,
        "sepp": SelfExcitingForecaster,
        "boosted": BoostedForecaster,
        "ensemble": EnsembleForecaster,
    }


# The recommended method: whichever of ``boosted`` and ``ewma`` has the higher mean PAI at 5 % over
# the tuning windows 2019-05-01 and 2019-07-01 (60 days each, Break and Enter and all categories;
# never the 2019-09-01 test window). Measured: boosted 7.20, ewma 7.11 (docs/forecasting.md).
BEST_METHOD = "boosted"
METHODS = ("naive_all", "naive_365d", "naive_28d", "kde", "prospective", "ewma", "sepp", "boosted", "ensemble", "best")


def make_forecaster(method: str, grid: SquareGrid, **options: Any) -> Forecaster:
    """Build a forecaster by name (see :data:`METHODS`; ``"best"`` is the recommended one).

    Raises
    ------
    ValidationError
        If the method is unknown.
    """
    registry = _registry()
    name = BEST_METHOD if method == "best" else method
    if name not in registry:
        raise ValidationError(f"method: unknown method {method!r}; use one of {list(METHODS)}")
    return registry[name](grid, **options)
