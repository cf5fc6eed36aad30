"""Generated requests against every operation of the OpenAPI document (schemathesis).

Each operation is called as a role that may use it, with requests generated from its schema:
valid ones, edge values and invalid ones. None may answer 5xx, every answer's status must be one
the document lists for that operation, and every documented body must match its schema. The
examples per operation are bounded to keep the run short (both databases).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from precinct.api.deps import RoleChecker
from precinct.api.openapi import _dependencies
from precinct.app import api_routes, create_app
from precinct.core.permissions import Role
from testkit import test_settings, token_for

EXAMPLES_PER_OPERATION = 8

#: the role each operation is called as: the first of these that may use it
PREFERENCE = [Role.SUPERVISOR, Role.DISPATCHER, Role.ANALYST, Role.AUDITOR, Role.CALL_TAKER, Role.PATROL_OFFICER,
              Role.ADMIN]


def _role_for(route) -> Role | None:
    checkers = [d.call for d in _dependencies(route.dependant) if isinstance(d.call, RoleChecker)]
    if not checkers:
        return None
    allowed = checkers[0].roles
    return next(role for role in PREFERENCE if role in allowed)


ROLES = {(method, path): _role_for(route) for method, path, route in api_routes()}


SCHEMA = schemathesis.openapi.from_dict(create_app(test_settings("sqlite://")).openapi())
#: the live stream never ends by itself; tests/live reads it event by event
ENDLESS = {("GET", "/api/v1/stream")}
OPERATIONS = [op for op in (result.ok() for result in SCHEMA.get_all_operations())
              if (op.method.upper(), op.path) not in ENDLESS]


@pytest.mark.filterwarnings("ignore:Use 'content=<...>' to upload raw bytes:DeprecationWarning")  # raw-body routes
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_generated_requests_get_documented_answers(operation, client):
    role = ROLES.get((operation.method.upper(), operation.path))
    headers = {"Authorization": f"Bearer {token_for(role)}"} if role else {}

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case):
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        for option in ("timeout", "allow_redirects", "verify", "cookies"):  # no route reads cookies
            kwargs.pop(option, None)
        response = client.request(**kwargs)
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                 response_schema_conformance])

    call()
