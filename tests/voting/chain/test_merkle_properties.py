"""Property tests: every generated proof verifies, and every single-bit change fails."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.chain import (
    CompactRange,
    MemoryLogStore,
    RootMismatchError,
    compute_root,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from voting.errors import MerkleError

from ._reference import ref_root

_STORE = MemoryLogStore()
_STORE.create_log("t")
_STORE.append_many("t", [i.to_bytes(4, "big") for i in range(300)])
_HASHES = [leaf_hash(i.to_bytes(4, "big")) for i in range(300)]


def _flip(value: bytes, bit: int) -> bytes:
    raw = bytearray(value)
    raw[(bit // 8) % len(raw)] ^= 1 << (bit % 8)
    return bytes(raw)


def _inclusion_shape(index: int, size: int) -> tuple[int, int]:
    """RFC 9162 §2.1.3.2's path layout: inner levels, then border (left-only) levels."""
    inner = (index ^ (size - 1)).bit_length()
    return inner, (index >> inner).bit_count()


def _consistency_shape(size1: int, size2: int) -> tuple[int, ...]:
    shift = (size1 & -size1).bit_length() - 1
    inner, border = _inclusion_shape(size1 - 1, size2)
    return shift, (size1 - 1) >> shift, inner - shift, border, int(size1 == 1 << shift)


@st.composite
def inclusion_cases(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, 300))
    return draw(st.integers(0, size - 1)), size


@st.composite
def consistency_cases(draw: st.DrawFn) -> tuple[int, int]:
    size2 = draw(st.integers(2, 300))
    return draw(st.integers(1, size2 - 1)), size2


@settings(max_examples=150, deadline=None)
@given(case=inclusion_cases(), bit=st.integers(0, 255), which=st.integers(0, 1000))
def test_inclusion_proofs_verify_and_every_bit_flip_fails(
    case: tuple[int, int], bit: int, which: int
) -> None:
    index, size = case
    root = _STORE.root("t", size)
    assert root == ref_root(_HASHES[:size])
    proof = _STORE.inclusion_proof("t", index, size)
    verify_inclusion(index, size, _HASHES[index], proof, root)
    with pytest.raises(MerkleError):
        verify_inclusion(index, size, _flip(_HASHES[index], bit), proof, root)
    with pytest.raises(MerkleError):
        verify_inclusion(index, size, _HASHES[index], proof, _flip(root, bit))
    if proof:
        k = which % len(proof)
        bad = [*proof[:k], _flip(proof[k], bit), *proof[k + 1 :]]
        with pytest.raises(MerkleError):
            verify_inclusion(index, size, _HASHES[index], bad, root)
        with pytest.raises(MerkleError):
            verify_inclusion(index, size, _HASHES[index], proof[:-1], root)
    with pytest.raises(MerkleError):
        verify_inclusion(index, size, _HASHES[index], [*proof, root], root)


@settings(max_examples=150, deadline=None)
@given(case=inclusion_cases(), other=st.integers(0, 299), other_size=st.integers(1, 300))
def test_inclusion_with_wrong_index_or_size_fails(
    case: tuple[int, int], other: int, other_size: int
) -> None:
    index, size = case
    root = _STORE.root("t", size)
    proof = _STORE.inclusion_proof("t", index, size)
    if other != index and _HASHES[other] != _HASHES[index]:
        with pytest.raises(MerkleError):
            verify_inclusion(other, size, _HASHES[index], proof, root)
    if other_size != size and index < other_size:
        if _inclusion_shape(index, other_size) == _inclusion_shape(index, size):
            # RFC 9162 proofs bind the size only through the path's shape; the checkpoint
            # signature is what binds a root to its size.
            verify_inclusion(index, other_size, _HASHES[index], proof, root)
        else:
            with pytest.raises(MerkleError):
                verify_inclusion(index, other_size, _HASHES[index], proof, root)
    with pytest.raises(MerkleError):
        verify_inclusion(index, index, _HASHES[index], proof, root)


@settings(max_examples=150, deadline=None)
@given(case=consistency_cases(), bit=st.integers(0, 255), which=st.integers(0, 1000))
def test_consistency_proofs_verify_and_every_bit_flip_fails(
    case: tuple[int, int], bit: int, which: int
) -> None:
    size1, size2 = case
    root1, root2 = _STORE.root("t", size1), _STORE.root("t", size2)
    proof = _STORE.consistency_proof("t", size1, size2)
    verify_consistency(size1, size2, root1, root2, proof)
    with pytest.raises(MerkleError):
        verify_consistency(size1, size2, _flip(root1, bit), root2, proof)
    with pytest.raises(MerkleError):
        verify_consistency(size1, size2, root1, _flip(root2, bit), proof)
    k = which % len(proof)
    bad = [*proof[:k], _flip(proof[k], bit), *proof[k + 1 :]]
    with pytest.raises(MerkleError):
        verify_consistency(size1, size2, root1, root2, bad)
    with pytest.raises(MerkleError):
        verify_consistency(size1, size2, root1, root2, proof[:-1])
    with pytest.raises(MerkleError):
        verify_consistency(size1, size2, root1, root2, [*proof, root1])


@settings(max_examples=100, deadline=None)
@given(case=consistency_cases(), delta=st.integers(1, 299))
def test_consistency_with_wrong_sizes_fails(case: tuple[int, int], delta: int) -> None:
    size1, size2 = case
    root1, root2 = _STORE.root("t", size1), _STORE.root("t", size2)
    proof = _STORE.consistency_proof("t", size1, size2)
    for s1, s2 in ((size1 + delta, size2), (size1, size2 + delta), (size2, size1)):
        if s1 < s2 and _consistency_shape(s1, s2) == _consistency_shape(size1, size2):
            # The same path shape computes the same roots (see the inclusion test).
            verify_consistency(s1, s2, root1, root2, proof)
        else:
            with pytest.raises(MerkleError):
                verify_consistency(s1, s2, root1, root2, proof)


def test_root_mismatch_carries_both_values() -> None:
    proof = _STORE.inclusion_proof("t", 3, 10)
    root = _STORE.root("t", 10)
    with pytest.raises(RootMismatchError) as caught:
        verify_inclusion(3, 10, _HASHES[4], proof, root)
    assert caught.value.want == root
    assert caught.value.got != root
    assert root.hex() in str(caught.value)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=10), max_size=70))
def test_compact_range_matches_the_reference_root(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(x) for x in leaves]
    assert compute_root(hashes) == ref_root(hashes)
    builder = CompactRange()
    for h in hashes:
        builder.append(h)
    restored = CompactRange(builder.size, builder.border)
    assert restored.root() == builder.root()
    assert len(builder.border) == len(CompactRange.border_nodes(builder.size))
    with pytest.raises(MerkleError):
        CompactRange(builder.size, [*builder.border, leaf_hash(b"")])
