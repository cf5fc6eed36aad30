"""Coverage takes a bounded number of thresholds, and its caches keep a bounded number of results."""

from __future__ import annotations

import pytest

from precinct.core.cache import TTLCache
from precinct.core.permissions import Role
from precinct.deployment import service
from precinct.deployment.schemas import MAX_THRESHOLD_MIN, MAX_THRESHOLDS

URL = "/api/v1/planning/coverage"


def _minutes(values) -> str:
    return URL + "?" + "&".join(f"minutes={value:g}" for value in values)


def _fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [field["field"] for field in response.json()["error"]["fields"]]


def test_more_thresholds_than_allowed_is_a_422_naming_minutes(client, auth):
    service.areas_cache.clear()
    response = client.get(_minutes(range(1, MAX_THRESHOLDS + 2)), headers=auth(Role.ANALYST))
    assert _fields(response) == ["query.minutes"]
    assert service.areas_cache.size == 0  # refused before any area was computed


@pytest.mark.parametrize("value", [0, -1, MAX_THRESHOLD_MIN + 0.5])
def test_a_threshold_outside_0_30_minutes_is_a_422(client, auth, value):
    assert _fields(client.get(_minutes([1, value]), headers=auth(Role.ANALYST))) == ["query.minutes.1"]


def test_the_service_refuses_too_many_thresholds_too(session):
    with pytest.raises(ValueError, match=f"at most {MAX_THRESHOLDS} thresholds"):
        service.coverage(session, minutes=[float(m) for m in range(1, MAX_THRESHOLDS + 2)],
                         graph=None, roads_key="unused")


def test_distinct_thresholds_do_not_grow_the_caches_past_their_bounds(client, auth, monkeypatch):
    monkeypatch.setattr(service, "_stations", lambda session: ())  # nothing to compute: each request is quick
    asked = service.SUMMARY_CACHE_ITEMS + 8
    for step in range(asked):
        response = client.get(_minutes([0.5 + step * 0.5]), headers=auth(Role.ANALYST))
        assert response.status_code == 200, response.text
    assert service.areas_cache.size == service.AREAS_CACHE_ITEMS
    assert service.summary_cache.size == service.SUMMARY_CACHE_ITEMS


def test_a_bounded_cache_forgets_the_least_recently_used_first():
    cache = TTLCache[str](ttl_s=60, max_items=2)
    loads: list[str] = []

    def load(key: str):
        return lambda: loads.append(key) or key

    for key in ("a", "b"):
        cache.get_or_load(key, load(key))
    cache.get_or_load("a", load("a"))  # a is used again: b is now the oldest
    cache.get_or_load("c", load("c"))
    assert cache.size == 2
    cache.get_or_load("a", load("a"))
    cache.get_or_load("b", load("b"))
    assert loads == ["a", "b", "c", "b"]


def test_an_unbounded_cache_is_only_for_keys_users_do_not_choose():
    assert service.areas_cache.max_items == service.AREAS_CACHE_ITEMS
    assert service.summary_cache.max_items == service.SUMMARY_CACHE_ITEMS
