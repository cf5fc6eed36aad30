"""The one Settings class: secrets, time zone, job switches."""

from __future__ import annotations

import pytest

from precinct.core.errors import (
    ConfigurationError,
)
from precinct.core.settings import DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_SECRET, Settings


def test_default_secret_is_refused_outside_development():
    assert Settings(environment="development").secret_key == DEVELOPMENT_SECRET
    with pytest.raises(ConfigurationError, match="PRECINCT_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ConfigurationError, match="at least 32"):
        Settings(environment="production", secret_key="too-short")
    assert Settings(environment="production", secret_key="k" * 40, audit_key="a" * 40).environment == "production"


def test_default_audit_key_is_refused_outside_development():
    assert Settings(environment="development").audit_key == DEVELOPMENT_AUDIT_KEY
    with pytest.raises(ConfigurationError, match="PRECINCT_AUDIT_KEY is the development default"):
        Settings(environment="production", secret_key="k" * 40)
    with pytest.raises(ConfigurationError, match="PRECINCT_AUDIT_KEY must be at least 32"):
        Settings(environment="production", secret_key="k" * 40, audit_key="too-short")


def test_local_timezone_must_be_an_iana_zone():
    assert Settings(local_timezone="Europe/Helsinki").zone.key == "Europe/Helsinki"
    with pytest.raises(ValueError, match="not an IANA time zone"):
        Settings(local_timezone="Mars/Olympus_Mons")


def test_the_server_runs_its_jobs_by_default_and_the_simulator_only_when_asked():
    settings = Settings()
    switches = (settings.watchdog_enabled, settings.forecast_scheduler_enabled, settings.drill_ticker_enabled)
    assert switches == (True,) * 3
    assert settings.simulate is False
    assert settings.roads_file.endswith("wuhan_roads.parquet")
