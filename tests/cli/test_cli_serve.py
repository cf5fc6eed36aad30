"""``precinct serve``: with the public development secret it listens on loopback addresses only.

No server starts here: ``uvicorn.run`` is replaced by a recorder.
"""

from __future__ import annotations

import pytest
import uvicorn

from precinct.core.settings import DEVELOPMENT_SECRET
from testkit import TEST_AUDIT_KEY, TEST_SECRET

REFUSAL_ZH = "拒绝在 {host} 上提供服务：开发模式的默认密钥是公开的"
REFUSAL_EN = ("refusing to serve on {host}: the development default secret is public, so anyone could sign valid "
              "tokens with it; set PRECINCT_SECRET_KEY to a random secret of at least 32 characters, or listen on "
              "a loopback address only (127.0.0.1, ::1, localhost)")


@pytest.fixture
def runs(monkeypatch, tmp_path) -> list[dict]:
    """The calls ``precinct serve`` makes to ``uvicorn.run``, in development with no secret set."""
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    monkeypatch.setenv("PRECINCT_ENVIRONMENT", "development")
    monkeypatch.setenv("PRECINCT_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("PRECINCT_SIMULATE", "false")  # recorded, so what --simulate sets is undone afterwards
    for name in ("PRECINCT_SECRET_KEY", "PRECINCT_AUDIT_KEY"):
        monkeypatch.delenv(name, raising=False)
    return calls


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "2001:db8::1", "precinct.example", ""])
def test_development_secret_refuses_a_host_others_can_reach(cli, runs, host):
    result = cli("serve", "--host", host)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("错误 / error: ")
    assert REFUSAL_ZH.format(host=host) in result.stderr
    assert REFUSAL_EN.format(host=host) in result.stderr
    assert "Traceback" not in result.output
    assert runs == []  # refused before uvicorn starts


def test_the_development_secret_set_explicitly_is_refused_too(cli, runs, monkeypatch):
    monkeypatch.setenv("PRECINCT_SECRET_KEY", DEVELOPMENT_SECRET)
    result = cli("serve", "--host", "0.0.0.0", "--simulate")
    assert result.exit_code == 2 and REFUSAL_EN.format(host="0.0.0.0") in result.stderr
    assert runs == []


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "LOCALHOST", "127.0.0.2"])
def test_development_secret_serves_on_loopback(cli, runs, host):
    result = cli("serve", "--host", host, "--port", "8123")
    assert result.exit_code == 0, result.output
    assert runs == [{"app": "precinct.app:create_app", "factory": True, "host": host, "port": 8123,
                     "log_level": "info"}]


def test_the_default_host_is_loopback(cli, runs):
    result = cli("serve")
    assert result.exit_code == 0, result.output
    assert [(call["host"], call["port"]) for call in runs] == [("127.0.0.1", 8000)]


@pytest.mark.parametrize("environment", ["development", "production"])
def test_a_real_secret_serves_on_any_host(cli, runs, monkeypatch, environment):
    monkeypatch.setenv("PRECINCT_ENVIRONMENT", environment)
    monkeypatch.setenv("PRECINCT_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRECINCT_AUDIT_KEY", TEST_AUDIT_KEY)
    result = cli("serve", "--host", "0.0.0.0", "--port", "8080")
    assert result.exit_code == 0, result.output
    assert [(call["host"], call["port"]) for call in runs] == [("0.0.0.0", 8080)]


def test_production_without_a_secret_is_refused_by_the_settings(cli, runs, monkeypatch):
    monkeypatch.setenv("PRECINCT_ENVIRONMENT", "production")
    result = cli("serve", "--host", "127.0.0.1")
    assert result.exit_code == 2, result.output
    assert "PRECINCT_SECRET_KEY is the development default" in result.stderr
    assert runs == []
