"""``precinct db``: migrate, back up and restore the database; the application's PostgreSQL role.

Every command here acts as the tables' owner: ``PRECINCT_MIGRATION_DATABASE_URL`` if set, else
``PRECINCT_DATABASE_URL`` (see docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from precinct.cli.common import cli_actor, console, error_console, handle_errors, load_settings, open_session
from precinct.core.i18n import both
from precinct.core.settings import Settings

app = typer.Typer(help="数据库 / database", no_args_is_help=True)


def _say(message: str) -> None:
    """Print a line on standard output, unwrapped (file names and hashes stay whole)."""
    console.print(message, soft_wrap=True, highlight=False)


def _warn(message: str) -> None:
    """Print a line on standard error."""
    error_console.print(message, highlight=False)


def _as_owner(settings: Settings) -> Settings:
    """Return the settings with the owner's URL as the database URL (for :func:`open_session`)."""
    return settings.model_copy(update={"database_url": settings.owner_database_url})


def _where(url: str) -> str:
    """Name a database without its password: host and name, or the SQLite file."""
    return make_url(url).render_as_string(hide_password=True).split("@")[-1]


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@app.command("upgrade")
@handle_errors
def db_upgrade() -> None:
    """迁移数据库到最新版本、载入默认警情类别、设置应用角色 / migrate, load the default types, grant the app role.

    On PostgreSQL the application role (PRECINCT_APP_DB_ROLE, default precinct_app) gets SELECT
    and INSERT on the audit log and no more, and the usual privileges on the other tables; with
    PRECINCT_APP_DB_PASSWORD it may log in, without it is NOLOGIN and reached with SET ROLE.
    """
    from precinct.core import migrate
    from precinct.incidents import service as incident_service

    settings = load_settings()
    owner_url = settings.owner_database_url
    migrate.upgrade(owner_url)
    with open_session(_as_owner(settings)) as session:
        added = incident_service.load_default_types(session)
        session.commit()
    _say(f"{both('cli.migrated')} ({_where(owner_url)}); +{added} incident types")
    if not _is_postgres(owner_url):
        return
    password = settings.app_db_password.get_secret_value() if settings.app_db_password else None
    grant = migrate.grant_application_role(owner_url, role=settings.app_db_role, password=password)
    login = "LOGIN" if grant.login else "NOLOGIN (SET ROLE)"
    _say(f"{both('cli.app_role_granted')}: {grant.role}, {login}{', created' if grant.created else ''}")
    try:
        unbound = migrate.may_change_audit_log(settings.database_url)
    except DBAPIError as exc:
        _warn(f"[yellow]{both('cli.app_role_unchecked')}[/yellow]: PRECINCT_DATABASE_URL ({exc.orig})")
        return
    if unbound:
        _warn(
            f"[yellow]{both('cli.app_role_unbound')}[/yellow]: PRECINCT_DATABASE_URL ({_where(settings.database_url)}) "
            f"connects as the owner or a superuser; let the server log in as {grant.role} or SET ROLE to it "
            "(docs/operations.md)")


@app.command("backup")
@handle_errors
def db_backup(
    file: Annotated[Path, typer.Argument(help="新备份文件（不得已存在）/ the new backup file (must not exist)")],
) -> None:
    """在运行中备份整个数据库 / back up the whole database while the platform runs.

    SQLite: the online backup API (one consistent snapshot; a plain copy of a live file can be
    torn). PostgreSQL: pg_dump --format=custom. The backup is recorded in the audit log.
    """
    from precinct.audit import service as audit_service
    from precinct.core import backup

    settings = load_settings()
    owner_url = settings.owner_database_url
    result = backup.backup(owner_url, file)
    with open_session(_as_owner(settings)) as session:
        audit_service.record(session, actor=cli_actor(), action="db.backup", resource_type="database",
                             resource_id=make_url(owner_url).database,
                             detail={"file": str(result.path.resolve()), "size_bytes": result.size_bytes,
                                     "sha256": result.sha256})
        session.commit()
    _say(f"{both('cli.backup_written')}: {result.path} ({result.size_bytes} bytes, {result.backend}, "
         f"sha256 {result.sha256})")
    if result.newer_client and result.client is not None:
        _warn(f"[yellow]{both('cli.backup_newer_client')}[/yellow]".format(client=result.client.major,
                                                                        server=result.server_major))


@app.command("restore")
@handle_errors
def db_restore(
    file: Annotated[Path, typer.Argument(help="备份文件 / the backup file")],
    force: Annotated[bool, typer.Option("--force", help="覆盖非空数据库 / replace the tables of a database that "
                                                        "holds some")] = False,
) -> None:
    """从备份恢复数据库（先校验备份文件）/ restore the database from a backup (the file is checked first).

    Refuses a database that holds tables unless --force. Stop the servers first. On PostgreSQL the
    application role is granted again. The restore is recorded in the restored audit log and, as
    a signed restore line, in the checkpoint file.
    """
    from precinct.audit import checkpoints
    from precinct.audit import service as audit_service
    from precinct.core import backup, migrate
    from precinct.core.db import make_engine

    settings = load_settings()
    owner_url = settings.owner_database_url
    result = backup.restore(owner_url, file, force=force)
    _say(f"{both('cli.restored')}: {result.path} → {_where(owner_url)} (sha256 {result.sha256})")
    if _is_postgres(owner_url):
        password = settings.app_db_password.get_secret_value() if settings.app_db_password else None
        grant = migrate.grant_application_role(owner_url, role=settings.app_db_role, password=password)
        _say(f"{both('cli.app_role_granted')}: {grant.role}")
    engine = make_engine(owner_url)
    try:
        with engine.connect() as connection:
            revision = migrate.current_revision(connection)
    finally:
        engine.dispose()
    if revision != migrate.head_revision():
        _warn(f"[yellow]{both('cli.restore_upgrade_hint')}[/yellow] ({revision})")
    with open_session(_as_owner(settings)) as session:
        detail: dict[str, object] = {"file": str(result.path.resolve()), "sha256": result.sha256, "forced": force}
        try:
            mark = checkpoints.write_restore_mark(session, settings.audit_checkpoint_file, settings.audit_key.encode())
            detail["restored_head_seq"] = mark.seq
        except OSError as exc:
            _warn(f"[yellow]{both('cli.restore_mark_failed')}[/yellow]: {exc}")
        audit_service.record(session, actor=cli_actor(), action="db.restore", resource_type="database",
                             resource_id=make_url(owner_url).database, detail=detail)
        session.commit()
