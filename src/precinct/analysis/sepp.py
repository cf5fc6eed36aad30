r"""Self-exciting point process (SEPP) forecasts fitted by expectation-maximisation.

Formulation (Mohler et al. 2011, with the parametric triggering kernel of Mohler 2014)
------------------------------------------------------------------------------------
The conditional intensity of events at time :math:`t` (hours) and place :math:`x` (metres) is

.. math:: \lambda(t, x) = \mu(x) + \sum_{i: t_i < t} \theta\, \omega e^{-\omega (t - t_i)}
          \frac{1}{2\pi\sigma^2} e^{-\lVert x - x_i \rVert^2 / 2\sigma^2},

a background :math:`\mu(x)` (constant in time, a Gaussian-smoothed grid density) plus "aftershocks"
of past events: :math:`\theta` is the expected number of offspring per event, :math:`1/\omega` their
mean delay and :math:`\sigma` their spatial spread.

EM (stochastic declustering): with :math:`g_{ij}` the triggering term of parent :math:`i` on event
:math:`j`, the E-step sets :math:`p_{ij} = g_{ij} / \lambda_j` and :math:`p_{jj} = \mu(x_j)/\lambda_j`;
the M-step sets :math:`\theta = \sum p_{ij} / n`, :math:`\omega = \sum p_{ij} / \sum p_{ij}\Delta t_{ij}`,
:math:`\sigma^2 = \sum p_{ij} d_{ij}^2 / 2\sum p_{ij}` and :math:`\mu` = the smoothed grid of
:math:`\sum_j p_{jj}` divided by the time span. Pairs are limited to ``max_distance_m`` and
``max_lag_days`` (the kernel beyond is negligible) and are found with a k-d tree, so each iteration is
a few vector operations over the pairs. The fit uses the last ``history_days`` of *distinct* events:
exact repeats (one row per offence) would give zero-distance, zero-delay pairs on which EM diverges.

The forecast for day :math:`[t_0, t_1)` in a cell is the integral of :math:`\lambda` over the day and
the cell: :math:`24\,\mu_c A_c + \sum_i \theta (e^{-\omega(t_0 - t_i)} - e^{-\omega(t_1 - t_i)})
\Phi_{c}(x_i)`, with the Gaussian mass :math:`\Phi_c` approximated on the grid.

References
----------
Mohler, G. O., Short, M. B., Brantingham, P. J., Schoenberg, F. P. & Tita, G. E. (2011).
Self-exciting point process modeling of crime. JASA 106(493), 100-108.
Mohler, G. (2014). Marked point process hotspot maps for homicide and gun crime prediction in
Chicago. International Journal of Forecasting 30(3), 491-497.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from precinct.analysis.events import EventTable, distinct_events
from precinct.analysis.forecasting import Forecaster, History
from precinct.analysis.grid import SquareGrid
from precinct.core.errors import ValidationError


@dataclass(frozen=True)
class SelfExcitingFit:
    """Fitted SEPP parameters.

    Attributes
    ----------
    theta : float
        Expected offspring per event (branching ratio, < 1).
    omega_per_h : float
        Decay rate of triggering in 1/hours.
    sigma_m : float
        Spatial spread of triggering in metres.
    background_per_h : array (n_cells,)
        Background events per hour in each grid cell.
    n_events : int
        Distinct events used in the fit.
    n_iterations : int
    """

    theta: float
    omega_per_h: float
    sigma_m: float
    background_per_h: np.ndarray
    n_events: int
    n_iterations: int


def fit_self_exciting(
    time_h: np.ndarray,
    x_m: np.ndarray,
    y_m: np.ndarray,
    grid: SquareGrid,
    *,
    span_h: float,
    background_bandwidth_m: float = 300.0,
    max_distance_m: float = 500.0,
    max_lag_days: float = 60.0,
    n_iterations: int = 40,
    tolerance: float = 1e-4,
) -> SelfExcitingFit:
    """Fit the SEPP of the module docstring by EM on distinct events (numeric core).

    Parameters
    ----------
    time_h : array
        Event times in hours, sorted ascending.
    x_m, y_m : arrays
        Projected coordinates in metres.
    grid : SquareGrid
        Grid for the background density.
    span_h : float
        Length of the observation window in hours.

    Raises
    ------
    ValidationError
        With fewer than 10 events or a non-positive span.
    """
    n_events = time_h.size
    if n_events < 10 or span_h <= 0:
        raise ValidationError("sepp: need at least 10 distinct events and a positive time span to fit")
    cells = grid.cell_of(x_m, y_m)
    pairs = cKDTree(np.column_stack([x_m, y_m])).query_pairs(max_distance_m, output_type="ndarray")
    parent, child = pairs[:, 0], pairs[:, 1]
    swap = time_h[parent] > time_h[child]
    parent, child = np.where(swap, child, parent), np.where(swap, parent, child)
    delay_h = time_h[child] - time_h[parent]
    keep = (delay_h > 0) & (delay_h <= max_lag_days * 24)
    parent, child, delay_h = parent[keep], child[keep], delay_h[keep]
    distance2_m2 = (x_m[child] - x_m[parent]) ** 2 + (y_m[child] - y_m[parent]) ** 2
    cell_area_m2 = grid.cell_m**2
    theta, omega, sigma2 = 0.1, 1.0 / (24 * 7), 100.0**2
    background_weight = np.ones(n_events)
    iteration = 0
    for iteration in range(1, n_iterations + 1):  # noqa: B007 - read after the loop: the iterations run
        background = _smoothed(grid.counts(cells, background_weight), grid, background_bandwidth_m) / span_h
        mu = background[np.maximum(cells, 0)] / cell_area_m2
        trigger = theta * omega * np.exp(-omega * delay_h) * np.exp(-distance2_m2 / (2 * sigma2)) / (2 * np.pi * sigma2)
        intensity = mu + np.bincount(child, weights=trigger, minlength=n_events)
        share = trigger / intensity[child]
        background_weight = mu / intensity
        total = share.sum()
        if total <= 0:
            theta = 0.0
            break
        new = (
            min(total / n_events, 0.95),
            total / max(np.sum(share * delay_h), 1e-9),
            max(np.sum(share * distance2_m2) / (2 * total), 25.0),
        )
        change = abs(new[0] - theta) + abs(new[1] - omega) / omega + abs(new[2] - sigma2) / sigma2
        theta, omega, sigma2 = new
        if change < tolerance:
            break
    background = _smoothed(grid.counts(cells, background_weight), grid, background_bandwidth_m) / span_h
    return SelfExcitingFit(float(theta), float(omega), float(np.sqrt(sigma2)), background, int(n_events), iteration)


def _smoothed(counts: np.ndarray, grid: SquareGrid, bandwidth_m: float) -> np.ndarray:
    image: np.ndarray = ndimage.gaussian_filter(counts.reshape(grid.shape), bandwidth_m / grid.cell_m, mode="constant")
    return image.ravel()


class SelfExcitingForecaster(Forecaster):
    """SEPP forecaster: refitted every ``refit_every_days`` on the last ``history_days`` (see module)."""

    name = "sepp"

    def __init__(
        self,
        grid: SquareGrid,
        *,
        history_days: int = 365,
        refit_every_days: int = 7,
        background_bandwidth_m: float = 300.0,
        max_distance_m: float = 500.0,
        max_lag_days: float = 60.0,
        n_iterations: int = 40,
    ) -> None:
        super().__init__(grid)
        if history_days < 7 or refit_every_days < 1:
            raise ValidationError("history_days/refit_every_days: need history_days >= 7 and refit_every_days >= 1")
        self.history_days = history_days
        self.refit_every_days = refit_every_days
        self.options: dict[str, Any] = dict(
            background_bandwidth_m=background_bandwidth_m, max_distance_m=max_distance_m,
            max_lag_days=max_lag_days, n_iterations=n_iterations,
        )
        self.fit: SelfExcitingFit | None = None
        self._fitted_on: int | None = None

    def _target_events(self, history: History, first_day: int) -> EventTable:
        start = history.index_of_day(first_day)
        mask = history.is_target[start:]
        return distinct_events(history.events.take(slice(start, len(history))).take(mask))

    def predict(self, history: History, day: int) -> np.ndarray:
        """Score every cell for ``day``: background rate plus the triggering of recent events, refitted as due."""
        if self.fit is None or self._fitted_on is None or not (
            self._fitted_on <= day < self._fitted_on + self.refit_every_days
        ):
            events = self._target_events(history, day - self.history_days)
            self.fit = fit_self_exciting(
                events.time_h, events.x_m, events.y_m, self.grid, span_h=self.history_days * 24.0, **self.options
            )
            self._fitted_on = day
        fit = self.fit
        recent = self._target_events(history, day - int(self.options["max_lag_days"]))
        start_h, end_h = day * 24.0, (day + 1) * 24.0
        weight = fit.theta * (np.exp(-fit.omega_per_h * (start_h - recent.time_h))
                              - np.exp(-fit.omega_per_h * (end_h - recent.time_h)))
        cells = self.grid.cell_of(recent.x_m, recent.y_m)
        triggered = _smoothed(self.grid.counts(cells, weight), self.grid, fit.sigma_m)
        scores: np.ndarray = 24.0 * fit.background_per_h + triggered
        return scores
