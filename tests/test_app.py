"""The composition root: start-up (thread pool, road-graph and address-index preloads), the background jobs the
settings switch on, their start and stop in the lifespan, the same jobs under plain uvicorn and
``precinct serve``, and the unit-of-work hooks on the app's own sessionmaker."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time

import anyio.to_thread
import httpx
import pytest
from sqlalchemy.orm import sessionmaker

from precinct.app import background_jobs, create_app, install_unit_of_work
from precinct.audit import service as audit_service
from precinct.core.errors import ConfigurationError
from precinct.core.security import SYSTEM_ACTOR
from precinct.roads import graph as roads
from testkit import TEST_AUDIT_KEY, TEST_SECRET, test_settings


def test_start_up_sets_the_thread_pool_and_preloads_the_roads(database, session_factory, monkeypatch):
    from fastapi.testclient import TestClient

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


def test_start_up_builds_the_address_index_before_the_first_search(database, session_factory, monkeypatch):
    from fastapi.testclient import TestClient

    from precinct.addresses import service as addresses
    from precinct.core.cache import TTLCache

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "addresses"))
    from address_kit import ROWS, load_register

    with session_factory() as session:
        load_register(session)
        session.commit()
    built: dict = {}
    monkeypatch.setattr(addresses, "_built", built)
    monkeypatch.setattr(addresses, "_checked", TTLCache(addresses.INDEX_CHECK_S, max_items=16))
    settings = test_settings(database[2], preload_addresses=True, preload_roads=False)
    app = create_app(settings, session_factory=session_factory)
    assert "addresses-preload" in [job.name for job in background_jobs(app)]
    with TestClient(app):  # no request at all (the test's one connection is the job's): the job builds it
        deadline = time.monotonic() + 20
        while not built and time.monotonic() < deadline:
            time.sleep(0.02)
    assert [len(index) for _, _, index in built.values()] == [len(ROWS)]


def test_a_bad_roads_file_does_not_stop_start_up(database, session_factory, caplog, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setattr(roads, "_graphs", {})
    settings = test_settings(database[2],
                        roads_file="/nonexistent/roads.parquet")
    with (caplog.at_level(logging.WARNING, logger="precinct.app"),
          TestClient(create_app(settings, session_factory=session_factory)) as client):
        assert client.get("/api/v1/health").status_code == 200
        deadline = time.monotonic() + 10
        while "could not preload" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
    assert "could not preload the road graph" in caplog.text


def test_the_settings_switch_each_background_job(database, session_factory):
    everything = test_settings(database[2], watchdog_enabled=True, forecast_scheduler_enabled=True,
                               drill_ticker_enabled=True, simulate=True)
    names = [job.name for job in background_jobs(create_app(everything, session_factory=session_factory))]
    relay = ["live-relay"] if database[2].startswith("postgresql") else []
    assert names == ["intake-writer", "roads-preload", *relay, "dispatch-watchdog", "forecast-scheduler",
                     "drill-ticker", "simulator"]
    nothing = test_settings(database[2], preload_roads=False)
    assert [job.name for job in background_jobs(create_app(nothing, session_factory=session_factory))] == [
        "intake-writer", *relay]


def test_the_lifespan_starts_and_stops_the_jobs(database, session_factory, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setattr(roads, "graph_from_file", lambda path: "graph")
    monkeypatch.setattr(roads, "_graphs", {})
    app = create_app(test_settings(database[2], watchdog_enabled=True), session_factory=session_factory)
    with TestClient(app) as client:
        jobs = client.get("/api/v1/health").json()["jobs"]
        assert jobs["intake-writer"] == "running" and jobs["dispatch-watchdog"] == "running"
        assert "forecast-scheduler" not in jobs
    assert {job.name: job.state for job in app.state.jobs}["dispatch-watchdog"] == "stopped"
    assert {job.name: job.state for job in app.state.jobs}["intake-writer"] == "stopped"


def test_sessions_need_the_unit_of_work_hooks_to_record_audit_entries(database):
    plain = sessionmaker(bind=database[0])
    with plain() as session, pytest.raises(ConfigurationError, match="audit entries would be lost"):
        audit_service.record(session, actor=SYSTEM_ACTOR, action="test", resource_type="test")
    hooked = install_unit_of_work(sessionmaker(bind=database[0]))
    assert install_unit_of_work(hooked) is hooked  # a second install is a no-op
    with hooked() as session:
        audit_service.record(session, actor=SYSTEM_ACTOR, action="test", resource_type="test")
        session.rollback()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _jobs_of_a_server(command: list[str], env: dict[str, str], port: int, log) -> dict[str, str]:
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).json()["jobs"]
            except httpx.TransportError:
                time.sleep(0.2)
        pytest.fail(f"{command} did not start")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_plain_uvicorn_and_precinct_serve_run_the_same_jobs(fresh_database_url, tmp_path):
    env = {**os.environ, "PRECINCT_DATABASE_URL": fresh_database_url, "PRECINCT_ENVIRONMENT": "test",
           "PRECINCT_SECRET_KEY": TEST_SECRET, "PRECINCT_PRELOAD_ROADS": "false",
           "PRECINCT_AUDIT_KEY": TEST_AUDIT_KEY, "PRECINCT_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl")}
    found = {}
    with open(tmp_path / "servers.log", "wb") as log:
        port = _free_port()
        found["uvicorn"] = _jobs_of_a_server([sys.executable, "-m", "uvicorn", "precinct.app:create_app", "--factory",
                                              "--port", str(port), "--log-level", "warning"], env, port, log)
        port = _free_port()
        precinct = os.path.join(os.path.dirname(sys.executable), "precinct")
        found["serve"] = _jobs_of_a_server([precinct, "serve", "--port", str(port)], env, port, log)
    assert found["uvicorn"].keys() == found["serve"].keys(), (tmp_path / "servers.log").read_text()
    assert {"intake-writer", "dispatch-watchdog", "forecast-scheduler", "drill-ticker"} <= found["serve"].keys()
    assert "simulator" not in found["serve"]
