"""A tiny process-local cache for reference data that changes rarely (types, plans, boundaries).

Writes in this process clear it at once; other processes see a change within ``ttl_s``.
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

V = TypeVar("V")


class TTLCache(Generic[V]):
    """Values by key, each kept for ``ttl_s`` seconds after it was loaded (thread-safe).

    With ``max_items`` it keeps at most that many, forgetting the least recently used first: a
    cache whose keys come from user input must have one.
    """

    def __init__(self, ttl_s: float, *, max_items: int | None = None) -> None:
        self.ttl_s = ttl_s
        self.max_items = max_items
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        _ALL.add(self)

    def get_or_load(self, key: Hashable, load: Callable[[], V]) -> V:
        """Return the fresh value of ``key``, else call ``load()`` and keep what it returns."""
        now = time.monotonic()
        item = self._items.get(key)
        if item is not None and now - item[0] < self.ttl_s:
            self._touch(key)
            return item[1]
        generation = self._generation
        value = load()
        self.store(key, value, generation, now)  # a clear() during the load makes its result stale
        return value

    @property
    def size(self) -> int:
        """How many values are kept (fresh or not yet dropped)."""
        return len(self._items)

    def _touch(self, key: Hashable) -> None:
        if self.max_items is not None:
            with self._lock, contextlib.suppress(KeyError):  # cleared meanwhile
                self._items.move_to_end(key)

    @property
    def generation(self) -> int:
        """Read before loading a value outside :meth:`get_or_load`; pass it to :meth:`store`."""
        return self._generation

    def peek(self, key: Hashable) -> V | None:
        """Return the cached value if it is still fresh, else ``None`` (for callers that load asynchronously)."""
        item = self._items.get(key)
        if item is not None and time.monotonic() - item[0] < self.ttl_s:
            return item[1]
        return None

    def store(self, key: Hashable, value: V, generation: int, loaded_at: float) -> None:
        """Keep ``value`` unless the cache was cleared since ``generation`` was read."""
        with self._lock:
            if generation == self._generation:
                self._items[key] = (loaded_at, value)
                self._items.move_to_end(key)
                while self.max_items is not None and len(self._items) > self.max_items:
                    self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every value; a load running meanwhile keeps its result to itself."""
        with self._lock:
            self._generation += 1
            self._items.clear()

    def clear_when_done(self, session: Session) -> None:
        """Clear now and again when ``session``'s transaction commits or rolls back."""
        self.clear()
        session.info.setdefault(SESSION_KEY, set()).add(self)


SESSION_KEY = "precinct_caches_to_clear"
_ALL: weakref.WeakSet[TTLCache[Any]] = weakref.WeakSet()


def clear_all() -> None:
    """Clear every cache (e.g. after a test rolls back a whole connection)."""
    for cache in list(_ALL):
        cache.clear()


def clear_registered(session: Session) -> None:
    """Clear the caches that :meth:`TTLCache.clear_when_done` registered on ``session``."""
    for cache in session.info.pop(SESSION_KEY, ()):
        cache.clear()
