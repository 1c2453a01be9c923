"""Provides the error tree of the `wallet` package and the exit code of each branch.

WalletError                   root (exit 1 unless a subclass says otherwise)
├── UsageError                bad arguments the parser could not catch (exit 2)
├── EnvironmentProblem        the machine, not the input (exit 3)
│   ├── KeystoreUnavailable   the recorded keystore backend does not answer
│   ├── KeystoreLocked        wrong or missing passphrase, locked keyring
│   │   └── BoardLocked       the board's checkpoint key needs its passphrase
│   ├── KeystoreCorrupted     a truncated or tampered keystore file
│   ├── HomeError             no wallet here, or one already exists
│   └── FileProblem           a file that cannot be read or written
│       └── BoardUnreachable  a board that cannot be opened or reached
├── NotFound                  nothing by that name: identity, credential, election (1)
├── NotOpen                   the election is not open for that: before its opening, or closed (1)
└── VerificationFailed        a verification that ran and failed (exit 1)
    └── BoardUntrusted        what a board showed does not verify; nothing was acted on
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


class WalletError(Exception):
    """Root of every error the `wallet` package raises."""

    exit_code = 1


class UsageError(WalletError):
    """Arguments that parse but make no sense together."""

    exit_code = 2


class EnvironmentProblem(WalletError):
    """A problem with the machine or its files rather than with the input."""

    exit_code = 3


class KeystoreUnavailable(EnvironmentProblem):
    """The keystore backend recorded for this wallet does not answer."""


class KeystoreLocked(EnvironmentProblem):
    """The keystore needs a passphrase that is missing or wrong."""


class KeystoreCorrupted(EnvironmentProblem):
    """The keystore file is truncated, tampered with, or not a keystore file."""


class HomeError(EnvironmentProblem):
    """No wallet in this home, or one already there when creating."""


class FileProblem(EnvironmentProblem):
    """A file that cannot be read, parsed or written."""


class NotFound(WalletError):
    """No identity, credential, election or receipt by that name."""


class NotOpen(WalletError):
    """The election's phase refuses the action: a ballot before the election opens, or after
    it closed. The board would refuse the entry; `opens` and `closes` are its window (UTC)."""

    def __init__(self, message: str, *, opens: datetime | None, closes: datetime | None) -> None:
        super().__init__(message)
        self.opens = opens
        self.closes = closes


class VerificationFailed(WalletError):
    """A verification that ran and failed."""


class BoardLocked(KeystoreLocked):
    """The board's checkpoint key is in a passphrase file whose passphrase is missing or wrong.

    A front end that can ask for it (the TUI) catches this one and asks, then tries again.
    """


class BoardUnreachable(FileProblem):
    """A board that cannot be opened: no such file, no sidecar, or (remote) no answer."""


class BoardUntrusted(VerificationFailed):
    """What a board showed does not verify: a forged or rewritten entry, a result that is not
    the decryption of its tally, a checkpoint inconsistent with the one pinned before.

    The wallet acted on none of it and posted nothing; `problems` names each failed check as
    (entry index, entry type, rule step, reason), empty when the checkpoint itself failed.
    """

    def __init__(self, message: str, problems: tuple[tuple[int, str, str, str], ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
