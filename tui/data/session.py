"""Provides `Session`: which wallet the TUI works on, and the passphrase it was unlocked with.

SQLite connections belong to the thread that opened them, so every worker opens its own
`Wallet` through `Session.open()` instead of sharing one across threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from wallet.services import Environment, Wallet

PASSPHRASE_VARIABLE = "WALLET_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret.


class Secret:
    """A passphrase typed into the TUI; its repr never shows it.

    Textual's crash report prints local variables, so the value is only ever held inside
    this wrapper or the redacting environment below.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(<redacted>)"

    __str__ = __repr__


class _EnvironWithPassphrase(Mapping[str, str]):
    """The process environment plus the typed passphrase, with a repr that hides it."""

    def __init__(self, base: Mapping[str, str], passphrase: Secret) -> None:
        self._base = base
        self._passphrase = passphrase

    def __getitem__(self, name: str) -> str:
        if name == PASSPHRASE_VARIABLE:
            return self._passphrase.reveal()
        return self._base[name]

    def __iter__(self) -> Iterator[str]:
        yield from (name for name in self._base if name != PASSPHRASE_VARIABLE)
        yield PASSPHRASE_VARIABLE

    def __len__(self) -> int:
        return len(self._base) + (PASSPHRASE_VARIABLE not in self._base)

    def __repr__(self) -> str:
        return f"<environment of {len(self)} variables, {PASSPHRASE_VARIABLE} redacted>"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Session:
    """The wallet home the TUI shows, the service environment, its unlock state and clock.

    `clock` is what services get as `now` (verification, presentation); tests fix it.
    """

    def __init__(
        self, home: Path | None, env: Environment, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.home = home
        self.clock = clock
        #: Board files opened in this session, beside those the wallet already follows.
        self.boards: list[Path] = []
        self._base = env
        self._env = env

    @property
    def env(self) -> Environment:
        """The environment to hand to services (with the typed passphrase once unlocked)."""
        return self._env

    def open(self) -> Wallet:
        """Open the wallet in the calling thread; use it as a context manager."""
        return Wallet.open(self.home, self._env)

    def needs_passphrase(self) -> bool:
        """Whether the keystore is a passphrase file that nobody has unlocked yet.

        This reads the wallet's config, so it raises the services' error when there is no
        wallet at the home.
        """
        if self._env.environ.get(PASSPHRASE_VARIABLE):
            return False
        with self.open() as wallet:
            return wallet.home.config.keystore == "file"

    def candidate(self, passphrase: Secret) -> Environment:
        """The environment a typed passphrase would give, to try before keeping it."""
        return replace(self._base, environ=_EnvironWithPassphrase(self._base.environ, passphrase))

    def unlock(self, env: Environment) -> None:
        """Keep an environment whose passphrase has opened the keystore."""
        self._env = env
