"""Patrol minutes: how long a unit was inside an area during a window, measured from its position log.

Method
------
A unit's position fixes, in time order, are taken in consecutive pairs. A pair counts when **both**
fixes lie inside the area (on its boundary counts as inside); it contributes the time from the
first fix to the second, but at most ``gap_cap_s`` (default 5 minutes) after the first fix: a
longer silence (the AVL off, a lost signal) says nothing of where the unit was, so a fix vouches
for at most that long. The contributed interval is clipped to the window. A pair with one fix
outside counts nothing, so each crossing of the boundary may lose up to one reporting interval
(10-30 s for a typical AVL feed): the measure errs on the short side.

With fixes ``t_i`` and the window ``[ws, we]``::

    counted_i = max(0, min(t_{i+1}, t_i + cap, we) - max(t_i, ws))   if fix i and fix i+1 are inside
    seconds   = sum_i counted_i

The patrol minutes of a directive carried out by several units are the sum over its units
(unit-minutes: two units inside for 10 minutes make 20).

Pure: NumPy and Shapely only; containment is tested in lon/lat (no distances are measured).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

DEFAULT_GAP_CAP_S = 300.0
"""The longest time a fix vouches for (seconds): longer gaps between fixes count only this much."""


@dataclass(frozen=True)
class PatrolTime:
    """The time one unit spent inside an area in a window."""

    seconds: float
    fixes: int  # fixes read (in and around the window)
    fixes_inside: int  # of them, inside the area
    pairs_counted: int  # consecutive pairs with both fixes inside that overlap the window


def patrol_time(times_s: np.ndarray, lon: np.ndarray, lat: np.ndarray, area: BaseGeometry, *,
                window_s: tuple[float, float], gap_cap_s: float = DEFAULT_GAP_CAP_S) -> PatrolTime:
    """Return the time a unit spent inside ``area`` during ``window_s``, from its fixes (see the module).

    Parameters
    ----------
    times_s
        The fixes' times in seconds (e.g. since the epoch), ascending.
    lon, lat
        The fixes' positions in degrees (WGS 84).
    area
        A polygonal area in lon/lat.
    window_s
        ``(start, end)`` in the same seconds as ``times_s``.
    gap_cap_s
        The longest time a fix vouches for, in seconds (> 0).

    Raises
    ------
    ValueError
        If the arrays differ in length, the times are not ascending or ``gap_cap_s`` is not positive.
    """
    times = np.asarray(times_s, dtype=float)
    if not len(times) == len(lon) == len(lat):
        raise ValueError("times_s, lon and lat must have the same length")
    if gap_cap_s <= 0:
        raise ValueError(f"gap_cap_s must be positive, got {gap_cap_s}")
    if len(times) > 1 and (np.diff(times) < 0).any():
        raise ValueError("times_s must be ascending")
    if len(times) == 0:
        return PatrolTime(0.0, 0, 0, 0)
    shapely.prepare(area)
    inside = shapely.covers(area, shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)))
    start, end = window_s
    first, second = times[:-1], times[1:]
    both = inside[:-1] & inside[1:]
    counted = np.minimum(np.minimum(second, first + gap_cap_s), end) - np.maximum(first, start)
    counted = np.where(both, np.clip(counted, 0.0, None), 0.0)
    return PatrolTime(seconds=float(counted.sum()), fixes=len(times), fixes_inside=int(inside.sum()),
                      pairs_counted=int((counted > 0).sum()))
