"""Square grids in metres over an automatically chosen projected CRS.

Distances in metres need projected coordinates. The grid uses the UTM zone that contains the data's
centroid (``geo.projection.projected_crs_for``), so a 250 m cell is 250 m on the ground to within
0.1 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from precinct.core.errors import ValidationError
from precinct.geo.projection import xy_to_lonlat


@dataclass(frozen=True)
class SquareGrid:
    """A regular grid of square cells, row-major, cell id = ``row * n_cols + col``.

    Attributes
    ----------
    crs : str
        Projected CRS of ``x0_m``/``y0_m``.
    x0_m, y0_m : float
        Lower-left corner of cell 0 in metres.
    cell_m : float
        Side of a cell in metres.
    n_cols, n_rows : int
    """

    crs: str
    x0_m: float
    y0_m: float
    cell_m: float
    n_cols: int
    n_rows: int

    @property
    def n_cells(self) -> int:
        """Return the number of cells, ``n_cols x n_rows``."""
        return self.n_cols * self.n_rows

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_rows, n_cols)``: reshape a per-cell vector with this to get an image."""
        return self.n_rows, self.n_cols

    def cell_of(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """Cell id of each point, ``-1`` for points outside the grid."""
        col = np.floor((np.asarray(x_m) - self.x0_m) / self.cell_m).astype(np.int64)
        row = np.floor((np.asarray(y_m) - self.y0_m) / self.cell_m).astype(np.int64)
        inside = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        return np.where(inside, row * self.n_cols + col, -1)

    def centres_m(self, cells: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Centre coordinates (metres) of ``cells`` (all cells by default)."""
        cells = np.arange(self.n_cells) if cells is None else np.asarray(cells)
        row, col = np.divmod(cells, self.n_cols)
        return self.x0_m + (col + 0.5) * self.cell_m, self.y0_m + (row + 0.5) * self.cell_m

    def corners_lonlat(self, cells: np.ndarray) -> np.ndarray:
        """Return closed rings of cell corners in lon/lat, shape ``(n, 5, 2)``."""
        cells = np.asarray(cells)
        row, col = np.divmod(cells, self.n_cols)
        x_left = self.x0_m + col * self.cell_m
        y_low = self.y0_m + row * self.cell_m
        dx = np.array([0, 1, 1, 0, 0]) * self.cell_m
        dy = np.array([0, 0, 1, 1, 0]) * self.cell_m
        xs = x_left[:, None] + dx[None, :]
        ys = y_low[:, None] + dy[None, :]
        lon, lat = xy_to_lonlat(self.crs, xs.ravel(), ys.ravel())
        return np.stack([lon, lat], axis=1).reshape(len(cells), 5, 2)

    def counts(self, cells: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Events per cell as a float vector of length ``n_cells`` (cells ``-1`` are ignored)."""
        cells = np.asarray(cells)
        keep = cells >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
        return np.bincount(cells[keep], weights=w, minlength=self.n_cells).astype(np.float64)


def grid_for_points(x_m: np.ndarray, y_m: np.ndarray, *, cell_m: float, crs: str, margin_cells: int = 2) -> SquareGrid:
    """Build a grid aligned to multiples of ``cell_m`` that covers the points plus a margin.

    Parameters
    ----------
    x_m, y_m : arrays
        Projected coordinates in metres.
    cell_m : float
        Cell side in metres (> 0).
    crs : str
        The CRS of ``x_m``/``y_m``.
    margin_cells : int
        Empty cells added on every side (room for kernels).

    Raises
    ------
    ValidationError
        If ``cell_m`` is not positive, there are no points, or the grid would exceed 25 million cells.
    """
    if not np.isfinite(cell_m) or cell_m <= 0:
        raise ValidationError(f"cell_m: must be a positive number of metres, got {cell_m!r}")
    x_m = np.asarray(x_m, dtype=np.float64)
    y_m = np.asarray(y_m, dtype=np.float64)
    if x_m.size == 0:
        raise ValidationError("events: no points to build a grid over")
    x0 = (np.floor(x_m.min() / cell_m) - margin_cells) * cell_m
    y0 = (np.floor(y_m.min() / cell_m) - margin_cells) * cell_m
    n_cols = int(np.floor((x_m.max() - x0) / cell_m)) + 1 + margin_cells
    n_rows = int(np.floor((y_m.max() - y0) / cell_m)) + 1 + margin_cells
    if n_cols * n_rows > 25_000_000:
        raise ValidationError(
            f"cell_m: {cell_m} m gives {n_cols * n_rows} cells; use larger cells or a smaller area"
        )
    return SquareGrid(crs=crs, x0_m=float(x0), y0_m=float(y0), cell_m=float(cell_m), n_cols=n_cols, n_rows=n_rows)
