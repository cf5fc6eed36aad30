"""Fixtures for the console's browser tests: the real app under uvicorn on a free port, against a
fresh SQLite database holding the Wuhan demo city, and Debian's Chromium driven by Playwright.

The browser tests fail (never skip) when Chromium is missing: ``make test`` installs it with
``scripts/browser-deps.sh``. Screenshots are written to ``test-artifacts/web/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from console_kit import Console, ConsoleServer, chromium, running_console
from playwright.sync_api import expect

expect.set_options(timeout=15_000)  # as long as the contexts' own default: CI machines are loaded


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers",
                            "browser: drives the console in headless Chromium (deselect with -m 'not browser')")


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    with running_console(tmp_path_factory.mktemp("console")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test file: Playwright's sync API keeps an event loop running in this thread
    until it stops, and the other tests a worker runs after this file call ``asyncio.run``."""
    with chromium() as instance:
        yield instance


@pytest.fixture
def open_console(browser, console_server) -> Iterator:
    """``open_console("dispatcher")`` -> a logged-in Console; closed (and checked for JS errors) afterwards."""
    opened: list[Console] = []

    def _open(username: str, **kwargs) -> Console:
        console = Console(browser, console_server, **kwargs)
        opened.append(console)
        return console.log_in(username)

    yield _open
    for console in opened:
        console.close()
