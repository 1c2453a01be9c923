"""Provides the fixed clock and the seeded random source the wallet's tests inject."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from voting import SeededRng
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


def fixed_environment(
    environ: Mapping[str, str],
    *,
    clock: MovingClock | None = None,
    seed: bytes = b"wallet tests",
) -> Environment:
    """An environment with `environ`, a fixed (or the given) clock and a seeded source."""
    return Environment(environ=dict(environ), clock=clock or MovingClock(), rng=SeededRng(seed))
