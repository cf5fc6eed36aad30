"""Errors on the command line print as plain text: brackets in a message are not Rich markup."""

from __future__ import annotations

import typer

from precinct.cli import common
from precinct.core.errors import ValidationError


def test_a_message_with_brackets_is_printed_as_it_is(capsys):
    exit_ = common.fail(ValidationError("column [/x] and [red]y[/red] are not mapped"))
    assert isinstance(exit_, typer.Exit)
    assert exit_.exit_code == 2
    err = capsys.readouterr().err
    assert "错误 / error: column [/x] and [red]y[/red] are not mapped" in err
