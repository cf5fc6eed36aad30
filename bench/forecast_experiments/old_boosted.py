r"""Frozen weekly-refit boosted model, kept on purpose for comparison with the current one.

Run through ``tuning_window_scores.py --boosted weekly``, it reproduces the weekly-boosted figures
cited in docs/forecasting.md. This is the library's ``boosted`` module (gradient-boosted grid
forecasts and the ensemble) as it was before the monthly model on EWMA features replaced it. Do not
change what it computes: the figures it backs are those of this exact model (annotations and
docstrings are all that changed since). It still uses the library's ``History``, ``WindowCounts``,
``CountForecaster`` and ``Forecaster``.

Formulation
-----------
For cell :math:`c` and day :math:`d` the model predicts the expected count of target events,

.. math:: \hat y_{c,d} = \exp F(x_{c,d}),\qquad F = \sum_{m=1}^{M} \eta f_m,

a sum of regression trees fitted by gradient boosting on the Poisson deviance (Friedman 2001; Ke et
al. 2017, LightGBM). The features :math:`x_{c,d}` use only events before :math:`d`:

* yearly rates of target events and of all events in the trailing 7, 28, 91, 365 and 730 days and
  over all history (counts divided by the length of history actually observed), at three spatial
  scales (the cell, the 3 x 3 and the 7 x 7 block of cells around it);
* the cell's mix of categories, premises types and hours of day (place features), days since the
  last target event;
* day of week, month, day of year, and a public-holiday flag from the ``holidays`` package.

Training rows are (cell, day) pairs for every ``train_step_days``-th day in the ``train_days``
before the refit date, over cells with at least one past event; zero rows are down-sampled with
matching weights. The model is refitted every ``refit_every_days`` days (default 7, weekly), always on
events before the refit day; features are recomputed daily.

References
----------
Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine. Ann. Statist.
Ke, G. et al. (2017). LightGBM: a highly efficient gradient boosting decision tree. NeurIPS.
Mohler, G. & Porter, M. D. (2018). Rotational grid, PAI-maximizing crime forecasts. Stat. Anal. Data Min.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import ndimage

from precinct.analysis.forecasting import CountForecaster, Forecaster, History, WindowCounts
from precinct.analysis.grid import SquareGrid
from precinct.core.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:  # both load where they are first needed
    import holidays
    import lightgbm

WINDOWS_DAYS = (7, 28, 91, 365, 730, None)
BLOCK_SIZES = (1, 3, 7)
HOUR_BANDS = ((0, 6), (6, 12), (12, 18), (18, 24))


class FeatureBuilder:
    """Computes the per-cell feature matrix for a day from events before it (cached by day)."""

    def __init__(self, grid: SquareGrid, *, holiday_country: str | None, holiday_subdivision: str | None) -> None:
        self.grid = grid
        self.target_counts = {w: WindowCounts(grid.n_cells, w, target_only=True) for w in WINDOWS_DAYS}
        self.all_counts = {w: WindowCounts(grid.n_cells, w, target_only=False) for w in WINDOWS_DAYS}
        self.holiday_country = holiday_country
        self.holiday_subdivision = holiday_subdivision
        self._holidays: holidays.HolidayBase | None = None
        self._cache: dict[int, np.ndarray] = {}

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

    def _blocks(self, counts: np.ndarray) -> list[np.ndarray]:
        image = counts.reshape(self.grid.shape)
        out = []
        for size in BLOCK_SIZES:
            block = image if size == 1 else ndimage.uniform_filter(image, size=size, mode="constant") * size * size
            out.append(block.ravel())
        return out

    def _place_mix(self, history: History) -> list[np.ndarray]:
        cells = history.cells
        keep = cells >= 0
        n_cells = self.grid.n_cells
        total = np.bincount(cells[keep], minlength=n_cells).astype(np.float64)
        denominator = np.maximum(total, 1.0)
        columns = []
        events = history.events
        for code in range(len(events.categories)):
            mask = keep & (events.category_code == code)
            columns.append(np.bincount(cells[mask], minlength=n_cells) / denominator)
        for code in range(len(events.premises_types)):
            mask = keep & (events.premises_code == code)
            columns.append(np.bincount(cells[mask], minlength=n_cells) / denominator)
        for low, high in HOUR_BANDS:
            mask = keep & (events.hour_of_day >= low) & (events.hour_of_day < high)
            columns.append(np.bincount(cells[mask], minlength=n_cells) / denominator)
        return columns

    def _seasonal(self, history: History, day: int) -> list[np.ndarray]:
        """Count events within +-28 days of the same date in earlier years (target, then all events)."""
        lag = day - history.events.day.astype(np.float64)
        phase = lag - 365.25 * np.round(lag / 365.25)
        mask = (np.abs(phase) <= 28) & (lag > 300) & (history.cells >= 0)
        out = []
        for extra in (history.is_target, None):
            keep = mask if extra is None else mask & extra
            out += self._blocks(np.bincount(history.cells[keep], minlength=self.grid.n_cells).astype(np.float64))[:2]
        return out

    def features(self, history: History, day: int) -> np.ndarray:
        """Feature matrix ``(n_cells, n_features)`` (float32) for ``day`` from ``history`` (< ``day``)."""
        if day in self._cache:
            return self._cache[day]
        columns: list[np.ndarray] = []
        history_days = max(day - int(history.events.day[0]), 1) if len(history) else 1
        for window in WINDOWS_DAYS:
            # counts as yearly rates over the window actually observed, so that features mean the
            # same at training origins (shorter history) and at forecast time
            years = min(window or history_days, history_days) / 365.25
            target = self.target_counts[window].at(history, day) / years
            every = self.all_counts[window].at(history, day) / years
            columns += self._blocks(target) + self._blocks(every)
        columns += self._place_mix(history)
        columns += self._seasonal(history, day)
        mask = (history.cells >= 0) & history.is_target
        last_day = np.full(self.grid.n_cells, -1e9)
        np.maximum.at(last_day, history.cells[mask], history.events.day[mask].astype(np.float64))
        columns.append(np.minimum(day - last_day, 3650.0))
        date = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
        for value in (date.weekday(), date.month, date.timetuple().tm_yday, self._is_holiday(day)):
            columns.append(np.full(self.grid.n_cells, float(value)))
        matrix = np.stack(columns, axis=1).astype(np.float32)
        self._cache[day] = matrix
        return matrix

    def forget_before(self, day: int) -> None:
        """Drop cached days before ``day`` (memory bound)."""
        for key in [key for key in self._cache if key < day]:
            del self._cache[key]


class BoostedForecaster(Forecaster):
    """LightGBM Poisson model on multi-scale lagged counts and place features (see module docs)."""

    name = "boosted"

    def __init__(
        self,
        grid: SquareGrid,
        *,
        train_days: int = 728,
        train_step_days: int = 7,
        target_days: int = 28,
        refit_every_days: int = 7,
        negative_share: float = 0.2,
        n_trees: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_rows_in_leaf: int = 100,
        holiday_country: str | None = None,
        holiday_subdivision: str | None = None,
        n_threads: int | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(grid)
        if train_days < train_step_days or train_step_days < 1 or refit_every_days < 1:
            raise ValidationError("train_days/train_step_days/refit_every_days: need 1 <= step <= train_days")
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

    def _fit(self, history: History, day: int) -> lightgbm.Booster:
        try:
            import lightgbm
        except ImportError as error:  # pragma: no cover - lightgbm is a core dependency
            raise ConfigurationError("boosted: install lightgbm (pip install lightgbm==4.7.0)") from error
        rng = np.random.default_rng(self.seed + day)
        first_day = int(history.events.day[0]) if len(history) else day
        last_origin = day - self.target_days
        train = [t for t in range(last_origin, last_origin - self.train_days - 1, -self.train_step_days)
                 if t > first_day + 28][::-1]
        if not train:
            raise ValidationError("boosted: not enough history before the forecast day (need > 5 weeks)")
        active = np.unique(history.cells[history.cells >= 0])
        rows, targets, weights = [], [], []
        for t in train:
            past = history.before_day(t)
            matrix = self.builder.features(past, t)[active]
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
        self.builder.forget_before(day + self.refit_every_days - self.target_days - self.train_days)
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
