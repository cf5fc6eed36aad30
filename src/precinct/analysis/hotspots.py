r"""Getis-Ord Gi* hot spots on a square grid.

Formulation
-----------
For cell :math:`i` with count :math:`x_i` and binary weights :math:`w_{ij}` (queen neighbours and the
cell itself),

.. math:: G_i^* = \frac{\sum_j w_{ij} x_j - \bar x \sum_j w_{ij}}
                  {s \sqrt{\left(n \sum_j w_{ij}^2 - (\sum_j w_{ij})^2\right)/(n - 1)}},

a z-score. Significance comes from conditional permutations (esda ``G_Local`` with ``star=True``):
the neighbours' values are redrawn at random ``permutations`` times and the pseudo p-value is
:math:`(1 + \#\{|G^{perm}| \ge |G|\}) / (1 + \text{permutations})`.

References
----------
Getis, A. & Ord, J. K. (1992). The analysis of spatial association by use of distance statistics.
Geographical Analysis 24(3), 189-206. Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation
statistics. Geographical Analysis 27(4), 286-306.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from precinct.analysis.events import EventTable
from precinct.analysis.grid import SquareGrid, grid_for_points
from precinct.core.errors import ValidationError


@dataclass(frozen=True, eq=False)
class GiStarResult:
    """Gi* per grid cell.

    Attributes
    ----------
    grid : SquareGrid
    counts : array (n_cells,)
    z_score : array (n_cells,)
        Gi* z-scores (positive = cluster of high counts).
    p_value : array (n_cells,)
        Permutation pseudo p-values.
    hot : bool array
        ``z_score > 0`` and ``p_value < alpha``.
    cold : bool array
        ``z_score < 0`` and ``p_value < alpha``.
    alpha : float
    """

    grid: SquareGrid
    counts: np.ndarray
    z_score: np.ndarray
    p_value: np.ndarray
    hot: np.ndarray
    cold: np.ndarray
    alpha: float

    def hot_cells(self) -> np.ndarray:
        """Ids of significant hot cells, strongest first."""
        cells = np.flatnonzero(self.hot)
        return cells[np.argsort(-self.z_score[cells], kind="stable")]


def gi_star_on_grid(
    counts: np.ndarray, grid: SquareGrid, *, permutations: int = 999, alpha: float = 0.05, seed: int = 0
) -> GiStarResult:
    """Gi* of per-cell counts with queen contiguity (numeric core).

    Parameters
    ----------
    counts : array (n_cells,)
        Events per cell, row-major as in ``grid``.
    permutations : int
        Conditional permutations for the pseudo p-values (>= 99 recommended).
    alpha : float
        Significance level.

    Raises
    ------
    ValidationError
        If the counts do not match the grid, are constant, or the grid is smaller than 3 x 3.
    """
    import warnings

    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    counts = np.asarray(counts, dtype=np.float64)
    if counts.shape != (grid.n_cells,):
        raise ValidationError(f"counts: need {grid.n_cells} values (one per cell), got {counts.shape}")
    if grid.n_rows < 3 or grid.n_cols < 3:
        raise ValidationError("grid: Gi* needs at least 3 x 3 cells; use smaller cells")
    if np.all(counts == counts[0]):
        raise ValidationError("counts: all cells have the same count; Gi* is undefined")
    if not 0 < alpha < 1:
        raise ValidationError(f"alpha: must be in (0, 1), got {alpha}")
    weights = lat2W(grid.n_rows, grid.n_cols, rook=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda's numba-absent / island notices are not errors here
        gi = G_Local(counts, weights, transform="B", permutations=permutations, star=True, seed=seed,
                     keep_simulations=False)
    z_score = np.asarray(gi.Zs, dtype=np.float64)
    p_value = np.asarray(gi.p_sim, dtype=np.float64) if permutations else np.asarray(gi.p_norm, dtype=np.float64)
    significant = p_value < alpha
    return GiStarResult(grid, counts, z_score, p_value, significant & (z_score > 0), significant & (z_score < 0), alpha)


def gi_star_hotspots(
    events: EventTable, *, cell_m: float = 250.0, category: str | None = None, permutations: int = 999,
    alpha: float = 0.05, seed: int = 0,
) -> GiStarResult:
    """Gi* hot spots of incidents on a square grid (spatial adapter of :func:`gi_star_on_grid`)."""
    mask = events.category_mask(category)
    grid = grid_for_points(events.x_m, events.y_m, cell_m=cell_m, crs=events.crs, margin_cells=1)
    counts = grid.counts(grid.cell_of(events.x_m[mask], events.y_m[mask]))
    return gi_star_on_grid(counts, grid, permutations=permutations, alpha=alpha, seed=seed)
