"""The ``precinct`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from precinct.cli.accounts import app as user_app
from precinct.cli.addresses import app as addresses_app
from precinct.cli.audit import app as audit_app
from precinct.cli.cases import app as cases_app
from precinct.cli.city import app as city_app
from precinct.cli.city import org_app
from precinct.cli.common import (
    cli_actor,
    console,
    handle_errors,
    load_settings,
    open_session,
)
from precinct.cli.db import app as db_app
from precinct.cli.directives import app as directive_app
from precinct.cli.drill import app as drill_app
from precinct.cli.forecast import app as forecast_app
from precinct.cli.imports import app as import_app
from precinct.cli.places import app as places_app
from precinct.cli.plan import app as plan_app
from precinct.cli.route import route as route_command
from precinct.cli.supervision import app as supervision_app
from precinct.core.errors import ValidationError
from precinct.core.i18n import both

DEMO_CREDENTIALS = Path("var/demo-credentials.json")
app = typer.Typer(help="Precinct 情指行一体化平台 / intelligence-led policing platform", no_args_is_help=True)
demo_app = typer.Typer(help="演示城市 / demo city", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")
app.command("route", help="最短行车路线 / fastest road route between two points")(route_command)
app.add_typer(plan_app, name="plan", help="规划 / planning: coverage, posts, staffing, before/after")
app.add_typer(drill_app, name="drill", help="演练 / drills: scripted scenarios, scoring, replay")
app.add_typer(forecast_app, name="forecast", help="预测 / forecasting: evaluate methods, next-day forecasts")
app.add_typer(directive_app, name="directive")
app.add_typer(places_app, name="places")
app.add_typer(addresses_app, name="addresses")
app.add_typer(supervision_app, name="supervision")
app.add_typer(cases_app, name="cases")
app.add_typer(city_app, name="city")
app.add_typer(org_app, name="org")


@demo_app.command("load")
@handle_errors
def demo_load(
    credentials_file: Annotated[Path, typer.Option(help="where demo passwords are "
                                                        "kept")] = Path("var/demo-credentials.json"),
    history_days: Annotated[int, typer.Option(min=0, max=730, help="days of simulated past calls to add")] = 60,
) -> None:
    """载入武汉演示城市（分局、派出所、警务区、警力、模拟历史警情、演示账户）/ load the Wuhan demo city."""
    from precinct.demo import city

    settings = load_settings()
    with open_session(settings) as session:
        summary = city.load(session, actor=cli_actor(), credentials_file=credentials_file, history_days=history_days,
                            settings=settings)
        session.commit()
    console.print(f"{both('cli.demo_loaded')}: {summary.describe()}")
    table = Table(title="演示账户 / demo accounts")
    for column in ("用户名 / username", "角色 / role", "密码 / password", "动态码 / second factor"):
        table.add_column(column)
    for account in summary.accounts:
        factor = "precinct demo code " + account["username"] if account.get("totp_secret") else ""
        table.add_row(account["username"], account["role"], account["password"], factor)
    console.print(table)


@demo_app.command("code")
@handle_errors
def demo_code(
    name: str,
    credentials_file: Annotated[Path, typer.Option(help="where demo passwords are kept")] = DEMO_CREDENTIALS,
) -> None:
    """演示账户的当前动态验证码 / the current authenticator code of a demo account (from the demo's file).

    Only the demo city's accounts have their second-factor secrets in that file; a real account's
    secret lives only in its holder's authenticator app (and, encrypted, in the database).
    """
    import pyotp

    from precinct.core.errors import NotFoundError

    accounts = json.loads(credentials_file.read_text(encoding="utf-8")) if credentials_file.exists() else []
    secret = next((a.get("totp_secret") for a in accounts if a["username"] == name), None)
    if not secret:
        raise NotFoundError(f"{credentials_file} holds no second-factor secret for {name!r}")
    console.print(pyotp.TOTP(secret).now())


@app.command("bench")
@handle_errors
def bench(
    name: Annotated[str, typer.Argument(help="a file of bench/ without .py: dispatch, routing, forecast, planning, "
                                              "supervision, geocode, analyst, cases, console")],
    json_: Annotated[bool, typer.Option("--json", help="print the JSON result (the default output)")] = True,
) -> None:
    """运行 bench/ 中的基准测试并输出 JSON / run a benchmark from the repository's bench/ folder."""
    import runpy


    script = Path.cwd() / "bench" / f"{name}.py"
    if not script.exists():
        available = sorted(p.stem for p in script.parent.glob("*.py"))
        raise ValidationError(f"no benchmark {name!r} in {script.parent} (run from the repository root); "
                              f"available: {available}")
    sys.argv = [str(script)]
    runpy.run_path(str(script), run_name="__main__")


def _is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    import ipaddress

    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to any address
        return False


@app.command("serve")
@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="监听地址；非本机地址需设置 PRECINCT_SECRET_KEY / address to listen on; "
                                           "one other than 127.0.0.1, ::1 or localhost needs PRECINCT_SECRET_KEY")
                    ] = "127.0.0.1",
    port: int = 8000,
    simulate: Annotated[bool, typer.Option(help="also run the simulated incident stream")] = False,
) -> None:
    """启动 API 服务（可同时运行模拟警情流）/ serve the API, optionally with the simulated stream.

    The same as ``uvicorn precinct.app:create_app --factory``: the settings come from the
    environment (``--simulate`` sets ``PRECINCT_SIMULATE``), and the application's lifespan starts
    the background jobs. With the development default secret, which is public and so lets anyone
    sign valid tokens, it listens on a loopback address only.
    """
    import os

    import uvicorn

    from precinct.core.errors import ConfigurationError
    from precinct.core.settings import DEVELOPMENT_SECRET

    if simulate:
        os.environ["PRECINCT_SIMULATE"] = "true"
    settings = load_settings()  # refuse bad settings before uvicorn starts
    if settings.secret_key == DEVELOPMENT_SECRET and not _is_loopback(host):
        raise ConfigurationError(both("cli.serve_public_with_development_secret").format(host=host))
    console.print(f"Precinct: http://{host}:{port}  (API docs / 接口文档: http://{host}:{port}/docs)")
    uvicorn.run("precinct.app:create_app", factory=True, host=host, port=port, log_level="info")


