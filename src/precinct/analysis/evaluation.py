r"""Honest rolling-origin evaluation of grid forecasts: hit rate and PAI.

For each day of the test window the forecaster sees only events before that day and ranks the cells
of the study area; the top 1 %, 5 % and 10 % of cells are "flagged". Scores are pooled over days.

Formulation, for coverage :math:`a` with :math:`k = \max(1, \lceil a N \rceil)` flagged cells out
of :math:`N` study cells:

.. math:: \mathrm{HR}_a = \frac{\sum_d \mathrm{hits}_d}{\sum_d \mathrm{events}_d},\qquad
          \mathrm{PAI}_a = \frac{\mathrm{HR}_a}{k / N}

(Chainey, Tompson & Uhlig 2008). The study area is the set of cells with at least one event of any
category before the test window starts; test events outside it count as misses. Ties in score are
broken by a fixed pseudo-random order of cells (seeded), never by future data.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from precinct.analysis.events import EventTable, day_number, event_table_from_frame
from precinct.analysis.forecasting import History, history_for
from precinct.analysis.grid import SquareGrid, grid_for_points
from precinct.analysis.methods import make_forecaster
from precinct.core.errors import ValidationError

DEFAULT_COVERAGES = (0.01, 0.05, 0.1)
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class CoverageScore:
    """Pooled hit rate and PAI at one coverage (share of the study area flagged)."""

    coverage: float
    n_flagged_cells: int
    hits: int
    events: int
    hit_rate: float
    pai: float


@dataclass(frozen=True)
class EvaluationResult:
    """Outcome of :func:`evaluate_forecast`."""

    method: str
    category: str
    start: str
    days: int
    cell_m: float
    n_cells: int
    coverage: dict[float, CoverageScore]
    seconds: float
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (coverage keys as strings ``"0.01"`` ...)."""
        return {
            "method": self.method,
            "category": self.category,
            "start": self.start,
            "days": self.days,
            "cell_m": self.cell_m,
            "n_cells": self.n_cells,
            "coverage": {
                f"{key:g}": {"hit_rate": round(value.hit_rate, 6), "pai": round(value.pai, 4),
                             "hits": value.hits, "events": value.events}
                for key, value in self.coverage.items()
            },
            "seconds": round(self.seconds, 2),
        }


def flagged_count(coverage: float, n_cells: int) -> int:
    """Cells flagged at ``coverage``: ``max(1, ceil(coverage * n_cells))`` (rounding guard 1e-9)."""
    if not 0 < coverage <= 1:
        raise ValidationError(f"coverage: must be in (0, 1], got {coverage}")
    return max(1, math.ceil(coverage * n_cells - 1e-9))


