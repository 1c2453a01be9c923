"""Provides the root `wallet` application: global options, the command groups, `main()`."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from wallet.cli._common import (
    ALLOW_PRIVATE_NETWORK,
    CA_FILE,
    GIVEN_ENVIRONMENT,
    HomeOption,
    JsonOption,
    settings,
)

if TYPE_CHECKING:
    import click

    from wallet.services import Environment

# Every command of the root: the module that defines it, the Typer group or command function
# there, and its one-line help for the root's `--help`. A command's module is imported and its
# options are built only when it runs, so `wallet --help` and `wallet did list` stay fast
# (DESIGN §7). A test checks these lines against the commands' own help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("_setup", "init", "Create a wallet: its home, its keystore and an empty database."),
    "demo": (
        "_demo",
        "demo",
        "Run an election end to end: result table and audit verdict on stdout.",
    ),
    "vote": (
        "_vote",
        "vote",
        "Cast a ballot; print and keep its receipt. A refused ballot exits 1 with the reason.",
    ),
    "audit": (
        "_audit",
        "audit",
        "Audit an election record: every numbered check, the result; exit 0 only if all pass.",
    ),
    "tui": ("_tui", "tui", "Open the terminal UI (identities, credentials, elections)."),
    "completion": (
        "_completion",
        "completion",
        "Print the shell completion script for bash, zsh or fish.",
    ),
    "did": ("_identity", "app", "Create, list, show and resolve DIDs."),
    "keystore": ("_keystore", "app", "Inspect the keystore, change its passphrase."),
    "backup": ("_setup", "backup_app", "Export and import sealed wallet backups."),
    "config": ("_config", "app", "The wallet's defaults: the board and the identity to act as."),
    "credential": (
        "_credential",
        "app",
        "Issue, hold, present and verify W3C Verifiable Credentials.",
    ),
    "presentation": (
        "_presentation",
        "app",
        "Verify presentations; request one over OpenID4VP.",
    ),
    "present": (
        "_exchange",
        "present",
        "Answer an OpenID4VP presentation request, after showing exactly what goes to whom.",
    ),
    "status": (
        "_status",
        "app",
        "Revocation and suspension lists for the credentials you issue.",
    ),
    "election": ("_election", "app", "Run elections on a board: the authority's side."),
    "trustee": ("_trustee", "app", "A trustee's steps: key ceremony and decryption."),
    "receipt": ("_receipt", "app", "Ballot receipts: list them, check them."),
    "board": ("_board", "app", "Run an election board as a network service."),
    "witness": (
        "_witness",
        "app",
        "A C2SP tlog-witness: cosign checkpoints of logs, only ever consistent ones.",
    ),
}


# The variable through which a shell asks for completions (Click's protocol).
COMPLETE_VARIABLE = "_WALLET_COMPLETE"


def load_command(name: str) -> click.Command:
    """Import one root command's module and build its click command (or group)."""
    module_name, attribute, _ = COMMANDS[name]
    target: Any = getattr(importlib.import_module(f"wallet.cli.{module_name}"), attribute)
    if isinstance(target, typer.Typer):
        return typer.main.get_group(target)
    single = typer.Typer(rich_markup_mode=None, add_completion=False)
    single.command(name)(target)
    return typer.main.get_command(single)


class _LazyGroup(TyperGroup):
    """The root group: lists its commands from `COMMANDS`, builds one only to run it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        import click

        # Shortened as click shortens a command's own help, without building the command.
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=line).get_short_help_str(limit))
            for name, (_, _, line) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    cls=_LazyGroup,
    rich_markup_mode=None,
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


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"wallet {version('ssi-wallet')}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the wallet's version and exit.",
        ),
    ] = False,
    home: HomeOption = None,
    json_: JsonOption = False,
    keystore: Annotated[
        str | None,
        typer.Option(
            "--keystore",
            help="Keystore for `init` and `backup import`: auto (default), os or file.",
        ),
    ] = None,
    allow_private_network: Annotated[
        bool,
        typer.Option(
            "--allow-private-network",
            help="Let did:web hosts and status list URLs be on this machine or a private "
            "network (refused by default: strangers choose them).",
        ),
    ] = False,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            "--ca-file",
            metavar="FILE",
            help="Trust this CA's certificates (PEM) for HTTPS boards, issuers and verifiers, "
            "e.g. a private CA (default: $WALLET_CA_FILE, then $SSL_CERT_FILE, then the "
            "system's).",
        ),
    ] = None,
) -> None:
    """A terminal wallet for self-sovereign identity and verifiable voting."""
    chosen = settings(ctx)
    chosen.home, chosen.json, chosen.keystore = home, json_, keystore
    ALLOW_PRIVATE_NETWORK.set(allow_private_network)
    if ca_file is not None and not ca_file.is_file():
        from wallet.errors import UsageError

        raise UsageError(f"--ca-file: no file {ca_file}")
    CA_FILE.set(ca_file)


def main(argv: list[str] | None = None, *, env: Environment | None = None) -> int:
    """Run the command line on `argv` (default: the process's); return the exit code.

    Our errors become a one-line message on stderr and their exit code (DESIGN §6). `env`
    is the services' environment (its variables, clock and random source); by default the
    process's own. Tests pass a fixed clock and a seeded source here.
    """
    from wallet.cli._errors import report

    token = GIVEN_ENVIRONMENT.set(env)
    try:
        command = typer.main.get_command(app)
        # A shell asking for completions (the script of `wallet completion SHELL` sets this
        # variable); Click's own protocol, so its scripts work unchanged.
        instruction = (os.environ if env is None else env.environ).get(COMPLETE_VARIABLE)
        if instruction:
            from click.shell_completion import shell_complete

            return shell_complete(command, {}, "wallet", COMPLETE_VARIABLE, instruction)
        # Typer's own (standalone) handling prints usage errors and help as it always has and
        # ends in SystemExit; our errors come through as themselves.
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