@app.command("simulate")
@handle_errors
def simulate(
    interval_s: Annotated[float | None, typer.Option(help="live stream: mean seconds between simulated calls")] = None,
    duration_s: Annotated[float | None, typer.Option(help="live stream: stop after this many seconds")] = None,
    seed: int | None = None,
    day: Annotated[str | None, typer.Option("--day", help="replay: this local day from the store, YYYY-MM-DD")] = None,
    incidents: Annotated[Path | None, typer.Option("--incidents", help="replay: a canonical incident CSV")] = None,
    generate: Annotated[int | None, typer.Option("--generate", help="replay: N generated incidents over 24 h")] = None,
    posts: Annotated[Path | None, typer.Option("--posts",
                                               help="replay: CSV lon,lat,units instead of the store's units")] = None,
    json_: Annotated[bool, typer.Option("--json", help="replay and print the JSON report")] = False,
) -> None:
    """模拟 / simulation: the demo's live stream, or the replay of a day on the road network.

    Without replay options: the demo's live stream of simulated calls (labelled simulated). With
    --json, --day, --incidents or --generate: a discrete-event replay of a day on the road network
    (the same as `precinct plan simulate`).
    """
    if json_ or day is not None or incidents is not None or generate is not None:
        from precinct.cli.plan import simulate as replay

        replay(day=day, incidents_csv=incidents, generate=generate if generate is not None else (
            None if day is not None or incidents is not None else 25_000),
            posts_csv=posts, roads=None, service_min=_default_service_min(), cell_size_m=250.0, hour=None,
            seed=seed or 0, json_=True)
        return
    from precinct.app import session_factory
    from precinct.demo.simulate import run_forever

    settings = load_settings()
    factory = session_factory(settings.database_url)
    run_forever(factory, settings, interval_s=interval_s, duration_s=duration_s, seed=seed, log=console.print)


def _default_service_min() -> float:
    from precinct.cli.plan import DEFAULT_SERVICE_MIN

    return DEFAULT_SERVICE_MIN


if __name__ == "__main__":
    app()
