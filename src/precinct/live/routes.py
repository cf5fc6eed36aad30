"""GET /api/v1/stream: Server-Sent Events for consoles and officers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from precinct.api import deps
from precinct.core.security import Actor
from precinct.live.hub import hub

router = APIRouter(tags=["live"])
HEARTBEAT_S = 15.0


async def _events(request: Request) -> AsyncIterator[str]:
    subscriber = hub.subscribe()
    try:
        yield "retry: 3000\n: connected\n\n"
        while not await request.is_disconnected():
            try:
                item = await asyncio.wait_for(subscriber.queue.get(), timeout=HEARTBEAT_S)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            yield f"event: {item['kind']}\ndata: {json.dumps(item['data'], ensure_ascii=False)}\n\n"
    finally:
        hub.unsubscribe(subscriber)


@router.get("/stream", response_class=StreamingResponse)
async def stream(
    request: Request,
    _: Annotated[Actor, Depends(deps.StreamRoleChecker(frozenset(deps.READ_INCIDENTS)))],
) -> StreamingResponse:
    """Live changes as Server-Sent Events: ``incident``, ``unit`` and ``duty_level`` events."""
    return StreamingResponse(
        _events(request), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
