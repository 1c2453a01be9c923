"""Provides `wallet trustee …`: keygen, shares and decrypt, a trustee's three steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    environment,
    home_of,
    json_of,
    message,
)
from wallet.cli._config import run_step
from wallet.cli._election_options import AsOption, BoardOption, ElectionArg

if TYPE_CHECKING:
    from wallet.services import Posted, SharesOutcome

app = typer.Typer(
    rich_markup_mode=None,
    help="A trustee's steps: key ceremony and decryption.",
    no_args_is_help=True,
)


def _posted_line(done: Posted) -> str:
    return f"{done.type} posted to {done.election} at index {done.index}"


def _shares_line(done: SharesOutcome) -> str:
    posted = "posted shares; " if done.posted else ""
    waiting = f"; waiting for trustees {list(done.waiting)}" if done.waiting else ""
    return f"{posted}checked shares from trustees {list(done.received)}{waiting}"


@app.command("keygen")
def keygen(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    as_: AsOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Draw the ceremony secret into the keystore and post the public key.

    Examples:

    \b
      wallet trustee keygen mayor-2026 --board board.sqlite --as trustee-1
    """
    from wallet.services import keygen as service

    done = run_step(ctx, service, election, board=board, as_=as_, home=home)
    emit(done.to_json(), json_of(ctx, json_), lambda _data: _posted_line(done))
    message(
        f"next: once every trustee has posted its key (`wallet election show {election}` counts "
        f"them), run `wallet trustee shares {election}`"
    )


@app.command("shares")
def shares(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    as_: AsOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Post sealed shares to the other trustees; check those received.

    Examples:

    \b
      wallet trustee shares mayor-2026 --board board.sqlite --as trustee-1
    """
    from wallet.services import shares as service

    done = run_step(ctx, service, election, board=board, as_=as_, home=home)
    emit(done.to_json(), json_of(ctx, json_), lambda _data: _shares_line(done))
    if done.waiting:
        message(
            f"next: when trustees {list(done.waiting)} have posted theirs, run "
            f"`wallet trustee shares {election}` again"
        )
    elif done.acknowledged:
        message(
            f"next: your part of the key ceremony is done; the authority opens the election "
            f"once every trustee has acknowledged; after the tally, run `wallet trustee decrypt "
            f"{election}` (or leave `wallet trustee follow {election}` running)"
        )


@app.command("decrypt")
def decrypt(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    as_: AsOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Post this trustee's decryption share of the tally, with proofs.

    Examples:

    \b
      wallet trustee decrypt mayor-2026 --board board.sqlite --as trustee-1
    """
    from wallet.services import decrypt as service

    done = run_step(ctx, service, election, board=board, as_=as_, home=home)
    emit(done.to_json(), json_of(ctx, json_), lambda _data: _posted_line(done))
    message(
        f"next: once enough trustees have decrypted, the authority publishes the result: "
        f"`wallet election finish {election}` (or `wallet election result {election} --as "
        "AUTHORITY`)"
    )


@app.command("follow")
def follow(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    as_: AsOption = None,
    ceremony_only: Annotated[
        bool,
        typer.Option("--ceremony-only", help="Stop after the key ceremony; decrypt later."),
    ] = False,
    every: Annotated[
        float, typer.Option("--every", metavar="SECONDS", help="How often to look at the board.")
    ] = 2.0,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            help="Give up (exit 3) after waiting this long.",
            show_default=False,
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Do each of this trustee's steps as soon as it is due, until its part is done.

    keygen once the election is on the board, the sealed shares once every key is in, the
    acknowledgement once every share is in; then (unless --ceremony-only) it waits for the
    tally and posts this trustee's decryption share. Start it when told the election's id;
    Ctrl-C stops it, and running it again picks up where the election is.

    Examples:

    \b
      wallet trustee follow mayor-2026 --board https://board.example --as trustee-1
      wallet trustee follow mayor-2026 --ceremony-only &
    """
    from wallet.cli._config import acting_as, board_or_default
    from wallet.cli._election_flow import trustee_turns
    from wallet.services import Wallet, open_board

    env = environment()
    with Wallet.open(home_of(ctx, home), env) as wallet:
        trustee = acting_as(wallet, as_)
        with open_board(board_or_default(ctx, board, home), env) as client:
            done = trustee_turns(
                wallet, client, election, as_=trustee, every=every, timeout=timeout,
                decrypt=not ceremony_only,
            )  # fmt: skip
    emit(done, json_of(ctx, json_), lambda steps: f"{len(steps)} steps posted; done")
