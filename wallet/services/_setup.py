"""Provides creating a wallet (`wallet init`) and the keystore use-cases (info, rekey)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet._db import Database
from wallet._home import Config, Home, new_wallet_id, prepare_empty_home, resolve_home, write_config
from wallet.errors import UsageError
from wallet.services._keys import new_keystore, passphrase_source
from wallet.services._session import DATA_KEY_ID, Environment, Wallet
from wallet.services._values import KeystoreSummary

KEYSTORE_CHOICES = ("auto", "os", "file")


@dataclass(frozen=True)
class InitResult:
    home: Path
    wallet_id: str
    keystore: str

    def to_json(self) -> dict[str, Any]:
        return {"home": str(self.home), "wallet_id": self.wallet_id, "keystore": self.keystore}


def init_wallet(home: Path | None, env: Environment, *, keystore: str = "auto") -> InitResult:
    """Create a wallet: its home, keystore (with a fresh data key), config and database.

    The config is written last: a wallet whose creation was interrupted has no config and
    is not taken for a wallet, and `init` can simply be run again.
    """
    if keystore not in KEYSTORE_CHOICES:
        raise UsageError(f"unknown keystore {keystore!r}; choose auto, os or file")
    path = resolve_home(home, env.environ)
    prepare_empty_home(path)
    wallet_id = new_wallet_id(env.rng)
    store = new_keystore(keystore, wallet_id=wallet_id, home=path, env=env)
    store.put(DATA_KEY_ID, env.rng(32))
    Database(path / "wallet.db", create=True).close()
    write_config(path, Config(wallet_id=wallet_id, keystore=store.kind))
    return InitResult(home=path, wallet_id=wallet_id, keystore=store.kind)


def keystore_info(wallet: Wallet) -> KeystoreSummary:
    """Which keystore backend this wallet uses, and what it holds."""
    return KeystoreSummary(wallet.home.path, wallet.home.config.wallet_id, wallet.keystore.info())


def rekey(wallet: Wallet) -> None:
    """Change the passphrase of the file keystore (asks for the new one, or
    `WALLET_NEW_PASSPHRASE`)."""
    from wallet.keystore import FileKeystore

    store = wallet.keystore
    if not isinstance(store, FileKeystore):
        raise UsageError("this wallet keeps its keys in the OS keyring, which has no passphrase")
    store.rekey(passphrase_source(wallet.env, variable="WALLET_NEW_PASSPHRASE"))


def open_home(path: Path | None, env: Environment) -> Home:
    return Home.open(resolve_home(path, env.environ))
