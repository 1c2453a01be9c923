"""Every command's help has examples, and every option and argument says what it is for."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from tests.wallet.cli_helpers import wallet
from wallet.cli._app import COMMANDS, load_command


def _walk(prefix: tuple[str, ...], command: click.Command) -> Iterator[tuple[str, click.Command]]:
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _walk((*prefix, name), sub)
    else:
        yield " ".join(prefix), command


LEAVES = dict(
    leaf for name in sorted(COMMANDS) for leaf in _walk(("wallet", name), load_command(name))
)


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_every_command_has_examples_and_every_parameter_help(path: str) -> None:
    command = LEAVES[path]
    assert "Example" in (command.help or ""), f"{path}: no Examples in its help"
    silent = [
        param.human_readable_name
        for param in command.params
        if param.name != "help" and not getattr(param, "help", None)
    ]
    assert not silent, f"{path}: no help for {silent}"


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_help_shows_the_examples_and_no_python_types(path: str) -> None:
    run = wallet(*path.split()[1:], "--help")
    assert run.code == 0
    assert "Examples:" in run.stdout
    for leak in ("<class", "typing.", "NoneType", "Optional["):
        assert leak not in run.stdout
