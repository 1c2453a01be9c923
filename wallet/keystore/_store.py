"""Provides the keystore protocol the wallet programs against, and what backends share."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from wallet.errors import KeystoreCorrupted, UsageError

KeystoreKind = Literal["os", "file"]

#: Every entry of one wallet lives under this keyring service, followed by the wallet id.
SERVICE_PREFIX = "ssi-wallet/"

#: The reserved username under which the OS backend keeps its list of key ids.
INDEX_ID = "__index__"

_MAX_ID_LENGTH = 200


@runtime_checkable
class Keystore(Protocol):
    """Where the wallet's secrets live: key id → secret bytes, for one wallet."""

    kind: str

    def get(self, key_id: str) -> bytes | None:
        """Return the secret stored under `key_id`, or None when there is none."""
        ...

    def put(self, key_id: str, secret: bytes) -> None:
        """Store `secret` under `key_id`, replacing any previous secret."""
        ...

    def delete(self, key_id: str) -> None:
        """Remove the secret under `key_id`; raise `NotFound` when there is none."""
        ...

    def ids(self) -> list[str]:
        """Return the stored key ids, sorted."""
        ...

    def info(self) -> KeystoreInfo:
        """Describe the backend for `wallet keystore info`."""
        ...


@dataclass(frozen=True)
class KeystoreInfo:
    """What `wallet keystore info` shows: never a secret, only where and how many."""

    kind: str
    backend: str
    service: str
    entries: int
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object form."""
        return {
            "kind": self.kind,
            "backend": self.backend,
            "service": self.service,
            "entries": self.entries,
            "path": None if self.path is None else str(self.path),
        }


def service_name(wallet_id: str) -> str:
    """Return the keyring service of a wallet, checking the wallet id."""
    if not wallet_id or not wallet_id.isprintable() or len(wallet_id) > _MAX_ID_LENGTH:
        raise UsageError(f"wallet id {wallet_id!r} is not a printable id of 1-200 characters")
    return SERVICE_PREFIX + wallet_id


def check_key_id(key_id: str) -> None:
    """Raise `UsageError` unless `key_id` may name a keystore entry."""
    if not isinstance(key_id, str) or not key_id or len(key_id) > _MAX_ID_LENGTH:
        raise UsageError(f"key id {key_id!r} must be 1-{_MAX_ID_LENGTH} characters")
    if not key_id.isprintable():
        raise UsageError(f"key id {key_id!r} contains unprintable characters")
    if key_id == INDEX_ID:
        raise UsageError(f"key id {INDEX_ID!r} is reserved")


def check_secret(secret: bytes) -> None:
    """Raise `UsageError` unless `secret` is non-empty bytes."""
    if not isinstance(secret, bytes) or not secret:
        raise UsageError("a keystore secret is non-empty bytes")


def encode_secret(secret: bytes) -> str:
    """Return the text a keyring stores for `secret` (standard base64)."""
    return base64.b64encode(secret).decode("ascii")


def decode_secret(text: str, where: str) -> bytes:
    """Return the bytes of a stored secret, raising `KeystoreCorrupted` for bad base64."""
    try:
        secret = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise KeystoreCorrupted(f"{where} does not hold base64 text") from None
    if not secret:
        raise KeystoreCorrupted(f"{where} holds an empty secret")
    return secret
