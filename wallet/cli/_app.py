"""Provides the root `wallet` application: global options, the command groups, `main()`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from wallet.cli import (
    _audit,
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
)
from wallet.cli._common import GIVEN_ENVIRONMENT, HomeOption, JsonOption, settings

if TYPE_CHECKING:
    from wallet.services import Environment

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


def main(argv: list[str] | None = None, *, env: Environment | None = None) -> int:
    """Run the command line on `argv` (default: the process's); return the exit code.

    Our errors become a one-line message on stderr and their exit code (DESIGN §6). `env`
    is the services' environment (its variables, clock and random source); by default the
    process's own. Tests pass a fixed clock and a seeded source here.
    """
    from wallet.cli._errors import report

    token = GIVEN_ENVIRONMENT.set(env)
    try:
        # Typer's own (standalone) handling prints usage errors and help as it always has and
        # ends in SystemExit; our errors come through as themselves.
        command = typer.main.get_command(app)
        command.main(args=argv, prog_name=None if argv is None else "wallet")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return report(exc)
    finally:
        GIVEN_ENVIRONMENT.reset(token)
    return 0
