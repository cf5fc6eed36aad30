"""Response areas on the tiny grid."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from geo_grid import X0, Y0, lonlat, node_lonlat

from precinct.core.errors import ValidationError
from precinct.geo import reachable_within


def test_reachable_within_counts_nodes_by_threshold(grid):
    # 0.25 min = 15 s: the centre (node 4) reaches its four neighbours (10 s), not the corners (20 s).
    areas = reachable_within(grid, [node_lonlat(4), node_lonlat(0)], minutes=[0.25, 0.5])
    centre_quarter, centre_half = areas[0]
    assert centre_quarter.minutes == 0.25
    assert sorted(centre_quarter.node_index.tolist()) == [1, 3, 4, 5, 7]
    assert centre_half.node_mask().sum() == 9
    corner_quarter = areas[1][0]
    assert sorted(corner_quarter.node_index.tolist()) == [0, 1, 3]
    for area, source in ((centre_quarter, 4), (centre_half, 4), (corner_quarter, 0)):
        assert area.polygon.is_valid and area.polygon.contains(shapely.Point(node_lonlat(source)))
    assert centre_quarter.area_km2 < centre_half.area_km2
    # Frontier: 15 s = 150 m along the streets, i.e. 50 m past each neighbour onto the outer blocks.
    assert centre_quarter.polygon.covers(shapely.Point(lonlat(X0 + 200.0, Y0 + 60.0)))
    assert not centre_quarter.polygon.covers(shapely.Point(lonlat(X0 + 200.0, Y0 - 10.0)))
    assert not centre_quarter.polygon.covers(shapely.Point(lonlat(X0 + 20.0, Y0 + 20.0)))


def test_reachable_within_rejects_bad_thresholds(grid):
    with pytest.raises(ValidationError, match="minutes must be positive"):
        reachable_within(grid, [node_lonlat(4)], minutes=[0, 3])
    with pytest.raises(ValidationError, match="minutes must be positive"):
        reachable_within(grid, [node_lonlat(4)], minutes=["soon"])


def test_congestion_shrinks_areas(grid):
    free = reachable_within(grid, [node_lonlat(4)], minutes=[0.25])[0][0]
    peak = reachable_within(grid, [node_lonlat(4)], minutes=[0.25], hour=8)[0][0]  # factor 2: 7.5 s
    assert np.array_equal(peak.node_index, [4])
    assert peak.area_km2 < free.area_km2
