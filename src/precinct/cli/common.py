"""What every CLI command shares: settings, a session per command, the actor, error output."""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from precinct.core.errors import PrecinctError, ValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.core.settings import Settings

console = Console()
error_console = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def load_settings() -> Settings:
    try:
        return Settings()
    except PrecinctError as exc:
        error_console.print(f"[red]配置错误 / configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def cli_actor() -> Actor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor(username=f"cli:{name}"[:64], role=Role.ADMIN, ip="local")


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """One unit of work for a command, on the configured database (its engine closed afterwards)."""
    from precinct.app import session_factory

    factory = session_factory(settings.database_url)
    try:
        with factory() as session:
            yield session
    finally:
        factory.kw["bind"].dispose()


def handle_errors(func: F) -> F:
    """Turn domain errors into a one-line message and exit code (2 for bad input, 1 otherwise)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PrecinctError as exc:
            error_console.print(f"[red]错误 / error:[/red] {exc}")
            raise typer.Exit(2 if isinstance(exc, ValidationError) else 1) from exc

    return wrapper  # type: ignore[return-value]
