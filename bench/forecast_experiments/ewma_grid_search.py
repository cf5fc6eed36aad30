"""Grid search of the ewma method's settings by PAI@5 % on six tuning windows; JSON on stdout.

Usage::

    .venv/bin/python bench/forecast_experiments/ewma_grid_search.py [--windows ...] [--days 60] [--events PATH]
        [--summarise RESULT.json] [--config NAME]

The settings are the half-life, distinct events, the 7x7 term and the all-category beta.

Each configuration ``ewma{h}_d{0|1}_nb{a}_ac{b}`` scores a cell by its exponentially weighted count
of target events (half-life h days; d1: distinct events, one incident's repeated offence rows count
once) plus a x its 7 x 7 block mean plus b x the all-category count of the same weighting scaled to
the target share (Break and Enter only; for ``all`` b = 0). Output:

* ``pai_5``: every configuration and the naive counts on every window x category;
* ``per_category``: the best configurations by mean gain over the best of naive_all / naive_365d /
  naive_28d on each window (with the worst window's gain);
* ``joint``: configurations ranked by the mean over both categories of the mean gain (the Break and
  Enter configuration paired with the same one with b = 0 for ``all``);
* ``config``: one configuration window by window, by default the ``ewma`` method's (its defaults in
  precinct.analysis.forecasting.ExponentialRateForecaster), or ``--config NAME``.

``--summarise`` recomputes the summaries from the JSON of an earlier run without rerunning the grid.
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any

import numpy as np
from harness import (
    CATEGORIES,
    NAIVE,
    Window,
    emit,
    half_life,
    last_days,
    load_events,
    parser,
    progress,
    relative_pct,
    split,
)

from precinct.analysis.events import EventTable, distinct_events
from precinct.analysis.forecasting import ExponentialRateForecaster, history_for

WINDOWS = ("2018-09-01", "2018-11-01", "2019-01-01", "2019-03-01", "2019-05-01", "2019-07-01")
HALF_LIVES = (365, 548, 730, 1095)
BLOCK_WEIGHTS = (0, 0.25, 0.5)
ALL_CATEGORY_WEIGHTS = (0, 0.1, 0.25)
TOP = 12


def method_config() -> str:
    """Return the grid name of the ``ewma`` method's default settings."""
    defaults = {name: p.default for name, p in inspect.signature(ExponentialRateForecaster).parameters.items()}
    return f"ewma{defaults['half_life_days']:g}_d{int(defaults['distinct'])}_nb0_ac{defaults['borrow']:g}"


def grid_scores(window: Window, distinct: EventTable) -> dict[str, float]:
    """PAI@5 % of the naive counts and of every configuration on one window and category."""
    full = window.full
    unique = history_for(distinct, window.grid, window.category)
    pai = {"naive_all": window.pai5(window.daily_counts(full)),
           "naive_365d": window.pai5(window.daily_counts(full, last_days(365))),
           "naive_28d": window.pai5(window.daily_counts(full, last_days(28)))}
    betas = ALL_CATEGORY_WEIGHTS if window.category != "all" else (0,)
    for days in HALF_LIVES:
        for is_distinct, history in ((0, full), (1, unique)):
            target = window.daily_counts(history, half_life(days))
            every = window.daily_counts(history, half_life(days), target=False) if window.category != "all" else None
            block = window.block_mean(target, 7)
            for alpha in BLOCK_WEIGHTS:
                for beta in betas:
                    scores = target + alpha * block
                    if beta and every is not None:  # every is None only for "all", where beta is 0
                        scores = scores + beta * every * (target.sum(1, keepdims=True) / every.sum(1, keepdims=True))
                    pai[f"ewma{days}_d{is_distinct}_nb{alpha}_ac{beta}"] = window.pai5(scores)
    return pai


def gains(pai: dict[str, dict[str, float]], category: str) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Best naive PAI per window and each configuration's gain (%) over it, window by window."""
    keys = [key for key in pai if key.endswith("|" + category)]
    best_naive = {key: max(pai[key][name] for name in NAIVE) for key in keys}
    by_config = {name: [relative_pct(pai[key][name], best_naive[key]) for key in keys] for name in pai[keys[0]]}
    return {key.split("|")[0]: round(best_naive[key], 3) for key in keys}, by_config


