"""Provides the log store interface: several append-only Merkle logs, their nodes and checkpoints.

Every completed perfect subtree hash is stored under (level, index) when the leaf that
completes it is appended, so the root at any size and every inclusion or consistency proof
is read in O(log n) node lookups (RFC 9162 §2.1). The stores themselves are
`MemoryLogStore` (`_memory_store.py`) and `SqliteLogStore` (`_sqlite_store.py`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self, TypeVar

from voting.chain._checkpoint import Checkpoint
from voting.chain._merkle import (
    CompactRange,
    NodeGetter,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_at,
)
from voting.chain._note import Note
from voting.errors import StorageError

_T = TypeVar("_T")
_PLACEHOLDER = bytes(32)


class LogStore(ABC):
    """One store, many logs (one per election), each named by a log id string.

    Subclasses provide the primitive reads and the atomic append; the Merkle arithmetic,
    the range checks and the checkpoint rules live here, so every store behaves the same.
    """

    # -- primitives ------------------------------------------------------------------

    @abstractmethod
    def create_log(self, log_id: str) -> None:
        """Create an empty log; StorageError if it already exists."""

    @abstractmethod
    def logs(self) -> list[str]:
        """Return the ids of every log, in creation order."""

    @abstractmethod
    def size(self, log_id: str) -> int:
        """Return the number of leaves committed to the log."""

    @abstractmethod
    def _node(self, log_id: str, level: int, index: int) -> bytes:
        """Return a stored perfect-subtree hash; StorageError if it is missing."""

    @abstractmethod
    def _append_with(self, log_id: str, place: Callable[[int], list[bytes]]) -> range:
        """Atomically append the leaves `place(size)` returns, with their new nodes, where
        `size` is read under the log's write lock, held until the commit; return the indices
        assigned. If `place` raises, nothing is written."""

    @abstractmethod
    def leaves(self, log_id: str, start: int, end: int) -> list[bytes]:
        """Return the leaf data of indices [start, end)."""

    @abstractmethod
    def _store_checkpoint(self, log_id: str, size: int, note: str) -> None:
        """Record a checkpoint note; StorageError if the latest stored one is larger.

        The comparison and the insert are one atomic step, so checkpoints never go back.
        """

    @abstractmethod
    def checkpoints(self, log_id: str) -> list[str]:
        """Return every stored checkpoint note of the log, oldest first."""

    def close(self) -> None:  # noqa: B027 - a no-op default that stores with resources override.
        """Release the store's resources."""

    def _nodes(self, log_id: str, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Stored nodes by (level, index), several at once; a store with a round trip per
        query overrides this with one query. Missing nodes are left out."""
        found = {}
        for level, index in wanted:
            try:
                found[level, index] = self._node(log_id, level, index)
            except StorageError:
                continue
        return found

    def _with_nodes(self, log_id: str, compute: Callable[[NodeGetter], _T]) -> _T:
        """Run a Merkle computation with the nodes it reads fetched in one go.

        The tree arithmetic only hashes the nodes it is given, never branches on them, so a
        first pass with placeholders names every node the real pass reads.
        """
        wanted: dict[tuple[int, int], None] = {}

        def record(level: int, index: int) -> bytes:
            wanted[level, index] = None
            return _PLACEHOLDER

        compute(record)
        found = self._nodes(log_id, list(wanted))

        def get(level: int, index: int) -> bytes:
            node = found.get((level, index))
            return self._node(log_id, level, index) if node is None else node

        return compute(get)

    # -- the shared behaviour --------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def append(self, log_id: str, data: bytes, *, expected_size: int | None = None) -> int:
        """Append one leaf (an entry's canonical bytes) and return its index.

        `expected_size` makes the append conditional: a writer that read the log at that size
        and built its leaf on it fails cleanly if another writer got there first.
        """
        return self._append(log_id, [_check_leaf(data)], expected_size).start

    def append_many(
        self, log_id: str, items: Iterable[bytes], *, expected_size: int | None = None
    ) -> range:
        """Append many leaves in one transaction and return the indices they received."""
        batch = [_check_leaf(item) for item in items]
        if not batch:
            size = self.size(log_id)
            _check_expected(log_id, size, expected_size)
            return range(size, size)
        return self._append(log_id, batch, expected_size)

    def append_placed(self, log_id: str, place: Callable[[int], list[bytes]]) -> range:
        """Append the leaves `place(size)` builds for the log's current `size`, in one
        transaction that holds the log's write lock from reading the size to the commit,
        so no other writer can append in between (the sequencer of DESIGN §5.5).

        `place` runs under that lock: it may read this store (on this object, whose
        connection holds the transaction), but must do nothing slow. It may return no
        leaves; if it raises, nothing is written.
        """
        return self._append_with(log_id, lambda size: [_check_leaf(x) for x in place(size)])

    def _append(self, log_id: str, items: list[bytes], expected_size: int | None) -> range:
        def place(size: int) -> list[bytes]:
            _check_expected(log_id, size, expected_size)
            return items

        return self._append_with(log_id, place)

    def leaf(self, log_id: str, index: int) -> bytes:
        """Return the data of leaf `index`."""
        self._check_index(log_id, index, self.size(log_id))
        return self.leaves(log_id, index, index + 1)[0]

    def node_range(self, log_id: str, level: int, start: int, end: int) -> list[bytes]:
        """Return the stored perfect-subtree hashes of `level`, indices [start, end).

        These are the hashes a C2SP tlog-tiles tile holds; stores override this with one
        range read. StorageError if any of them is not stored (not yet complete).
        """
        if not 0 <= start <= end:
            raise StorageError(f"node range [{start}, {end}) out of range")
        return [self._node(log_id, level, index) for index in range(start, end)]

    def leaf_hash(self, log_id: str, index: int) -> bytes:
        """Return the RFC 9162 leaf hash of leaf `index` (a stored level-0 node)."""
        self._check_index(log_id, index, self.size(log_id))
        return self._node(log_id, 0, index)

    def root(self, log_id: str, size: int | None = None) -> bytes:
        """Return the root of the first `size` leaves (the whole log by default)."""
        size = self._check_size(log_id, size)
        return self._with_nodes(log_id, lambda get: root_at(size, get))

    def inclusion_proof(self, log_id: str, index: int, size: int | None = None) -> list[bytes]:
        """Return the inclusion proof of leaf `index` in the tree of `size` leaves."""
        size = self._check_size(log_id, size)
        self._check_index(log_id, index, size)
        return self._with_nodes(log_id, lambda get: inclusion_proof(index, size, get))

    def consistency_proof(
        self, log_id: str, old_size: int, new_size: int | None = None
    ) -> list[bytes]:
        """Return the consistency proof from `old_size` (> 0) to `new_size` leaves."""
        new_size = self._check_size(log_id, new_size)
        if not 0 < old_size <= new_size:
            raise StorageError(f"no consistency proof from size {old_size} to {new_size}")
        return self._with_nodes(log_id, lambda get: consistency_proof(old_size, new_size, get))

    def put_checkpoint(self, log_id: str, note: str) -> Checkpoint:
        """Store a signed checkpoint of this log and return its body.

        The store cannot check signatures (it holds no keys), but it refuses a checkpoint
        whose root is not this log's root at that size, or that is older than the latest.
        """
        parsed = Note.from_text(note)
        body = Checkpoint.from_text(parsed.text)
        size = self.size(log_id)
        if body.size > size:
            raise StorageError(f"checkpoint size {body.size} beyond log size {size}")
        root = self.root(log_id, body.size)
        if body.root_hash != root:
            raise StorageError(
                f"checkpoint root {body.root_hash.hex()}, want {root.hex()} at size {body.size}"
            )
        self._store_checkpoint(log_id, body.size, parsed.to_text())
        return body

    def latest_checkpoint(self, log_id: str) -> str | None:
        """Return the newest stored checkpoint note, or None when there is none."""
        history = self.checkpoints(log_id)
        return history[-1] if history else None

    def recent_checkpoints(self, log_id: str, count: int) -> list[str]:
        """Return the newest `count` stored checkpoint notes, newest first; a store with a
        query language overrides this so that it does not read the whole history."""
        return list(reversed(self.checkpoints(log_id)[-count:])) if count > 0 else []

    def check(self, log_id: str, chunk: int = 65536) -> None:
        """Recompute the whole tree from the leaf data and compare it with the stored nodes.

        This is O(n), for audits and crash recovery tests, never for serving proofs.
        """
        size = self.size(log_id)
        builder = CompactRange()
        for start in range(0, size, chunk):
            for offset, data in enumerate(self.leaves(log_id, start, min(start + chunk, size))):
                for level, index, value in builder.append(leaf_hash(data)):
                    stored = self._node(log_id, level, index)
                    if stored != value:
                        raise StorageError(
                            f"log {log_id!r}: node ({level}, {index}) at leaf "
                            f"{start + offset} is {stored.hex()}, want {value.hex()}"
                        )
        if builder.size != size:
            raise StorageError(f"log {log_id!r}: {builder.size} leaves, want {size}")
        if self.root(log_id) != builder.root():
            raise StorageError(f"log {log_id!r}: stored root differs from the leaves' root")

    def _check_size(self, log_id: str, size: int | None) -> int:
        # Logs only grow, so a size this object has seen the log reach needs no query (a
        # board reads the size of each receipt's checkpoint, just after its commit).
        seen: dict[str, int] = self.__dict__.setdefault("_seen_sizes", {})
        if size is not None and 0 <= size <= seen.get(log_id, -1):
            return size
        current = self.size(log_id)
        seen[log_id] = current
        if size is None:
            return current
        if not 0 <= size <= current:
            raise StorageError(f"size {size} out of range for log size {current}")
        return size

    @staticmethod
    def _check_index(log_id: str, index: int, size: int) -> None:
        if not 0 <= index < size:
            raise StorageError(f"index {index} out of range for size {size} of {log_id!r}")


def _check_leaf(data: bytes) -> bytes:
    if not isinstance(data, bytes):
        raise StorageError(f"leaf data must be bytes, not {type(data).__name__}")
    return data


def _check_not_older(size: int, latest: int) -> None:
    if size < latest:
        raise StorageError(f"checkpoint size {size} is older than the latest, {latest}")


def _check_log_id(log_id: str) -> None:
    if not isinstance(log_id, str) or not log_id:
        raise StorageError("a log id is a non-empty string")


def _check_expected(log_id: str, size: int, expected_size: int | None) -> None:
    """Refuse a conditional append to a log whose size moved since the writer read it."""
    if expected_size is not None and size != expected_size:
        raise StorageError(
            f"log {log_id!r} has {size} entries, want {expected_size}: another writer appended"
        )
