"""Provides `Wallet`: an opened wallet home with its database and, on demand, its keystore.

Commands that only read public data (listing identities, showing a DID document) never open
the keystore, so they need no passphrase and stay fast.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wallet._db import Database
from wallet._home import Home, resolve_home

if TYPE_CHECKING:
    from wallet.keystore import Keystore

DATA_KEY_ID = "data-key"


def system_random(size: int) -> bytes:
    """`size` bytes from the operating system's CSPRNG: the random source of a real run."""
    return os.urandom(size)


def system_clock() -> datetime:
    """The current time in UTC: the clock of a real run."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Environment:
    """What a service may know of the outside world.

    Its variables, a sink for one-line notices, whether a person can answer a prompt, the
    clock and the random source. No service reads the time or draws randomness any other
    way: the command line fills these from the process (`system_clock`, `os.urandom`);
    tests pass a fixed clock and a seeded source.
    """

    environ: Mapping[str, str]
    notify: Callable[[str], None] = field(default=lambda message: None)
    interactive: bool = False
    clock: Callable[[], datetime] = system_clock
    rng: Callable[[int], bytes] = system_random
    # Whether did:web hosts and status list URLs may be on this machine or a private network
    # (`--allow-private-network`); refused by default, since strangers choose them.
    allow_private_network: bool = False

    def now(self) -> datetime:
        """The clock's time, checked to be timezone-aware."""
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the environment's clock must give timezone-aware times")
        return now

    def ca_file(self) -> Path | None:
        """The private CA that HTTPS clients trust besides the system's (`WALLET_CA_FILE`, which
        `wallet --ca-file` sets); None for the system's CAs (and `SSL_CERT_FILE`)."""
        given = self.environ.get("WALLET_CA_FILE")
        return Path(given) if given else None

    def token(self, size: int) -> str:
        """`size` random bytes from the environment's source, as hex."""
        return self.rng(size).hex()

    def uuid_urn(self) -> str:
        """A random (version 4) UUID URN drawn from the environment's source."""
        return f"urn:uuid:{uuid.UUID(bytes=self.rng(16), version=4)}"

    def below(self, bound: int) -> int:
        """A uniform integer in [0, bound), by rejection sampling over the random source."""
        if bound <= 0:
            raise ValueError("bound must be positive")
        size = max(1, (bound - 1).bit_length() + 7 >> 3)
        limit = (256**size // bound) * bound
        while True:
            value = int.from_bytes(self.rng(size), "big")
            if value < limit:
                return value % bound


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
