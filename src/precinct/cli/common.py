"""What every CLI command shares: settings, a session per command, the actor, error output."""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.console import Console
from rich.text import Text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

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
    """Map an error to the command's exit status: the one place that decides it.

    :data:`EXIT_BAD_INPUT` or :data:`EXIT_FAILED`; unreadable files count as bad input, whichever
    library noticed.
    """
    if isinstance(exc, BAD_INPUT) or type(exc).__module__.startswith("pandas.errors"):
        return EXIT_BAD_INPUT
    return EXIT_FAILED


def fail(exc: Exception) -> typer.Exit:
    """Print ``错误 / error: <message>`` on standard error and return the exit to raise."""
    error_console.print(Text.assemble(("错误 / error:", "red"), " ", str(exc)), highlight=False)
    return typer.Exit(exit_code_for(exc))


def load_settings() -> Settings:
    """Read the settings from the environment (``PRECINCT_*``) and the stored city; bad ones exit 2.

    Bad settings exit with :data:`EXIT_BAD_INPUT`. The city set up with ``precinct city init``
    gives the roads file and the time zone where the environment sets neither, as it does for the
    server (``create_app``).
    """
    try:
        settings = Settings()
    except (PrecinctError, PydanticValidationError) as exc:
        raise fail(ConfigurationError(f"the settings are not valid: {exc}")) from exc
    return with_stored_city(settings)


def with_stored_city(settings: Settings) -> Settings:
    """Return ``settings`` with the stored city's roads file and time zone where they set neither.

    A SQLite database that does not exist yet is not created to look (a command that never opens
    the database leaves no file behind); one that cannot be read changes nothing.
    """
    if not {"roads_file", "local_timezone"} - settings.model_fields_set:
        return settings
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"
                                               or not Path(url.database).exists()):
        return settings
    from precinct.app import session_factory
    from precinct.cities.service import settings_for_city

    factory = session_factory(settings.database_url)
    engine = factory.kw["bind"]
    try:
        try:
            with engine.connect():
                pass
        except SQLAlchemyError:
            return settings  # the command says what is wrong when it opens the database
        return settings_for_city(settings, factory)
    finally:
        engine.dispose()


def cli_actor() -> Actor:
    """Name the actor a command acts as: ``cli:<operating-system user>``, with the admin role.

    An operator at the server's console has the database in hand anyway; the audit log says who.
    """
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
    """Wrap a command: a domain error or an unreadable file becomes one line and an exit status.

    The status is :func:`exit_code_for`'s; never a traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401  (whatever the command returns)
        try:
            return func(*args, **kwargs)
        except (PrecinctError, OSError, UnicodeDecodeError) as exc:
            raise fail(exc) from exc
        except Exception as exc:
            if exit_code_for(exc) == EXIT_BAD_INPUT:  # a CSV that pandas could not parse
                raise fail(ValidationError(f"cannot read the file: {exc}")) from exc
            raise

    return wrapper  # type: ignore[return-value]
