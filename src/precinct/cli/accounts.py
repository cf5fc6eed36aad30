"""``precinct user``: create and manage accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cli.common import cli_actor, console, handle_errors, load_settings, open_session
from precinct.core.errors import ValidationError
from precinct.core.i18n import both
from precinct.core.permissions import Role
from precinct.org.models import OrgUnit
from precinct.users import login
from precinct.users import service as user_service

app = typer.Typer(help="用户 / accounts", no_args_is_help=True)


@app.command("add")
@handle_errors
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="call_taker, dispatcher, patrol_officer, analyst, supervisor, auditor, "
                                           "admin")],
    display_name: str = "",
    org_unit: Annotated[str | None, typer.Option(
        help="the account's organisation unit, its scope: a code (precinct org list) or an id; required once the "
             "city has organisation units (the city bureau's for city-wide work)")] = None,
    unit: Annotated[int | None, typer.Option(help="id of the unit a patrol officer crews")] = None,
) -> None:
    """创建用户，密码从标准输入读取 / create an account; the password is read from stdin.

    The operator gives the role directly (audited as the operator's); through the API a role that
    reads personal data needs a second person's approval.
    """
    role_value, password = _role(role), _password_from_stdin()
    with open_session(load_settings()) as session:
        user_service.create(session, username=name, password=password, role=role_value, actor=cli_actor(),
                            display_name=display_name, org_unit_id=_org_unit(session, org_unit), unit_id=unit,
                            direct=True)
        session.commit()
    console.print(f"{both('cli.user_added')}: {name} ({role_value.value})")


def _org_unit(session: Session, given: str | None) -> int | None:
    """Return the id of the organisation unit ``--org-unit`` names by its code or id (``None``: not given)."""
    if given is None:
        return None
    found = session.scalar(select(OrgUnit.id).where(OrgUnit.code == given))
    if found is None and given.isdigit():
        found = session.scalar(select(OrgUnit.id).where(OrgUnit.id == int(given)))
    if found is None:
        raise ValidationError(f"--org-unit {given!r}: 没有该编码或编号的组织机构（见 precinct org list） / no "
                              "organisation unit has this code or id (precinct org list)")
    return found


@app.command("unlock")
@handle_errors
def user_unlock(name: str) -> None:
    """解锁被锁定的账户 / lift the lock of an account after failed log-ins now."""
    with open_session(load_settings()) as session:
        login.unlock(session, username=name, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.user_unlocked')}: {name}")


@app.command("disable")
@handle_errors
def user_disable(name: str) -> None:
    """停用账户（其会话立即结束）/ disable an account; its sessions end at once."""
    with open_session(load_settings()) as session:
        user_service.set_active(session, username=name, active=False, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.user_disabled')}: {name}")


@app.command("enable")
@handle_errors
def user_enable(name: str) -> None:
    """启用账户 / enable a disabled account."""
    with open_session(load_settings()) as session:
        user_service.set_active(session, username=name, active=True, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.user_enabled')}: {name}")


@app.command("reset-password")
@handle_errors
def user_reset_password(name: str) -> None:
    """重置密码（从标准输入读取），其会话结束 / set a new password, read from stdin; its sessions end."""
    password = _password_from_stdin()
    with open_session(load_settings()) as session:
        user_service.set_password(session, username=name, password=password, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.password_set')}: {name}")


@app.command("set-role")
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


@app.command("revoke-tokens")
@handle_errors
def user_revoke_tokens(name: str) -> None:
    """结束该账户的全部会话 / end every session of an account."""
    with open_session(load_settings()) as session:
        user_service.revoke_tokens(session, username=name, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.tokens_revoked')}: {name}")


@app.command("reset-mfa")
@handle_errors
def user_reset_mfa(name: str) -> None:
    """移除双因素（设备丢失），下次登录重新设置 / remove a second factor (lost device); set up again at next log-in."""
    with open_session(load_settings()) as session:
        login.reset_second_factor(session, username=name, actor=cli_actor())
        session.commit()
    console.print(f"{both('cli.mfa_reset')}: {name}")


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
