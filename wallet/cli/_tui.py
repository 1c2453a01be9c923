"""Provides `wallet tui`: opens the terminal UI on the wallet's home."""

from __future__ import annotations

import os
import subprocess
import sys

import typer

from wallet.cli._common import HomeOption, home_of


def tui(ctx: typer.Context, home: HomeOption = None) -> None:
    """Open the terminal UI (identities, credentials, elections).

    Examples:

    \b
      wallet tui
      wallet --home demo/voter-1 tui
    """
    # The TUI sits above this package (tui -> wallet), so it is started as its own program
    # rather than imported here; on POSIX it replaces this process, keeping the terminal.
    chosen = home_of(ctx, home)
    argv = [sys.executable, "-m", "tui", *(["--home", str(chosen)] if chosen else [])]
    if os.name == "posix":
        os.execv(sys.executable, argv)  # noqa: S606 -- a fixed interpreter and module.
    raise typer.Exit(subprocess.run(argv, check=False).returncode)  # noqa: S603 -- same.
