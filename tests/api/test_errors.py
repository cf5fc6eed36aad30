"""The one error table: how domain and database errors reach a client."""

from __future__ import annotations

import pytest

from precinct.core.permissions import Role


def test_a_deadlock_between_concurrent_changes_is_a_retryable_conflict(client, auth, monkeypatch):
    """PostgreSQL aborts one of two transactions that lock the same rows in opposite orders; the
    client gets 409 (retry), not 500, wherever the abort surfaces."""
    from sqlalchemy.exc import OperationalError

    from precinct.core.db import conflicts_as_domain_errors, is_concurrency_failure

    class Deadlock(Exception):
        sqlstate = "40P01"

    aborted = OperationalError("UPDATE assignments ...", {}, Deadlock("deadlock detected"))
    assert is_concurrency_failure(aborted)

    @conflicts_as_domain_errors
    def change():
        raise aborted

    from precinct.core.errors import ConflictError

    with pytest.raises(ConflictError):
        change()
    from precinct.incidents import service as incident_service

    def deadlocked(*_args, **_kwargs):
        raise aborted

    monkeypatch.setattr(incident_service, "list_", deadlocked)
    response = client.get("/api/v1/incidents", headers=auth(Role.DISPATCHER))
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
