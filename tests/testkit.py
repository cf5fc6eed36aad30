"""Constants shared by tests (import from here, not from conftest)."""

from precinct.core.permissions import Role

from precinct.core.security import Actor

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
PASSWORD = "correct-horse-battery"
ADMIN_ACTOR = Actor(username="tester", role=Role.ADMIN, ip="127.0.0.1")
