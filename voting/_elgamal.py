"""Provides exponential ElGamal over the election group (record spec §5.1)."""

from __future__ import annotations

from dataclasses import dataclass

from voting._group import IDENTITY, Point, base_mul
from voting._json import JsonObject, keys
from voting.errors import EncodingError


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An encryption (alpha, beta) = (xi·G, sigma·G + xi·K) of a small integer sigma."""

    alpha: Point
    beta: Point

    def __add__(self, other: Ciphertext) -> Ciphertext:
        # Adding ciphertexts adds the plaintexts in the exponent.
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def scale(self, weight: int) -> Ciphertext:
        """Return the encryption of weight·sigma."""
        if weight == 1:
            return self
        return Ciphertext(self.alpha * weight, self.beta * weight)

    def to_json(self) -> JsonObject:
        """Return {"alpha": hex, "beta": hex}."""
        return {"alpha": self.alpha.hex(), "beta": self.beta.hex()}

    @classmethod
    def from_json(cls, obj: object, what: str, *, allow_identity: bool = False) -> Ciphertext:
        """Parse a ciphertext, validating both points once."""
        if not isinstance(obj, dict):
            raise EncodingError(f"{what}: want an object")
        keys(obj, what, {"alpha", "beta"})
        return cls(
            Point.from_hex(obj["alpha"], what=f"{what}.alpha", allow_identity=allow_identity),
            Point.from_hex(obj["beta"], what=f"{what}.beta", allow_identity=allow_identity),
        )


ZERO = Ciphertext(IDENTITY, IDENTITY)

# Small multiples of G are reused by every encryption and every range-proof branch.
_SMALL = [base_mul(m) for m in range(0, 102)]


def small_multiple(m: int) -> Point:
    """Return m·G, from a table for the values ballots use."""
    return _SMALL[m] if 0 <= m < len(_SMALL) else base_mul(m)


def encrypt(sigma: int, nonce: int, key: Point) -> Ciphertext:
    """Encrypt sigma under the joint key K with the nonce xi (§5.1)."""
    return Ciphertext(base_mul(nonce), small_multiple(sigma) + key * nonce)
