"""Provides the record's hash functions and the Fiat-Shamir challenge (record spec §3).

Every input is a domain tag, the record version and a sequence of length-prefixed fields,
so no two different field sequences can produce the same hash input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from voting._group import Point, Q
from voting._json import RECORD_VERSION as RECORD_VERSION  # re-exported: the hash framing uses it

# The record version (record spec §1); it is hashed into every digest and challenge.

TAG_PREFIX = "ssi-wallet/voting/"

# The option index used in the context of a contest-level proof (record spec §3.4).
NO_OPTION = 0xFFFFFFFF


def u32(value: int) -> bytes:
    """Encode a non-negative integer below 2**32 as 4 big-endian bytes."""
    return value.to_bytes(4, "big")


def lp(data: bytes) -> bytes:
    """Prefix data with its length as a 4-byte big-endian integer (record spec §3.1)."""
    return len(data).to_bytes(4, "big") + data


def fields(*parts: bytes) -> bytes:
    """Concatenate length-prefixed fields."""
    return b"".join(lp(part) for part in parts)


def points(items: Iterable[Point]) -> bytes:
    """Concatenate length-prefixed point encodings."""
    return b"".join(lp(p.to_bytes()) for p in items)


def _frame(tag: str, parts: tuple[bytes, ...]) -> bytes:
    # §3.1: lp(tag) || u32(version) || lp(part_1) || ... || lp(part_k).
    return lp((TAG_PREFIX + tag).encode("ascii")) + u32(RECORD_VERSION) + fields(*parts)


def digest(tag: str, *parts: bytes) -> bytes:
    """Return SHA-256 over the framed input: a 32-byte record hash (record spec §3.2)."""
    return hashlib.sha256(_frame(tag, parts)).digest()


def hash_to_scalar(tag: str, *parts: bytes) -> int:
    """Return SHA-512 over the framed input, read little-endian and reduced mod q (§3.3)."""
    return int.from_bytes(hashlib.sha512(_frame(tag, parts)).digest(), "little") % Q


def challenge(
    kind: str, election_hash: bytes, statement: bytes, context: bytes, commitments: bytes
) -> int:
    """Return the strong Fiat-Shamir challenge of a proof of the given kind (§3.4)."""
    return hash_to_scalar("challenge/" + kind, election_hash, statement, context, commitments)


@dataclass(frozen=True, slots=True)
class ProofContext:
    """Where a ballot proof belongs: its ballot, voter, contest and option (§3.4)."""

    ballot_id: str
    voter: str
    contest: int
    option: int = NO_OPTION

    def encode(self) -> bytes:
        """Return the context field of the challenge input."""
        return fields(
            self.ballot_id.encode("utf-8"),
            self.voter.encode("utf-8"),
            u32(self.contest),
            u32(self.option),
        )
