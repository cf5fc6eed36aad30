"""The composition root: everything a Precinct process is made of, put together in one place.

- :func:`create_app` builds the FastAPI application from a :class:`Settings`;
- the model registry: importing this module registers every table on ``Base.metadata``
  (Alembic's environment reads it from :data:`metadata`);
- :func:`install_unit_of_work` puts the session hooks (audit entries, live events, cache
  invalidation) on a sessionmaker, and :func:`session_factory` builds one that has them; the CLI,
  the tests and the server all get their sessions this way;
- :func:`background_jobs` lists the jobs a server process runs (dispatch watchdog, deadline and
  directive sweeps, forecast scheduler, simulator, drill ticker, audit checkpoints, PostgreSQL live
  relay, road-graph and address-index preloads, intake writer), each switched by a setting; the application's
  lifespan starts and stops them, so ``uvicorn precinct.app:create_app --factory`` and
  ``precinct serve`` run the same process.

Nothing below this module imports it; it may import everything.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import precinct
from precinct import __version__
from precinct.addresses import models as _addresses_models
from precinct.addresses import service as addresses_service
from precinct.addresses.routes import router as addresses_router
from precinct.api import errors
from precinct.api import logging as api_logging
from precinct.api.inputs import refuse_unstorable_parameters
from precinct.api.limits import BodyLimits
from precinct.api.openapi import document_errors
from precinct.audit import models as _audit_models
from precinct.audit import service as audit_service
from precinct.audit.checkpoints import CheckpointJob
from precinct.audit.routes import router as audit_router
from precinct.cases import custody_models as _case_custody_models
from precinct.cases import limit_models as _case_limit_models
from precinct.cases import models as _cases_models
from precinct.cases.limit_routes import router as case_limits_router
from precinct.cases.routes import router as cases_router
from precinct.cases.sweep import sweep_job as case_sweep_job
from precinct.cities import models as _cities_models
from precinct.cities import service as cities_service
from precinct.cities.routes import router as cities_router
from precinct.core.cache import clear_registered
from precinct.core.db import UNIT_OF_WORK, Base, make_engine, make_session_factory, refuse_writes_when_read_only
from precinct.core.jobs import Job, OneShot
from precinct.core.settings import Settings, get_settings
from precinct.deployment.routes import router as deployment_router
from precinct.directives import models as _directives_models
from precinct.directives.routes import router as directives_router
from precinct.directives.sweep import sweep_job as directive_sweep_job
from precinct.dispatch import models as _dispatch_models
from precinct.dispatch.intake import GroupCommit, intake_answers
from precinct.dispatch.routes import router as dispatch_router
from precinct.dispatch.watchdog import watchdog_job
from precinct.disputes import models as _disputes_models
from precinct.disputes.routes import router as disputes_router
from precinct.drills import models as _drills_models
from precinct.drills import service as drills_service
from precinct.drills.routes import router as drills_router
from precinct.forecasts import models as _forecasts_models
from precinct.forecasts.routes import router as forecasts_router
from precinct.forecasts.scheduler import forecast_scheduler_job
from precinct.forecasts.trend_routes import router as forecast_trends_router
from precinct.incidents import schemas as incident_schemas
from precinct.incidents.desk_routes import router as incident_desk_router
from precinct.incidents.models import Incident
from precinct.incidents.routes import router as incidents_router
from precinct.live.hooks import LiveEvents
from precinct.live.hub import PostgresRelay
from precinct.live.routes import router as live_router
from precinct.org import models as _org_models
from precinct.org import stream as org_stream
from precinct.org.routes import router as org_router
from precinct.places import inspection_models as _inspection_models
from precinct.places import models as _places_models
from precinct.places.hazards import sweep_job as hazard_sweep_job
from precinct.places.routes import router as places_router
from precinct.places.work_routes import router as places_work_router
from precinct.roads.graph import road_graph
from precinct.roads.routes import router as roads_router
from precinct.supervision import deadlines as supervision_deadlines
from precinct.supervision import models as _supervision_models
from precinct.supervision.routes import router as supervision_router
from precinct.supervision.sweep import sweep_job
from precinct.system.routes import router as system_router
from precinct.units import schemas as unit_schemas
from precinct.units.models import Unit
from precinct.units.routes import router as units_router
from precinct.users import models as _users_models
from precinct.users import service as users_service
from precinct.users.routes import router as users_router

API_PREFIX = "/api/v1"
STATIC_DIR = Path(precinct.__file__).resolve().parent / "web" / "static"
logger = logging.getLogger(__name__)

metadata: MetaData = Base.metadata
"""Every table of the platform (the imports above register them)."""

#: the model registry: the models modules that no route or hook names, imported for their tables
_REGISTERED_MODELS = (_audit_models, _dispatch_models, _drills_models, _forecasts_models, _org_models, _places_models,
                      _supervision_models, _users_models, _directives_models, _addresses_models, _cities_models,
                      _inspection_models, _disputes_models,  # inspections and hazards; disputes and operations
                      _cases_models, _case_limit_models, _case_custody_models)  # cases, their limits and custody

# Dispatch comes before incidents so that /incidents/duplicates is not taken for an incident id.
ROUTERS: tuple[APIRouter, ...] = (
    disputes_router, places_work_router,  # disputes and repeat-place operations; inspections, hazards, beat log
    system_router, users_router, dispatch_router, incidents_router, units_router, org_router, audit_router,
    live_router, roads_router, forecasts_router, deployment_router, drills_router, places_router, supervision_router,
    directives_router, incident_desk_router, addresses_router, cities_router,
    forecast_trends_router,  # the analyst view's aggregates: profiles, trends, heat-map cells
    case_limits_router, cases_router,  # the fixed /cases paths (overdue, rules, figures) before /cases/{case_id}
)

LIVE_EVENTS = LiveEvents({Incident: ("incident", incident_schemas.live_payload),
                          Unit: ("unit", unit_schemas.live_payload)})


def install_unit_of_work(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Make every commit of ``factory``'s sessions carry its audit entries and live events.

    Hooks, in order: live events are collected after each flush and sent (NOTIFY) first when the
    session commits; the audit entries are chained and written next, in the same transaction;
    after the commit, caches that the transaction changed are cleared and (on SQLite) the live
    events go to this process's hub. A rollback drops the queued entries and events. Installing
    twice is a no-op.
    """
    if (factory.kw.get("info") or {}).get(UNIT_OF_WORK):
        return factory
    LIVE_EVENTS.install(factory)  # first: its before-commit NOTIFY runs before the audit chain's lock
    event.listen(factory, "before_flush", refuse_writes_when_read_only)
    event.listen(factory, "before_flush", supervision_deadlines.track_stages)
    event.listen(factory, "after_flush", users_service.forget_changed_accounts)
    event.listen(factory, "before_commit", audit_service.flush_pending)
    event.listen(factory, "after_commit", clear_registered)
    event.listen(factory, "after_soft_rollback", _rolled_back)
    factory.configure(info={**(factory.kw.get("info") or {}), UNIT_OF_WORK: True})
    return factory


