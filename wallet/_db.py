"""Provides the wallet's local SQLite database: schema, migrations and transactions.

Every write runs inside one transaction (`Database.transaction`), so a crash leaves either the
old or the new state. Columns that hold personal data are sealed with the wallet's data key
before they reach this module; it stores bytes and never sees the key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from wallet.errors import FileProblem, HomeError

# Each step moves the schema from version i to i + 1; `PRAGMA user_version` records where a
# database stands, so an older wallet is upgraded in place, inside one transaction.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE identities (
        did        TEXT PRIMARY KEY,
        label      TEXT UNIQUE,
        method     TEXT NOT NULL,
        key_id     TEXT NOT NULL UNIQUE,
        public_key BLOB NOT NULL,
        created    TEXT NOT NULL
    );
    CREATE TABLE credentials (
        id       TEXT PRIMARY KEY,
        format   TEXT NOT NULL,
        sealed   BLOB NOT NULL,
        added    TEXT NOT NULL
    );
    CREATE TABLE status_lists (
        name       TEXT PRIMARY KEY,
        issuer     TEXT NOT NULL,
        purpose    TEXT NOT NULL,
        list_id    TEXT NOT NULL,
        bits       BLOB NOT NULL,
        next_index INTEGER NOT NULL
    );
    CREATE TABLE issued (
        credential_id TEXT PRIMARY KEY,
        list_name     TEXT NOT NULL REFERENCES status_lists(name),
        status_index  INTEGER NOT NULL
    );
    """,
)


@dataclass(frozen=True)
class IdentityRow:
    """One of the wallet's identities (public data only; the key stays in the keystore)."""

    did: str
    label: str | None
    method: str
    key_id: str
    public_key: bytes
    created: str


class Database:
    """A connection to `wallet.db` with the schema brought up to date."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        if not create and not path.exists():
            raise HomeError(f"no wallet database at {path}: run `wallet init` first")
        try:
            self._conn = sqlite3.connect(path, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise FileProblem(f"{path}: not a usable wallet database ({exc})") from None
        self.path = path

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction; roll back on any exception."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        (version,) = self._conn.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise FileProblem(
                f"wallet database schema {version} is newer than this wallet knows "
                f"({len(MIGRATIONS)}); upgrade ssi-wallet"
            )
        for number in range(version, len(MIGRATIONS)):
            with self.transaction() as conn:
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")

    # Identities.

    def add_identity(self, row: IdentityRow) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO identities VALUES (?, ?, ?, ?, ?, ?)",
                (row.did, row.label, row.method, row.key_id, row.public_key, row.created),
            )

    def identities(self) -> list[IdentityRow]:
        rows = self._conn.execute(
            "SELECT did, label, method, key_id, public_key, created FROM identities ORDER BY rowid"
        ).fetchall()
        return [IdentityRow(*row) for row in rows]

    def find_identity(self, did_or_label: str) -> IdentityRow | None:
        row = self._conn.execute(
            "SELECT did, label, method, key_id, public_key, created FROM identities "
            "WHERE did = ? OR label = ?",
            (did_or_label, did_or_label),
        ).fetchone()
        return IdentityRow(*row) if row else None

    def label_taken(self, label: str) -> bool:
        found = self._conn.execute("SELECT 1 FROM identities WHERE label = ?", (label,))
        return found.fetchone() is not None

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for the services that own the other tables."""
        return self._conn
