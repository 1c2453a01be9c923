"""Provides `wallet election …`: create, show, list, open, close, tally, result, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    YesOption,
    confirm,
    emit,
    environment,
    home_of,
    json_of,
    message,
    now,
    table,
)
from wallet.cli._config import board_or_default, run_step
from wallet.cli._election_options import (
    NEXT,
    AsOption,
    BoardOption,
    ElectionArg,
    _posted_line,
    explain_launch_code,
)

if TYPE_CHECKING:
    from wallet.services import Posted, Wallet

app = typer.Typer(
    rich_markup_mode=None,
    help="Run elections on a board: the authority's side.",
    no_args_is_help=True,
)


@app.command("show")
def show(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Show an election's phase, window (local time), counts, and what happens next.

    No keys are needed; --home is used only for the default board.

    Examples:

    \b
      wallet election show mayor-2026 --board board.sqlite
      wallet election show mayor-2026 --json
    """
    from wallet.services import show_election

    summary = show_election(board_or_default(ctx, board, home), election, environment())
    from wallet.cli._election_text import summary_text

    emit(summary.to_json(), json_of(ctx, json_), lambda data: summary_text(data, now()))


@app.command("list")
def list_(
    ctx: typer.Context,
    board: Annotated[
        str | None,
        typer.Option(
            "--board",
            help="The board (file or URL); without it, the elections this wallet takes part in.",
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """List the elections on a board, or (without --board) those this wallet takes part in.

    Examples:

    \b
      wallet election list --board board.sqlite
      wallet election list --json
    """
    from wallet.services import Wallet, followed, list_elections

    if board is not None:
        listed = list_elections(board, environment())
        items = [e.to_json() for e in listed]
        headers, rows = ["ELECTION", "PHASE"], [[e.election, e.phase] for e in listed]
    else:
        with Wallet.open(home_of(ctx, home), environment()) as wallet:
            known = followed(wallet)
        items = [e.to_json() for e in known]
        headers, rows = ["ELECTION", "ROLE"], [[e.election, e.role] for e in known]
    emit(items, json_of(ctx, json_), lambda _items: table(headers, rows))


def _authority_step(
    name: str, help_text: str, service: Callable[[], Callable[..., Posted]], *, final: str = ""
) -> None:
    """Register `election NAME`, which posts one authority entry with `service()`; a `final`
    step asks for confirmation first (or --yes)."""

    def command(
        ctx: typer.Context,
        election: ElectionArg,
        board: BoardOption = None,
        as_: AsOption = None,
        yes: YesOption = False,
        home: HomeOption = None,
        json_: JsonOption = False,
    ) -> None:
        if final:
            confirm(final.format(election=election), yes)
        done = run_step(ctx, service(), election, board=board, as_=as_, home=home)
        emit(done.to_json(), json_of(ctx, json_), _posted_line)
        if done.to_json().get("launchCode"):
            explain_launch_code(election)
        if name in NEXT:
            message("next: " + NEXT[name].format(election=election))

    yes_example = " --yes" if final else ""
    command.__doc__ = (
        f"{help_text}\n\nExamples:\n\n\b\n"
        f"  wallet election {name} mayor-2026 --board board.sqlite --as authority{yes_example}\n"
        f"  wallet --json election {name} mayor-2026{yes_example}"
    )
    app.command(name)(command)


# The services are imported when a command runs, not when the command line starts.
def _open() -> Callable[..., Posted]:
    from wallet.services import open_election

    return open_election


def _close() -> Callable[..., Posted]:
    from wallet.services import close_election

    return close_election


def _tally() -> Callable[..., Posted]:
    from wallet.services import tally_election

    return tally_election


@app.command("open")
def open_(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    as_: AsOption = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="First wait until every trustee has acknowledged the shares (each runs "
            "`wallet trustee follow ELECTION`).",
        ),
    ] = False,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Post `open`: the joint key from the trustees' ceremony; voting may start.

    Prints the launch code: publish it where voters look.

    Examples:

    \b
      wallet election open mayor-2026 --board board.sqlite --as authority
      wallet election open mayor-2026 --wait --json
    """
    done = run_step(ctx, _open_when_ready if wait else _open(), election,
                    board=board, as_=as_, home=home)  # fmt: skip
    emit(done.to_json(), json_of(ctx, json_), _posted_line)
    explain_launch_code(election)
    message("next: " + NEXT["open"].format(election=election))


def _open_when_ready(wallet: Wallet, board: str, election: str, *, as_: str) -> Posted:
    """`open --wait`: watch the board until the ceremony is complete, then open."""
    from wallet.cli._election_flow import DEFAULT_EVERY, open_when_ready
    from wallet.services import open_board

    with open_board(board, wallet.env) as client:
        return open_when_ready(wallet, client, election, as_=as_, every=DEFAULT_EVERY, timeout=None)


_authority_step(
    "close",
    "Post `close` after the window: freezes the status lists in force. Final: asks first.",
    _close,
    final="close {election} (final: no ballot is taken after)",
)
_authority_step(
    "tally",
    "Post `tally`: the encrypted sums of the counted ballots. Final: asks first.",
    _tally,
    final="tally {election} (final)",
)


@app.command("result")
def result(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    as_: Annotated[
        str | None,
        typer.Option("--as", metavar="DID|LABEL", help="Authority: post it first (never implied)."),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Print the result; with --as the authority combines the decryption shares and posts it.

    Examples:

    \b
      wallet election result mayor-2026 --board board.sqlite
      wallet election result mayor-2026 --board board.sqlite --as authority
    """
    from wallet.cli._render import result_table
    from wallet.services import Wallet, election_result

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        table = election_result(wallet, board_or_default(ctx, board, home), election, as_=as_)
    emit(table.to_json(), json_of(ctx, json_), lambda _data: result_table(table))


@app.command("export")
def export(
    ctx: typer.Context,
    election: ElectionArg,
    out: Annotated[Path, typer.Option("-o", "--out", help="The record directory to write.")],
    board: BoardOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Write the election record: entries.jsonl, checkpoint, board.vkey (no keys needed).

    Examples:

    \b
      wallet election export mayor-2026 --board board.sqlite -o record/
    """
    from wallet.services import export_election

    done = export_election(board_or_default(ctx, board, home), election, out, environment())
    emit(done.to_json(), json_of(ctx, json_), lambda _data: str(done.record))


# Creating an election, `new`, `finish` and the waiting steps live in their own module.
from wallet.cli import _election_steps  # noqa: E402

_election_steps.register(app)
