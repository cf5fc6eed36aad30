"""Constants and helpers shared by tests (import from here, not from conftest)."""

from __future__ import annotations

from typing import Any

from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.core.settings import Settings

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
PASSWORD = "correct-horse-battery"
ADMIN_ACTOR = Actor(username="tester", role=Role.ADMIN, ip="127.0.0.1")


def test_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test app: the background jobs that would write to the test's database on
    their own (watchdog, forecast scheduler, drill ticker) and the delays between failed log-ins
    are off unless a test turns them on."""
    return Settings(**({"environment": "test", "database_url": database_url, "secret_key": TEST_SECRET,
                        "watchdog_enabled": False, "forecast_scheduler_enabled": False,
                        "drill_ticker_enabled": False, "login_backoff_base_s": 0.0} | overrides))


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test for pytest to collect


def bearer_for(username: str, role: Role) -> dict[str, str]:
    """Headers with a valid bearer token for the account ``username`` (its role as given)."""
    from datetime import UTC, datetime, timedelta

    from precinct.core.security import create_access_token

    token, _ = create_access_token(username=username, role=role, secret_key=TEST_SECRET, ttl=timedelta(hours=1),
                                   now=datetime.now(UTC))
    return {"Authorization": f"Bearer {token}"}


def crew(session, username: str, unit_id: int) -> None:
    """Put the account ``username`` on the crew of unit ``unit_id`` (and commit)."""
    from precinct.users import service as user_service
    from precinct.users.models import User

    session.get(User, user_service.get_by_username(session, username).id).unit_id = unit_id
    session.commit()
