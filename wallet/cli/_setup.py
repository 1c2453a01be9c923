"""Provides `wallet init` and `wallet backup export|import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    environment,
    home_of,
    json_of,
    message,
    settings,
)

KeystoreOption = Annotated[
    str | None,
    typer.Option("--keystore", help="auto (OS keyring if it answers, else file), os or file."),
]

backup_app = typer.Typer(
    rich_markup_mode=None, help="Export and import sealed wallet backups.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(
    ctx: typer.Context,
    keystore: KeystoreOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Create a wallet: its home, its keystore and an empty database.

    Refuses to touch a home that already holds a wallet.
    """
    from wallet.services import init_wallet

    kind = keystore or settings(ctx).keystore or "auto"
    result = init_wallet(home_of(ctx, home), environment(), keystore=kind)
    message(f"wallet created at {result.home} (keystore: {result.keystore})")
    emit(result.to_json(), json_of(ctx, json_), lambda data: str(data["home"]))


@backup_app.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Seal keys and database into FILE with a passphrase ($WALLET_BACKUP_PASSPHRASE)."""
    from wallet.services import Wallet, export_backup

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        summary = export_backup(wallet, file)
    message(f"backup written to {file} ({summary.keys} keys, {summary.identities} identities)")
    emit(summary.to_json(), json_of(ctx, json_), lambda data: str(data["path"]))


@backup_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup made by `wallet backup export`.")],
    keystore: KeystoreOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Restore a backup into an empty home; a wrong passphrase or tampering writes nothing."""
    from wallet.services import import_backup

    kind = keystore or settings(ctx).keystore or "auto"
    summary = import_backup(file, home_of(ctx, home), environment(), keystore=kind)
    message(f"restored {summary.keys} keys and {summary.identities} identities")
    emit(summary.to_json(), json_of(ctx, json_), lambda data: str(data["path"]))
