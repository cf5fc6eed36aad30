"""Shared harness of the forecasting experiments (imported, not run): loads the Toronto file, scores rankings.

The study area (cells with any event before the window), the seeded tie order, the events outside
the study area counted as misses and the pooling over days are those of ``evaluate_forecast``, so a
score here equals the product's score for the same ranking. ``bench/forecast.py`` takes its
``--events`` option and its loader from here too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
from scipy import ndimage

from precinct.analysis.evaluation import score_rankings, study_setup
from precinct.analysis.events import EventTable, day_number, event_table_from_frame, read_events_csv
from precinct.analysis.forecasting import History
from precinct.core.errors import ValidationError

REPO_ROOT = Path(__file__).resolve().parents[2]
EVENTS_ENV = "PRECINCT_TORONTO_EVENTS"
DEFAULT_EVENTS = "../shared/data/toronto_mci_2014_2019.csv.gz"  # relative to the repository root
TIMEZONE = "America/Toronto"
CATEGORIES = ("Break and Enter", "all")
TUNING_WINDOWS = ("2019-05-01", "2019-07-01")
NAIVE = ("naive_all", "naive_365d", "naive_28d")

Weight = Callable[[int, np.ndarray], np.ndarray]


def parser(doc: str | None, *, windows: tuple[str, ...] | None = TUNING_WINDOWS) -> argparse.ArgumentParser:
    """Argument parser with the options every experiment shares (``--events``; ``--windows``, ``--days``)."""
    result = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    result.add_argument("--events", help=f"incident CSV (default: ${EVENTS_ENV}, else {DEFAULT_EVENTS} "
                                         "relative to the repository root)")
    if windows is not None:
        result.add_argument("--windows", default=",".join(windows),
                            help="first days of the 60-day windows, comma-separated (default: %(default)s)")
        result.add_argument("--days", type=int, default=60,
                            help="days per window (default 60; fewer for a quick check)")
    return result


def events_path(value: str | None) -> Path:
    """Return the incident file: ``--events``, else $PRECINCT_TORONTO_EVENTS, else the team's default path.

    Parameters
    ----------
    value : str or None
        The ``--events`` option as given (``None`` or empty when it was not).

    Returns
    -------
    Path
        The path as given, or the default joined to the repository root (normalised, without ``..``).
    """
    if value:
        return Path(value)
    if os.environ.get(EVENTS_ENV):
        return Path(os.environ[EVENTS_ENV])
    return Path(os.path.normpath(REPO_ROOT / DEFAULT_EVENTS))


def load_events(value: str | None) -> EventTable:
    """Read the incident CSV (local days in America/Toronto); a missing or bad file exits with status 2."""
    path = events_path(value)
    if not path.is_file():
        print(f"error: incident file {path} not found. The Toronto file is not in the repository: pass "
              f"--events PATH or set {EVENTS_ENV} (default: {DEFAULT_EVENTS} relative to the repository "
              "root).", file=sys.stderr)
        sys.exit(2)
    try:
        return event_table_from_frame(read_events_csv(path, timezone=TIMEZONE))
    except ValidationError as error:
        print(f"error: {path}: {error}", file=sys.stderr)
        sys.exit(2)


def split(value: str) -> list[str]:
    """Split a comma-separated option into its non-empty items."""
    return [part.strip() for part in value.split(",") if part.strip()]


def names(arguments: argparse.ArgumentParser, option: str, value: str, allowed: Collection[str]) -> list[str]:
    """Split a comma-separated option, each item one of ``allowed`` (else a usage error, status 2)."""
    chosen = split(value)
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        arguments.error(f"{option}: unknown {unknown}; use some of {list(allowed)}")
    return chosen


def emit(result: object) -> None:
    """Print the experiment's result as JSON on stdout (progress goes to stderr)."""
    print(json.dumps(result, indent=1))


def progress(*parts: object) -> None:
    """Print a progress line on stderr."""
    print(*parts, file=sys.stderr, flush=True)


