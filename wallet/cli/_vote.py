"""Provides `wallet vote`: encrypt, present eligibility, sign, cast (or challenge)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wallet.cli._common import HomeOption, JsonOption, emit, environment, home_of, json_of, message
from wallet.cli._config import acting_as, board_or_default
from wallet.cli._election_options import AsOption, BoardOption, ElectionArg

if TYPE_CHECKING:
    from wallet.services import VoteOutcome


def _human(done: VoteOutcome) -> str:
    challenge = done.challenge
    if challenge is not None:
        checks = "".join(f"\n  checked: {line}" for line in challenge.checked)
        return f"challenged ballot {done.ballot_id} decodes to {challenge.picked()}{checks}"
    return done.receipt.rstrip("\n")


def vote(
    ctx: typer.Context,
    election: ElectionArg,
    choice: Annotated[list[str], typer.Option("--choice", help="CONTEST=OPTION (repeat).")],
    board: BoardOption = None,
    as_: AsOption = None,
    credential: Annotated[
        str | None,
        typer.Option(
            "--credential",
            metavar="ID|FILE",
            help="The eligibility credential: a held one's id, or a credential file (kept in "
            "the wallet from then on); default: the held one that fits the election.",
        ),
    ] = None,
    challenge: Annotated[
        bool, typer.Option("--challenge", help="Post the ballot's opening; never counted.")
    ] = False,
    launch_code: Annotated[
        str | None,
        typer.Option(
            "--launch-code",
            metavar="CODE",
            help="The launch code the authority announced (e.g. on its site): refuse to vote "
            "unless the board's election has it.",
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Cast a ballot; print and keep its receipt. A refused ballot exits 1 with the reason.

    Examples:

    \b
      wallet vote mayor-2026 --board board.sqlite --as voter --choice mayor=ada
      wallet vote mayor-2026 --board board.sqlite --as voter --choice mayor=ada --challenge
      wallet vote mayor-2026 --credential voter-credential.json --choice mayor=ada
      wallet vote mayor-2026 --choice mayor=ada --launch-code 3f2a-9c41-07be-d5e8
    """
    from wallet.services import Wallet, parse_choices
    from wallet.services import vote as cast

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        if credential is not None and Path(credential).is_file():
            from wallet.services import import_credential, read_text

            text = read_text(Path(credential), "credential")
            held = import_credential(wallet, text, now=environment().now(), held_ok=True)
            credential = held.id
        done = cast(
            wallet, board_or_default(ctx, board, home), election, as_=acting_as(wallet, as_),
            choices=parse_choices(choice),
            credential_id=credential, challenge=challenge, launch_code=launch_code,
        )  # fmt: skip
    message(f"ballot {done.ballot_id} accepted at index {done.index}; "
            f"receipt {done.receipt_id[:16]}")  # fmt: skip
    if done.challenge is not None:
        message(f"next: this challenged ballot is never counted; vote again (without "
                f"--challenge) to cast yours: `wallet vote {election} --choice …`")  # fmt: skip
    else:
        message(f"next: the receipt is kept; check any time that your ballot is in the record: "
                f"`wallet receipt check {done.receipt_id[:16]}`; voting again replaces this "
                "ballot when the election counts the last one")  # fmt: skip
    emit(done.to_json(), json_of(ctx, json_), lambda _data: _human(done))
