"""The ``precinct`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from precinct.cli.common import (
    EXIT_FAILED,
    cli_actor,
    console,
    error_console,
    handle_errors,
    load_settings,
    open_session,
)
from precinct.cli.drill import app as drill_app
from precinct.cli.forecast import app as forecast_app
from precinct.cli.plan import app as plan_app
from precinct.cli.route import route as route_command
from precinct.core.errors import ValidationError
from precinct.core.i18n import both
from precinct.core.permissions import Role
from precinct.users import login
from precinct.users import service as user_service

DEMO_CREDENTIALS = Path("var/demo-credentials.json")
app = typer.Typer(help="Precinct 情指行一体化平台 / intelligence-led policing platform", no_args_is_help=True)
db_app = typer.Typer(help="数据库 / database", no_args_is_help=True)
demo_app = typer.Typer(help="演示城市 / demo city", no_args_is_help=True)
user_app = typer.Typer(help="用户 / accounts", no_args_is_help=True)
audit_app = typer.Typer(help="审计 / audit log", no_args_is_help=True)
import_app = typer.Typer(help="导入 / import", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")
app.command("route", help="最短行车路线 / fastest road route between two points")(route_command)
app.add_typer(plan_app, name="plan", help="规划 / planning: coverage, posts, staffing, before/after")
app.add_typer(drill_app, name="drill", help="演练 / drills: scripted scenarios, scoring, replay")
app.add_typer(forecast_app, name="forecast", help="预测 / forecasting: evaluate methods, next-day forecasts")


@db_app.command("upgrade")
@handle_errors
def db_upgrade() -> None:
    """迁移数据库到最新版本并载入默认警情类别 / migrate the database and load the default type list."""
    from precinct.core import migrate
    from precinct.incidents import service as incident_service

    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with open_session(settings) as session:
        added = incident_service.load_default_types(session)
        session.commit()
    console.print(f"{both('cli.migrated')} ({settings.database_url.split('@')[-1]}); +{added} incident types")


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


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationError(f"--role must be one of {', '.join(r.value for r in Role)}") from exc


def _password_from_stdin() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ValidationError(both("cli.password_prompt"))
    return password


@user_app.command("add")
@handle_errors
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="call_taker, dispatcher, patrol_officer, analyst, supervisor, auditor, "
                                           "admin")],
    display_name: str = "",
    org_unit: Annotated[int | None, typer.Option(help="id of the account's organisation unit (its scope)")] = None,
    unit: Annotated[int | None, typer.Option(help="id of the unit a patrol officer crews")] = None,
) -> None:
    """创建用户，密码从标准输入读取 / create an account; the password is read from stdin.

    The operator gives the role directly (audited as the operator's); through the API a role that
    reads personal data needs a second person's approval.
    """
    role_value, password = _role(role), _password_from_stdin()
    with open_session(load_settings()) as session:
        user_service.create(session, username=name, password=password, role=role_value, actor=cli_actor(),
                            display_name=display_name, org_unit_id=org_unit, unit_id=unit, direct=True)
        session.commit()
    console.print(f"{both('cli.user_added')}: {name} ({role_value.value})")


@user_app.command("unlock")
@handle_errors
def user_unlock(name: str) -> None:
    """解锁被锁定的账户 / lift the lock of an account after failed log-ins now."""
    with open_session(load_settings()) as session:
        login.unlock(session, username=name, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.user_unlocked')}: {name}")


@user_app.command("disable")
@handle_errors
def user_disable(name: str) -> None:
    """停用账户（其会话立即结束）/ disable an account; its sessions end at once."""
    with open_session(load_settings()) as session:
        user_service.set_active(session, username=name, active=False, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.user_disabled')}: {name}")


@user_app.command("enable")
@handle_errors
def user_enable(name: str) -> None:
    """启用账户 / enable a disabled account."""
    with open_session(load_settings()) as session:
        user_service.set_active(session, username=name, active=True, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.user_enabled')}: {name}")


@user_app.command("reset-password")
@handle_errors
def user_reset_password(name: str) -> None:
    """重置密码（从标准输入读取），其会话结束 / set a new password, read from stdin; its sessions end."""
    password = _password_from_stdin()
    with open_session(load_settings()) as session:
        user_service.set_password(session, username=name, password=password, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.password_set')}: {name}")


@user_app.command("set-role")
@handle_errors
def user_set_role(
    name: str, role: Annotated[str, typer.Option(help="the new role")],
    reason: Annotated[str, typer.Option(help="why (written to the audit log)")],
) -> None:
    """更改角色（运维直接授予并记入审计）/ change an account's role (the operator's direct grant, audited)."""
    with open_session(load_settings()) as session:
        user_service.set_role(session, username=name, role=_role(role), reason=reason, actor=cli_actor(), direct=True)
        session.commit()
    console.print(f"{both('cli.role_set')}: {name} ({role})")


@user_app.command("revoke-tokens")
@handle_errors
def user_revoke_tokens(name: str) -> None:
    """结束该账户的全部会话 / end every session of an account."""
    with open_session(load_settings()) as session:
        user_service.revoke_tokens(session, username=name, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.tokens_revoked')}: {name}")


@user_app.command("reset-mfa")
@handle_errors
def user_reset_mfa(name: str) -> None:
    """移除双因素（设备丢失），下次登录重新设置 / remove a second factor (lost device); set up again at next log-in."""
    with open_session(load_settings()) as session:
        login.reset_second_factor(session, username=name, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.mfa_reset')}: {name}")


@audit_app.command("verify")
@handle_errors
def audit_verify() -> None:
    """校验审计哈希链；被篡改时以非零状态退出 / verify the hash chain; exit 1 if it was tampered with."""
    from precinct.audit import service as audit_service

    settings = load_settings()
    with open_session(settings) as session:
        result = audit_service.verify(session)
    if result.ok:
        console.print(f"[green]{both('cli.audit_ok')}[/green]: {result.entries} entries")
        return
    error_console.print(
        f"[red]{both('cli.audit_broken')}[/red]: entry {result.first_bad_seq}: {result.reason} "
        f"({result.entries} entries verified before it)"
    )
    raise typer.Exit(EXIT_FAILED)


@import_app.command("incidents")
@handle_errors
def import_incidents(
    file: Annotated[Path, typer.Argument(help="canonical incident CSV (.csv or .csv.gz)")],
    source: Annotated[str, typer.Option(help="source for rows without a 'source' column")] = "phone_110",
    json_: Annotated[bool, typer.Option("--json", help="print a JSON summary")] = False,
    errors_out: Annotated[Path | None, typer.Option(help="write every bad row (line, reason) to this CSV")] = None,
) -> None:
    """导入警情 CSV：坏行报告行号和原因，好行保留，重复导入不会重复 / import incidents from CSV."""
    from precinct.core.errors import ValidationError
    from precinct.incidents.importer import import_incidents as run_import
    from precinct.incidents.models import IncidentSource

    try:
        default_source = IncidentSource(source)
    except ValueError as exc:
        raise ValidationError(f"--source must be one of {', '.join(s.value for s in IncidentSource)}") from exc
    settings = load_settings()
    with open_session(settings) as session, Progress(
        TextColumn("导入 / importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=error_console, transient=True,
    ) as progress:
        task = progress.add_task("import", total=None)
        report = run_import(session, file, actor=cli_actor(), default_source=default_source,
                            progress=lambda n: progress.advance(task, n))
        session.commit()
    if errors_out is not None:
        errors_out.write_text("line,reason\n" + "".join(f'{b.line},"{b.reason}"\n' for b in report.bad_rows),
                              encoding="utf-8")
    summary = {"rows": report.rows, "imported": report.imported, "skipped_existing": report.skipped_existing,
               "bad_rows": len(report.bad_rows)}
    if json_:
        errors = [{"line": b.line, "reason": b.reason} for b in report.bad_rows[:1000]]
        console.print_json(json.dumps({**summary, "errors": errors}))
    else:
        console.print(f"{both('cli.import_done')}: {summary}")
        for bad in report.bad_rows[:50]:
            error_console.print(f"  第 {bad.line} 行 / line {bad.line}: {bad.reason}")
        if len(report.bad_rows) > 50:
            error_console.print(f"  … {len(report.bad_rows) - 50} more (use --errors-out)")
    if report.bad_rows:
        raise typer.Exit(EXIT_FAILED)


@app.command("bench")
@handle_errors
def bench(
    name: Annotated[str, typer.Argument(help="dispatch, planning, routing or forecast")],
    json_: Annotated[bool, typer.Option("--json", help="print the JSON result (the default output)")] = True,
) -> None:
    """运行 bench/ 中的基准测试并输出 JSON / run a benchmark from the repository's bench/ folder."""
    import runpy

    from precinct.core.errors import ValidationError

    script = Path.cwd() / "bench" / f"{name}.py"
    if not script.exists():
        available = sorted(p.stem for p in script.parent.glob("*.py"))
        raise ValidationError(f"no benchmark {name!r} in {script.parent} (run from the repository root); "
                              f"available: {available}")
    sys.argv = [str(script)]
    runpy.run_path(str(script), run_name="__main__")


@app.command("serve")
@handle_errors
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    simulate: Annotated[bool, typer.Option(help="also run the simulated incident stream")] = False,
) -> None:
    """启动 API 服务（可同时运行模拟警情流）/ serve the API, optionally with the simulated stream.

    The same as ``uvicorn precinct.app:create_app --factory``: the settings come from the
    environment (``--simulate`` sets ``PRECINCT_SIMULATE``), and the application's lifespan starts
    the background jobs.
    """
    import os

    import uvicorn

    if simulate:
        os.environ["PRECINCT_SIMULATE"] = "true"
    load_settings()  # refuse bad settings before uvicorn starts
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
