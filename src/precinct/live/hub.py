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

logger = logging.getLogger("precinct.live")

CHANNEL = "precinct_live"
QUEUE_SIZE = 2000


@dataclass(eq=False)
class Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: int = 0

    def offer(self, event: dict[str, Any]) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1  # a stalled client misses events rather than stalling the server


class LiveHub:
    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self._listeners: list[Callable[[str], None]] = []
        self._lock = threading.Lock()

    def add_listener(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(kind)`` for every change seen by this process (its own, as soon as it is
        flushed, and other processes' via the relay), e.g. to drop a cache.
        """
        self._listeners.append(listener)

    def changed(self, kind: str) -> None:
        for listener in self._listeners:
            listener(kind)

    def subscribe(self) -> Subscriber:
        subscriber = Subscriber(loop=asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)

    @property
    def subscriber_count(self) -> int:
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
    """LISTENs on PostgreSQL and republishes every notification to the local hub (a background
    job of every server process on PostgreSQL).
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
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()

    @property
    def state(self) -> str:
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
