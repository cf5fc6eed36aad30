r"""Gradient-boosted grid forecasts (LightGBM) and the recommended ensemble.

Formulation
-----------
For cell :math:`c` and day :math:`d` the model predicts the expected count of target events,

.. math:: \hat y_{c,d} = \exp F(x_{c,d}),\qquad F = \sum_{m=1}^{M} \eta f_m,

a sum of regression trees fitted by gradient boosting on the Poisson deviance (Friedman 2001; Ke et
al. 2017, LightGBM). The features :math:`x_{c,d}` use only events before :math:`d`:

* exponentially weighted counts :math:`\sum_i 2^{-(d - d_i)/h}` of target events and of events of
  every category, half-lives :math:`h` of 30, 91, 182, 365, 730 and 1460 days (Gorr, Olligschlaeger
  & Thompson 2003), each for the cell and as the mean over the 3 x 3 and the 7 x 7 block of cells
  around it; counts are over *distinct* events (one incident's repeated offence rows count once);
* all-history counts of target and of all events, days since the cell's last target event;
* day of week, month, day of year, and a public-holiday flag from the ``holidays`` package.

Training rows are (cell, origin) pairs over cells with at least one event before the refit day, at
origins every ``train_step_days`` days (default 14) over the ``train_days`` (default 2 years) before
it; the label is the number of target events (rows of the source) in the cell in the
``target_days`` (default 28) days from the origin, and the last origin is ``target_days`` before
the refit day, so every label ends before it. Zero rows can be down-sampled (``negative_share``,
default 1: none) with matching weights. The model is refitted every ``refit_every_days`` days
(default 30, i.e. monthly; a 60-day evaluation makes two fits); the features of each forecast day
are recomputed daily from the events before that day.

References
----------
Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine. Ann. Statist.
Gorr, W., Olligschlaeger, A. & Thompson, Y. (2003). Short-term forecasting of crime. IJF 19(4).
Ke, G. et al. (2017). LightGBM: a highly efficient gradient boosting decision tree. NeurIPS.
Mohler, G. & Porter, M. D. (2018). Rotational grid, PAI-maximizing crime forecasts. Stat. Anal. Data Min.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import ndimage

from precinct.analysis.forecasting import CountForecaster, Forecaster, History, first_of_each_incident
from precinct.analysis.grid import SquareGrid
from precinct.core.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:  # both load where they are first needed
    import holidays
    import lightgbm

HALF_LIVES_DAYS = (30, 91, 182, 365, 730, 1460)
BLOCK_SIZES = (1, 3, 7)


def _same_start(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays are views starting at the same element of one buffer (prefixes of one table)."""
    return a.__array_interface__["data"][0] == b.__array_interface__["data"][0] and a.strides == b.strides


class FeatureBuilder:
    """Computes the per-cell feature matrix for a day from the events before it.

    Its only state is the *distinct* flag of each event of the longest history seen so far (a
    property of those events themselves, not of any later day); every matrix is a function of
    ``history`` (events before the day) only.
    """

    def __init__(self, grid: SquareGrid, *, holiday_country: str | None, holiday_subdivision: str | None) -> None:
        self.grid = grid
        self.holiday_country = holiday_country
        self.holiday_subdivision = holiday_subdivision
        self._holidays: holidays.HolidayBase | None = None
        self._times: np.ndarray | None = None
        self._distinct = np.zeros(0, dtype=bool)

    def _is_holiday(self, day: int) -> float:
        if self.holiday_country is None:
            return 0.0
        if self._holidays is None:
            import holidays

            try:
                self._holidays = holidays.country_holidays(self.holiday_country, subdiv=self.holiday_subdivision)
            except NotImplementedError as error:
                raise ValidationError(
                    f"holiday_country: {self.holiday_country!r}/{self.holiday_subdivision!r} is not known to the "
                    "holidays package; pass an ISO country code such as 'CA' and a subdivision such as 'ON'"
                ) from error
        date = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
        return float(date in self._holidays)

    def _distinct_mask(self, history: History) -> np.ndarray:
        """Flag the first row of each (time, category, location) among the history's events.

        ``history`` is a prefix of one time-sorted table ending at a day boundary, so the repeats of
        one incident (same time) never straddle two extensions; the mask of a prefix is the prefix
        of the mask.
        """
        n_events = len(history)
        times = history.events.time_h
        if self._times is None or not _same_start(times, self._times):
            self._distinct = np.zeros(0, dtype=bool)
        if self._times is None or n_events > self._times.size or not _same_start(times, self._times):
            self._times = times  # held, so its buffer cannot be reused by another table
        if n_events > self._distinct.size:
            first = first_of_each_incident(history.events, slice(self._distinct.size, n_events))
            self._distinct = np.concatenate([self._distinct, first])
        return self._distinct[:n_events]

    def _blocks(self, counts: np.ndarray) -> list[np.ndarray]:
        image = counts.reshape(self.grid.shape)
        out = []
        for size in BLOCK_SIZES:
            block = image if size == 1 else ndimage.uniform_filter(image, size=size, mode="constant")
            out.append(block.ravel())
        return out

    def features(self, history: History, day: int) -> np.ndarray:
        """Feature matrix ``(n_cells, n_features)`` (float32) for ``day`` from ``history`` (< ``day``)."""
        n_cells = self.grid.n_cells
        inside = (history.cells >= 0) & self._distinct_mask(history)
        cells = history.cells[inside]
        target = history.is_target[inside]
        age = day - history.events.day[inside].astype(np.float64)
        columns: list[np.ndarray] = []
        for half_life in HALF_LIVES_DAYS:
            weight = np.exp2(-age / half_life)
            columns += self._blocks(np.bincount(cells[target], weights=weight[target], minlength=n_cells))
            columns += self._blocks(np.bincount(cells, weights=weight, minlength=n_cells))
        columns.append(np.bincount(cells[target], minlength=n_cells).astype(np.float64))
        columns.append(np.bincount(cells, minlength=n_cells).astype(np.float64))
        last_day = np.full(n_cells, -1e9)
        np.maximum.at(last_day, cells[target], day - age[target])
        columns.append(np.minimum(day - last_day, 3650.0))
        date = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
        for value in (date.weekday(), date.month, date.timetuple().tm_yday, self._is_holiday(day)):
            columns.append(np.full(n_cells, float(value)))
        return np.stack(columns, axis=1).astype(np.float32)


