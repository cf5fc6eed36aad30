"""Request-body limits, enforced before a body is read (an ASGI middleware).

Every route has a body limit (:data:`DEFAULT_BODY_LIMIT` unless :data:`BODY_LIMITS` names another:
smaller for the log-in form, larger for the AVL batch and a drill's whole scenario). A request
whose ``Content-Length`` exceeds it is answered 413 at once; a body without a length (chunked) is
read up to the limit and answered 413 as soon as it goes over, the rest never read. A request
whose body may be larger than :data:`ANONYMOUS_BODY_LIMIT` (declared so, or of no declared length)
and that carries no valid bearer token is answered 401 before any of the body is read (the token's
signature and expiry are checked here, without the database; the route checks the account as
usual), so that strangers cannot make the server buffer large bodies. Refusals have the one error
shape of :mod:`precinct.api.errors`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from precinct.core.errors import AuthenticationError, PayloadTooLargeError
from precinct.core.i18n import t
from precinct.core.security import decode_access_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
DEFAULT_BODY_LIMIT = 64 * KIB
"""Any route not named in BODY_LIMITS: a call with its description and parties, a response plan, an account."""
ANONYMOUS_BODY_LIMIT = 4 * KIB
#: (method, path under the API prefix) -> bytes, for routes whose bodies differ by nature
BODY_LIMITS: dict[tuple[str, str], int] = {
    ("POST", "/auth/token"): 4 * KIB,  # the log-in form: a name, a password, a code
    ("POST", "/unit-positions"): 2048 * KIB,  # up to 5,000 AVL reports
    ("POST", "/drills"): 512 * KIB,  # a whole scenario
    ("POST", "/cases/documents"): 64 * 1024 * KIB,  # a case document (its own size check follows, 20 MiB by default)
    ("POST", "/places/premises/import"): 2048 * KIB,  # a CSV or GeoJSON file of premises
    ("POST", "/places/attachments"): 8192 * KIB,  # an inspection's photo or document (its own size check follows)
    ("POST", "/directives"): 2048 * KIB,  # a patrol area may be a district's whole boundary (simplified to fit)
}
PUBLIC_BODY_ROUTES = frozenset({("POST", "/auth/token")})


class BodyLimits:
    """The middleware; ``secret_key`` checks bearer tokens, ``prefix`` is the API's path prefix."""

    def __init__(self, app: ASGIApp, *, secret_key: str, prefix: str) -> None:
        self.app, self.secret_key, self.prefix = app, secret_key, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request's body against its limit, then pass it on."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], str(scope["path"]).removeprefix(self.prefix)
        limit = limit_for(method, path)
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        length = headers.get("content-length")
        declared = int(length) if length is not None and length.isdigit() else None
        large = declared is None or declared > ANONYMOUS_BODY_LIMIT
        if large and (method, path) not in PUBLIC_BODY_ROUTES and not self._token_ok(headers):
            await _refuse(send, headers, AuthenticationError(
                "log in first: a request with a body of this size needs a valid 'Authorization: Bearer' token"), 401)
            return
        if declared is not None and declared > limit:
            await _refuse(send, headers, PayloadTooLargeError(_too_large(limit)), 413)
            return
        body = await _read_up_to(receive, limit)
        if body is None:
            await _refuse(send, headers, PayloadTooLargeError(_too_large(limit)), 413)
            return
        await self.app(scope, _replaying(body, receive), send)

    def _token_ok(self, headers: dict[str, str]) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        try:
            decode_access_token(token.strip(), secret_key=self.secret_key)
        except AuthenticationError:
            return False
        return True


def _too_large(limit: int) -> str:
    return f"the request body is larger than this route accepts ({limit // KIB} KiB); send less"


def limit_for(method: str, path: str) -> int:
    """Return the body limit in bytes of ``method`` on ``path`` (under the API prefix)."""
    return BODY_LIMITS.get((method, path), DEFAULT_BODY_LIMIT)


async def _read_up_to(receive: Receive, limit: int) -> bytes | None:
    """Read the whole body, or ``None`` as soon as it grows past ``limit`` (the rest stays unread).

    A client that goes away before the end gives what came so far; the route then sees the
    disconnect as usual.
    """
    chunks: list[bytes] = []
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """Return a ``receive`` that gives ``body`` in one message, then what ``receive`` gives."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(send: Send, headers: dict[str, str], error: Exception, status: int) -> None:
    """Answer at once, in the one error shape (the title in the request's language)."""
    code = getattr(error, "code", "error")
    language = headers.get("accept-language")
    body = json.dumps({"error": {"code": code, "title": t(f"error.{code}", language), "message": str(error)}},
                      ensure_ascii=False).encode()
    response_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")]
    if status == 401:
        response_headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": body})
