"""Fixtures for the analysis tests."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_support import synthetic_frame


@pytest.fixture
def frame() -> pd.DataFrame:
    return synthetic_frame()
