"""Provides the root `wallet` application: global options, the command groups, `main()`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from wallet.cli import (
    _audit,
    _board,
    _credential,
    _demo,
    _election,
    _identity,
    _keystore,
    _presentation,
    _receipt,
    _setup,
    _status,
    _trustee,
    _tui,
    _vote,
    _witness,
)
from wallet.cli._common import HomeOption, JsonOption, settings

app = typer.Typer(
    name="wallet",
    help="A terminal wallet for self-sovereign identity and verifiable voting.",
    epilog="Exit codes: 0 ok, 1 verification failed or not found, 2 usage, 3 environment "
    "(keystore, files, network).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    ctx: typer.Context,
    home: HomeOption = None,
    json_: JsonOption = False,
    keystore: Annotated[
        str | None,
        typer.Option(
            "--keystore",
            help="Keystore for `init` and `backup import`: auto (default), os or file.",
        ),
    ] = None,
) -> None:
    """A terminal wallet for self-sovereign identity and verifiable voting."""
    chosen = settings(ctx)
    chosen.home, chosen.json, chosen.keystore = home, json_, keystore


_setup.register(app)
app.add_typer(_identity.app, name="did")
app.add_typer(_keystore.app, name="keystore")
app.add_typer(_setup.backup_app, name="backup")
app.add_typer(_credential.app, name="credential")
app.add_typer(_presentation.app, name="presentation")
app.add_typer(_status.app, name="status")
app.command("demo")(_demo.demo)
app.add_typer(_election.app, name="election")
app.add_typer(_trustee.app, name="trustee")
app.command("vote")(_vote.vote)
app.add_typer(_receipt.app, name="receipt")
app.command("audit")(_audit.audit)
app.command("tui")(_tui.tui)
app.add_typer(_board.app, name="board")
app.add_typer(_witness.app, name="witness")


def main() -> None:
    """Run the command line; map our errors to a one-line message and an exit code."""
    from wallet.cli._errors import report

    try:
        app()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        sys.exit(report(exc))
