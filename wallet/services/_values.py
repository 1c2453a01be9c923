"""Provides the small value types several use-cases share.

JSON documents (credentials, presentations, DID documents, claims) cross the services'
boundary as read-only `JsonObject`s: their shape is the standard's, not the wallet's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from wallet.keystore import KeystoreInfo

JsonObject: TypeAlias = Mapping[str, object]


@dataclass(frozen=True)
class StatusEntry:
    """Where an issued credential's status lives: the list's name and the index in it."""

    list: str
    index: int

    def to_json(self) -> dict[str, Any]:
        return {"list": self.list, "index": self.index}


@dataclass(frozen=True)
class KeystoreSummary:
    """What `keystore info` shows: the wallet, and its keystore (never a secret)."""

    home: Path
    wallet_id: str
    keystore: KeystoreInfo

    def to_json(self) -> dict[str, Any]:
        return {**self.keystore.to_json(), "home": str(self.home), "wallet_id": self.wallet_id}
