"""Provides RFC 9162 §2.1 Merkle tree hashing, proof generation and proof verification.

Hashes are SHA-256. A leaf hash is SHA-256(0x00 || data) and an interior node hash is
SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). The empty tree's root is SHA-256("").

Proofs are generated from a *node getter*: a function `get(level, index)` that returns the
hash of the perfect subtree covering leaves [index * 2**level, (index + 1) * 2**level). A
store that keeps every completed perfect subtree answers any root or proof with O(log n)
such reads; nothing here ever rehashes all leaves.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence

from voting.errors import MerkleError

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeGetter = Callable[[int, int], bytes]


class RootMismatchError(MerkleError):
    """A computed root that differs from the expected one; carries both values."""

    def __init__(self, what: str, got: bytes, want: bytes) -> None:
        super().__init__(f"{what} mismatch: got {got.hex()}, want {want.hex()}")
        self.got = got
        self.want = want


# RFC 9162 §2.1.1: the domain-separated leaf and node hashes.
def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 leaf hash SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _check_hash(what: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise MerkleError(f"{what} size {len(value)}, want {HASH_SIZE}")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for i, item in enumerate(proof):
        _check_hash(f"proof[{i}]", item)


def _check_size(what: str, value: int) -> None:
    if value < 0:
        raise MerkleError(f"{what} {value} is negative")


class CompactRange:
    """The right border of a growing tree: one perfect-subtree hash per set bit of its size.

    Appending a leaf hash returns the perfect subtrees it completes, as (level, index, hash),
    which is exactly what a node store must persist. The root of the current tree is the
    right-to-left fold of the border (RFC 9162 §2.1.1's MTH, computed incrementally).
    """

    def __init__(self, size: int = 0, border: Sequence[bytes] = ()) -> None:
        _check_size("size", size)
        if len(border) != size.bit_count():
            raise MerkleError(f"border has {len(border)} hashes, want {size.bit_count()}")
        for i, item in enumerate(border):
            _check_hash(f"border[{i}]", item)
        self._size = size
        # The border is kept from the largest (leftmost) subtree to the smallest.
        self._border = list(border)

    @staticmethod
    def border_nodes(size: int) -> list[tuple[int, int]]:
        """Return the (level, index) of the border's subtrees for a tree of `size` leaves."""
        return [
            (level, (size >> level) - 1)
            for level in reversed(range(size.bit_length()))
            if (size >> level) & 1
        ]

    def copy(self) -> CompactRange:
        """Return an independent copy."""
        return CompactRange(self._size, self._border)

    @property
    def border(self) -> tuple[bytes, ...]:
        """The border's subtree hashes, largest (leftmost) first."""
        return tuple(self._border)

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    def append(self, hashed_leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf hash; return every perfect subtree it completes, leaf first."""
        _check_hash("leaf hash", hashed_leaf)
        index = self._size
        completed = [(0, index, hashed_leaf)]
        current = hashed_leaf
        level = 0
        # Each trailing one bit of the old size is a left sibling waiting for this leaf.
        while (index >> level) & 1:
            current = node_hash(self._border.pop(), current)
            level += 1
            completed.append((level, index >> level, current))
        self._border.append(current)
        self._size += 1
        return completed

    def root(self) -> bytes:
        """Return the root of the tree appended so far."""
        if not self._border:
            return EMPTY_ROOT
        result = self._border[-1]
        for left in reversed(self._border[:-1]):
            result = node_hash(left, result)
        return result


def compute_root(hashed_leaves: Iterable[bytes]) -> bytes:
    """Return the RFC 9162 root over leaf hashes, streaming in O(log n) memory."""
    builder = CompactRange()
    for item in hashed_leaves:
        builder.append(item)
    return builder.root()


def _range_hash(begin: int, end: int, get: NodeGetter) -> bytes:
    """Hash leaves [begin, end) where begin is aligned to the range's largest subtree.

    Such a range is a node of the RFC 9162 tree of size `end` (possibly an ephemeral one on
    the right border), so its hash is the fold of the perfect subtrees of `end - begin`.
    """
    count = end - begin
    parts: list[bytes] = []
    position = begin
    for level in reversed(range(count.bit_length())):
        if (count >> level) & 1:
            parts.append(get(level, position >> level))
            position += 1 << level
    result = parts[-1]
    for left in reversed(parts[:-1]):
        result = node_hash(left, result)
    return result


def root_at(size: int, get: NodeGetter) -> bytes:
    """Return the root of the first `size` leaves from stored perfect subtrees."""
    _check_size("size", size)
    if size == 0:
        return EMPTY_ROOT
    return _range_hash(0, size, get)


def _decompose(index: int, size: int) -> tuple[int, int]:
    """Split an inclusion path for `index` in a tree of `size` into inner and border parts.

    The inner part is where the paths to `index` and to the last leaf still differ; above it
    the path runs along the right border, where only left siblings exist.
    """
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner, border


def inclusion_proof(index: int, size: int, get: NodeGetter) -> list[bytes]:
    """Return the RFC 9162 §2.1.3.1 inclusion proof for leaf `index` in a tree of `size`."""
    if not 0 <= index < size:
        raise MerkleError(f"index {index} out of range for tree size {size}")
    inner, _ = _decompose(index, size)
    proof: list[bytes] = []
    for level in range(inner):
        sibling = (index >> level) ^ 1
        begin = sibling << level
        proof.append(_range_hash(begin, min(begin + (1 << level), size), get))
    for level in range(inner, size.bit_length()):
        if (index >> level) & 1:
            proof.append(get(level, (index >> level) ^ 1))
    return proof


def consistency_proof(size1: int, size2: int, get: NodeGetter) -> list[bytes]:
    """Return the RFC 9162 §2.1.4.1 consistency proof from `size1` to `size2`."""
    if not 0 < size1 <= size2:
        raise MerkleError(f"no consistency proof from size {size1} to size {size2}")
    if size1 == size2:
        return []
    # The old tree's last leaf is proven inside the new tree, starting from the largest
    # perfect subtree that ends at size1; the verifier already knows it when size1 is a
    # power of two (it is the old root), so it is only sent otherwise.
    shift = (size1 & -size1).bit_length() - 1
    index = size1 - 1
    inner, _ = _decompose(index, size2)
    proof: list[bytes] = []
    if size1 != 1 << shift:
        proof.append(get(shift, index >> shift))
    for level in range(shift, inner):
        sibling = (index >> level) ^ 1
        begin = sibling << level
        proof.append(_range_hash(begin, min(begin + (1 << level), size2), get))
    for level in range(inner, size2.bit_length()):
        if (index >> level) & 1:
            proof.append(get(level, (index >> level) ^ 1))
    return proof


# A path whose every bit is set: each sibling lies to the left (the right border).
_ALL_LEFT = -1


def _chain(seed: bytes, siblings: Sequence[bytes], path: int, *, left_only: bool = False) -> bytes:
    """Hash up a path: bit i of `path` set means the sibling at step i is on the left.

    With `left_only`, right siblings are skipped, which rebuilds the older, smaller tree.
    """
    for step, sibling in enumerate(siblings):
        if (path >> step) & 1:
            seed = node_hash(sibling, seed)
        elif not left_only:
            seed = node_hash(seed, sibling)
    return seed


def root_from_inclusion_proof(
    index: int, size: int, hashed_leaf: bytes, proof: Sequence[bytes]
) -> bytes:
    """Compute the root implied by an inclusion proof (RFC 9162 §2.1.3.2).

    Preconditions are checked first, each with its own message; the chain is then folded
    in the two stages of `_decompose`, which is the §2.1.3.2 loop with its `fn`/`sn`
    bookkeeping made explicit.
    """
    _check_size("tree size", size)
    if not 0 <= index < size:
        raise MerkleError(f"index {index} out of range for tree size {size}")
    _check_hash("leaf hash", hashed_leaf)
    inner, border = _decompose(index, size)
    if len(proof) != inner + border:
        raise MerkleError(f"wrong proof size {len(proof)}, want {inner + border}")
    _check_proof_hashes(proof)
    result = _chain(hashed_leaf, proof[:inner], index)
    return _chain(result, proof[inner:], _ALL_LEFT)


def _match(what: str, got: bytes, want: bytes) -> None:
    if not hmac.compare_digest(got, want):
        raise RootMismatchError(what, got, want)


def verify_inclusion(
    index: int, size: int, hashed_leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise MerkleError unless `proof` shows leaf `index` is in the tree with `root`."""
    _check_hash("root", root)
    _match("root", root_from_inclusion_proof(index, size, hashed_leaf, proof), root)


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Raise MerkleError unless `proof` shows the tree (size1, root1) is a prefix of (size2, root2).

    Follows RFC 9162 §2.1.4.2. A proof from the empty tree is refused: it proves nothing,
    and a caller with no previous checkpoint has nothing to check. Equal sizes need an
    empty proof and equal roots.
    """
    _check_size("size1", size1)
    _check_size("size2", size2)
    if size2 < size1:
        raise MerkleError(f"size2 {size2} is smaller than size1 {size1}")
    if size1 == 0:
        raise MerkleError("consistency proof from the empty tree is meaningless")
    if size1 == size2:
        if proof:
            raise MerkleError(f"wrong proof size {len(proof)}, want 0")
        _match("root", root1, root2)
        return
    _check_hash("root1", root1)
    _check_hash("root2", root2)
    # (1) The proof is the inclusion path of the old tree's last leaf, starting at the
    # largest perfect subtree ending at size1 (the "seed"), which is root1 itself when
    # size1 is a power of two.
    shift = (size1 & -size1).bit_length() - 1
    inner, border = _decompose(size1 - 1, size2)
    inner -= shift
    carried = 0 if size1 == 1 << shift else 1
    want = carried + inner + border
    if len(proof) != want:
        raise MerkleError(f"wrong proof size {len(proof)}, want {want}")
    _check_proof_hashes(proof)
    seed = proof[0] if carried else root1
    rest = proof[carried:]
    mask = (size1 - 1) >> shift
    # (2) The old root uses only the left siblings: everything right of size1 is new.
    old = _chain(seed, rest[:inner], mask, left_only=True)
    old = _chain(old, rest[inner:], _ALL_LEFT)
    _match("root1", old, root1)
    # (3) The new root uses every sibling on the path.
    new = _chain(seed, rest[:inner], mask)
    new = _chain(new, rest[inner:], _ALL_LEFT)
    _match("root2", new, root2)
