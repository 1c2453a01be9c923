"""Provides `wallet trustee …`: keygen, shares and decrypt, a trustee's three steps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer

from wallet.cli._common import HomeOption, JsonOption, emit, environment, home_of, json_of
from wallet.cli._election import AsOption, BoardOption, ElectionArg

app = typer.Typer(help="A trustee's steps: key ceremony and decryption.", no_args_is_help=True)


def _line(item: dict[str, Any]) -> str:
    if "type" in item:
        return f"{item['type']} posted to {item['election']} at index {item['index']}"
    posted = "posted shares; " if item.get("posted") else ""
    waiting = f"; waiting for trustees {item['waiting']}" if item.get("waiting") else ""
    return f"{posted}checked shares from trustees {item['received']}{waiting}"


def _command(name: str, help_text: str) -> None:
    def command(
        ctx: typer.Context,
        election: ElectionArg,
        board: BoardOption,
        as_: AsOption,
        home: HomeOption = None,
        json_: JsonOption = False,
    ) -> None:
        import wallet.services as services

        with services.Wallet.open(home_of(ctx, home), environment()) as wallet:
            done = getattr(services, name)(wallet, board, election, as_=as_, now=datetime.now(UTC))
        data = done if isinstance(done, dict) else done.to_json()
        emit(data, json_of(ctx, json_), _line)

    command.__doc__ = help_text
    app.command(name)(command)


_command("keygen", "Draw the ceremony secret into the keystore and post the public key.")
_command("shares", "Post sealed shares to the other trustees; check those received.")
_command("decrypt", "Post this trustee's decryption share of the tally, with proofs.")
