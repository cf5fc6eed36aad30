"""An in-process fan-out of live events to asyncio subscribers (one per open stream)."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from precinct.core.jobs import JobState

logger = logging.getLogger("precinct.live")

CHANNEL = "precinct_live"
QUEUE_SIZE = 2000


@dataclass(eq=False)
class Subscriber:
    """One live stream: events queue here, on the stream's own event loop."""

    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: int = 0

    def offer(self, event: dict[str, Any]) -> None:
        """Queue ``event``, or count it dropped when the queue is full."""
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1  # a stalled client misses events rather than stalling the server


class LiveHub:
    """The live streams of one server process, and the listeners told of every change (e.g. to drop a cache)."""

    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self._listeners: list[Callable[[str], None]] = []
        self._lock = threading.Lock()

    def add_listener(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(kind)`` for every change seen by this process, e.g. to drop a cache.

        Its own changes as soon as they are flushed, and other processes' via the relay.
        """
        self._listeners.append(listener)

    def changed(self, kind: str) -> None:
        """Tell every listener that records of ``kind`` changed."""
        for listener in self._listeners:
            listener(kind)

    def subscribe(self) -> Subscriber:
        """Open a stream on the running event loop."""
        subscriber = Subscriber(loop=asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Close a stream (no more events are queued for it)."""
        with self._lock:
            self._subscribers.discard(subscriber)

    @property
    def subscriber_count(self) -> int:
        """Return the number of open streams."""
        return len(self._subscribers)

    def publish(self, event: dict[str, Any]) -> None:
        """Deliver ``{"kind": ..., "data": ...}`` to every subscriber; safe from any thread."""
        self.changed(event["kind"])
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber.loop.call_soon_threadsafe(subscriber.offer, event)
            except RuntimeError:  # its loop has closed
                self.unsubscribe(subscriber)


hub = LiveHub()


class PostgresRelay:
    """LISTENs on PostgreSQL and republishes every notification to the local hub.

    A background job of every server process on PostgreSQL.
    """

    name = "live-relay"

    def __init__(self, database_url: str, target: LiveHub = hub) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.target = target
        self.stop_event = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name="precinct-live-relay", daemon=True)

    def start(self) -> PostgresRelay:
        """Start listening in the relay's thread and return the relay."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Ask the relay to stop listening."""
        self.stop_event.set()

    @property
    def state(self) -> JobState:
        """Say whether the relay runs, ended on its own, or was stopped."""
        if self.stop_event.is_set():
            return "stopped"
        return "running" if self.thread.is_alive() else "finished"

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    while not self.stop_event.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self.target.publish(json.loads(note.payload))
            except psycopg.Error:
                logger.warning("live relay lost its PostgreSQL connection; reconnecting", exc_info=True)
                self.stop_event.wait(1.0)