def _rolled_back(session: Session, _previous: object) -> None:
    audit_service.discard_pending(session)
    clear_registered(session)


def session_factory(database: str | Engine) -> sessionmaker[Session]:
    """Return a sessionmaker with the unit-of-work hooks, on ``database`` (a URL or an engine)."""
    engine = make_engine(database) if isinstance(database, str) else database
    return install_unit_of_work(make_session_factory(engine))


def api_routes() -> list[tuple[str, str, APIRoute]]:
    """Every (method, full path, route) the API serves, for docs and the role-matrix test."""
    return [
        (method, API_PREFIX + route.path, route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
    ]


def _preload_roads(roads_file: str) -> None:
    """Build the road graph now (dispatch's first call would otherwise wait for it)."""
    try:
        road_graph(roads_file)
    except Exception:  # the first route that needs roads reports the problem
        logger.warning("could not preload the road graph from %s", roads_file, exc_info=True)


def _preload_addresses(factory: sessionmaker[Session]) -> None:
    """Build the address search index now (the first search would otherwise wait for it)."""
    try:
        addresses_service.preload_index(factory)
    except Exception:  # the first search reports the problem
        logger.warning("could not preload the address index", exc_info=True)


def background_jobs(app: FastAPI) -> list[Job]:
    """Return the jobs this server process runs, as its settings switch them (not started yet)."""
    settings: Settings = app.state.settings
    factory: sessionmaker[Session] = app.state.session_factory
    jobs: list[Job] = [app.state.intake_writer]
    if settings.preload_roads:
        jobs.append(OneShot("roads-preload", lambda: _preload_roads(settings.roads_file)))
    if settings.preload_addresses:
        jobs.append(OneShot("addresses-preload", lambda: _preload_addresses(factory)))
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        jobs.append(PostgresRelay(settings.database_url))
    if settings.watchdog_enabled:
        jobs.append(watchdog_job(factory, settings))
    if settings.deadline_sweep_enabled:
        jobs.append(sweep_job(factory, settings))
    if settings.directive_sweep_enabled:
        jobs.append(directive_sweep_job(factory, escalate_after_s=settings.directive_escalate_after_s))
    if settings.case_sweep_enabled:
        jobs.append(case_sweep_job(factory, every_s=settings.case_sweep_interval_s, zone=settings.zone))
    if settings.hazard_sweep_enabled:
        jobs.append(hazard_sweep_job(factory, escalate_after_s=settings.hazard_escalate_after_s))
    if settings.forecast_scheduler_enabled:
        jobs.append(forecast_scheduler_job(factory, method=settings.forecast_method, zone=settings.zone))
    if settings.drill_ticker_enabled:
        jobs.append(drills_service.ticker_job(factory, lambda: road_graph(settings.roads_file)))
    if settings.audit_checkpoint_interval_s > 0:
        jobs.append(CheckpointJob(factory, settings.audit_checkpoint_file, settings.audit_key.encode(),
                                  every_s=settings.audit_checkpoint_interval_s))
    if settings.simulate:
        from precinct.demo.simulate import simulator_job  # the demo's data is read only when it runs

        jobs.append(simulator_job(factory, settings))
    return jobs


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
    api_logging.install()  # uvicorn has configured its loggers by now: tokens in stream URLs are redacted
    app.state.jobs = [job.start() for job in background_jobs(app)]
    logger.info("background jobs: %s", ", ".join(job.name for job in app.state.jobs))
    try:
        yield
    finally:
        for job in reversed(app.state.jobs):
            job.stop()


def create_app(settings: Settings | None = None, *, session_factory: sessionmaker[Session] | None = None) -> FastAPI:
    """Build the application.

    Tests pass their own settings and a sessionmaker bound to a test transaction (it gets the
    unit-of-work hooks too); without arguments the settings come from the environment
    (``PRECINCT_*``), which is how ``uvicorn --factory`` calls it.
    """
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
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
    app.state.session_factory = install_unit_of_work(session_factory)
    # the city set up with `precinct city init`: its roads and time zone where the environment sets neither
    settings = app.state.settings = cities_service.settings_for_city(settings, app.state.session_factory)
    app.state.database_key = str(session_factory.kw["bind"].engine.url)  # what per-database caches are keyed by
    app.state.intake_writer = GroupCommit(app.state.session_factory, answer=intake_answers(settings))
    app.state.accounts = users_service.AccountDirectory()
    app.state.stream_filter = org_stream.stream_filter  # each account's live stream carries its scope only
    app.state.jobs = []
    errors.install(app)
    app.add_middleware(BodyLimits, secret_key=settings.secret_key, prefix=API_PREFIX)
    document_errors(route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute))
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX, dependencies=[Depends(refuse_unstorable_parameters)])
    if (STATIC_DIR / "index.html").exists():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="console")
    return app
