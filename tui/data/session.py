"""Provides `Session`: which wallet the TUI works on, and the passphrases typed into it.

SQLite connections belong to the thread that opened them, so every worker opens its own
`Wallet` through `Session.open()` instead of sharing one across threads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tui.data.locations import Location, is_url
from wallet.services import Environment, Wallet, board_needs_passphrase, unlock_board

PASSPHRASE_VARIABLE = "WALLET_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret.
BOARD_PASSPHRASE_VARIABLE = "WALLET_BOARD_PASSPHRASE"  # noqa: S105 -- a variable name.


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


class _EnvironWithSecrets(Mapping[str, str]):
    """The process environment plus typed passphrases, with a repr that hides them.

    The services read passphrases from their environment mapping (`WALLET_PASSPHRASE`,
    `WALLET_BOARD_PASSPHRASE`), so a typed one is handed over as a variable of this mapping
    and never copied into a plain dict that a traceback could print.
    """

    def __init__(self, base: Mapping[str, str], secrets: Mapping[str, Secret]) -> None:
        self._base = base
        self._secrets = dict(secrets)

    def with_secret(self, name: str, secret: Secret) -> _EnvironWithSecrets:
        return _EnvironWithSecrets(self._base, {**self._secrets, name: secret})

    def __getitem__(self, name: str) -> str:
        if name in self._secrets:
            return self._secrets[name].reveal()
        return self._base[name]

    def __iter__(self) -> Iterator[str]:
        yield from (name for name in self._base if name not in self._secrets)
        yield from self._secrets

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        hidden = ", ".join(sorted(self._secrets))
        return f"<environment of {len(self)} variables, {hidden} redacted>"


class Session:
    """The wallet home the TUI shows, the service environment, its unlock state and clock.

    The clock is the environment's: services read it themselves (casting) or get it as `now`
    (verification, presentation); tests fix it in the environment they pass.
    """

    def __init__(self, home: Path | None, env: Environment) -> None:
        self.home = home
        #: Boards added in this session (files or servers' URLs), beside those the wallet
        #: already follows.
        self.boards: list[Location] = []
        #: Status list credentials loaded in this session, by file, for verifying credentials.
        self.status_list_files: list[Path] = []
        self._env = env

    def clock(self) -> datetime:
        """The time by the environment's clock."""
        return self._env.now()

    @property
    def env(self) -> Environment:
        """The environment to hand to services (with the typed passphrases once accepted)."""
        return self._env

    def ca_file(self) -> Path | None:
        """A private CA for board servers' TLS, as the services read it (`WALLET_CA_FILE`)."""
        return self._env.ca_file()

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

    def add_board(self, board: Location) -> None:
        """Remember a board for this session (once)."""
        if board not in self.boards:
            self.boards.append(board)

    def needs_board_passphrase(self, board: Location) -> bool:
        """Whether posting to `board` needs a board passphrase that nobody has given yet.

        A local board signs a checkpoint for every entry; its sidecar records whether the
        signing key is in the OS keyring or in a sealed file, and only the file needs one.
        Reading the sidecar raises the services' error when the board cannot be opened. A
        board server signs with its own key, which never leaves it: nothing to ask.
        """
        if is_url(board):
            return False
        return board_needs_passphrase(Path(board), self._env)

    def candidate(self, passphrase: Secret, variable: str = PASSPHRASE_VARIABLE) -> Environment:
        """The environment a typed passphrase would give, to try before keeping it.

        It keeps the passphrases already accepted, so unlocking the board after the keystore
        (or the other way round) hands both to the services.
        """
        environ = self._env.environ
        if isinstance(environ, _EnvironWithSecrets):
            merged = environ.with_secret(variable, passphrase)
        else:
            merged = _EnvironWithSecrets(environ, {variable: passphrase})
        return replace(self._env, environ=merged)

    def unlock(self, env: Environment) -> None:
        """Keep an environment whose passphrase has been accepted."""
        self._env = env


def open_board_key(board: Path, env: Environment) -> None:
    """Open the board's checkpoint key with `env`, raising the services' error if it fails.

    This tries a typed board passphrase before a ballot is encrypted and posted, so a wrong
    one is refused at once with the keystore's reason and nothing reaches the board.
    """
    unlock_board(board, env)
