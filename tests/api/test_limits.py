"""Body limits: strangers are refused before their body is read, and every body has a ceiling."""

from __future__ import annotations

import asyncio
import json

import pytest

from precinct.api.limits import (
    ANONYMOUS_BODY_LIMIT,
    BODY_LIMITS,
    DEFAULT_BODY_LIMIT,
    KIB,
    BodyLimits,
    limit_for,
)
from precinct.app import API_PREFIX, api_routes
from precinct.core.permissions import Role
from testkit import TEST_SECRET, bearer_for

MIB = 1024 * KIB
CHUNK = 64 * KIB


class Upload:
    """An ASGI ``receive`` that streams ``total`` bytes in chunks, counting what was taken."""

    def __init__(self, total: int) -> None:
        self.total, self.consumed, self.calls = total, 0, 0

    async def __call__(self) -> dict:
        self.calls += 1
        if self.consumed >= self.total:
            return {"type": "http.disconnect"}
        size = min(CHUNK, self.total - self.consumed)
        self.consumed += size
        return {"type": "http.request", "body": b"x" * size, "more_body": self.consumed < self.total}


def _scope(path: str, *, length: int | None, token: dict[str, str] | None = None, method: str = "POST") -> dict:
    headers = [(b"content-type", b"application/json"), (b"accept-language", b"en")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    for name, value in (token or {}).items():
        headers.append((name.lower().encode(), value.encode()))
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": API_PREFIX + path, "raw_path": (API_PREFIX + path).encode(), "query_string": b"",
            "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}


def _call(app, scope: dict, receive) -> tuple[int, dict[str, str], bytes]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


class Inner:
    """The application behind the middleware: records the body it was given and answers 200."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        self.bodies.append(b"".join(chunks))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def inner() -> Inner:
    return Inner()


@pytest.fixture
def limited(inner) -> BodyLimits:
    return BodyLimits(inner, secret_key=TEST_SECRET, prefix=API_PREFIX)


def _error(body: bytes) -> dict:
    error = json.loads(body)["error"]
    assert set(error) == {"code", "title", "message"}
    return error


@pytest.mark.parametrize("length", [100 * MIB, None], ids=["declared", "chunked"])
def test_an_anonymous_large_post_gets_401_before_any_of_its_body_is_read(limited, inner, length):
    upload = Upload(100 * MIB)
    status, headers, body = _call(limited, _scope("/intake", length=length), upload)
    assert status == 401 and headers["www-authenticate"] == "Bearer"
    assert upload.calls == 0 and upload.consumed == 0 and inner.bodies == []
    error = _error(body)
    assert error["code"] == "authentication_failed" and error["title"] == "Authentication failed"


def test_a_bad_token_counts_as_none(limited, inner):
    upload = Upload(100 * MIB)
    forged = {"Authorization": "Bearer not.a.token"}
    assert _call(limited, _scope("/intake", length=None, token=forged), upload)[0] == 401
    assert upload.consumed == 0


def test_a_declared_body_over_the_limit_gets_413_unread(limited, inner):
    upload = Upload(100 * MIB)
    token = bearer_for("dispatcher", Role.DISPATCHER)
    status, _, body = _call(limited, _scope("/intake", length=100 * MIB, token=token), upload)
    assert status == 413 and upload.consumed == 0 and inner.bodies == []
    error = _error(body)
    assert error["code"] == "payload_too_large" and "64 KiB" in error["message"]


def test_a_chunked_body_is_cut_off_at_the_limit(limited, inner):
    upload = Upload(100 * MIB)
    token = bearer_for("dispatcher", Role.DISPATCHER)
    status, _, body = _call(limited, _scope("/intake", length=None, token=token), upload)
    assert status == 413 and inner.bodies == []
    assert DEFAULT_BODY_LIMIT < upload.consumed <= DEFAULT_BODY_LIMIT + CHUNK
    assert _error(body)["code"] == "payload_too_large"


def test_a_body_that_outgrows_its_declared_length_is_cut_off_too(limited, inner):
    upload = Upload(10 * MIB)
    token = bearer_for("dispatcher", Role.DISPATCHER)
    assert _call(limited, _scope("/intake", length=100, token=token), upload)[0] == 413
    assert upload.consumed <= DEFAULT_BODY_LIMIT + CHUNK


def test_bodies_within_the_limit_reach_the_route_whole(limited, inner):
    token = bearer_for("dispatcher", Role.DISPATCHER)
    status, _, body = _call(limited, _scope("/unit-positions", length=None, token=token), Upload(MIB))
    assert (status, body) == (200, b"ok") and inner.bodies == [b"x" * MIB]
    status, _, _ = _call(limited, _scope("/auth/token", length=100), Upload(100))  # small, anonymous: passes
    assert status == 200 and inner.bodies[-1] == b"x" * 100
    status, _, _ = _call(limited, _scope("/units", length=None, method="GET"), Upload(0))  # reads are not held
    assert status == 200


def test_the_log_in_form_is_small_and_anonymous_bodies_are_smaller_still(limited, inner):
    assert _call(limited, _scope("/auth/token", length=5 * KIB), Upload(5 * KIB))[0] == 413
    assert _call(limited, _scope("/intake", length=ANONYMOUS_BODY_LIMIT), Upload(ANONYMOUS_BODY_LIMIT))[0] == 200
    assert _call(limited, _scope("/intake", length=ANONYMOUS_BODY_LIMIT + 1), Upload(1))[0] == 401


def test_limits_per_route_are_sensible_and_name_real_routes():
    routes = {(method, path.removeprefix(API_PREFIX)) for method, path, _ in api_routes()}
    assert set(BODY_LIMITS) <= routes  # a renamed route would lose its limit silently
    assert limit_for("POST", "/intake") == limit_for("POST", "/incidents") == 64 * KIB
    assert limit_for("POST", "/auth/token") == 4 * KIB
    assert limit_for("POST", "/unit-positions") == 2 * MIB  # 5,000 AVL reports of ~130 bytes
    assert limit_for("POST", "/drills") == 512 * KIB
    assert min(BODY_LIMITS.values()) >= ANONYMOUS_BODY_LIMIT


# ---- through the whole application, on both databases -------------------------------------------

CALL = {"source": "phone_110", "type_code": "theft", "lon": 114.05, "lat": 30.55}


def test_the_app_refuses_a_large_anonymous_stream_unread(app):
    upload = Upload(100 * MIB)
    status, _, body = _call(app, _scope("/intake", length=None), upload)
    assert status == 401 and upload.consumed == 0
    assert _error(body)["code"] == "authentication_failed"


def test_the_app_answers_413_in_the_error_shape_for_an_oversized_call(client, auth):
    response = client.post("/api/v1/intake", json=CALL | {"description": "x" * (70 * KIB)},
                           headers=auth(Role.CALL_TAKER) | {"Accept-Language": "en"})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large" and error["title"] == "Request too large"


def test_the_app_cuts_off_a_chunked_body_at_the_limit(app):
    upload = Upload(10 * MIB)
    status, _, body = _call(app, _scope("/intake", length=None, token=bearer_for("call-taker", Role.CALL_TAKER)),
                            upload)
    assert status == 413 and upload.consumed <= DEFAULT_BODY_LIMIT + CHUNK
    assert _error(body)["code"] == "payload_too_large"


def test_normal_bodies_work_and_a_batch_may_be_larger(client, auth):
    response = client.post("/api/v1/intake", json=CALL, headers=auth(Role.CALL_TAKER))
    assert response.status_code == 201, response.text
    reports = [{"unit_id": 999999, "lon": 114.05, "lat": 30.55}] * 2000  # ~100 KiB: over the default, under 2 MiB
    response = client.post("/api/v1/unit-positions", json={"reports": reports}, headers=auth(Role.DISPATCHER))
    assert len(response.request.content) > DEFAULT_BODY_LIMIT
    assert response.status_code == 422 and "unknown unit_id(s) [999999]" in response.json()["error"]["message"]
