"""Request-body limits, enforced before a body is read (an ASGI middleware).

Every route has a body limit (:data:`DEFAULT_BODY_LIMIT` unless :data:`BODY_LIMITS` names a larger
one, e.g. the AVL batch route). A request whose ``Content-Length`` exceeds it is answered 413 at
once; a body without a length (chunked) is counted while it streams and refused with 413 as soon
as it goes over. A request with a body larger than :data:`ANONYMOUS_BODY_LIMIT` and no valid
bearer token is answered 401 before any of the body is read (the token's signature and expiry are
checked here, without the database; the route checks the account as usual), so that strangers
cannot make the server buffer large bodies.
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
ANONYMOUS_BODY_LIMIT = 4 * KIB
#: (method, path under the API prefix) -> bytes, for routes whose bodies are larger by nature
BODY_LIMITS: dict[tuple[str, str], int] = {
    ("POST", "/unit-positions"): 2048 * KIB,  # up to 5,000 AVL reports
    ("POST", "/drills"): 512 * KIB,  # a whole scenario
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
        limit = BODY_LIMITS.get((method, path), DEFAULT_BODY_LIMIT)
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        length = headers.get("content-length")
        declared = int(length) if length is not None and length.isdigit() else None
        if declared is not None and declared > limit:
            await _refuse(send, headers, PayloadTooLargeError(_too_large(limit)), 413)
            return
        large = declared is None or declared > ANONYMOUS_BODY_LIMIT
        if large and (method, path) not in PUBLIC_BODY_ROUTES and not self._token_ok(headers):
            await _refuse(send, headers, AuthenticationError(
                "log in first: a request with a body of this size needs a valid 'Authorization: Bearer' token"), 401)
            return
        await self.app(scope, _counting(receive, limit), send)

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


def _counting(receive: Receive, limit: int) -> Receive:
    """Wrap ``receive`` so that a body growing past ``limit`` raises PayloadTooLargeError.

    The route's read fails and the error table answers 413.
    """
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLargeError(_too_large(limit))
        return message

    return counted


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
