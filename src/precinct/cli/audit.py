"""``precinct audit``: check the audit log's hash chain against its signed checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from precinct.cli.common import EXIT_FAILED, console, error_console, handle_errors, load_settings, open_session
from precinct.core.i18n import both

app = typer.Typer(help="审计 / audit log", no_args_is_help=True)
CheckpointFileOption = Annotated[
    Path | None, typer.Option("--checkpoint-file", help="检查点文件（默认取设置）/ the checkpoint file "
                                                        "(default: PRECINCT_AUDIT_CHECKPOINT_FILE)")]


def _say(message: str) -> None:
    """Print a line on standard output, unwrapped (file names and hashes stay whole)."""
    console.print(message, soft_wrap=True, highlight=False)


def _warn(message: str) -> None:
    """Print a line on standard error."""
    error_console.print(message, highlight=False)


@app.command("verify")
@handle_errors
def audit_verify(checkpoint_file: CheckpointFileOption = None) -> None:
    """校验审计哈希链及每个签名检查点；被篡改时退出码为 1 / verify the chain and every checkpoint; 1 if tampered.

    A checkpoint whose signature fails means the checkpoint file was edited (or the key changed);
    one beyond the log's last entry, that the tail was cut off or the log wiped; one whose hash
    differs from the stored entry's, that the history was rewritten.
    """
    from precinct.audit import checkpoints
    from precinct.audit import service as audit_service

    settings = load_settings()
    path = checkpoint_file or settings.audit_checkpoint_file
    with open_session(settings) as session:
        chain = audit_service.verify(session)
        anchored = checkpoints.check(session, path, settings.audit_key.encode())
        session.rollback()
    if chain.ok:
        _say(f"[green]{both('cli.audit_ok')}[/green]: {chain.entries} entries")
    else:
        _warn(
            f"[red]{both('cli.audit_broken')}[/red]: entry {chain.first_bad_seq}: {chain.reason} "
            f"({chain.entries} entries verified before it)"
        )
    if not anchored.ok:
        _warn(f"[red]{anchored.message('zh-CN')} / {anchored.message('en')}[/red]")
    elif anchored.checkpoints == 0:
        _say(f"[yellow]{both('cli.audit_no_checkpoints')}[/yellow] ({path})")
    else:
        superseded = f", {anchored.superseded} superseded by a restore" if anchored.superseded else ""
        _say(f"[green]{both('cli.audit_checkpoints_ok')}[/green]: {anchored.checkpoints} "
             f"checkpoints{superseded} ({path})")
    if not (chain.ok and anchored.ok):
        raise typer.Exit(EXIT_FAILED)


@app.command("checkpoint")
@handle_errors
def audit_checkpoint(checkpoint_file: CheckpointFileOption = None) -> None:
    """现在写入一个签名检查点 / append a signed checkpoint of the chain's head now.

    The server writes one every PRECINCT_AUDIT_CHECKPOINT_INTERVAL_S seconds and at shutdown;
    this writes one at once (before a backup, after an audit).
    """
    from precinct.app import session_factory
    from precinct.audit import checkpoints

    settings = load_settings()
    path = checkpoint_file or settings.audit_checkpoint_file
    factory = session_factory(settings.database_url)
    try:
        written = checkpoints.write_checkpoint(factory, path, settings.audit_key.encode())
    finally:
        factory.kw["bind"].dispose()
    if written is None:
        _say(both("cli.audit_checkpoint_empty"))
        return
    _say(f"{both('cli.audit_checkpoint_written')}: entry {written.seq} ({written.hash[:16]}…), "
         f"{written.count} entries, {written.at} → {path}")
