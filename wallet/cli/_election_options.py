"""Provides what the election, trustee and vote commands share: their common options, the
line that reports a posted entry, and the messages that say what comes next."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from wallet.cli._common import message

ElectionArg = Annotated[str, typer.Argument(metavar="ELECTION", help="The election id.")]
BoardOption = Annotated[
    str | None,
    typer.Option(
        "--board",
        help=(
            "The board: a file (created by the first election) or a board server's URL; "
            "default: `wallet config get board`."
        ),
    ),
]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="DID|LABEL",
        help="The identity to act as; default: `wallet config get as`, else the only one.",
    ),
]


def _posted_line(item: dict[str, Any]) -> str:
    extra = "  launch code " + item["launchCode"] if "launchCode" in item else ""
    return f"{item['type']} posted to {item['election']} at index {item['index']}{extra}"


def explain_launch_code(election: str) -> None:
    """Say, where the launch code is printed, what it is and what to do with it."""
    message(
        "the launch code is a digest of the election's rules and joint key: publish it where "
        f"voters look; each voter compares it with `wallet election show {election}` on their "
        "board before voting (a different code: not this election, do not vote)"
    )


# What to run after each authority step.
NEXT = {
    "open": "voters run `wallet vote {election} --choice CONTEST=OPTION`; after the window, "
    "`wallet election finish {election}` closes, tallies and publishes the result",
    "close": "`wallet election tally {election}`",
    "tally": "trustees run `wallet trustee decrypt {election}`; then "
    "`wallet election result {election} --as AUTHORITY`",
}
