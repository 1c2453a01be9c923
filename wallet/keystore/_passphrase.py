"""Provides the passphrase holder and the sources a file keystore asks for its passphrase."""

from __future__ import annotations

import getpass as _getpass
import sys
import unicodedata
from collections.abc import Callable, Mapping
from typing import Protocol

from wallet.errors import KeystoreLocked

#: The environment variable scripts use to hand the file keystore its passphrase.
PASSPHRASE_VARIABLE = "WALLET_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret.

# A typo in a passphrase typed twice is caught; three mismatches in a row end the attempt.
_CONFIRM_ATTEMPTS = 3


class Passphrase:
    """A passphrase held in memory; its repr and str never show it.

    A fixed passphrase is also its own `PassphraseSource`: calling it returns itself, so tests
    and scripts can hand one to a keystore directly.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a passphrase is text")
        self._value = value

    def reveal(self) -> bytes:
        """Return the passphrase as the bytes the key derivation consumes.

        The text is NFC-normalised first so that the same passphrase typed on systems that
        compose accents differently derives the same key.
        """
        return unicodedata.normalize("NFC", self._value).encode("utf-8")

    def is_empty(self) -> bool:
        """Return whether the passphrase is the empty string."""
        return self._value == ""

    def __call__(self, *, confirm: bool = False) -> Passphrase:
        return self

    def __repr__(self) -> str:
        return "Passphrase(<redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> tuple[type[Passphrase], tuple[str]]:
        # Pickling is what hands a passphrase to a worker process; it is deliberate there.
        return (Passphrase, (self._value,))


class PassphraseSource(Protocol):
    """Something that produces the keystore passphrase when the keystore first needs it.

    `confirm` is true when the passphrase will seal a new keystore file, so an interactive
    source asks twice.
    """

    def __call__(self, *, confirm: bool) -> Passphrase: ...


class EnvironmentOrPrompt:
    """The standard passphrase source: `WALLET_PASSPHRASE`, else a prompt on a terminal.

    The environment is a mapping the caller passes in (the CLI passes `os.environ`), never
    read at import. With no variable and no terminal on stdin it raises `KeystoreLocked`
    naming the variable, so a script fails clearly instead of hanging on a prompt.
    """

    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        variable: str = PASSPHRASE_VARIABLE,
        isatty: Callable[[], bool] | None = None,
        prompt: Callable[[str], str] | None = None,
    ) -> None:
        self._environ = environ
        self._variable = variable
        self._isatty = isatty if isatty is not None else _stdin_isatty
        self._prompt = prompt if prompt is not None else _getpass.getpass

    def __call__(self, *, confirm: bool) -> Passphrase:
        value = self._environ.get(self._variable)
        if value is not None:
            if value == "":
                raise KeystoreLocked(f"{self._variable} is set but empty")
            return Passphrase(value)
        if not self._isatty():
            raise KeystoreLocked(
                f"the keystore file needs a passphrase: set {self._variable} "
                "or run the command in a terminal to be prompted"
            )
        if not confirm:
            return self._ask("Keystore passphrase: ")
        for _ in range(_CONFIRM_ATTEMPTS):
            first = self._ask("New keystore passphrase: ")
            second = self._ask("Repeat the passphrase: ")
            if first.reveal() == second.reveal():
                return first
            print("The passphrases differ; try again.", file=sys.stderr)
        raise KeystoreLocked(f"the passphrases differed {_CONFIRM_ATTEMPTS} times")

    def _ask(self, label: str) -> Passphrase:
        try:
            value = self._prompt(label)
        except (EOFError, KeyboardInterrupt):
            raise KeystoreLocked("no passphrase was entered") from None
        if value == "":
            raise KeystoreLocked("the passphrase is empty")
        return Passphrase(value)

    def __repr__(self) -> str:
        # The environment holds the passphrase itself, so it is never shown.
        return f"EnvironmentOrPrompt(variable={self._variable!r}, environ=<redacted>)"


def _stdin_isatty() -> bool:
    """Return whether stdin is an interactive terminal."""
    stdin = sys.stdin
    return stdin is not None and stdin.isatty()
