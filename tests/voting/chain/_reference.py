"""Provides a naive RFC 9162 §2.1 reference (MTH, PATH, SUBPROOF) that the tests trust.

It is the recursive definition from the RFC, written independently of the library, and
rehashes everything on every call: fine for small trees, useless for a real log.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import require_vectors, vectors_root


def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (RFC 9162 §2.1.1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_root(hashes: list[bytes]) -> bytes:
    """MTH over leaf hashes."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = _split(len(hashes))
    return ref_node(ref_root(hashes[:k]), ref_root(hashes[k:]))


def ref_path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    if len(hashes) == 1:
        return []
    k = _split(len(hashes))
    if m < k:
        return [*ref_path(m, hashes[:k]), ref_root(hashes[k:])]
    return [*ref_path(m - k, hashes[k:]), ref_root(hashes[:k])]


def ref_subproof(m: int, hashes: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1."""
    n = len(hashes)
    if m == n:
        return [] if complete else [ref_root(hashes)]
    k = _split(n)
    if m <= k:
        return [*ref_subproof(m, hashes[:k], complete), ref_root(hashes[k:])]
    return [*ref_subproof(m - k, hashes[k:], False), ref_root(hashes[:k])]


def ref_consistency(m: int, hashes: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1."""
    return ref_subproof(m, hashes, True)


def vector_params(*parts: str, pattern: str = "*.json") -> list[object]:
    """Parametrize over vector files, or one placeholder case when the vectors are absent.

    A test parametrized so must also use the `vectors` fixture, which skips the placeholder
    (or fails it in CI) before the test body runs.
    """
    root = vectors_root()
    if root is None:
        return [pytest.param(None, id="vectors-absent")]
    base = root.joinpath(*parts)
    files = sorted(base.rglob(pattern)) if base.is_dir() else [base]
    return [pytest.param(path, id=str(path.relative_to(root))) for path in files]


def vector_file(*parts: str) -> Path:
    """Return one vector file; a test that reads one uses the `vectors` fixture as well."""
    return require_vectors().joinpath(*parts)
