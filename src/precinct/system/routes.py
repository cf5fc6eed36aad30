"""System routes: ``GET /health`` (no log-in) and ``GET /meta`` (any account)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from sqlalchemy import text

from precinct import __version__
from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.system import service
from precinct.system.schemas import HealthRead, MetaRead

router = APIRouter(tags=["system"])


@router.get("/health", response_model=HealthRead)
def health(request: Request, session: SessionDep) -> HealthRead:
    """Say that the server answers and its database is reachable, and the state of its background jobs."""
    session.execute(text("SELECT 1"))
    return HealthRead(status="ok", version=__version__, database=session.get_bind().dialect.name,
                      jobs={job.name: job.state for job in request.app.state.jobs})


@router.get("/meta", response_model=MetaRead)
def meta(settings: SettingsDep, _: Annotated[Actor, require(Permission.ANY)]) -> MetaRead:
    """Return the reference tables the console reads instead of keeping its own copies.

    Roles and their permissions, the incident and unit status machines, the code lists and the
    city's time zone.
    """
    return service.describe(settings)
