"""Live push: committed changes reach subscribers, across processes on PostgreSQL, and over SSE."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time

import httpx
import uvicorn
from sqlalchemy.engine import make_url

from precinct.app import session_factory
from precinct.core.db import make_engine
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.live.hub import LiveHub, PostgresRelay, hub
from testkit import ADMIN_ACTOR, test_settings


@contextlib.contextmanager
def running_server(app):
    """Serve ``app`` with uvicorn on a free localhost port; yield the API base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/api/v1"
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.engine.dispose()


def _create_incident(factory, description="live test"):
    with factory() as session:
        incident = incident_service.create(session, IncidentCreate(
            source="phone_110", type_code="theft", lon=114.3, lat=30.58, description=description), actor=ADMIN_ACTOR)
        session.commit()
        return incident.id


def _receive(target_hub, action, *, kind="incident", timeout=10.0):
    async def run():
        subscriber = target_hub.subscribe()
        try:
            await asyncio.get_running_loop().run_in_executor(None, action)
            while True:
                item = await asyncio.wait_for(subscriber.queue.get(), timeout=timeout)
                if item["kind"] == kind:
                    return item
        finally:
            target_hub.unsubscribe(subscriber)

    return asyncio.run(run())


def test_a_committed_incident_is_published_once_and_a_rolled_back_one_never(fresh_database_url, cli):
    assert cli("demo", "load", "--help").exit_code == 0
    factory = session_factory(make_engine(fresh_database_url))
    relay = None
    if make_url(fresh_database_url).get_backend_name() == "postgresql":
        relay = PostgresRelay(fresh_database_url).start()  # what every server process runs
        assert relay.ready.wait(10)
    try:
        item = _receive(hub, lambda: _create_incident(factory, "published"))
        assert item["data"]["description"] == "published" and item["data"]["status"] == "received"

        def rolled_back():
            with factory() as session:
                incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=114.3,
                                                                lat=30.58, description="never"), actor=ADMIN_ACTOR)
                session.flush()
                session.rollback()
            _create_incident(factory, "after rollback")

        seen = _receive(hub, rolled_back)
        assert seen["data"]["description"] == "after rollback"
    finally:
        if relay is not None:
            relay.stop()
        factory.kw["bind"].dispose()


def test_postgres_notifications_reach_another_process_hub(fresh_database_url):
    """A second hub with its own LISTEN connection stands for another server process."""
    if make_url(fresh_database_url).get_backend_name() != "postgresql":
        return  # SQLite serves one process: in-process delivery is covered above
    other = LiveHub()
    relay = PostgresRelay(fresh_database_url, target=other).start()
    assert relay.ready.wait(10)
    factory = session_factory(make_engine(fresh_database_url))
    try:
        item = _receive(other, lambda: _create_incident(factory, "cross-process"))
        assert item["data"]["description"] == "cross-process"
    finally:
        relay.stop()
        factory.kw["bind"].dispose()


def test_sse_stream_over_http(fresh_database_url, cli, tmp_path):
    from precinct.app import create_app

    assert cli("user", "add", "watcher", "--role", "dispatcher", input="quiet-harbour-lantern\n").exit_code == 0
    settings = test_settings(fresh_database_url)
    with running_server(create_app(settings)) as base:
        token = httpx.post(f"{base}/auth/token",
                           data={"username": "watcher", "password": "quiet-harbour-lantern"}).json()["access_token"]
        assert httpx.get(f"{base}/stream").status_code == 401
        received: list[dict] = []

        def listen():
            with httpx.stream("GET", f"{base}/stream", params={"access_token": token}, timeout=20) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                event = None
                for line in response.iter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event == "incident":
                        received.append(json.loads(line[6:]))
                        return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        time.sleep(1.0)
        created = httpx.post(f"{base}/incidents", headers={"Authorization": f"Bearer {token}"}, json={
            "source": "phone_110", "type_code": "noise", "lon": 114.3, "lat": 30.58, "description": "over the wire"})
        assert created.status_code == 201
        listener.join(15)
        assert received and received[0]["id"] == created.json()["id"]
        assert received[0]["description"] == "over the wire"


def test_stream_ends_when_the_account_is_disabled(fresh_database_url, cli, monkeypatch):
    from precinct.live import routes as live_routes

    monkeypatch.setattr(live_routes, "HEARTBEAT_S", 0.2)
    assert cli("user", "add", "leaver", "--role", "dispatcher", input="amber-canal-sparrow\n").exit_code == 0
    from precinct.app import create_app

    app = create_app(test_settings(fresh_database_url))
    with running_server(app) as base:
        token = httpx.post(f"{base}/auth/token",
                           data={"username": "leaver", "password": "amber-canal-sparrow"}).json()["access_token"]
        lines: list[str] = []

        def listen():
            with httpx.stream("GET", f"{base}/stream", params={"access_token": token}, timeout=20) as response:
                for line in response.iter_lines():
                    lines.append(line)

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        deadline = time.monotonic() + 10
        while not lines and time.monotonic() < deadline:  # connected (its first line), however busy the machine
            time.sleep(0.05)
        assert listener.is_alive() and lines, lines
        from sqlalchemy import create_engine, text

        engine = create_engine(fresh_database_url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE users SET is_active = false WHERE username = 'leaver'"))
        engine.dispose()
        listener.join(10)
        assert not listener.is_alive() and "event: end" in lines
