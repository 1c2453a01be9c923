"""Provides the election group: the prime-order subgroup of edwards25519 (record spec §2).

Points are validated once, when they are built from bytes; arithmetic on validated points
does not re-check them. The identity element is represented explicitly because libsodium's
scalar multiplications refuse it both as an input and as a result.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from nacl import bindings as _sodium

from voting._json import hex_bytes
from voting.errors import GroupError

# The order of the prime-order subgroup (record spec §2.1).
Q = 2**252 + 27742317777372353535851937790883648493

# The canonical encoding of the neutral element: y = 1, x = 0.
_IDENTITY_BYTES = b"\x01" + b"\x00" * 31

Rng = Callable[[int], bytes]
"""A source of randomness: called with a byte count, returns that many random bytes."""

_add = _sodium.crypto_core_ed25519_add
_sub = _sodium.crypto_core_ed25519_sub
_mul = _sodium.crypto_scalarmult_ed25519_noclamp
_base = _sodium.crypto_scalarmult_ed25519_base_noclamp
_is_valid = _sodium.crypto_core_ed25519_is_valid_point


class Point:
    """An element of the prime-order subgroup, held as its canonical 32-byte encoding."""

    __slots__ = ("_enc",)
    _enc: bytes

    def __init__(self, data: bytes, *, allow_identity: bool = False) -> None:
        # Construction from bytes is the one place where outside input is validated
        # (record spec §2.2), so every Point in memory is known to be a group element.
        if not isinstance(data, bytes) or len(data) != 32:
            raise GroupError("point: want 32 bytes")
        if data == _IDENTITY_BYTES:
            if not allow_identity:
                raise GroupError("point: the identity is not allowed here")
        elif not _is_valid(data):
            raise GroupError("point: not a canonical element of the prime-order subgroup")
        self._enc = data

    @classmethod
    def _trusted(cls, enc: bytes) -> Point:
        """Wrap an encoding produced by libsodium arithmetic on valid points."""
        point = object.__new__(cls)
        point._enc = enc
        return point

    @classmethod
    def from_bytes(cls, data: bytes, *, allow_identity: bool = False) -> Point:
        """Parse and validate a 32-byte encoding."""
        return cls(data, allow_identity=allow_identity)

    @classmethod
    def from_hex(cls, text: object, *, what: str = "point", allow_identity: bool = False) -> Point:
        """Parse and validate 64 lowercase hex digits."""
        try:
            return cls(hex_bytes(text, what), allow_identity=allow_identity)
        except GroupError as exc:
            raise GroupError(f"{what}: {str(exc).split(': ', 1)[-1]}") from None

    def to_bytes(self) -> bytes:
        """Return the canonical 32-byte encoding."""
        return self._enc

    def hex(self) -> str:
        """Return the encoding as 64 lowercase hex digits."""
        return self._enc.hex()

    @property
    def is_identity(self) -> bool:
        """Whether this is the neutral element."""
        return self._enc == _IDENTITY_BYTES

    def __add__(self, other: Point) -> Point:
        if self._enc == _IDENTITY_BYTES:
            return other
        if other._enc == _IDENTITY_BYTES:
            return self
        return Point._trusted(_add(self._enc, other._enc))

    def __sub__(self, other: Point) -> Point:
        if other._enc == _IDENTITY_BYTES:
            return self
        return Point._trusted(_sub(self._enc, other._enc))

    def __neg__(self) -> Point:
        return IDENTITY - self

    def __mul__(self, scalar: int) -> Point:
        k = scalar % Q
        # libsodium fails on a zero result, so both ways of reaching it are handled here.
        if k == 0 or self._enc == _IDENTITY_BYTES:
            return IDENTITY
        return Point._trusted(_mul(k.to_bytes(32, "little"), self._enc))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other._enc == self._enc

    def __hash__(self) -> int:
        return hash(self._enc)

    def __repr__(self) -> str:
        return f"Point({self._enc.hex()})"


IDENTITY = Point._trusted(_IDENTITY_BYTES)
G = Point._trusted(_base((1).to_bytes(32, "little")))


def base_mul(scalar: int) -> Point:
    """Return scalar·G using libsodium's fixed-base multiplication."""
    k = scalar % Q
    if k == 0:
        return IDENTITY
    return Point._trusted(_base(k.to_bytes(32, "little")))


class Scalar:
    """A canonical scalar: an integer in [0, q), parsed from 32 little-endian bytes or hex."""

    __slots__ = ("value",)
    value: int

    def __init__(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < Q:
            raise GroupError("scalar: not in [0, q)")
        self.value = value

    @classmethod
    def from_bytes(cls, data: bytes) -> Scalar:
        """Parse 32 little-endian bytes, rejecting any value not below q."""
        if not isinstance(data, bytes) or len(data) != 32:
            raise GroupError("scalar: want 32 bytes")
        value = int.from_bytes(data, "little")
        if value >= Q:
            raise GroupError("scalar: non-canonical (not below q)")
        return cls(value)

    @classmethod
    def from_hex(cls, text: object, *, what: str = "scalar") -> Scalar:
        """Parse 64 lowercase hex digits of the little-endian encoding."""
        try:
            return cls.from_bytes(hex_bytes(text, what))
        except GroupError as exc:
            raise GroupError(f"{what}: {str(exc).split(': ', 1)[-1]}") from None

    def to_bytes(self) -> bytes:
        """Return the 32-byte little-endian encoding."""
        return self.value.to_bytes(32, "little")

    def hex(self) -> str:
        """Return the encoding as 64 lowercase hex digits."""
        return self.to_bytes().hex()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scalar) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return "Scalar(<redacted>)"


def scalar_hex(value: int) -> str:
    """Return the 64-hex-digit little-endian encoding of a reduced scalar."""
    return (value % Q).to_bytes(32, "little").hex()


def parse_scalar(text: object, what: str) -> int:
    """Parse a canonical scalar from hex and return its integer value."""
    return Scalar.from_hex(text, what=what).value


def random_scalar(rng: Rng | None = None, *, nonzero: bool = True) -> int:
    """Draw a uniform scalar from 64 random bytes (the wide reduction removes the bias)."""
    source = os.urandom if rng is None else rng
    while True:
        value = int.from_bytes(source(64), "little") % Q
        if value or not nonzero:
            return value
