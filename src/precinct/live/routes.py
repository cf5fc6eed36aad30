"""GET /api/v1/stream: Server-Sent Events for consoles and officers."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from precinct.api import deps
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.live.hub import hub

router = APIRouter(tags=["live"])
HEARTBEAT_S = 15.0


def _still_allowed(request: Request, username: str, expires_at: float) -> bool:
    """Whether the stream's token has not expired or been revoked and its account is still active."""
    if time.time() >= expires_at:
        return False
    account = deps.load_account(request, username)
    return account is not None and account.usable and account.accepts(request.state.token_claims)


EventFilter = Callable[[str, dict[str, Any]], bool]


def _filter_for(request: Request, actor: Actor) -> EventFilter | None:
    """Return this connection's event test: ``app.state.stream_filter(session, actor)``, if the app set one."""
    make = getattr(request.app.state, "stream_filter", None)
    if make is None:
        return None
    with request.app.state.session_factory() as session:
        passes: EventFilter | None = make(session, actor)
        return passes


async def _events(request: Request, username: str, expires_at: float,
                  passes: EventFilter | None = None) -> AsyncIterator[str]:
    subscriber = hub.subscribe()
    try:
        yield "retry: 3000\n: connected\n\n"
        while not await request.is_disconnected():
            try:
                item = await asyncio.wait_for(subscriber.queue.get(), timeout=HEARTBEAT_S)
            except TimeoutError:
                if not await run_in_threadpool(_still_allowed, request, username, expires_at):
                    yield "event: end\ndata: {\"reason\": \"token expired or revoked, or account disabled\"}\n\n"
                    return
                yield ": heartbeat\n\n"
                continue
            if passes is not None and not passes(item["kind"], item["data"]):
                continue
            yield f"event: {item['kind']}\ndata: {json.dumps(item['data'], ensure_ascii=False)}\n\n"
    finally:
        hub.unsubscribe(subscriber)


@router.get("/stream", response_class=StreamingResponse)
async def stream(
    request: Request,
    actor: Annotated[Actor, Depends(deps.StreamRoleChecker(Permission.READ_INCIDENTS))],
) -> StreamingResponse:
    """Live changes as Server-Sent Events: ``incident``, ``unit``, ``duty_level``, ``escalation`` and ``directive``.

    An account sees the events of its scope only (its organisation unit's subtree, and the units
    of neighbouring stations). The stream ends (with an ``end`` event) once its token expires or its
    account is locked or disabled; the account is re-checked at every heartbeat.
    """
    passes = await run_in_threadpool(_filter_for, request, actor)
    return StreamingResponse(
        _events(request, actor.username, request.state.token_expires_at, passes), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
