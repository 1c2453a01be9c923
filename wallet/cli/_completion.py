"""Provides `wallet completion SHELL`: the script that makes a shell complete `wallet`."""

from __future__ import annotations

from typing import Annotated

import typer


def completion(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
) -> None:
    """Print the shell completion script for bash, zsh or fish.

    The script asks `wallet` itself for the candidates (commands, options, values), so it
    stays right as the wallet changes.

    Examples:

    \b
      wallet completion bash > ~/.local/share/bash-completion/completions/wallet
      eval "$(wallet completion zsh)"
      wallet completion fish > ~/.config/fish/completions/wallet.fish
    """
    from click.shell_completion import get_completion_class

    from wallet.cli._app import COMPLETE_VARIABLE
    from wallet.errors import UsageError

    kind = get_completion_class(shell) if shell in ("bash", "zsh", "fish") else None
    if kind is None:
        raise UsageError(f"no completion for shell {shell!r}: choose bash, zsh or fish")
    root = ctx.find_root().command
    typer.echo(kind(root, {}, "wallet", COMPLETE_VARIABLE).source())
