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

from pydantic import ValidationError as PydanticValidationError

from precinct.core.errors import ConfigurationError, NotFoundError, PrecinctError, ValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.core.settings import Settings

console = Console()
error_console = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


EXIT_FAILED = 1
"""The operation failed on the data: a conflict, a broken audit chain, rows refused by an import."""
EXIT_BAD_INPUT = 2
"""Fix the command: a bad argument or setting, a file or record it names that does not exist."""
BAD_INPUT: tuple[type[Exception], ...] = (ValidationError, NotFoundError, ConfigurationError, OSError,
                                         UnicodeDecodeError)


def exit_code_for(exc: Exception) -> int:
    """The one mapping from an error to the command's exit status (:data:`EXIT_BAD_INPUT` or
    :data:`EXIT_FAILED`). Unreadable files count as bad input, whichever library noticed."""
    if isinstance(exc, BAD_INPUT) or type(exc).__module__.startswith("pandas.errors"):
        return EXIT_BAD_INPUT
    return EXIT_FAILED


def fail(exc: Exception) -> typer.Exit:
    """Print ``错误 / error: <message>`` on standard error and return the exit to raise."""
    error_console.print(f"[red]错误 / error:[/red] {exc}", markup=True, highlight=False)
    return typer.Exit(exit_code_for(exc))


def load_settings() -> Settings:
    """The settings from the environment (``PRECINCT_*``); bad ones exit with :data:`EXIT_BAD_INPUT`."""
    try:
        return Settings()
    except (PrecinctError, PydanticValidationError) as exc:
        raise fail(ConfigurationError(f"the settings are not valid: {exc}")) from exc


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
    """Every command's error handling: a domain error or an unreadable file becomes a one-line
    message and the exit status of :func:`exit_code_for`, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (PrecinctError, OSError, UnicodeDecodeError) as exc:
            raise fail(exc) from exc
        except Exception as exc:
            if exit_code_for(exc) == EXIT_BAD_INPUT:  # a CSV that pandas could not parse
                raise fail(ValidationError(f"cannot read the file: {exc}")) from exc
            raise

    return wrapper  # type: ignore[return-value]
