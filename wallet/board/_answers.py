"""Provides what a board server answers: an accepted entry, and an election in the listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Accepted:
    """An entry in the log: its index, `prev` (where the board placed a voter's entry),
    hashes and receipt (tlog-proof text)."""

    election: str
    index: int
    prev: bytes
    leaf_hash: bytes
    entry_hash: bytes
    receipt: str
    created: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election,
            "index": self.index,
            "prev": self.prev.hex(),
            "leafHash": self.leaf_hash.hex(),
            "entryHash": self.entry_hash.hex(),
            "receipt": self.receipt,
        }


@dataclass(frozen=True)
class ElectionListing:
    """One election on the board, for the listing."""

    election: str
    phase: str
    size: int
    origin: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.election, "phase": self.phase, "size": self.size, "origin": self.origin}
