"""The FastAPI application factory."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.engine import make_url

import precinct.core.models  # noqa: F401  (register every table)
import precinct.core.unit_of_work  # noqa: F401  (audit entries join every commit)
from precinct import __version__
from precinct import web
from precinct.api import errors
from precinct.analysis_store.routes import router as analysis_router
from precinct.audit.routes import router as audit_router
from precinct.core.db import make_engine, make_session_factory
from precinct.core.settings import Settings, get_settings
from precinct.dispatch.roads import road_graph
from precinct.dispatch.routes import intake_answers
from precinct.dispatch.routes import router as dispatch_router
from precinct.drills.routes import router as drills_router
from precinct.incidents.group_commit import GroupCommit
from precinct.incidents.routes import router as incidents_router
from precinct.live.hub import PostgresRelay
from precinct.live.routes import router as live_router
from precinct.org.routes import router as org_router
from precinct.places.routes import router as places_router
from precinct.system.routes import router as system_router
from precinct.planning_api.routes import router as planning_router
from precinct.units.routes import router as units_router
from precinct.users.routes import router as users_router
from precinct.web.routes import router as map_router

API_PREFIX = "/api/v1"
logger = logging.getLogger(__name__)

# Dispatch comes before incidents so that /incidents/duplicates is not taken for an incident id.
ROUTERS: tuple[APIRouter, ...] = (
    system_router, users_router, dispatch_router, incidents_router, units_router, org_router, audit_router,
    live_router, map_router, analysis_router, planning_router, drills_router, places_router,
)


def api_routes() -> list[tuple[str, str, APIRoute]]:
    """Every (method, full path, route) the API serves, for docs and the role-matrix test."""
    return [
        (method, API_PREFIX + route.path, route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]


def _preload_roads(roads_file: str | None) -> None:
    """Build the road graph now (dispatch's first call would otherwise wait for it)."""
    try:
        road_graph(roads_file)
    except Exception:  # noqa: BLE001  the first route that needs roads reports the problem
        logger.warning("could not preload the road graph from %s", roads_file or "the demo roads", exc_info=True)


def create_app(settings: Settings | None = None, *, session_factory=None) -> FastAPI:  # type: ignore[no-untyped-def]
    """Build the app. Tests pass their own settings and a session factory bound to a test transaction."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        if settings.preload_roads:
            threading.Thread(target=_preload_roads, args=(settings.roads_file,), name="precinct-roads", daemon=True).start()
        relay = None
        if make_url(settings.database_url).get_backend_name() == "postgresql":
            relay = PostgresRelay(settings.database_url).start()
        yield
        app.state.intake_writer.stop()
        if relay is not None:
            relay.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Precinct",
        version=__version__,
        description="情指行一体化 — incidents, dispatch, analysis and planning for city police. "
        "Map data © OpenStreetMap contributors (ODbL).",
    )
    app.state.settings = settings
    if session_factory is None:
        engine = make_engine(settings.database_url)
        app.state.engine = engine
        session_factory = make_session_factory(engine)
    app.state.session_factory = session_factory
    bind = session_factory.kw["bind"]
    app.state.database_key = str(bind.engine.url)  # what per-database caches are keyed by
    app.state.intake_writer = GroupCommit(session_factory, answer=intake_answers(settings))
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    web.mount(app)
    return app
