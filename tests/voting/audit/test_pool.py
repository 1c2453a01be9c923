"""Tests the ballot pool: parallel and serial runs agree, in order, with progress."""

from __future__ import annotations

import hashlib

import pytest

from voting.audit._pool import BallotPool
from voting.errors import AuditError


def digest(context: bytes, index: int, data: bytes) -> tuple[int, bytes]:
    """A stand-in for ballot verification, importable by worker processes."""
    return index, hashlib.sha256(context + data).digest()


def test_parallel_equals_serial_and_reports_progress() -> None:
    items = [(i, i.to_bytes(4, "big")) for i in range(300)]
    seen: list[tuple[int, int]] = []
    parallel = BallotPool(digest, b"ctx", workers=2, chunk=16).map(
        items, lambda d, t: seen.append((d, t))
    )
    serial = BallotPool(digest, b"ctx", workers=1).map(items)
    assert parallel == serial == [digest(b"ctx", i, d) for i, d in items]
    assert seen[0] == (0, 300) and seen[-1] == (300, 300)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(AuditError):
        BallotPool(digest, b"", workers=0)
    with pytest.raises(AuditError):
        BallotPool(digest, b"", chunk=0)
