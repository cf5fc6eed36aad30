"""Shared fixtures for the precinct.geo tests."""

from __future__ import annotations

import pytest
from geo_grid import build_grid


@pytest.fixture(scope="session")
def grid():
    return build_grid()
