"""Provides `wallet trustee …`: keygen, shares and decrypt, a trustee's three steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    json_of,
    message,
)
from wallet.cli._config import run_step
from wallet.cli._election import AsOption, BoardOption, ElectionArg

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
