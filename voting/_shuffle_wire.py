"""Provides the wire forms of a shuffle: ciphertext rows and the proof object (§10.7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voting._elgamal import Ciphertext
from voting._group import Point, parse_scalar, scalar_hex
from voting._hashing import RECORD_VERSION
from voting._json import JsonObject, hex_bytes, keys, version
from voting.errors import EncodingError, ShuffleError

Row = tuple[Ciphertext, ...]
"""One row of a shuffled list: w ciphertexts that move together."""

# §10.1: the sizes this version accepts.
MAX_ROWS = 1 << 20
MAX_WIDTH = 256
MAX_LABEL = 256

_EQUATIONS = ("t1", "t2", "t3", "t4", "chain")


def check_label(label: object) -> str:
    """Require a list label: 1..256 characters, none of them a control character."""
    if not isinstance(label, str) or not 1 <= len(label) <= MAX_LABEL:
        raise ShuffleError(("label",), f"want 1..{MAX_LABEL} characters")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in label):
        raise ShuffleError(("label",), "control character")
    return label


def _array(value: object, what: str, high: int) -> list[object]:
    if not isinstance(value, list):
        raise EncodingError(f"{what}: want an array")
    if not 1 <= len(value) <= high:
        raise EncodingError(f"{what}: got {len(value)} items, want 1..{high}")
    return value


def rows_to_json(rows: Sequence[Row]) -> list[list[JsonObject]]:
    """Return [[{"alpha", "beta"}…]…], one inner array per row."""
    return [[ct.to_json() for ct in row] for row in rows]


def rows_from_json(obj: object, what: str = "rows") -> tuple[Row, ...]:
    """Parse a list of rows, validating every point (none may be the identity)."""
    return tuple(
        tuple(
            Ciphertext.from_json(ct, f"{what}[{i}][{k}]")
            for k, ct in enumerate(_array(row, f"{what}[{i}]", MAX_WIDTH))
        )
        for i, row in enumerate(_array(obj, what, MAX_ROWS))
    )


def _points(value: object, what: str) -> tuple[Point, ...]:
    return tuple(
        Point.from_hex(p, what=f"{what}[{i}]") for i, p in enumerate(_array(value, what, MAX_ROWS))
    )


def _scalars(value: object, what: str, high: int) -> tuple[int, ...]:
    return tuple(parse_scalar(s, f"{what}[{i}]") for i, s in enumerate(_array(value, what, high)))


@dataclass(frozen=True, slots=True)
class ShuffleProof:
    """A compact Terelius-Wikström proof of shuffle (record spec §10.5, §10.7)."""

    permutation_commitments: tuple[Point, ...]
    chain_commitments: tuple[Point, ...]
    challenge: int
    digests: tuple[bytes, ...]
    s1: int
    s2: int
    s3: int
    s4: tuple[int, ...]
    chain_responses: tuple[int, ...]
    permuted_responses: tuple[int, ...]

    def check_size(self, rows: int, width: int) -> None:
        """Raise ShuffleError("proof") unless the arrays fit N rows of width w (§10.6)."""
        for name, got, want in (
            ("permutationCommitments", len(self.permutation_commitments), rows),
            ("chainCommitments", len(self.chain_commitments), rows),
            ("chainResponses", len(self.chain_responses), rows),
            ("permutedResponses", len(self.permuted_responses), rows),
            ("s4", len(self.s4), width),
            ("digests", len(self.digests), len(_EQUATIONS)),
        ):
            if got != want:
                raise ShuffleError(("proof",), f"{name}: got {got} items, want {want}")

    def to_json(self) -> JsonObject:
        """Return the proof object of §10.7."""
        return {
            "version": RECORD_VERSION,
            "permutationCommitments": [p.hex() for p in self.permutation_commitments],
            "chainCommitments": [p.hex() for p in self.chain_commitments],
            "challenge": scalar_hex(self.challenge),
            "digests": {name: d.hex() for name, d in zip(_EQUATIONS, self.digests, strict=True)},
            "s1": scalar_hex(self.s1),
            "s2": scalar_hex(self.s2),
            "s3": scalar_hex(self.s3),
            "s4": [scalar_hex(s) for s in self.s4],
            "chainResponses": [scalar_hex(s) for s in self.chain_responses],
            "permutedResponses": [scalar_hex(s) for s in self.permuted_responses],
        }

    @classmethod
    def from_json(cls, obj: object, what: str = "shuffle proof") -> ShuffleProof:
        """Parse a proof; every point is validated here, sizes when verifying."""
        if not isinstance(obj, dict):
            raise EncodingError(f"{what}: want an object")
        keys(
            obj,
            what,
            {
                "version",
                "permutationCommitments",
                "chainCommitments",
                "challenge",
                "digests",
                "s1",
                "s2",
                "s3",
                "s4",
                "chainResponses",
                "permutedResponses",
            },
        )
        version(obj, what)
        ds = obj["digests"]
        if not isinstance(ds, dict):
            raise EncodingError(f"{what}.digests: want an object")
        keys(ds, f"{what}.digests", set(_EQUATIONS))
        return cls(
            permutation_commitments=_points(
                obj["permutationCommitments"], f"{what}.permutationCommitments"
            ),
            chain_commitments=_points(obj["chainCommitments"], f"{what}.chainCommitments"),
            challenge=parse_scalar(obj["challenge"], f"{what}.challenge"),
            digests=tuple(hex_bytes(ds[n], f"{what}.digests.{n}") for n in _EQUATIONS),
            s1=parse_scalar(obj["s1"], f"{what}.s1"),
            s2=parse_scalar(obj["s2"], f"{what}.s2"),
            s3=parse_scalar(obj["s3"], f"{what}.s3"),
            s4=_scalars(obj["s4"], f"{what}.s4", MAX_WIDTH),
            chain_responses=_scalars(obj["chainResponses"], f"{what}.chainResponses", MAX_ROWS),
            permuted_responses=_scalars(
                obj["permutedResponses"], f"{what}.permutedResponses", MAX_ROWS
            ),
        )
