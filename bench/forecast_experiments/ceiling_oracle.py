"""Ceiling of fixed cell rankings (PAI with clairvoyant, in-sample and half-window oracles); JSON on stdout.

Usage::

    .venv/bin/python bench/forecast_experiments/ceiling_oracle.py [--events PATH]

Test window 2019-09-01 + 60 days, 250 m cells, Break and Enter and all categories; every ranking is
one fixed score per cell for the whole window, scored as ``evaluate_forecast`` scores:

* ``fixed``: counts before the window (a static ``naive_all``); counts of 2019-11-01..2019-12-31
  (clairvoyant: later and disjoint from the window), alone and with history breaking ties; the test
  window's own counts (in-sample: the upper bound for any fixed ranking);
* ``half_window``: the window's days split by 0-based offset into odd and even days; a ranking built
  from history plus the counts of one half (as a yearly rate, blend weight w) is scored on the other
  half, next to history alone and to the scored half's own counts. The best w is chosen in hindsight,
  so it is an oracle, not a forecast.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from harness import CATEGORIES, Window, emit, load_events, parser

from precinct.analysis.evaluation import score_rankings
from precinct.analysis.events import day_number

START, N_DAYS = "2019-09-01", 60
LATER = ("2019-11-01", "2020-01-01")  # clairvoyant period, end exclusive
BLEND_WEIGHTS = (0.02, 0.05, 0.1, 0.2)


def target_counts(window: Window, first: str, end: str) -> np.ndarray:
    """Target events per grid cell on days [first, end)."""
    history = window.full
    i, j = history.index_of_day(day_number(first)), history.index_of_day(day_number(end))
    cells = history.cells[i:j]
    keep = (cells >= 0) & history.is_target[i:j]
    return np.bincount(cells[keep], minlength=window.grid.n_cells).astype(float)


def pai(scores: dict[float, float]) -> dict[str, float]:
    """Name PAI values by their coverage in per cent (``pai_1``, ``pai_5``, ...), rounded to 3 decimals."""
    return {f"pai_{round(100 * coverage)}": round(value, 3) for coverage, value in scores.items()}


def half_window(window: Window, before: np.ndarray) -> dict[str, dict[str, Any]]:
    """History + one half of the test days' counts, scored on the other half (PAI at 5 %)."""
    history_years = (window.start_day - window.full.events.day[0]) / 365.25
    before = before[window.study]
    out = {}
    for name, known, scored in (("odd_to_even", slice(1, None, 2), slice(0, None, 2)),
                                ("even_to_odd", slice(0, None, 2), slice(1, None, 2))):
        known_counts = window.actual[known].sum(0)
        known_days = window.actual[known].shape[0]
        actual, missed = window.actual[scored], window.missed[scored]

        def pai5(scores: np.ndarray, actual: np.ndarray = actual, missed: np.ndarray = missed) -> float:
            scores = np.broadcast_to(scores, actual.shape)
            return round(score_rankings(scores, actual, missed=missed, tie_order=window.tie)[0.05].pai, 3)

        blends = {str(weight): pai5(before / history_years + weight * known_counts * 365.25 / known_days)
                  for weight in BLEND_WEIGHTS}
        best = max(blends, key=blends.__getitem__)
        out[name] = {"naive_all": pai5(before), "known_half_only": pai5(known_counts + 1e-6 * before),
                     "in_sample_scored_half": pai5(actual.sum(0)), "blend_pai_5": blends,
                     "best_blend_weight": float(best), "best_blend_pai_5": blends[best]}
    return out


def main() -> None:
    """Score the fixed rankings on both categories and print the JSON."""
    args = parser(__doc__, windows=None).parse_args()
    events = load_events(args.events)
    end = str(np.datetime64(START) + N_DAYS)
    result: dict[str, Any] = {"start": START, "days": N_DAYS, "cell_m": 250.0, "categories": {}}
    for category in CATEGORIES:
        window = Window(events, START, category, n_days=N_DAYS)
        before = target_counts(window, "1970-01-01", START)
        later = target_counts(window, *LATER)
        result["categories"][category] = {
            "test_events": window.n_events, "n_cells": int(window.n),
            "fixed": {
                "naive_all_before_window": pai(window.score(before)),
                "clairvoyant_later": pai(window.score(later)),
                "clairvoyant_later_history_ties": pai(window.score(later + 1e-6 * before)),
                "in_sample_test_window": pai(window.score(target_counts(window, START, end))),
            },
            "half_window": half_window(window, before),
        }
    emit(result)


if __name__ == "__main__":
    main()
