"""The process-local TTL cache."""

from __future__ import annotations


def test_a_clear_during_a_load_is_not_undone():
    from precinct.core.cache import TTLCache

    cache = TTLCache[int](ttl_s=60)

    def slow_load():
        cache.clear()  # a write lands while the old value is being read
        return 1

    assert cache.get_or_load("k", slow_load) == 1
    assert cache.get_or_load("k", lambda: 2) == 2  # the stale load was not kept
