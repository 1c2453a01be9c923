"""Provides the OS-keyring backend: the platform's native keyring, picked explicitly.

keyring's own selection (`keyring.get_keyring()`) may return its Chainer, which spreads
secrets over every viable store, or a third-party plugin. The wallet instead names the one
native backend of the platform, checks that it is viable, and asks it a question before use.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
from collections.abc import Iterator

from keyring.backend import KeyringBackend

from wallet.errors import KeystoreCorrupted, KeystoreLocked, KeystoreUnavailable, NotFound
from wallet.keystore._store import (
    INDEX_ID,
    KeystoreInfo,
    check_key_id,
    check_secret,
    decode_secret,
    encode_secret,
    service_name,
)

# The native backend of each platform, as (module, class) inside keyring.backends.
_NATIVE = {
    "darwin": ("keyring.backends.macOS", "Keyring"),
    "win32": ("keyring.backends.Windows", "WinVaultKeyring"),
}
_SECRET_SERVICE = ("keyring.backends.SecretService", "Keyring")

# The probe reads an entry nobody writes: any answer, even "none", shows the store works.
_PROBE_SERVICE = "ssi-wallet/probe"
_PROBE_USER = "__probe__"

# Exception class names that mean "locked" rather than "absent", from keyring and from
# secretstorage (which is only importable on Linux, so it is matched by name).
_LOCKED_NAMES = frozenset({"KeyringLocked", "LockedException", "PromptDismissedException"})


def native_backend_class(platform: str = sys.platform) -> type[KeyringBackend]:
    """Return the native keyring backend class for `platform` (Secret Service elsewhere)."""
    module_name, class_name = _NATIVE.get(platform, _SECRET_SERVICE)
    try:
        module = importlib.import_module(module_name)
        backend: type[KeyringBackend] = getattr(module, class_name)
    except (ImportError, AttributeError) as exc:
        raise KeystoreUnavailable(
            f"the OS keyring backend {module_name}.{class_name} cannot be loaded: {exc}"
        ) from None
    return backend


def open_native(backend_class: type[KeyringBackend] | None = None) -> KeyringBackend:
    """Return a working instance of the native backend, or raise why there is none.

    Viable means keyring's priority check passes with a priority above zero and a probe read
    answers; a locked store raises `KeystoreLocked`, anything else `KeystoreUnavailable`.
    """
    cls = backend_class if backend_class is not None else native_backend_class()
    label = _label(cls)
    try:
        priority = float(cls.priority)
    except Exception as exc:
        # keyring signals "not viable" by raising from `priority`, with any exception type.
        raise KeystoreUnavailable(f"{label} is not available: {_describe(exc)}") from None
    if priority <= 0:
        raise KeystoreUnavailable(f"{label} is not available (priority {priority:g})")
    with _translating(label, "opening it"):
        backend = cls()
        backend.get_password(_PROBE_SERVICE, _PROBE_USER)
    return backend


class OsKeystore:
    """The wallet's keystore in the OS keyring: service `ssi-wallet/<wallet-id>`.

    A native keyring cannot list entries portably, so the keystore keeps the sorted list of
    its key ids as JSON in the reserved entry `__index__` of the same service. The index is
    rewritten after each put or delete without a cross-process lock, so two processes adding
    keys to one wallet at the same instant could each drop the other's id from the list
    (never the secret itself); the wallet's commands do not write keys concurrently.
    """

    kind = "os"

    def __init__(self, backend: KeyringBackend, *, wallet_id: str) -> None:
        self.backend = backend
        self.service = service_name(wallet_id)
        self._label = _label(type(backend))

    def __repr__(self) -> str:
        return f"OsKeystore({self._label!r}, service={self.service!r})"

    def get(self, key_id: str) -> bytes | None:
        check_key_id(key_id)
        with _translating(self._label, f"reading {key_id!r}"):
            text = self.backend.get_password(self.service, key_id)
        return None if text is None else decode_secret(text, f"keyring entry {key_id!r}")

    def put(self, key_id: str, secret: bytes) -> None:
        check_key_id(key_id)
        check_secret(secret)
        # The secret is written before the index so that a listed id always has a secret.
        text = encode_secret(secret)
        with _translating(self._label, f"storing {key_id!r}", hide=text):
            self.backend.set_password(self.service, key_id, text)
        ids = self.ids()
        if key_id not in ids:
            self._write_index([*ids, key_id])

    def delete(self, key_id: str) -> None:
        check_key_id(key_id)
        if self.get(key_id) is None:
            raise NotFound(f"no key {key_id!r} in the OS keyring service {self.service!r}")
        with _translating(self._label, f"deleting {key_id!r}"):
            self.backend.delete_password(self.service, key_id)
        self._write_index([i for i in self.ids() if i != key_id])

    def ids(self) -> list[str]:
        with _translating(self._label, "reading the key index"):
            text = self.backend.get_password(self.service, INDEX_ID)
        if text is None:
            return []
        from did import parse_json
        from did.errors import DidError

        try:
            ids = parse_json(text)
        except DidError:
            ids = None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise KeystoreCorrupted(f"the key index of {self.service!r} is not a list of ids")
        return sorted(ids)

    def info(self) -> KeystoreInfo:
        return KeystoreInfo(
            kind=self.kind, backend=self._label, service=self.service, entries=len(self.ids())
        )

    def _write_index(self, ids: list[str]) -> None:
        with _translating(self._label, "writing the key index"):
            if ids:
                self.backend.set_password(self.service, INDEX_ID, json.dumps(sorted(set(ids))))
            else:
                with contextlib.suppress(Exception):
                    self.backend.delete_password(self.service, INDEX_ID)


def _label(cls: type[KeyringBackend]) -> str:
    """Return a backend's display name, e.g. "SecretService Keyring"."""
    try:
        return str(cls.name)
    except Exception:
        # A display name must never be what makes a command fail.
        return cls.__name__


@contextlib.contextmanager
def _translating(label: str, doing: str, *, hide: str | None = None) -> Iterator[None]:
    """Turn any failure of the native store into the wallet's keystore errors.

    The original exception is dropped (`from None`): its frames belong to D-Bus or platform
    internals and may hold the secret being written, so it must not reach a traceback.
    """
    try:
        yield
    except Exception as exc:
        # Whatever a backend raises, the store did not answer: it is unavailable or locked.
        if type(exc).__name__ in _LOCKED_NAMES:
            raise KeystoreLocked(
                f"{label} is locked: unlock it (log in to the desktop session) and retry"
            ) from None
        detail = _describe(exc, hide=hide)
        raise KeystoreUnavailable(f"{label} failed while {doing}: {detail}") from None


def _describe(exc: BaseException, *, hide: str | None = None) -> str:
    """Return a short, single-line description of a backend error, without `hide`."""
    text = " ".join(str(exc).split())
    if hide:
        text = text.replace(hide, "<redacted>")
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
