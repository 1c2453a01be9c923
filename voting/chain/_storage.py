"""Provides the log store: several append-only Merkle logs, their nodes and checkpoints.

Every completed perfect subtree hash is stored under (level, index) when the leaf that
completes it is appended, so the root at any size and every inclusion or consistency proof
is read in O(log n) node lookups (RFC 9162 §2.1). `SqliteLogStore` commits each append
(leaf data, new nodes, new size) in one transaction, so a crash leaves the previous size.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

from voting.chain._checkpoint import Checkpoint
from voting.chain._merkle import (
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_at,
)
from voting.chain._note import Note
from voting.errors import StorageError

SCHEMA_VERSION = 1


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
    def _append(self, log_id: str, items: list[bytes], expected_size: int | None) -> range:
        """Atomically append leaf data with its new nodes; return the indices assigned.

        With `expected_size`, the size is compared inside the same atomic step and a log of
        another size raises StorageError with nothing written (compare-and-append).
        """

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

    def leaf(self, log_id: str, index: int) -> bytes:
        """Return the data of leaf `index`."""
        self._check_index(log_id, index, self.size(log_id))
        return self.leaves(log_id, index, index + 1)[0]

    def leaf_hash(self, log_id: str, index: int) -> bytes:
        """Return the RFC 9162 leaf hash of leaf `index` (a stored level-0 node)."""
        self._check_index(log_id, index, self.size(log_id))
        return self._node(log_id, 0, index)

    def root(self, log_id: str, size: int | None = None) -> bytes:
        """Return the root of the first `size` leaves (the whole log by default)."""
        size = self._check_size(log_id, size)
        return root_at(size, lambda level, index: self._node(log_id, level, index))

    def inclusion_proof(self, log_id: str, index: int, size: int | None = None) -> list[bytes]:
        """Return the inclusion proof of leaf `index` in the tree of `size` leaves."""
        size = self._check_size(log_id, size)
        self._check_index(log_id, index, size)
        return inclusion_proof(index, size, lambda lv, ix: self._node(log_id, lv, ix))

    def consistency_proof(
        self, log_id: str, old_size: int, new_size: int | None = None
    ) -> list[bytes]:
        """Return the consistency proof from `old_size` (> 0) to `new_size` leaves."""
        new_size = self._check_size(log_id, new_size)
        if not 0 < old_size <= new_size:
            raise StorageError(f"no consistency proof from size {old_size} to {new_size}")
        return consistency_proof(old_size, new_size, lambda lv, ix: self._node(log_id, lv, ix))

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
        current = self.size(log_id)
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


@dataclass
class _MemoryLog:
    leaves: list[bytes] = field(default_factory=list)
    levels: list[list[bytes]] = field(default_factory=list)
    border: CompactRange = field(default_factory=CompactRange)
    checkpoints: list[tuple[int, str]] = field(default_factory=list)


class MemoryLogStore(LogStore):
    """A log store in memory, for tests and short-lived tools."""

    def __init__(self) -> None:
        self._logs: dict[str, _MemoryLog] = {}

    def _log(self, log_id: str) -> _MemoryLog:
        try:
            return self._logs[log_id]
        except KeyError:
            raise StorageError(f"unknown log {log_id!r}") from None

    def create_log(self, log_id: str) -> None:
        _check_log_id(log_id)
        if log_id in self._logs:
            raise StorageError(f"log {log_id!r} already exists")
        self._logs[log_id] = _MemoryLog()

    def logs(self) -> list[str]:
        return list(self._logs)

    def size(self, log_id: str) -> int:
        return len(self._log(log_id).leaves)

    def _node(self, log_id: str, level: int, index: int) -> bytes:
        levels = self._log(log_id).levels
        if level >= len(levels) or index >= len(levels[level]):
            raise StorageError(f"log {log_id!r}: node ({level}, {index}) is not stored")
        return levels[level][index]

    def _append(self, log_id: str, items: list[bytes], expected_size: int | None) -> range:
        log = self._log(log_id)
        start = len(log.leaves)
        _check_expected(log_id, start, expected_size)
        # Build on a copy of the border so that a failure part-way changes nothing.
        border = log.border.copy()
        new_nodes = [node for data in items for node in border.append(leaf_hash(data))]
        for level, _index, value in new_nodes:
            while len(log.levels) <= level:
                log.levels.append([])
            log.levels[level].append(value)
        log.leaves.extend(items)
        log.border = border
        return range(start, start + len(items))

    def leaves(self, log_id: str, start: int, end: int) -> list[bytes]:
        log = self._log(log_id)
        if not 0 <= start <= end <= len(log.leaves):
            raise StorageError(f"leaf range [{start}, {end}) out of range")
        return log.leaves[start:end]

    def _store_checkpoint(self, log_id: str, size: int, note: str) -> None:
        log = self._log(log_id)
        if log.checkpoints:
            _check_not_older(size, log.checkpoints[-1][0])
        log.checkpoints.append((size, note))

    def checkpoints(self, log_id: str) -> list[str]:
        return [note for _size, note in self._log(log_id).checkpoints]


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS logs (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " size INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS leaves (log INTEGER NOT NULL REFERENCES logs(id),"
    " idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (log, idx))",
    "CREATE TABLE IF NOT EXISTS nodes (log INTEGER NOT NULL, level INTEGER NOT NULL,"
    " idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (log, level, idx)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS checkpoints (log INTEGER NOT NULL REFERENCES logs(id),"
    " seq INTEGER NOT NULL, size INTEGER NOT NULL, note TEXT NOT NULL,"
    " PRIMARY KEY (log, seq))",
)


class SqliteLogStore(LogStore):
    """A log store in one SQLite file: WAL journal, `synchronous=FULL`, one transaction per append.

    With FULL, each commit is synced to the WAL before `append` returns, so an acknowledged
    append survives a crash or a power cut; NORMAL would only survive a process crash.
    A connection belongs to the thread that opened it.
    """

    def __init__(self, path: str | Path) -> None:
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            with self._write():
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, SCHEMA_VERSION):
                    raise StorageError(f"store schema version {version}, want {SCHEMA_VERSION}")
                for statement in _SCHEMA:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open log store {path}: {exc}") from exc
        self._ids: dict[str, int] = {}

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so the size and border read inside the
        # transaction cannot change under a concurrent writer.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def _id(self, log_id: str) -> int:
        cached = self._ids.get(log_id)
        if cached is not None:
            return cached
        row = self._query("SELECT id FROM logs WHERE name = ?", (log_id,)).fetchone()
        if row is None:
            raise StorageError(f"unknown log {log_id!r}")
        self._ids[log_id] = int(row[0])
        return int(row[0])

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StorageError(f"log store read failed: {exc}") from exc

    def create_log(self, log_id: str) -> None:
        _check_log_id(log_id)
        try:
            with self._write() as db:
                db.execute("INSERT INTO logs (name) VALUES (?)", (log_id,))
        except sqlite3.IntegrityError:
            raise StorageError(f"log {log_id!r} already exists") from None
        except sqlite3.Error as exc:
            raise StorageError(f"cannot create log {log_id!r}: {exc}") from exc

    def logs(self) -> list[str]:
        return [str(r[0]) for r in self._query("SELECT name FROM logs ORDER BY id")]

    def size(self, log_id: str) -> int:
        row = self._query("SELECT size FROM logs WHERE id = ?", (self._id(log_id),)).fetchone()
        return int(row[0])

    def _node(self, log_id: str, level: int, index: int) -> bytes:
        row = self._query(
            "SELECT hash FROM nodes WHERE log = ? AND level = ? AND idx = ?",
            (self._id(log_id), level, index),
        ).fetchone()
        if row is None:
            raise StorageError(f"log {log_id!r}: node ({level}, {index}) is not stored")
        return bytes(row[0])

    def _append(self, log_id: str, items: list[bytes], expected_size: int | None) -> range:
        key = self._id(log_id)
        try:
            with self._write() as db:
                size = int(db.execute("SELECT size FROM logs WHERE id = ?", (key,)).fetchone()[0])
                _check_expected(log_id, size, expected_size)
                border = CompactRange(
                    size, [self._node(log_id, lv, ix) for lv, ix in CompactRange.border_nodes(size)]
                )
                nodes = [
                    (key, level, index, value)
                    for data in items
                    for level, index, value in border.append(leaf_hash(data))
                ]
                db.executemany(
                    "INSERT INTO leaves (log, idx, data) VALUES (?, ?, ?)",
                    ((key, size + i, data) for i, data in enumerate(items)),
                )
                db.executemany(
                    "INSERT INTO nodes (log, level, idx, hash) VALUES (?, ?, ?, ?)", nodes
                )
                db.execute("UPDATE logs SET size = ? WHERE id = ?", (size + len(items), key))
        except sqlite3.Error as exc:
            raise StorageError(f"append to log {log_id!r} failed: {exc}") from exc
        return range(size, size + len(items))

    def leaves(self, log_id: str, start: int, end: int) -> list[bytes]:
        size = self.size(log_id)
        if not 0 <= start <= end <= size:
            raise StorageError(f"leaf range [{start}, {end}) out of range for size {size}")
        rows = self._query(
            "SELECT data FROM leaves WHERE log = ? AND idx >= ? AND idx < ? ORDER BY idx",
            (self._id(log_id), start, end),
        ).fetchall()
        if len(rows) != end - start:
            raise StorageError(f"log {log_id!r}: leaves [{start}, {end}) are incomplete")
        return [bytes(r[0]) for r in rows]

    def _store_checkpoint(self, log_id: str, size: int, note: str) -> None:
        key = self._id(log_id)
        try:
            with self._write() as db:
                row = db.execute(
                    "SELECT seq, size FROM checkpoints WHERE log = ? ORDER BY seq DESC LIMIT 1",
                    (key,),
                ).fetchone()
                seq = 1
                if row is not None:
                    _check_not_older(size, int(row[1]))
                    seq = int(row[0]) + 1
                db.execute(
                    "INSERT INTO checkpoints (log, seq, size, note) VALUES (?, ?, ?, ?)",
                    (key, seq, size, note),
                )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot store checkpoint of {log_id!r}: {exc}") from exc

    def checkpoints(self, log_id: str) -> list[str]:
        rows = self._query(
            "SELECT note FROM checkpoints WHERE log = ? ORDER BY seq", (self._id(log_id),)
        )
        return [str(r[0]) for r in rows]

    def latest_checkpoint(self, log_id: str) -> str | None:
        row = self._query(
            "SELECT note FROM checkpoints WHERE log = ? ORDER BY seq DESC LIMIT 1",
            (self._id(log_id),),
        ).fetchone()
        return None if row is None else str(row[0])


def _check_expected(log_id: str, size: int, expected_size: int | None) -> None:
    """Refuse a conditional append to a log whose size moved since the writer read it."""
    if expected_size is not None and size != expected_size:
        raise StorageError(
            f"log {log_id!r} has {size} entries, want {expected_size}: another writer appended"
        )
