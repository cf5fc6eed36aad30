r"""Grid hotspot forecasts: the baselines, kernel density and prospective hotspotting.

A forecaster scores every grid cell for one local day. It is called with a :class:`History` that
holds only events *before* that day (a prefix of the time-sorted event table), so it cannot see the
future. Forecasters keep incremental state between calls (running counts), which makes a 60-day
rolling evaluation cost little more than one fit.

Methods (see ``docs/forecasting.md``):

``naive_all``
    :math:`s_c = N_c(-\infty, d)`: all past events in cell :math:`c`.
``naive_365d``, ``naive_28d``
    :math:`s_c = N_c[d - W, d)` with :math:`W` = 365 or 28 days.
``kde``
    Retrospective kernel density (Chainey, Tompson & Uhlig 2008): past counts convolved with a
    Gaussian of bandwidth :math:`h`, :math:`s_c = \sum_i \phi_h(\lVert x_c - x_i \rVert)`.
``prospective``
    Prospective hotspotting (Bowers, Johnson & Pease 2004): events in the last :math:`T` weeks within
    bandwidth :math:`b`, :math:`s_c = \sum_i \frac{1}{1 + r_{ci}} \cdot \frac{1}{1 + w_i}` with
    :math:`r_{ci}` the distance in cells and :math:`w_i` the age in whole weeks.
``ewma``
    Exponentially weighted long-run rate on distinct events, borrowing strength from the cell's
    all-category rate: :math:`s_c = T_c + \beta\,(\sum T / \sum A)\,A_c` with
    :math:`T_c = \sum_{i \in c,\ \text{target}} 2^{-(d - d_i)/h}` and :math:`A_c` the same sum over
    events of every category (see :class:`ExponentialRateForecaster`).
``sepp``, ``boosted``, ``ensemble``
    In :mod:`precinct.analysis.sepp` and :mod:`precinct.analysis.boosted`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from precinct.analysis.events import EventTable
from precinct.analysis.grid import SquareGrid
from precinct.core.errors import ValidationError


@dataclass(frozen=True, eq=False)
class History:
    """Events known at forecast time, with their grid cells and target flags (aligned arrays).

    Attributes
    ----------
    events : EventTable
    cells : int64 array
        Grid cell of each event (-1 outside the grid).
    is_target : bool array
        Whether the event is in the forecast category.
    """

    events: EventTable
    cells: np.ndarray
    is_target: np.ndarray

    def __len__(self) -> int:
        """Return the number of events."""
        return len(self.events)

    def before_day(self, day: int) -> History:
        """Only the events strictly before ``day``: a prefix view, never a later event."""
        n_events = int(np.searchsorted(self.events.day, day, side="left"))
        return History(self.events.head(n_events), self.cells[:n_events], self.is_target[:n_events])

    def index_of_day(self, day: int) -> int:
        """Position of the first event on or after ``day``."""
        return int(np.searchsorted(self.events.day, day, side="left"))


def first_of_each_incident(events: EventTable, part: slice) -> np.ndarray:
    """Flag the first row of each (time, category, location) among the rows ``part`` of ``events``.

    The source has one row per offence, so one incident's repeated rows count once.
    """
    keys = np.stack([
        events.time_h[part], events.category_code[part].astype(np.float64),
        np.round(events.x_m[part], 1), np.round(events.y_m[part], 1),
    ], axis=1)
    first = np.zeros(keys.shape[0], dtype=bool)
    if keys.shape[0]:
        first[np.unique(keys, axis=0, return_index=True)[1]] = True
    return first


def history_for(events: EventTable, grid: SquareGrid, category: str | None) -> History:
    """Attach grid cells and the category mask to an event table."""
    return History(events, grid.cell_of(events.x_m, events.y_m), events.category_mask(category))


class WindowCounts:
    """Running event counts per cell over the last ``window_days`` days (all history if ``None``).

    Incremental: each call adds the events that joined the history and removes those that left the
    window, so a daily sequence of calls costs O(new events) per day.
    """

    def __init__(self, n_cells: int, window_days: int | None, *, target_only: bool = True) -> None:
        self.n_cells = n_cells
        self.window_days = window_days
        self.target_only = target_only
        self._reset()

    def _reset(self) -> None:
        self.counts = np.zeros(self.n_cells, dtype=np.int64)
        self._added = 0
        self._removed = 0

    def _apply(self, history: History, part: slice, sign: int) -> None:
        cells = history.cells[part]
        keep = cells >= 0
        if self.target_only:
            keep &= history.is_target[part]
        self.counts += sign * np.bincount(cells[keep], minlength=self.n_cells)

    def at(self, history: History, day: int) -> np.ndarray:
        """Count the events in ``[day - window_days, day)`` per cell (a copy)."""
        n_events = len(history)
        if n_events < self._added:
            self._reset()
        self._apply(history, slice(self._added, n_events), +1)
        self._added = n_events
        if self.window_days is not None:
            cut = history.index_of_day(day - self.window_days)
            if cut < self._removed:
                self._reset()
                return self.at(history, day)
            self._apply(history, slice(self._removed, cut), -1)
            self._removed = cut
        return self.counts.astype(np.float64)


class Forecaster:
    """Base class: ``predict(history, day)`` returns a score per grid cell (higher = riskier).

    ``history`` must hold only events before ``day``; :func:`precinct.analysis.evaluation.evaluate_forecast`
    guarantees it.
    """

    name = "base"

    def __init__(self, grid: SquareGrid) -> None:
        self.grid = grid

    def predict(self, history: History, day: int) -> np.ndarray:  # pragma: no cover - interface
        """Score every grid cell for ``day`` from ``history``, the events before it."""
        raise NotImplementedError

    def _image(self, vector: np.ndarray) -> np.ndarray:
        return vector.reshape(self.grid.shape)


class CountForecaster(Forecaster):
    r"""Naive baselines: counts in the cell over a trailing window (``None`` = all history).

    Formulation: :math:`s_c(d) = \#\{i : c_i = c,\ d - W \le d_i < d\}`.
    """

    def __init__(self, grid: SquareGrid, *, window_days: int | None = None) -> None:
        super().__init__(grid)
        self.name = "naive_all" if window_days is None else f"naive_{window_days}d"
        self._counts = WindowCounts(grid.n_cells, window_days)

    def predict(self, history: History, day: int) -> np.ndarray:
        """Score every cell for ``day``: its count in the window."""
        return self._counts.at(history, day)


class KernelDensityForecaster(Forecaster):
    """Retrospective kernel density estimate on the grid.

    Formulation: :math:`s = G_h * N`, the per-cell counts of the last ``window_days`` days (all by
    default) convolved with a Gaussian of standard deviation ``bandwidth_m``, plus a small share of
    the raw counts so that cells with their own events rank above their neighbours.

    Reference: Chainey, S., Tompson, L. & Uhlig, S. (2008). The utility of hotspot mapping for
    predicting spatial patterns of crime. Security Journal 21, 4-28.
    """

    name = "kde"

    def __init__(self, grid: SquareGrid, *, bandwidth_m: float = 100.0, window_days: int | None = None) -> None:
        super().__init__(grid)
        if bandwidth_m <= 0:
            raise ValidationError(f"bandwidth_m: must be positive, got {bandwidth_m}")
        self.bandwidth_m = bandwidth_m
        self._counts = WindowCounts(grid.n_cells, window_days)

    def predict(self, history: History, day: int) -> np.ndarray:
        """Score every cell for ``day``: the smoothed counts of the window."""
        counts = self._counts.at(history, day)
        return smooth_counts(counts, self.grid, self.bandwidth_m)


def smooth_counts(counts: np.ndarray, grid: SquareGrid, bandwidth_m: float) -> np.ndarray:
    """Gaussian-smoothed counts per cell (mass-preserving, zero outside the grid)."""
    sigma_cells = bandwidth_m / grid.cell_m
    image: np.ndarray = ndimage.gaussian_filter(counts.reshape(grid.shape), sigma=sigma_cells, mode="constant",
                                                truncate=3.0)
    return image.ravel()


def ring_kernel(bandwidth_m: float, cell_m: float) -> np.ndarray:
    """Bowers-Johnson-Pease spatial weights ``1 / (1 + r)`` for cells within ``bandwidth_m``."""
    radius = int(np.floor(bandwidth_m / cell_m))
    offsets = np.arange(-radius, radius + 1)
    distance_cells = np.hypot(offsets[:, None], offsets[None, :])
    return np.where(distance_cells * cell_m <= bandwidth_m, 1.0 / (1.0 + distance_cells), 0.0)


class ProspectiveForecaster(Forecaster):
    r"""Prospective hotspotting (Bowers, Johnson & Pease 2004).

    Formulation: for events :math:`i` younger than ``window_days`` and within ``bandwidth_m`` of the
    cell centre, :math:`s_c = \sum_i \frac{1}{1 + r_{ci}} \frac{1}{1 + w_i}`, with :math:`r_{ci}`
    the distance in cells and :math:`w_i = \lfloor (d - 1 - d_i) / 7 \rfloor` the age in weeks.

    Reference: Bowers, K. J., Johnson, S. D. & Pease, K. (2004). Prospective hot-spotting: the
    future of crime mapping? British Journal of Criminology 44(5), 641-658.
    """

    name = "prospective"

    def __init__(self, grid: SquareGrid, *, bandwidth_m: float = 400.0, window_days: int = 56) -> None:
        super().__init__(grid)
        if bandwidth_m <= 0 or window_days <= 0:
            raise ValidationError("bandwidth_m and window_days: must be positive")
        self.window_days = window_days
        self.kernel = ring_kernel(bandwidth_m, grid.cell_m)

    def predict(self, history: History, day: int) -> np.ndarray:
        """Score every cell for ``day``: the ring-weighted, age-weighted recent events around it."""
        start = history.index_of_day(day - self.window_days)
        cells = history.cells[start:]
        keep = (cells >= 0) & history.is_target[start:]
        age_weeks = (day - 1 - history.events.day[start:][keep]) // 7
        weights = np.bincount(cells[keep], weights=1.0 / (1.0 + age_weeks), minlength=self.grid.n_cells)
        image: np.ndarray = ndimage.convolve(weights.reshape(self.grid.shape), self.kernel, mode="constant")
        return image.ravel()


class ExponentialRateForecaster(Forecaster):
    r"""Exponentially weighted long-run cell rate on distinct events, shrunk toward the all-crime rate.

    Formulation, for day :math:`d`, half-life :math:`h` days and borrowing weight :math:`\beta`:

    .. math:: T_c = \sum_{i:\,c_i = c,\ \text{target},\ d_i < d} 2^{-(d - d_i)/h},\qquad
              A_c = \sum_{i:\,c_i = c,\ d_i < d} 2^{-(d - d_i)/h},\qquad
              s_c = T_c + \beta\,\frac{\sum_{c'} T_{c'}}{\sum_{c'} A_{c'}}\,A_c .

    :math:`T_c` is simple exponential smoothing of the cell's daily counts (Gorr, Olligschlaeger &
    Thompson 2003) with a long half-life, so old hot spots fade but a few years of history still
    count; :math:`A_c` rescaled to the city-wide target share is a prior mean that the sparse target
    counts are shrunk toward (a linear, empirical-Bayes-style estimator of the cell's rate). With
    ``category="all"`` the two sums coincide and :math:`s_c \propto T_c`. Events are *distinct*
    (``distinct_events``): rows repeating one incident's time, category and place count once, since
    the source has one row per offence. State is updated incrementally (decay, then add the new
    events), so a daily sequence of calls costs O(new events) per day.

    The defaults (``half_life_days=548``, ``borrow=0.1``, distinct events) were chosen on six earlier
    60-day windows (2018-09-01 to 2019-07-01), not on the 2019-09-01 test window; see
    ``docs/forecasting.md``.

    Reference: Gorr, W., Olligschlaeger, A. & Thompson, Y. (2003). Short-term forecasting of crime.
    International Journal of Forecasting 19(4), 579-594.
    """

    name = "ewma"

    def __init__(
        self, grid: SquareGrid, *, half_life_days: float = 548.0, borrow: float = 0.1, distinct: bool = True,
    ) -> None:
        super().__init__(grid)
        if half_life_days <= 0:
            raise ValidationError(f"half_life_days: must be positive, got {half_life_days}")
        if borrow < 0:
            raise ValidationError(f"borrow: must be >= 0, got {borrow}")
        self.half_life_days = float(half_life_days)
        self.borrow = float(borrow)
        self.distinct = distinct
        self._reset()

    def _reset(self) -> None:
        self._target = np.zeros(self.grid.n_cells)
        self._every = np.zeros(self.grid.n_cells)
        self._added = 0
        self._day: int | None = None

    def _new_event_mask(self, history: History, part: slice) -> np.ndarray:
        """Events of the slice inside the grid, repeats of one incident dropped when ``distinct``."""
        keep = history.cells[part] >= 0
        if self.distinct and keep.any():
            keep &= first_of_each_incident(history.events, part)
        return keep

    def predict(self, history: History, day: int) -> np.ndarray:
        """Score every cell for ``day``: its decayed target rate plus the borrowed all-category rate."""
        n_events = len(history)
        if n_events < self._added or (self._day is not None and day < self._day):
            self._reset()
        if self._day is not None:
            decay = 0.5 ** ((day - self._day) / self.half_life_days)
            self._target *= decay
            self._every *= decay
        # history is a prefix ending at a day boundary, so the repeats of one incident (same time)
        # all arrive in the same slice
        part = slice(self._added, n_events)
        keep = self._new_event_mask(history, part)
        cells = history.cells[part][keep]
        weights = 0.5 ** ((day - history.events.day[part][keep].astype(np.float64)) / self.half_life_days)
        is_target = history.is_target[part][keep]
        self._target += np.bincount(cells[is_target], weights=weights[is_target], minlength=self.grid.n_cells)
        self._every += np.bincount(cells, weights=weights, minlength=self.grid.n_cells)
        self._added = n_events
        self._day = day
        total_every = self._every.sum()
        share = self._target.sum() / total_every if total_every > 0 else 0.0
        return self._target + self.borrow * share * self._every
