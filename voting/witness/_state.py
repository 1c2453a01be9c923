"""Provides the witness's durable state: the logs it witnesses and its latest cosigned tree.

tlog-witness §add-checkpoint: "checking the old size against the latest checkpoint and
persisting the new checkpoint must be performed atomically". Here that is one SQLite
compare-and-swap statement: the new (size, root) replaces the stored one only when the stored
one is still what the checks ran against. The commit is synced (WAL, `synchronous=FULL`)
before the witness signs, so a cosignature never outlives the state that justifies it.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from voting.chain import EMPTY_ROOT, Ed25519Verifier
from voting.errors import StorageError

SCHEMA_VERSION = 1

_SCHEMA = (
    # Sizes are kept as decimal text: a tree size may reach 2^64-1, beyond SQLite's INTEGER.
    "CREATE TABLE IF NOT EXISTS log_keys (origin TEXT NOT NULL, vkey TEXT NOT NULL,"
    " PRIMARY KEY (origin, vkey))",
    "CREATE TABLE IF NOT EXISTS latest (origin TEXT PRIMARY KEY, size TEXT NOT NULL,"
    " root BLOB NOT NULL, note TEXT NOT NULL)",
    # Log-signed checkpoints the witness refused as inconsistent: possible proof of a fork.
    "CREATE TABLE IF NOT EXISTS evidence (id INTEGER PRIMARY KEY, origin TEXT NOT NULL,"
    " note TEXT NOT NULL, reason TEXT NOT NULL)",
)
#: Evidence kept per origin; a log that keeps sending bad checkpoints cannot fill the disk.
MAX_EVIDENCE = 100


@dataclass(frozen=True)
class TreeHead:
    """The witness's view of one log: the size and root of the latest tree it cosigned."""

    size: int
    root_hash: bytes
    note: str | None = None


EMPTY = TreeHead(0, EMPTY_ROOT)


class WitnessState:
    """The witness's configured logs and latest tree heads in one SQLite file.

    One connection shared by the server's threads behind a lock; several processes on one
    file are kept apart by SQLite's own locking and the compare-and-swap.
    """

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                str(path), isolation_level=None, timeout=30.0, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("BEGIN IMMEDIATE")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                self._db.execute("ROLLBACK")
                raise StorageError(f"witness state version {version}, want {SCHEMA_VERSION}")
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open witness state {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _run(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        try:
            with self._lock:
                return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"witness state: {exc}") from exc

    # Configuration: which logs, under which keys.

    def add_log(self, origin: str, verifier: Ed25519Verifier) -> None:
        """Trust `verifier` for checkpoints of `origin` (idempotent)."""
        self._run(
            "INSERT OR IGNORE INTO log_keys (origin, vkey) VALUES (?, ?)",
            (origin, verifier.to_vkey()),
        )

    def log_keys(self, origin: str) -> tuple[Ed25519Verifier, ...]:
        """The keys trusted for `origin`; empty when the origin is unknown."""
        rows = self._run("SELECT vkey FROM log_keys WHERE origin = ? ORDER BY vkey", (origin,))
        return tuple(Ed25519Verifier.from_vkey(str(row[0])) for row in rows)

    def logs(self) -> dict[str, tuple[str, ...]]:
        """Every configured origin with its verifier keys."""
        logs: dict[str, list[str]] = {}
        for origin, vkey in self._run("SELECT origin, vkey FROM log_keys ORDER BY origin, vkey"):
            logs.setdefault(str(origin), []).append(str(vkey))
        return {origin: tuple(vkeys) for origin, vkeys in logs.items()}

    # The latest cosigned tree per origin.

    def head(self, origin: str) -> TreeHead:
        """The latest tree cosigned for `origin`, or the empty tree."""
        rows = self._run("SELECT size, root, note FROM latest WHERE origin = ?", (origin,))
        if not rows:
            return EMPTY
        size, root, note = rows[0]
        if not isinstance(root, bytes) or not isinstance(size, str) or not size.isdigit():
            raise StorageError(f"witness state: corrupt row for {origin!r}")
        return TreeHead(int(size), root, str(note))

    def advance(self, origin: str, expected: TreeHead, new: TreeHead) -> bool:
        """Replace `expected` by `new` in one statement; False when the head moved meanwhile.

        The empty tree is what an origin without a row holds, so the first cosignature
        inserts, and an insert that races another one finds the row and compares.
        """
        if new.note is None:
            raise StorageError("a stored tree head carries its cosigned note")
        try:
            with self._lock:
                cursor = self._db.execute(
                    "INSERT INTO latest (origin, size, root, note) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (origin) DO UPDATE SET size = excluded.size,"
                    " root = excluded.root, note = excluded.note"
                    " WHERE latest.size = ? AND latest.root = ?",
                    (
                        origin,
                        str(new.size),
                        new.root_hash,
                        new.note,
                        str(expected.size),
                        expected.root_hash,
                    ),
                )
                return cursor.rowcount == 1
        except sqlite3.Error as exc:
            raise StorageError(f"witness state: {exc}") from exc

    # Evidence of misbehaviour (tlog-witness §add-checkpoint: the witness "MAY log the
    # request even if the checkpoint fails one of the consistency checks").

    def record_evidence(self, origin: str, note: str, reason: str) -> None:
        """Keep a log-signed checkpoint that failed a consistency check (first ones only)."""
        self._run(
            "INSERT INTO evidence (origin, note, reason) SELECT ?, ?, ?"
            " WHERE (SELECT count(*) FROM evidence WHERE origin = ?) < ?",
            (origin, note, reason, origin, MAX_EVIDENCE),
        )

    def evidence(self, origin: str) -> list[tuple[str, str]]:
        """The kept (note, reason) pairs of `origin`, oldest first."""
        rows = self._run(
            "SELECT note, reason FROM evidence WHERE origin = ? ORDER BY id", (origin,)
        )
        return [(str(note), str(reason)) for note, reason in rows]
