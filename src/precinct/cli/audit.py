"""``precinct audit``: check the audit log's hash chain."""

from __future__ import annotations

import typer

from precinct.cli.common import EXIT_FAILED, console, error_console, handle_errors, load_settings, open_session
from precinct.core.i18n import both

app = typer.Typer(help="审计 / audit log", no_args_is_help=True)


@app.command("verify")
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
