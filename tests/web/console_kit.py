"""Helpers for the console's browser tests (fixtures are in conftest.py beside this file)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import select

from testkit import TEST_AUDIT_KEY, TEST_SECRET, test_settings

CHROMIUM = os.environ.get("PRECINCT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
REPO = Path(__file__).resolve().parents[2]
CENTRE = (114.30, 30.585)  # on the Wuhan road network


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


STEP_S = 30  # a TOTP code's time step
MARGIN_S = 5  # a code is given only while it stays valid at least this long


def wrong_code(secret: str) -> str:
    """Six digits the server refuses for ``secret`` now (not the code of any step it would accept)."""
    totp = pyotp.TOTP(secret, interval=STEP_S)
    current = int(time.time() // STEP_S)
    valid = {totp.at(step * STEP_S) for step in range(current - 2, current + 3)}
    return next(code for code in (f"{n:06d}" for n in range(123456, 1_000_000, 7919)) if code not in valid)


@dataclass
class SecondFactors:
    """Authenticator codes for the accounts whose TOTP secret the tests know, each time step used once.

    The server accepts the codes of the step before, the current one and the one after, and never a step
    at or before the last one the account used. So up to three log-ins per account fit in one step
    without waiting: each gets the oldest step still valid for ``MARGIN_S`` that is newer than the last.
    Only a fourth within the same 30 s waits (for the next step).
    """

    secrets: dict[str, str]
    last_step: dict[str, int] = field(default_factory=dict)

    def __contains__(self, username: str) -> bool:
        return username in self.secrets

    def remember(self, username: str, secret: str, *, used_at: float | None = None) -> None:
        """Know ``username``'s secret from now on (its code of the step at ``used_at`` was used already)."""
        self.secrets[username] = secret
        if used_at is not None:
            self.last_step[username] = int(used_at // STEP_S)

    def code(self, username: str) -> str:
        """A code the server takes for ``username`` now, never given before."""
        now = time.time()
        current = int(now // STEP_S)
        oldest = current - 1 if (current + 1) * STEP_S - now > MARGIN_S else current
        step = max(oldest, self.last_step.get(username, oldest - 1) + 1)
        if step > current + 1:  # the three steps of this moment are used: wait for the next step
            time.sleep((step - 1) * STEP_S - now + 0.1)
        self.last_step[username] = step
        return pyotp.TOTP(self.secrets[username], interval=STEP_S).at(step * STEP_S)

@dataclass
class ConsoleServer:
    base_url: str
    passwords: dict[str, str]
    officer_unit_id: int
    log_file: Path
    factors: SecondFactors
    recovery_codes: dict[str, list[str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def log_in_form(self, username: str) -> dict[str, str]:
        """The log-in form for ``username``, with a fresh authenticator code where the account has one."""
        form = {"username": username, "password": self.passwords[username]}
        if username in self.factors:
            form["otp"] = self.factors.code(username)
        return form

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = httpx.post(f"{self.base_url}/api/v1/auth/token", data=self.log_in_form(username), timeout=30)
            response.raise_for_status()
            self.tokens[username] = response.json()["access_token"]
        return self.tokens[username]

    def api(self, username: str, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(username)}"}
        response = httpx.request(method, f"{self.base_url}/api/v1{path}", headers=headers, timeout=30, **kwargs)
        assert response.status_code < 400, f"{method} {path}: {response.status_code} {response.text}"
        return response


def create_incident(server: ConsoleServer, *, username: str = "calltaker", type_code: str = "theft",
                    lon: float = CENTRE[0], lat: float = CENTRE[1], caller: str = "",
                    description: str = "web test") -> dict:
    """Take a call through the API (as the call taker by default); returns the new incident."""
    body = {"source": "phone_110", "type_code": type_code, "description": description, "address": "测试路 1 号",
            "lon": lon, "lat": lat}
    if caller:
        body["parties"] = [{"kind": "caller", "name": caller, "phone": "13800000000", "notes": ""}]
    return server.api(username, "POST", "/incidents", json=body).json()


def free_unit(server: ConsoleServer, unit_id: int) -> None:
    """Close (as resolved) every open call the unit is still on, so that a test can dispatch it afresh."""
    busy = server.api("dispatcher", "GET", "/incidents", params={
        "status": ["dispatched", "en_route", "on_scene"], "page_size": 500}).json()["items"]
    for incident in busy:
        assignments = server.api("dispatcher", "GET", f"/incidents/{incident['id']}/assignments").json()
        if any(a["unit_id"] == unit_id and a["cleared_at"] is None for a in assignments):
            server.api("dispatcher", "POST", f"/incidents/{incident['id']}/transitions",
                       json={"status": "closed", "disposition": "resolved", "note": "test clean-up"})


def new_account(server: ConsoleServer, username: str, role: str, **fields: object) -> dict:
    """Create an account through the API as the demo admin (its password kept in ``server.passwords``).

    Without an ``org_unit_id`` the account is placed at the city bureau.
    """
    password = "amber lantern rivers quietly 9274"
    if "org_unit_id" not in fields:
        fields["org_unit_id"] = server.api("admin", "GET", "/org/units", params={"tier": "city"}).json()[0]["id"]
    user = server.api("admin", "POST", "/users", json={"username": username, "password": password, "role": role,
                                                        **fields}).json()
    server.passwords[username] = password
    return user


def lock_out(server: ConsoleServer, username: str, *, failures: int = 5) -> None:
    """Give ``username`` the wrong password ``failures`` times: the server's default locks the account."""
    for _ in range(failures):
        response = httpx.post(f"{server.base_url}/api/v1/auth/token",
                              data={"username": username, "password": "not the password at all"})
        assert response.status_code == 401, response.text


def _seed(url: str, credentials_file: Path) -> int:
    """Migrate, load the incident types and the Wuhan demo city; bind the demo officer to a unit."""
    from precinct.app import session_factory
    from precinct.core import migrate
    from precinct.core.db import make_engine
    from precinct.core.permissions import Role
    from precinct.core.security import Actor
    from precinct.demo import city
    from precinct.incidents import service as incident_service
    from precinct.units.models import Unit, UnitStatus, UnitType
    from precinct.users.models import User

    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            incident_service.load_default_types(session)
            city.load(session, actor=Actor(username="web-tests", role=Role.ADMIN, ip="127.0.0.1"),
                      credentials_file=credentials_file, settings=test_settings(url))
            officer = session.scalar(select(User).where(User.username == "officer"))
            if officer.unit_id is None:  # older demo data: crew a unit for the officer view
                officer.unit_id = session.scalar(
                    select(Unit.id).where(Unit.unit_type == UnitType.PATROL_CAR, Unit.status == UnitStatus.AVAILABLE,
                                          Unit.lon.is_not(None)).order_by(Unit.id.desc())
                )
            session.commit()
            return officer.unit_id
    finally:
        engine.dispose()


@contextmanager
def running_console(root: Path) -> Iterator[ConsoleServer]:
    """Seed a fresh database under ``root`` and serve the app on a free port while the block runs."""
    url = f"sqlite:///{root / 'console.db'}"
    credentials = root / "demo-credentials.json"
    officer_unit_id = _seed(url, credentials)
    accounts = json.loads(credentials.read_text(encoding="utf-8"))
    passwords = {a["username"]: a["password"] for a in accounts}
    factors = SecondFactors({a["username"]: a["totp_secret"] for a in accounts if "totp_secret" in a})
    recovery_codes = {a["username"]: a["recovery_codes"] for a in accounts if "recovery_codes" in a}
    with serving(url, root) as (base_url, log_file):
        yield ConsoleServer(base_url, passwords, officer_unit_id, log_file, factors, recovery_codes)


@contextmanager
def serving(url: str, root: Path) -> Iterator[tuple[str, Path]]:
    """Serve the app on the database at ``url`` (on a free port, from ``root``) while the block runs.

    Yields the base URL and the server's log file. Roads and time zone are the server's own choice:
    the environment sets neither, so a city stored with ``precinct city init`` gives them.
    """
    port = free_port()
    # Every browser and API log-in comes from 127.0.0.1: no growing delays after the tests' deliberate failures.
    env = {**os.environ, "PRECINCT_DATABASE_URL": url, "PRECINCT_ENVIRONMENT": "test",
           "PRECINCT_SECRET_KEY": TEST_SECRET, "PRECINCT_AUDIT_KEY": TEST_AUDIT_KEY,
           "PRECINCT_LOGIN_BACKOFF_BASE_S": "0", "PYTHONWARNINGS": "default"}
    log_file = root / "server.log"
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "precinct.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base_url}/api/v1/health", timeout=2)
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start: {log_file.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        # The road graph and the address index load in the background: a test's first recommendation or
        # search should not wait for them on a busy machine, so the tests start once they are loaded.
        deadline = time.monotonic() + 240
        while any(name.endswith("-preload") and state == "running" for name, state in health.json()["jobs"].items()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not load its roads: {log_file.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
            health = httpx.get(f"{base_url}/api/v1/health", timeout=10)
        yield base_url, log_file
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium under Playwright; fails (never skips) when it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run 'bash scripts/browser-deps.sh' (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Console:
    """One browser context (a fresh profile) on the console, with page errors collected."""

    def __init__(self, browser, server: ConsoleServer, *, viewport=(1400, 900), locale: str = "zh-CN",
                 patches: dict[str, Callable[[dict], None]] | None = None) -> None:
        self.server = server
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale=locale,
                                           accept_downloads=True)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        for path, change in (patches or {}).items():
            self.patch_json(path, change)

    def patch_json(self, path: str, change: Callable[[dict], None]) -> None:
        """Let ``change`` edit the JSON the server answers to ``GET /api/v1{path}`` before the console reads it."""

        def handle(route) -> None:
            response = route.fetch()
            data = response.json()
            change(data)
            route.fulfill(response=response, json=data)

        self.page.route(f"**/api/v1{path}", handle)

    def log_in(self, username: str) -> Console:
        """Log in through the form, giving an authenticator code when the console asks for one."""
        self.submit_password(username)
        if username in self.server.factors:
            self.submit_code(self.server.factors.code(username))
        self.page.wait_for_selector("body[data-ready='true']")
        return self

    def submit_password(self, username: str, password: str | None = None) -> None:
        self.page.goto(self.server.base_url + "/")
        self.page.fill("#login-username", username)
        self.page.fill("#login-password", self.server.passwords[username] if password is None else password)
        self.page.click("#login-submit")

    def submit_code(self, code: str) -> None:
        self.page.wait_for_selector("#login-otp:visible").fill(code)
        self.page.click("#login-submit")

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def close(self) -> None:
        self.context.close()
        assert not self.errors, f"JavaScript errors on the page: {self.errors}"
