"""Provides the small shared pieces: the clock and random-source types, and random tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeAlias

__all__ = ["Clock", "Rng", "random_token"]

# Time and randomness are parameters (the house rule): servers and holders take these.
Clock: TypeAlias = Callable[[], datetime]
Rng: TypeAlias = Callable[[int], bytes]


def random_token(rng: Rng, size: int = 32) -> str:
    """A base64url token of `size` random bytes (256 bits by default)."""
    from did import b64url_encode

    return b64url_encode(rng(size))


def random_digits(rng: Rng, length: int) -> str:
    """`length` random decimal digits (a transaction code); the modulo bias is below 2**-40."""
    value = int.from_bytes(rng(8 + length), "big")
    return str(value % 10**length).zfill(length)
