"""``precinct db``: migrate the database."""

from __future__ import annotations

import typer

from precinct.cli.common import console, handle_errors, load_settings, open_session
from precinct.core.i18n import both

app = typer.Typer(help="数据库 / database", no_args_is_help=True)


@app.command("upgrade")
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
