"""PAI@5 % of count, EWMA, blend, shrinkage and daily-profile cell rankings vs the best naive count; JSON on stdout.

Usage::

    .venv/bin/python bench/forecast_experiments/rate_ranking_variants.py [--windows 2019-05-01,2019-07-01]
        [--days 60] [--events PATH]

For each window (60 days from each start, 250 m cells) and category (Break and Enter, all), each
variant scores every day from the events before it; the baseline is the better of ``naive_all`` and
``naive_365d``. Variants (``_distinct``: one incident's repeated offence rows count once):

* ``ewma{h}``: exponentially weighted counts, half-life h days;
* ``{a}*{w}+{b}``: multi-scale blends, each term divided by its mean over cells;
* ``{base}+{a}nb{k}``: neighbourhood shrinkage, base + a x the k x k block mean;
* ``{base}+{b}allcat`` / ``allcat730`` (Break and Enter only): borrowing from the all-category
  counts (all history / half-life 730 days) scaled to the target share;
* ``weekday_k{k}`` / ``season_k{k}``: the cell's share of events on the same weekday / within 30
  days of the same date in earlier years, shrunk to the city-wide share with strength k.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from harness import CATEGORIES, Window, emit, half_life, last_days, load_events, parser, progress, relative_pct, split

from precinct.analysis.events import EventTable, distinct_events
from precinct.analysis.forecasting import history_for

HALF_LIVES = (182, 365, 730, 1095, 1460)
BLENDS = (("ewma365", "naive_all"), ("ewma182", "ewma1460"), ("ewma365", "ewma1460"))
KAPPAS = (5, 20, 100)


def same_weekday(day: int, event_days: np.ndarray) -> np.ndarray:
    """Flag the events on the same weekday as ``day``."""
    same: np.ndarray = (event_days + 3) % 7 == (day + 3) % 7  # 1970-01-01, day 0, was a Thursday
    return same


def same_season(day: int, event_days: np.ndarray) -> np.ndarray:
    """Flag the events within 30 days of ``day``'s calendar date in any year (the last 30 days included)."""
    lag = day - event_days.astype(float)
    same: np.ndarray = np.abs(lag - 365.25 * np.round(lag / 365.25)) <= 30
    return same


def profile_scores(window: Window, same: Callable[[int, np.ndarray], np.ndarray]) -> dict[int, np.ndarray]:
    """Per strength k: n_c x (n_c,same + k g) / (n_c + k) / g, g the city-wide share of same-profile events."""
    history = window.full
    out = {kappa: np.zeros((window.n_days, window.grid.n_cells)) for kappa in KAPPAS}
    for offset, day in enumerate(window.days):
        i = history.index_of_day(int(day))
        cells = history.cells[:i]
        keep = (cells >= 0) & history.is_target[:i]
        matching = keep & same(int(day), history.events.day[:i])
        n_cell = np.bincount(cells[keep], minlength=window.grid.n_cells).astype(float)
        n_same = np.bincount(cells[matching], minlength=window.grid.n_cells).astype(float)
        share = matching.sum() / keep.sum()
        for kappa in KAPPAS:
            out[kappa][offset] = n_cell * (n_same + kappa * share) / (n_cell + kappa) / share
    return out


def variants(window: Window, distinct: EventTable) -> dict[str, np.ndarray]:
    """Daily scores ``(n_days, n_grid_cells)`` of every variant, by name (see the module docs)."""
    full = window.full
    unique = history_for(distinct, window.grid, window.category)
    scores = {"naive_all": window.daily_counts(full), "naive_365d": window.daily_counts(full, last_days(365)),
              "naive_all_distinct": window.daily_counts(unique)}
    for days in HALF_LIVES:
        scores[f"ewma{days}"] = window.daily_counts(full, half_life(days))
        scores[f"ewma{days}_distinct"] = window.daily_counts(unique, half_life(days))
    every = window.daily_counts(full, target=False)
    every_730 = window.daily_counts(full, half_life(730), target=False)

    def by_mean(values: np.ndarray) -> np.ndarray:
        scaled: np.ndarray = values / values.mean(axis=1, keepdims=True)
        return scaled

    for a, b in BLENDS:
        for weight in (0.25, 0.5):
            scores[f"{a}*{weight}+{b}"] = weight * by_mean(scores[a]) + by_mean(scores[b])
    for name in ("naive_all", "ewma730", "naive_all_distinct"):
        base = scores[name]
        for size in (3, 7):
            block = window.block_mean(base, size)
            for alpha in (0.5, 1, 2):
                scores[f"{name}+{alpha}nb{size}"] = base + alpha * block
        if window.category != "all":
            total = base.sum(1, keepdims=True)
            for beta in (0.1, 0.25, 0.5):
                scores[f"{name}+{beta}allcat"] = base + beta * total / every.sum(1, keepdims=True) * every
                scores[f"{name}+{beta}allcat730"] = base + beta * total / every_730.sum(1, keepdims=True) * every_730
    for label, same in (("weekday", same_weekday), ("season", same_season)):
        for kappa, values in profile_scores(window, same).items():
            scores[f"{label}_k{kappa}"] = values
    return scores


def main() -> None:
    """Score every variant on every window and category and print the JSON."""
    args = parser(__doc__).parse_args()
    events = load_events(args.events)
    distinct = distinct_events(events)
    result: dict[str, Any] = {"days": args.days, "cell_m": 250.0, "windows": {}}
    for start in split(args.windows):
        for category in CATEGORIES:
            began = time.perf_counter()
            window = Window(events, start, category, n_days=args.days)
            pai = {name: window.pai5(values) for name, values in variants(window, distinct).items()}
            baseline = max(pai["naive_all"], pai["naive_365d"])
            result["windows"][f"{start}|{category}"] = {
                "test_events": window.n_events, "baseline_pai_5": round(baseline, 3),
                "seconds": round(time.perf_counter() - began, 1),
                "pai_5": {name: round(value, 3) for name, value in pai.items()},
                "vs_baseline_pct": {name: relative_pct(value, baseline) for name, value in pai.items()},
            }
            progress(start, category, f"baseline {baseline:.3f}", f"{time.perf_counter() - began:.0f} s")
    emit(result)


if __name__ == "__main__":
    main()
