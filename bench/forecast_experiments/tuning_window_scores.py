"""PAI at 1/5/10 % and seconds of forecasting methods on tuning windows (current or weekly boosted); JSON on stdout.

Usage::

    .venv/bin/python bench/forecast_experiments/tuning_window_scores.py [--windows 2019-05-01,2019-07-01]
        [--methods naive_all,naive_365d,ewma,boosted] [--boosted current|weekly] [--boosted-options JSON]
        [--categories ...] [--days 60] [--events PATH]

Every method forecasts each day of the window from the events before it, as in ``evaluate_forecast``.
Methods are built by ``precinct.analysis.methods.make_forecaster``; ``boosted`` runs with the Ontario
holidays and 2 LightGBM threads, either the library's model (``--boosted current``) or the weekly
model frozen in ``old_boosted.py`` (``--boosted weekly``); ``--boosted-options`` passes keyword
options to it, e.g. ``'{"refit_every_days": 30, "train_step_days": 14}'``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from harness import CATEGORIES, Window, emit, load_events, names, parser, progress, split

from precinct.analysis.forecasting import Forecaster
from precinct.analysis.grid import SquareGrid
from precinct.analysis.methods import METHODS, make_forecaster

BOOSTED_OPTIONS: dict[str, Any] = {"holiday_country": "CA", "holiday_subdivision": "ON", "n_threads": 2}


def forecaster(method: str, grid: SquareGrid, boosted: str, options: dict[str, Any]) -> Forecaster:
    """Build ``method`` on ``grid``; ``boosted`` with the Ontario holidays, 2 threads and ``options``.

    ``boosted`` is the library's model (``"current"``) or the frozen one of ``old_boosted.py`` (``"weekly"``).
    """
    if method != "boosted":
        return make_forecaster(method, grid)
    if boosted == "weekly":
        import old_boosted

        return old_boosted.BoostedForecaster(grid, **BOOSTED_OPTIONS, **options)
    return make_forecaster("boosted", grid, **BOOSTED_OPTIONS, **options)


def main() -> None:
    """Score every method on every window and category and print the JSON."""
    arguments = parser(__doc__)
    arguments.add_argument("--methods", default="naive_all,naive_365d,ewma,boosted", help="default: %(default)s")
    arguments.add_argument("--boosted", choices=("current", "weekly"), default="current",
                           help="boosted model: the library's (current) or old_boosted.py (weekly)")
    arguments.add_argument("--boosted-options", default="{}", help="JSON keyword options for the boosted model")
    arguments.add_argument("--categories", default=",".join(CATEGORIES), help="default: %(default)s")
    args = arguments.parse_args()
    methods = names(arguments, "--methods", args.methods, METHODS)
    try:
        options = json.loads(args.boosted_options)
    except ValueError as error:
        arguments.error(f"--boosted-options: not JSON ({error})")
    events = load_events(args.events)
    categories = names(arguments, "--categories", args.categories, [*events.categories, "all"])
    result = {"days": args.days, "cell_m": 250.0, "boosted": args.boosted, "boosted_options": options, "scores": {}}
    for start in split(args.windows):
        for category in categories:
            window = Window(events, start, category, n_days=args.days)
            for method in methods:
                model = forecaster(method, window.grid, args.boosted, options)
                began = time.perf_counter()
                scores = window.daily(model.predict)
                seconds = time.perf_counter() - began
                pai = window.score(scores)
                row = {"pai_1": round(pai[0.01], 3), "pai_5": round(pai[0.05], 3), "pai_10": round(pai[0.1], 3),
                       "seconds": round(seconds, 1)}
                result["scores"][f"{start}|{category}|{method}"] = row
                progress(start, category, method, row)
    emit(result)


if __name__ == "__main__":
    main()
