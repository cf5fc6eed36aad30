"""Application start-up: the thread pool size and the road-graph preload."""

from __future__ import annotations

from testkit import test_settings

import logging
import time

import anyio.to_thread

from precinct.roads import graph as roads


def test_start_up_sets_the_thread_pool_and_preloads_the_roads(database, session_factory, monkeypatch):
    from fastapi.testclient import TestClient

    from precinct.app import create_app

    built = []
    monkeypatch.setattr(roads, "graph_from_file", lambda path: built.append(path) or "graph")
    monkeypatch.setattr(roads, "_graphs", {})
    settings = test_settings(database[2],
                        roads_file="/data/city-roads.parquet", api_threads=7)
    seen = {}

    app = create_app(settings, session_factory=session_factory)

    @app.get("/probe")
    async def probe() -> dict:
        seen["tokens"] = anyio.to_thread.current_default_thread_limiter().total_tokens
        return {}

    app.router.routes.insert(0, app.router.routes.pop())  # ahead of the console's catch-all mount
    with TestClient(app) as client:
        assert client.get("/probe").status_code == 200
        deadline = time.monotonic() + 10
        while not built and time.monotonic() < deadline:
            time.sleep(0.02)
    assert seen["tokens"] == 7
    assert built == ["/data/city-roads.parquet"]


def test_a_bad_roads_file_does_not_stop_start_up(database, session_factory, caplog, monkeypatch):
    from fastapi.testclient import TestClient

    from precinct.app import create_app

    monkeypatch.setattr(roads, "_graphs", {})
    settings = test_settings(database[2],
                        roads_file="/nonexistent/roads.parquet")
    with caplog.at_level(logging.WARNING, logger="precinct.app"):
        with TestClient(create_app(settings, session_factory=session_factory)) as client:
            assert client.get("/api/v1/health").status_code == 200
            deadline = time.monotonic() + 10
            while "could not preload" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.02)
    assert "could not preload the road graph" in caplog.text