def summarise(pai: dict[str, dict[str, float]], config: str) -> dict[str, Any]:
    """Rank the configurations per category and jointly and show ``config`` window by window.

    ``pai`` maps ``"{start}|{category}"`` to the PAI@5 % of each configuration and naive count (the
    ``pai_5`` of the output); an unknown ``config`` ends the script with status 2.
    """
    result: dict[str, Any] = {"per_category": {}}
    pct: dict[str, dict[str, list[float]]] = {}
    for category in CATEGORIES:
        best_naive, pct[category] = gains(pai, category)
        ranked = sorted(pct[category].items(), key=lambda item: (np.mean(item[1]), min(item[1])), reverse=True)
        result["per_category"][category] = {
            "best_naive_pai_5": best_naive,
            "top": [{"config": name, "mean_pct": round(float(np.mean(values)), 2), "min_pct": min(values),
                     "pct_by_window": dict(zip(best_naive, values, strict=True))} for name, values in ranked[:TOP]],
        }
    breaking, every = pct["Break and Enter"], pct["all"]
    joint: list[dict[str, Any]] = []
    for name, values in breaking.items():
        if not name.startswith("ewma"):
            continue
        paired = paired_all(name)
        joint.append({"config": name, "config_all": paired,
                      "mean_pct": round(float(np.mean(values) + np.mean(every[paired])) / 2, 2),
                      "break_and_enter_mean_pct": round(float(np.mean(values)), 2),
                      "break_and_enter_min_pct": min(values),
                      "all_mean_pct": round(float(np.mean(every[paired])), 2), "all_min_pct": min(every[paired])})
    joint.sort(key=lambda row: row["mean_pct"], reverse=True)
    result["joint"] = joint[:TOP]
    if config not in breaking:
        print(f"error: --config {config!r} is not in the grid; names look like {joint[0]['config']!r}",
              file=sys.stderr)
        sys.exit(2)
    rank = next(i for i, row in enumerate(joint, 1) if row["config"] == config)
    result["config"] = {"config": config, "config_all": paired_all(config), "joint_rank": rank,
                        "joint": joint[rank - 1], "by_window": {}}
    for key, scores in pai.items():
        start, category = key.split("|")
        name = config if category == "Break and Enter" else paired_all(config)
        naive = max(scores[n] for n in NAIVE)
        result["config"]["by_window"].setdefault(start, {})[category] = {
            "best_naive_pai_5": round(naive, 3), "ewma_pai_5": round(scores[name], 3),
            "pct": relative_pct(scores[name], naive)}
    return result


def paired_all(config: str) -> str:
    """Return the ``all`` configuration of a Break and Enter one: the same with no all-category term."""
    return config.rsplit("_ac", 1)[0] + "_ac0"


def main() -> None:
    """Run the grid (or read an earlier run's JSON) and print the scores and summaries."""
    arguments = parser(__doc__, windows=WINDOWS)
    arguments.add_argument("--summarise", metavar="RESULT.json", help="summarise an earlier run's JSON output instead")
    arguments.add_argument("--config", default=method_config(),
                           help="configuration to show window by window (default: the ewma method's, %(default)s)")
    args = arguments.parse_args()
    if args.summarise:
        try:
            with open(args.summarise) as handle:
                earlier = json.load(handle)
        except (OSError, ValueError) as error:
            print(f"error: --summarise {args.summarise}: {error}", file=sys.stderr)
            sys.exit(2)
        emit({"windows": earlier["windows"], "days": earlier["days"], "pai_5": earlier["pai_5"],
              **summarise(earlier["pai_5"], args.config)})
        return
    events = load_events(args.events)
    distinct = distinct_events(events)
    pai: dict[str, dict[str, float]] = {}
    for start in split(args.windows):
        for category in CATEGORIES:
            pai[f"{start}|{category}"] = grid_scores(Window(events, start, category, n_days=args.days), distinct)
            progress(start, category, "done")
    emit({"windows": split(args.windows), "days": args.days, "pai_5": pai, **summarise(pai, args.config)})


if __name__ == "__main__":
    main()