class BoostedForecaster(Forecaster):
    """LightGBM Poisson model on exponentially weighted multi-scale counts (see module docs)."""

    name = "boosted"

    def __init__(
        self,
        grid: SquareGrid,
        *,
        train_days: int = 728,
        train_step_days: int = 14,
        target_days: int = 28,
        refit_every_days: int = 30,
        negative_share: float = 1.0,
        n_trees: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_rows_in_leaf: int = 200,
        holiday_country: str | None = None,
        holiday_subdivision: str | None = None,
        n_threads: int | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(grid)
        if train_days < train_step_days or train_step_days < 1 or refit_every_days < 1 or target_days < 1:
            raise ValidationError(
                "boosted: need 1 <= train_step_days <= train_days, refit_every_days >= 1, target_days >= 1")
        if not 0 < negative_share <= 1:
            raise ValidationError(f"negative_share: must be in (0, 1], got {negative_share}")
        self.train_days = train_days
        self.target_days = target_days
        self.train_step_days = train_step_days
        self.refit_every_days = refit_every_days
        self.negative_share = negative_share
        self.params = {
            "objective": "poisson", "learning_rate": learning_rate, "num_leaves": num_leaves,
            "min_data_in_leaf": min_rows_in_leaf, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
            "lambda_l2": 1.0, "verbose": -1, "seed": seed, "deterministic": True,
            "num_threads": n_threads or min(2, os.cpu_count() or 1),
        }
        self.n_trees = n_trees
        self.seed = seed
        self.builder = FeatureBuilder(grid, holiday_country=holiday_country, holiday_subdivision=holiday_subdivision)
        self._model: lightgbm.Booster | None = None
        self._fitted_on: int | None = None

    def training_origins(self, history: History, day: int) -> list[int]:
        """Origins of the training rows for a fit on ``day``: each label window ends before ``day``."""
        first_day = int(history.events.day[0]) if len(history) else day
        last_origin = day - self.target_days
        return [t for t in range(last_origin, last_origin - self.train_days - 1, -self.train_step_days)
                if t > first_day + 28][::-1]

    def _fit(self, history: History, day: int) -> lightgbm.Booster:
        try:
            import lightgbm
        except ImportError as error:  # pragma: no cover - lightgbm is a core dependency
            raise ConfigurationError("boosted: install lightgbm (pip install lightgbm==4.7.0)") from error
        train = self.training_origins(history, day)
        if not train:
            raise ValidationError("boosted: not enough history before the forecast day (need > 5 weeks)")
        rng = np.random.default_rng(self.seed + day)
        active = np.unique(history.cells[history.cells >= 0])
        rows, targets, weights = [], [], []
        for t in train:
            matrix = self.builder.features(history.before_day(t), t)[active]
            first, last = history.index_of_day(t), history.index_of_day(t + self.target_days)
            cells = history.cells[first:last][history.is_target[first:last]]
            y = np.bincount(cells[cells >= 0], minlength=self.grid.n_cells)[active].astype(np.float64)
            keep = (y > 0) | (rng.random(y.size) < self.negative_share)
            rows.append(matrix[keep])
            targets.append(y[keep])
            weights.append(np.where(y[keep] > 0, 1.0, 1.0 / self.negative_share))
        data = lightgbm.Dataset(np.concatenate(rows), label=np.concatenate(targets), weight=np.concatenate(weights))
        self._model = lightgbm.train(self.params, data, num_boost_round=self.n_trees)
        self._fitted_on = day
        return self._model

    def predict(self, history: History, day: int) -> np.ndarray:
        """Score every cell for ``day``, refitting first when the model is older than ``refit_every_days``."""
        model = self._model
        if model is None or self._fitted_on is None or not (
            self._fitted_on <= day < self._fitted_on + self.refit_every_days
        ):
            model = self._fit(history, day)
        return np.asarray(model.predict(self.builder.features(history, day)))


class EnsembleForecaster(Forecaster):
    r"""The boosted model blended with long-term counts (measured: no better than ``boosted``).

    Formulation: :math:`s_c = \hat y_c / \bar{\hat y} + \beta\, n_c / \bar n`, the boosted
    forecast and the all-history count, each scaled by its mean over cells (``beta`` default 0.5).
    """

    name = "ensemble"

    def __init__(self, grid: SquareGrid, *, beta: float = 0.5, **boosted_options: Any) -> None:
        super().__init__(grid)
        self.beta = beta
        self.boosted = BoostedForecaster(grid, **boosted_options)
        self.counts = CountForecaster(grid, window_days=None)

    def predict(self, history: History, day: int) -> np.ndarray:
        """Score every cell for ``day``: the blend of the two scaled forecasts."""
        boosted = self.boosted.predict(history, day)
        counts = self.counts.predict(history, day)
        blend: np.ndarray = boosted / max(boosted.mean(), 1e-12) + self.beta * counts / max(counts.mean(), 1e-12)
        return blend


__all__ = ["BoostedForecaster", "EnsembleForecaster", "FeatureBuilder"]
