"""Request authentication: tokens in headers, expiry and signatures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from precinct.core.permissions import Role
from precinct.core.security import create_access_token
from testkit import TEST_SECRET


def test_expired_and_forged_tokens_are_refused(client):
    expired, _ = create_access_token(username="admin", role=Role.ADMIN, secret_key=TEST_SECRET,
                                     ttl=timedelta(minutes=1), now=datetime.now(UTC) - timedelta(hours=2))
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]
    forged, _ = create_access_token(username="admin", role=Role.ADMIN, secret_key="x" * 40,
                                    ttl=timedelta(minutes=5), now=datetime.now(UTC))
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
