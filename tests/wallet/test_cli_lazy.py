"""The root command's table of lazily built commands agrees with the commands themselves."""

from __future__ import annotations

import pytest

from wallet.cli._app import COMMANDS, load_command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_root_command_builds_and_its_summary_is_its_own_help(name: str) -> None:
    command = load_command(name)
    own = (command.help or "").split("\n\n")[0].strip()
    assert COMMANDS[name][2] == own