class Window:
    """A test window: grid, study cells, full history and the daily target counts to score against."""

    def __init__(self, events: EventTable, start: str, category: str, n_days: int = 60, cell_m: float = 250.0) -> None:
        self.start_day = day_number(start)
        self.n_days = n_days
        self.category = category
        setup = study_setup(events, category=category, start_day=self.start_day, cell_m=cell_m)
        self.grid = setup.grid
        self.study = setup.study_cells
        self.full = setup.history
        self.n = self.study.size
        in_study = np.full(self.grid.n_cells, -1, dtype=np.int64)
        in_study[self.study] = np.arange(self.n)
        self.actual = np.zeros((n_days, self.n))
        self.missed = np.zeros(n_days)
        for offset in range(n_days):
            day = self.start_day + offset
            a, b = self.full.index_of_day(day), self.full.index_of_day(day + 1)
            cells = self.full.cells[a:b][self.full.is_target[a:b]]
            pos = np.where(cells >= 0, in_study[np.maximum(cells, 0)], -1)
            self.actual[offset] = np.bincount(pos[pos >= 0], minlength=self.n)
            self.missed[offset] = np.sum(pos < 0)
        self.tie = np.random.default_rng(0).permutation(self.n)

    @property
    def days(self) -> np.ndarray:
        """Day numbers (days since 1970-01-01) of the window's days."""
        return np.arange(self.start_day, self.start_day + self.n_days)

    @property
    def n_events(self) -> int:
        """Target events in the window, those outside the study area included."""
        return int(self.actual.sum() + self.missed.sum())

    def score(self, scores: np.ndarray) -> dict[float, float]:
        """PAI at 1, 5 and 10 % for scores ``(n_days, n_grid_cells)`` or one ``(n_grid_cells,)`` for all days."""
        scores = np.asarray(scores, float)
        if scores.ndim == 1:
            scores = np.broadcast_to(scores, (self.n_days, scores.size))
        result = score_rankings(scores[:, self.study], self.actual, missed=self.missed, tie_order=self.tie)
        return {coverage: value.pai for coverage, value in result.items()}

    def pai5(self, scores: np.ndarray) -> float:
        """PAI at 5 % (see ``score``)."""
        return self.score(scores)[0.05]

    def daily(self, predict: Callable[[History, int], np.ndarray]) -> np.ndarray:
        """Scores of ``predict(history before day, day)`` for each day of the window."""
        out = np.zeros((self.n_days, self.grid.n_cells))
        for offset, day in enumerate(self.days):
            out[offset] = predict(self.full.before_day(int(day)), int(day))
        return out

    def daily_counts(self, history: History, weight: Weight | None = None, *, target: bool = True) -> np.ndarray:
        """Count the events before each day of the window per cell: ``(n_days, n_grid_cells)``.

        Target category only unless ``target=False``; each event weighted by ``weight(day, event_days)``
        (1 if ``None``).
        """
        out = np.zeros((self.n_days, self.grid.n_cells))
        for offset, day in enumerate(self.days):
            i = history.index_of_day(int(day))
            cells = history.cells[:i]
            keep = cells >= 0
            if target:
                keep = keep & history.is_target[:i]
            weights = None if weight is None else weight(int(day), history.events.day[:i][keep].astype(float))
            out[offset] = np.bincount(cells[keep], weights=weights, minlength=self.grid.n_cells)
        return out

    def block_mean(self, scores: np.ndarray, size: int) -> np.ndarray:
        """Each day's scores averaged over the ``size`` x ``size`` block of cells around each cell."""
        shape = self.grid.shape
        return np.stack([ndimage.uniform_filter(row.reshape(shape), size=size, mode="constant").ravel()
                         for row in scores])


def half_life(days: float) -> Weight:
    """Weight ``2^{-(d - d_i)/days}``: exponentially weighted counts."""
    return lambda day, event_days: 0.5 ** ((day - event_days) / days)


def last_days(days: int) -> Weight:
    """Weight 1 for events in the last ``days`` days, else 0: window counts."""
    return lambda day, event_days: (day - event_days <= days).astype(float)


def relative_pct(value: float, base: float) -> float:
    """Return the change from ``base`` to ``value`` in per cent, rounded to 2 decimals."""
    return round(100 * (value / base - 1), 2)