def score_rankings(
    scores: np.ndarray, actual: np.ndarray, *, coverages: Sequence[float] = DEFAULT_COVERAGES,
    missed: np.ndarray | None = None,
    tie_order: np.ndarray | None = None,
) -> dict[float, CoverageScore]:
    """Pooled hit rate and PAI for daily score maps against daily event counts.

    Parameters
    ----------
    scores : array (n_days, n_cells)
        Forecast score per study cell and day.
    actual : array (n_days, n_cells)
        Events per study cell and day.
    coverages : sequence of float
        Shares of the study area to flag.
    missed : array (n_days,), optional
        Events of the day outside the study area (counted in the denominator).
    tie_order : array (n_cells,), optional
        Rank used to break ties in score (lower first); cell order by default.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    actual = np.atleast_2d(np.asarray(actual, dtype=np.float64))
    if scores.shape != actual.shape:
        raise ValidationError(f"scores/actual: shapes differ {scores.shape} vs {actual.shape}")
    _, n_cells = scores.shape
    tie = np.arange(n_cells) if tie_order is None else np.asarray(tie_order)
    order = np.lexsort((np.broadcast_to(tie, scores.shape), -scores), axis=1)
    ranked = np.take_along_axis(actual, order, axis=1)
    cumulative = np.cumsum(ranked, axis=1)
    total = actual.sum() + (0.0 if missed is None else float(np.sum(missed)))
    result = {}
    for coverage in coverages:
        k = flagged_count(coverage, n_cells)
        hits = float(cumulative[:, k - 1].sum())
        hit_rate = hits / total if total > 0 else 0.0
        result[float(coverage)] = CoverageScore(
            coverage=float(coverage), n_flagged_cells=k, hits=round(hits), events=round(total),
            hit_rate=float(hit_rate), pai=float(hit_rate / (k / n_cells)),
        )
    return result


@dataclass(frozen=True, eq=False)
class StudySetup:
    """Grid, study cells and full history for a test window starting at ``start_day``."""

    grid: SquareGrid
    study_cells: np.ndarray
    history: History
    start_day: int


def study_setup(events: EventTable, *, category: str, start_day: int, cell_m: float) -> StudySetup:
    """Grid over the events before ``start_day``; study area = cells with any event before it."""
    training = events.before_day(start_day)
    if len(training) == 0:
        raise ValidationError("start: no events before the start date; pick a later start")
    grid = grid_for_points(training.x_m, training.y_m, cell_m=cell_m, crs=events.crs)
    study_cells = np.unique(grid.cell_of(training.x_m, training.y_m))
    study_cells = study_cells[study_cells >= 0]
    return StudySetup(grid, study_cells, history_for(events, grid, category), start_day)


def evaluate_forecast(
    events: EventTable | pd.DataFrame,
    *,
    method: str,
    category: str = "all",
    start: str,
    n_days: int,
    cell_m: float = 250.0,
    coverages: Sequence[float] = DEFAULT_COVERAGES,
    options: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    seed: int = 0,
) -> EvaluationResult:
    """Rolling-origin evaluation: for each test day, forecast from earlier events only.

    Parameters
    ----------
    events : EventTable or DataFrame
        Incidents (a frame goes through :func:`event_table_from_frame`, dropping officer-initiated
        events).
    method : str
        A name from :data:`precinct.analysis.methods.METHODS`.
    category : str
        An event category or ``"all"``.
    start : str
        First test day, ``YYYY-MM-DD`` (local).
    n_days : int
        Number of test days (>= 1).
    cell_m : float
        Cell side in metres.
    options : dict, optional
        Keyword options for the forecaster.
    progress : callable, optional
        Called as ``progress(done_days, n_days)``.

    Raises
    ------
    ValidationError
        For unknown methods or categories, bad dates, or a window without events.
    """
    if not isinstance(events, EventTable):
        events = event_table_from_frame(events)
    if n_days < 1:
        raise ValidationError(f"days: need at least one test day, got {n_days}")
    events.category_mask(category)  # validates the category
    start_day = day_number(start)
    setup = study_setup(events, category=category, start_day=start_day, cell_m=cell_m)
    began = time.perf_counter()
    forecaster = make_forecaster(method, setup.grid, **(options or {}))
    n_study = setup.study_cells.size
    in_study = np.full(setup.grid.n_cells, -1, dtype=np.int64)
    in_study[setup.study_cells] = np.arange(n_study)
    scores = np.zeros((n_days, n_study))
    actual = np.zeros((n_days, n_study))
    missed = np.zeros(n_days)
    full = setup.history
    for offset in range(n_days):
        day = start_day + offset
        past = full.before_day(day)
        scores[offset] = forecaster.predict(past, day)[setup.study_cells]
        first, last = full.index_of_day(day), full.index_of_day(day + 1)
        cells = full.cells[first:last][full.is_target[first:last]]
        position = np.where(cells >= 0, in_study[np.maximum(cells, 0)], -1)
        actual[offset] = np.bincount(position[position >= 0], minlength=n_study)
        missed[offset] = np.sum(position < 0)
        if progress is not None:
            progress(offset + 1, n_days)
    if actual.sum() + missed.sum() == 0:
        raise ValidationError(f"start/days: no {category!r} events in the test window; choose another window")
    tie_order = np.random.default_rng(seed).permutation(n_study)
    coverage = score_rankings(scores, actual, coverages=coverages, missed=missed, tie_order=tie_order)
    return EvaluationResult(
        method=method, category=category, start=str(start), days=n_days, cell_m=float(cell_m),
        n_cells=int(n_study), coverage=coverage, seconds=time.perf_counter() - began, options=dict(options or {}),
    )
