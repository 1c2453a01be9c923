"""Provides `wallet keystore info|rekey`."""

from __future__ import annotations

import typer

from wallet.cli._common import HomeOption, JsonOption, emit, environment, home_of, json_of, message

app = typer.Typer(
    rich_markup_mode=None, help="Inspect the keystore, change its passphrase.", no_args_is_help=True
)


def _human(info: dict[str, object]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in info.items() if value is not None)


@app.command("info")
def info(ctx: typer.Context, home: HomeOption = None, json_: JsonOption = False) -> None:
    """Say which keystore backend the wallet uses and how many entries it holds."""
    from wallet.services import Wallet, keystore_info

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        data = keystore_info(wallet).to_json()
    emit(data, json_of(ctx, json_), _human)


@app.command("rekey")
def rekey(ctx: typer.Context, home: HomeOption = None) -> None:
    """Change the file keystore's passphrase (new one from $WALLET_NEW_PASSPHRASE or a prompt)."""
    from wallet.services import Wallet
    from wallet.services import rekey as rekey_service

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        rekey_service(wallet)
    message("keystore passphrase changed")
