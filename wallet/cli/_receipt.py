"""Provides `wallet receipt …`: list kept receipts, check one against its board."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    environment,
    home_of,
    json_of,
    read_input,
    stdin_as_files,
    table,
)

app = typer.Typer(
    rich_markup_mode=None, help="Ballot receipts: list them, check them.", no_args_is_help=True
)


@app.command("list")
def list_(ctx: typer.Context, home: HomeOption = None, json_: JsonOption = False) -> None:
    """List the receipts this wallet keeps, and where each ballot stands.

    Examples:

    \b
      wallet receipt list
      wallet receipt list --json
    """
    from wallet.services import Wallet, list_receipts, receipt_standings, reconcile_all

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        # Entries a killed run posted get their receipts completed from their boards first.
        reconcile_all(wallet)
        items = [item.to_json() for item in receipt_standings(wallet, list_receipts(wallet))]
    emit(items, json_of(ctx, json_), lambda rows: table(
        ["RECEIPT", "ELECTION", "TYPE", "STANDING"],
        [[r["id"][:16], r["election"], r["type"], (r["standing"] or {}).get("description", "")]
         for r in rows],
    ))  # fmt: skip


def _line(item: dict[str, Any]) -> str:
    line = (
        f"receipt {item['receipt'][:16]}: entry {item['index']} is included in checkpoint "
        f"{item['checkpointSize']}, consistent with the board's newest ({item['boardSize']})"
    )
    witnesses = item.get("witnesses") or {}
    if witnesses.get("quorum"):
        line += (
            f"\ncosigned by {witnesses['cosignatures']} of the election's witnesses "
            f"(quorum {witnesses['quorum']})"
        )
    gossip = item.get("gossip")
    if gossip is not None:
        line += f"\nconsistent with the other checkpoint (size {gossip['checkpointSize']})"
    standing = item.get("standing")
    return (
        line
        if standing is None
        else f"{line}\nballot {standing['ballotId']}: " + (standing["description"])
    )


@app.command("check")
def check(
    ctx: typer.Context,
    receipt: Annotated[
        str,
        typer.Argument(metavar="RECEIPT", help="Receipt id, or a receipt file (- is stdin)."),
    ],
    board: Annotated[Path | None, typer.Option("--board", help="Check against this board.")] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            metavar="FILE",
            help="A checkpoint of this election obtained elsewhere (another voter, an "
            "auditor): check it is consistent with the receipt's; - is stdin.",
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Check inclusion, witness cosignatures, and consistency with the newest checkpoint seen.

    When the election names witnesses, the receipt's checkpoint and the board's newest need
    valid cosignatures from at least its quorum of them. Exits 1 naming the failed step
    (inclusion, witnesses with the missing ones, consistency, gossip with both sizes), 3
    when the board is unreachable.

    Examples:

    \b
      wallet receipt check 3a9f0c2e
      wallet receipt check receipt.txt --board board.sqlite
      wallet receipt check 3a9f0c2e --checkpoint checkpoint-from-alice.txt
    """
    from wallet.services import Wallet, check_receipt

    other = None if checkpoint is None else read_input(checkpoint, "checkpoint")
    given = Path(receipt) if receipt == "-" else None
    with (
        stdin_as_files(given) as (kept,),
        Wallet.open(home_of(ctx, home), environment()) as wallet,
    ):
        found = receipt if kept is None else str(kept)
        done = check_receipt(wallet, found, board_path=board, other_checkpoint=other)
    emit(done.to_json(), json_of(ctx, json_), _line)
