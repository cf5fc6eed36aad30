"""Response coverage: share of demand within travel-time thresholds of the nearest post.

A demand cell is covered at threshold ``T`` when ``min_p t[p, cell] <= T`` over posts ``p``.
Shares are weighted by demand (calls per cell; default one per cell), citywide and per group
(district labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from precinct.core.errors import ValidationError
from precinct.planning._checks import as_matrix, as_vector

__all__ = ["CoverageReport", "coverage_by_threshold"]


@dataclass(frozen=True, slots=True, eq=False)
class CoverageReport:
    """Coverage shares.

    Attributes
    ----------
    thresholds_s : tuple of float
    citywide_share : tuple of float
        Weighted share of demand covered at each threshold.
    group_labels : tuple of str
        Sorted distinct group labels (empty without groups).
    group_share : ndarray, shape (n_groups, n_thresholds)
        Weighted share covered within each group (nan for a group with zero weight).
    nearest_travel_time_s : ndarray, shape (n_demand,)
        Travel time from the nearest post to each cell (inf if unreachable).
    """

    thresholds_s: tuple[float, ...]
    citywide_share: tuple[float, ...]
    group_labels: tuple[str, ...]
    group_share: np.ndarray
    nearest_travel_time_s: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        """Return the shares as plain JSON values (a group with zero weight gives ``None``)."""
        return {
            "thresholds_s": list(self.thresholds_s),
            "citywide_share": list(self.citywide_share),
            "groups": {
                label: [None if np.isnan(v) else float(v) for v in row]
                for label, row in zip(self.group_labels, self.group_share, strict=True)
            },
        }


def coverage_by_threshold(
    travel_time_s: object,
    *,
    thresholds_s: tuple[float, ...] = (60.0, 180.0, 300.0),
    weights: object = None,
    groups: object = None,
) -> CoverageReport:
    """Share of demand reachable within each threshold from the nearest post.

    Parameters
    ----------
    travel_time_s : array_like, shape (n_posts, n_demand)
        Seconds from each post to each demand cell (``inf`` = unreachable).
    thresholds_s : tuple of float
        Thresholds in seconds (default 1, 3 and 5 minutes).
    weights : array_like, shape (n_demand,), optional
        Demand per cell (e.g. calls); default 1.
    groups : array_like, shape (n_demand,), optional
        Label per cell (e.g. district); shares are also reported per label.

    Raises
    ------
    ValidationError
        On a malformed matrix, bad thresholds, or weights/groups of the wrong length.
    """
    matrix = as_matrix("travel_time_s", travel_time_s)
    n_demand = matrix.shape[1]
    thresholds = as_vector("thresholds_s", list(thresholds_s), positive=True)
    if thresholds.size == 0:
        raise ValidationError("thresholds_s must list at least one threshold in seconds")
    weight = np.ones(n_demand) if weights is None else as_vector("weights", weights, n_demand)
    if weight.sum() <= 0:
        raise ValidationError("weights must have a positive sum")
    nearest = matrix.min(axis=0)
    covered = nearest[None, :] <= thresholds[:, None]  # thresholds x demand
    citywide = tuple(float(v) for v in (covered @ weight) / weight.sum())
    labels: tuple[str, ...] = ()
    per_group = np.zeros((0, thresholds.size))
    if groups is not None:
        group_array = np.asarray(groups).astype(str)
        if group_array.shape != (n_demand,):
            raise ValidationError(
                f"groups must have one label per demand cell ({n_demand}), got shape {group_array.shape}")
        unique, index = np.unique(group_array, return_inverse=True)
        labels = tuple(str(label) for label in unique)
        group_weight = np.bincount(index, weights=weight, minlength=unique.size)
        per_group = np.stack(
            [np.bincount(index, weights=weight * row, minlength=unique.size) for row in covered], axis=1
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            per_group = np.where(group_weight[:, None] > 0, per_group / group_weight[:, None], np.nan)
    return CoverageReport(tuple(float(t) for t in thresholds), citywide, labels, per_group, nearest)
