"""PAI@5 % of LightGBM on EWMA features with Poisson, binary and lambdarank objectives; JSON on stdout.

Usage::

    .venv/bin/python bench/forecast_experiments/boosted_objectives.py [--windows 2019-05-01,2019-07-01]
        [--objectives poisson,binary,lambdarank] [--days 60] [--events PATH]

Features per cell and day, from distinct events before the day (one incident's repeated offence
rows count once): exponentially weighted counts of target and of all events, half-lives 30 to 1460
days, for the cell and as the 3 x 3 and 7 x 7 block mean; days since the cell's last target event;
all-history target and all counts. Rows: cells with an event before the window, at origins every 14
days over the 2 years before it, the last 28 days before it; label: target events (source rows) in
the cell over the next 28 days (binary: at least one; lambdarank: min(count, 4) with origins as
query groups, truncation at 5 % of the cells). One fit (200 trees, 2 threads) scores the whole window.
"""

from __future__ import annotations

import time
from typing import Any

import lightgbm as lgb
import numpy as np
from harness import CATEGORIES, Window, emit, load_events, names, parser, progress, split
from scipy import ndimage

from precinct.analysis.events import EventTable, distinct_events
from precinct.analysis.forecasting import history_for

HALF_LIVES = (30, 91, 182, 365, 730, 1460)
LABEL_DAYS, ORIGIN_STEP, TRAIN_DAYS = 28, 14, 730
OBJECTIVES = ("poisson", "binary", "lambdarank")
PARAMS = dict(learning_rate=0.05, num_leaves=31, min_data_in_leaf=200, feature_fraction=0.8, bagging_fraction=0.8,
              bagging_freq=1, lambda_l2=1.0, verbose=-1, seed=0, deterministic=True, num_threads=2)


class Features:
    """Feature matrix ``(n_cells, n_features)`` of a day from the distinct events before it."""

    def __init__(self, window: Window, distinct: EventTable) -> None:
        self.history = history_for(distinct, window.grid, window.category)
        self.shape, self.n_cells = window.grid.shape, window.grid.n_cells
        self.days = self.history.events.day.astype(float)

    def __call__(self, day: int) -> np.ndarray:
        """Feature matrix of ``day`` (float32)."""
        i = self.history.index_of_day(day)
        cells, inside, target = self.history.cells[:i], self.history.cells[:i] >= 0, self.history.is_target[:i]
        age = day - self.days[:i]
        columns = []
        for days in HALF_LIVES:
            weight = 0.5 ** (age / days)
            for selected in (inside & target, inside):
                image = np.bincount(cells[selected], weights=weight[selected],
                                    minlength=self.n_cells).reshape(self.shape)
                columns += [image.ravel(), ndimage.uniform_filter(image, 3, mode="constant").ravel(),
                            ndimage.uniform_filter(image, 7, mode="constant").ravel()]
        selected = inside & target
        last = np.full(self.n_cells, -1e5)
        np.maximum.at(last, cells[selected], self.days[:i][selected])
        columns.append(np.minimum(day - last, 3650))
        columns.append(np.bincount(cells[selected], minlength=self.n_cells).astype(float))
        columns.append(np.bincount(cells[inside], minlength=self.n_cells).astype(float))
        return np.stack(columns, 1).astype(np.float32)


def label(window: Window, origin: int) -> np.ndarray:
    """Target events (source rows) per grid cell in the ``LABEL_DAYS`` days from ``origin``."""
    full = window.full
    a, b = full.index_of_day(origin), full.index_of_day(origin + LABEL_DAYS)
    cells = full.cells[a:b][full.is_target[a:b]]
    return np.bincount(cells[cells >= 0], minlength=window.grid.n_cells).astype(float)


def fit_and_score(window: Window, distinct: EventTable, objectives: list[str]) -> dict[str, float]:
    """Fit one model per objective on the rows before the window; PAI@5 % and seconds of each."""
    began = time.perf_counter()
    features = Features(window, distinct)
    start = window.start_day
    before = window.full.cells[:window.full.index_of_day(start)]
    active = np.unique(before[before >= 0])
    origins = list(range(start - LABEL_DAYS, start - LABEL_DAYS - TRAIN_DAYS, -ORIGIN_STEP))[::-1]
    x = np.concatenate([features(t)[active] for t in origins])
    y = np.concatenate([label(window, t)[active] for t in origins])
    x_test = np.stack([features(int(day)) for day in window.days])
    result = {"feature_seconds": round(time.perf_counter() - began, 1)}
    for objective in objectives:
        began = time.perf_counter()
        params: dict[str, Any] = dict(PARAMS, objective=objective)
        if objective == "poisson":
            data = lgb.Dataset(x, y)
        elif objective == "binary":
            data = lgb.Dataset(x, (y > 0).astype(float))
        else:
            params.update(lambdarank_truncation_level=int(0.05 * active.size) + 10, label_gain=[0, 1, 3, 7, 15])
            data = lgb.Dataset(x, np.minimum(y, 4).astype(int), group=[active.size] * len(origins))
        model = lgb.train(params, data, num_boost_round=200)
        scores = np.asarray(model.predict(x_test.reshape(-1, x_test.shape[-1])))
        scores = scores.reshape(window.n_days, window.grid.n_cells)
        result[objective] = round(window.pai5(scores), 3)
        result[objective + "_seconds"] = round(time.perf_counter() - began, 1)
    return result


def main() -> None:
    """Fit and score every objective on every window and category and print the JSON."""
    arguments = parser(__doc__)
    arguments.add_argument("--objectives", default=",".join(OBJECTIVES),
                           help="LightGBM objectives (default: %(default)s)")
    args = arguments.parse_args()
    objectives = names(arguments, "--objectives", args.objectives, OBJECTIVES)
    events = load_events(args.events)
    distinct = distinct_events(events)
    result: dict[str, Any] = {"days": args.days, "cell_m": 250.0, "windows": {}}
    for start in split(args.windows):
        for category in CATEGORIES:
            scores = fit_and_score(Window(events, start, category, n_days=args.days), distinct, objectives)
            result["windows"][f"{start}|{category}"] = scores
            progress(start, category, scores)
    emit(result)


if __name__ == "__main__":
    main()
