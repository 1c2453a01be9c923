"""Provides `Wallet`: an opened wallet home with its database and, on demand, its keystore.

Commands that only read public data (listing identities, showing a DID document) never open
the keystore, so they need no passphrase and stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wallet._db import Database
from wallet._home import Home, resolve_home

if TYPE_CHECKING:
    from wallet.keystore import Keystore

DATA_KEY_ID = "data-key"


@dataclass
class Environment:
    """What a service may know of the outside world: the environment and a notice sink.

    The command line fills it from `os.environ` and stderr; tests pass their own.
    """

    environ: Mapping[str, str]
    notify: Callable[[str], None] = field(default=lambda message: None)
    interactive: bool = False


class Wallet:
    """An opened wallet home. Use as a context manager so the database is closed."""

    def __init__(self, home: Home, env: Environment) -> None:
        self.home = home
        self.env = env
        self.db = Database(home.db_path)
        self._keystore: Keystore | None = None

    @classmethod
    def open(cls, home: Path | None, env: Environment) -> Wallet:
        return cls(Home.open(resolve_home(home, env.environ)), env)

    def __enter__(self) -> Wallet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    @property
    def keystore(self) -> Keystore:
        """The keystore recorded at `wallet init`, opened on first use."""
        if self._keystore is None:
            from wallet.services._keys import open_recorded_keystore

            self._keystore = open_recorded_keystore(self.home, self.env)
        return self._keystore

    def data_key(self) -> bytes:
        """The 32-byte key that seals personal data in the database."""
        from wallet.errors import KeystoreCorrupted

        key = self.keystore.get(DATA_KEY_ID)
        if key is None or len(key) != 32:
            raise KeystoreCorrupted("the wallet's data key is missing from the keystore")
        return key
