"""Provides the keystore factory: open a recorded backend, or choose one for `auto`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from keyring.backend import KeyringBackend
from nacl.pwhash import argon2id

from wallet.errors import KeystoreLocked, KeystoreUnavailable, UsageError
from wallet.keystore._file import KEYSTORE_FILE, FileKeystore
from wallet.keystore._native import OsKeystore, native_backend_class, open_native
from wallet.keystore._passphrase import PASSPHRASE_VARIABLE, PassphraseSource
from wallet.keystore._store import Keystore, KeystoreKind


@dataclass(frozen=True)
class BackendChoice:
    """The outcome of `auto`: the kind to record, and a one-line notice for stderr."""

    kind: KeystoreKind
    notice: str


def keystore_path(home: Path) -> Path:
    """Return where the file backend keeps its sealed file inside a wallet home."""
    return Path(home) / KEYSTORE_FILE


def open_keystore(
    kind: KeystoreKind,
    *,
    wallet_id: str,
    home: Path,
    passphrase: PassphraseSource,
    opslimit: int = argon2id.OPSLIMIT_INTERACTIVE,
    memlimit: int = argon2id.MEMLIMIT_INTERACTIVE,
    native: type[KeyringBackend] | None = None,
    randbytes: Callable[[int], bytes] | None = None,
) -> Keystore:
    """Open the keystore backend a wallet recorded; never falls back to another one.

    `os` probes the native keyring now and raises `KeystoreUnavailable`/`KeystoreLocked`
    when it does not answer. `file` asks for the passphrase only when the file is first
    read or written; `opslimit`/`memlimit` are the Argon2id costs for a new file (an
    existing file records its own). `native` overrides the platform's backend class;
    `randbytes` draws a file's salts and nonces (default: the operating system's).
    """
    if kind == "os":
        return OsKeystore(open_native(native), wallet_id=wallet_id)
    if kind == "file":
        return FileKeystore(
            keystore_path(home),
            wallet_id=wallet_id,
            passphrase=passphrase,
            opslimit=opslimit,
            memlimit=memlimit,
            randbytes=randbytes,
        )
    raise UsageError(f"unknown keystore kind {kind!r}, want 'os' or 'file'")


def choose_backend(*, home: Path, native: type[KeyringBackend] | None = None) -> BackendChoice:
    """Pick the backend for `auto`: the OS keyring when it answers, else the sealed file."""
    try:
        backend = open_native(native)
    except (KeystoreUnavailable, KeystoreLocked) as exc:
        return BackendChoice(
            kind="file",
            notice=(
                f"keystore: no working OS keyring ({exc}); using the encrypted file "
                f"{keystore_path(home)} (passphrase from {PASSPHRASE_VARIABLE} or a prompt)"
            ),
        )
    return BackendChoice(kind="os", notice=f"keystore: using the OS keyring ({backend.name})")


def native_backend_name(native: type[KeyringBackend] | None = None) -> str:
    """Return the display name of the platform's native keyring backend."""
    cls = native if native is not None else native_backend_class()
    return str(cls.name)
