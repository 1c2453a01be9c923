"""Provides the fixed clocks and seeded random sources the wallet's and TUI's tests inject."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from voting.testing import SeededRng
from wallet.services import Environment

# A fixed moment every test clock starts from unless told otherwise.
EPOCH = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)


class MovingClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime = EPOCH) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class SeededStream:
    """A seeded random source that several worker threads may share.

    The bytes depend only on the order of the draws; a lock keeps each draw whole.
    """

    def __init__(self, seed: bytes) -> None:
        self._rng = SeededRng(seed)
        self._lock = threading.Lock()

    def __call__(self, size: int) -> bytes:
        with self._lock:
            return self._rng(size)


class KeySeeds(SeededStream):
    """A source whose 32-byte draws (new keys' seeds) are 0x01…, 0x02…, in order."""

    def __init__(self, seed: bytes = b"key seeds") -> None:
        super().__init__(seed)
        self._next = 1

    def __call__(self, size: int) -> bytes:
        if size != 32:
            return super().__call__(size)
        with self._lock:
            value, self._next = self._next, self._next + 1
        return bytes([value]) * 32


def fixed_environment(
    environ: Mapping[str, str],
    *,
    clock: Callable[[], datetime] | None = None,
    rng: Callable[[int], bytes] | None = None,
    seed: bytes = b"wallet tests",
) -> Environment:
    """An environment with `environ`, a fixed (or the given) clock and a seeded source."""
    return Environment(
        environ=dict(environ),
        clock=clock or MovingClock(),
        rng=rng or SeededStream(seed),
    )
