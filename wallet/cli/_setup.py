"""Provides `wallet init` and `wallet backup export|import`."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    environment,
    home_of,
    is_stdio,
    json_of,
    message,
    settings,
    spooled_stdin,
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
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            help="Also create a first identity (an Ed25519 did:key) with this label, and "
            "print its DID.",
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Create a wallet: its home, its keystore and an empty database.

    Refuses to touch a home that already holds a wallet. With --label the wallet starts with
    one identity, whose DID is printed (`wallet did create` makes more).

    Examples:

    \b
      wallet init
      wallet --home ~/wallets/work init --keystore file
      wallet --home ~/wallets/vote init --label ana
    """
    from wallet.services import init_wallet

    kind = keystore or settings(ctx).keystore or "auto"
    result = init_wallet(home_of(ctx, home), environment(), keystore=kind)
    message(f"wallet created at {result.home} (keystore: {result.keystore})")
    data = result.to_json()
    if label is not None:
        from wallet.services import Wallet, create_identity

        with Wallet.open(result.home, environment()) as wallet:
            identity = create_identity(wallet, label=label)
        message(f"identity {label}: {identity.did}")
        data["identity"] = identity.to_json()
    else:
        message("next: create an identity with `wallet did create --label NAME`")
    emit(data, json_of(ctx, json_), _init_line)


def _init_line(data: dict[str, Any]) -> str:
    # With a first identity its DID is the data (as `did create` prints it), else the home.
    return str(data["identity"]["did"] if "identity" in data else data["home"])


@backup_app.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The backup file to write (must not exist); - is stdout.")
    ],
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Seal keys and database into FILE with a passphrase ($WALLET_BACKUP_PASSPHRASE).

    With FILE `-` the sealed backup goes to stdout (and nothing else does, not even --json).

    Examples:

    \b
      WALLET_BACKUP_PASSPHRASE=… wallet backup export wallet.backup
      wallet backup export - | ssh vault 'cat > wallet.backup'
    """
    from wallet.services import Wallet, export_backup

    with Wallet.open(home_of(ctx, home), environment()) as wallet, _staged(file) as target:
        summary = export_backup(wallet, target)
        if is_stdio(file):
            _stdout_bytes(target.read_bytes())
    message(f"backup written to {file} ({summary.keys} keys, {summary.identities} identities)")
    if not is_stdio(file):
        emit(summary.to_json(), json_of(ctx, json_), lambda data: str(data["path"]))


@backup_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A backup made by `wallet backup export`; - is stdin.")
    ],
    keystore: KeystoreOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Restore a backup into an empty home; a wrong passphrase or tampering writes nothing.

    With FILE `-` the backup is read from stdin; the passphrase then comes from
    $WALLET_BACKUP_PASSPHRASE.

    Examples:

    \b
      wallet --home ~/restored backup import wallet.backup --keystore file
      ssh vault 'cat wallet.backup' | wallet --home ~/restored backup import -
    """
    from wallet.services import import_backup

    kind = keystore or settings(ctx).keystore or "auto"
    with _staged(file) as source:
        if is_stdio(file):
            source.touch(mode=0o600)  # Sealed files readable by others are refused.
            source.write_bytes(_stdin_bytes())
        summary = import_backup(source, home_of(ctx, home), environment(), keystore=kind)
    message(f"restored {summary.keys} keys and {summary.identities} identities")
    emit(summary.to_json(), json_of(ctx, json_), lambda data: str(data["path"]))


@contextmanager
def _staged(file: Path) -> Iterator[Path]:
    """`file` itself, or for `-` a file in a private temporary folder, removed afterwards."""
    if not is_stdio(file):
        yield file
        return
    with tempfile.TemporaryDirectory(prefix="wallet-backup-") as folder:
        staged = Path(folder) / "wallet.backup"
        with spooled_stdin(staged):
            yield staged


def _stdin_bytes() -> bytes:
    return sys.stdin.buffer.read()


def _stdout_bytes(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
