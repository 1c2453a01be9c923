"""Provides a reproducible stand-in for the system's random source, for tests and vectors."""

from __future__ import annotations

import hashlib


class SeededRng:
    """A deterministic byte source: SHA-512 in counter mode over a seed.

    It satisfies `voting.group.Rng`, so a test or a vector generator can pass it wherever
    randomness is a parameter and get the same bytes on every run. It is reproducible by
    design and must never stand in for `os.urandom` in production: a test fails if anything
    outside the tests and benchmarks imports `voting.testing`.
    """

    __slots__ = ("_buffer", "_counter", "_seed")

    def __init__(self, seed: bytes) -> None:
        self._seed = bytes(seed)
        self._counter = 0
        self._buffer = b""

    def __call__(self, n: int) -> bytes:
        while len(self._buffer) < n:
            block = hashlib.sha512(self._seed + self._counter.to_bytes(8, "big")).digest()
            self._buffer += block
            self._counter += 1
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def __repr__(self) -> str:
        return "SeededRng(<redacted>)"
