"""Provides the wallet's local SQLite database: schema, migrations and transactions.

Every write runs inside one transaction (`Database.transaction`), so a crash leaves either the
old or the new state. Columns that hold personal data are sealed with the wallet's data key
before they reach this module; it stores bytes and never sees the key.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from wallet.errors import FileProblem, HomeError, UsageError

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
        name          TEXT PRIMARY KEY,
        issuer        TEXT NOT NULL,
        revocation_id TEXT NOT NULL UNIQUE,
        suspension_id TEXT NOT NULL UNIQUE,
        revoked       BLOB NOT NULL,
        suspended     BLOB NOT NULL,
        created       TEXT NOT NULL
    );
    CREATE TABLE issued (
        credential_id TEXT PRIMARY KEY,
        list_name     TEXT NOT NULL REFERENCES status_lists(name),
        status_index  INTEGER NOT NULL,
        issued        TEXT NOT NULL,
        UNIQUE (list_name, status_index)
    );
    """,
    # Elections: the elections this wallet follows, its ballot receipts (the link between
    # this wallet and a ballot is personal data, so everything but ids is sealed), and the
    # newest checkpoint it has seen of each log origin (public data, in clear).
    """
    CREATE TABLE elections (
        board    TEXT NOT NULL,
        election TEXT NOT NULL,
        origin   TEXT NOT NULL,
        vkey     TEXT NOT NULL,
        role     TEXT NOT NULL,
        added    TEXT NOT NULL,
        PRIMARY KEY (board, election)
    );
    CREATE TABLE receipts (
        id       TEXT PRIMARY KEY,
        election TEXT NOT NULL,
        sealed   BLOB NOT NULL,
        added    TEXT NOT NULL
    );
    CREATE TABLE checkpoints (
        origin TEXT PRIMARY KEY,
        vkey   TEXT NOT NULL,
        size   INTEGER NOT NULL,
        note   TEXT NOT NULL,
        seen   TEXT NOT NULL
    );
    """,
    # Write-ahead: what the wallet is about to post (a ballot, a challenge), stored before it
    # is submitted, so that a run killed between the board's commit and the receipt's write
    # finds its entry on the board and completes the receipt on the next run. Its id is
    # random and everything else is sealed, as for receipts.
    """
    CREATE TABLE pending (
        id       TEXT PRIMARY KEY,
        election TEXT NOT NULL,
        sealed   BLOB NOT NULL
    );
    """,
    # Verified prefixes: how much of each election's log this wallet has verified, as the
    # tree (size and root) of the entries it checked and whether ballots were checked in
    # full, so the next run checks only what was appended since (public data, in clear).
    """
    CREATE TABLE verified (
        board    TEXT NOT NULL,
        election TEXT NOT NULL,
        size     INTEGER NOT NULL,
        root     BLOB NOT NULL,
        ballots  INTEGER NOT NULL,
        PRIMARY KEY (board, election)
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


@dataclass(frozen=True)
class CredentialRow:
    """A held credential: its local id and format; `sealed` holds the credential itself."""

    id: str
    format: str
    sealed: bytes
    added: str


@dataclass(frozen=True)
class StatusListRow:
    """A status list this wallet issues: one index space, a revocation and a suspension list."""

    name: str
    issuer: str
    revocation_id: str
    suspension_id: str
    revoked: bytes
    suspended: bytes
    created: str


@dataclass(frozen=True)
class IssuedRow:
    """A credential this wallet issued with an entry at `status_index` of a status list."""

    credential_id: str
    list_name: str
    status_index: int
    issued: str


# The database and the journals SQLite keeps beside it in WAL mode.
JOURNAL_SUFFIXES = ("", "-wal", "-shm")


def _make_private(path: Path, *, create: bool) -> None:
    """Make `path` and its journals readable by their owner only (mode 0600).

    A restored backup, a copied file or an older wallet may have left them readable by all;
    they hold sealed fields, but also who this wallet follows and which DIDs it holds.
    """
    try:
        if create:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        for suffix in JOURNAL_SUFFIXES:
            target = path.with_name(path.name + suffix)
            try:
                if stat.S_IMODE(target.stat().st_mode) != 0o600:
                    target.chmod(0o600)
            except FileNotFoundError:
                continue
    except OSError as exc:
        raise FileProblem(f"cannot make {path} private: {exc.strerror}") from None


@dataclass(frozen=True)
class ElectionRow:
    """An election this wallet takes part in: where its board is and in which role."""

    board: str
    election: str
    origin: str
    vkey: str
    role: str
    added: str


@dataclass(frozen=True)
class ReceiptRow:
    """A kept receipt: a keyed id that says nothing of its entry, its election and the day it
    was stored; `sealed` holds the rest (the entry hash included)."""

    id: str
    election: str
    sealed: bytes
    added: str


@dataclass(frozen=True)
class CheckpointRow:
    """The newest checkpoint this wallet has seen of one log origin, and the key it trusts."""

    origin: str
    vkey: str
    size: int
    note: str
    seen: str


@dataclass(frozen=True)
class VerifiedRow:
    """How much of an election's log this wallet verified: the first `size` entries, whose
    tree root is `root`; `ballots` says whether ballots were checked in full too."""

    board: str
    election: str
    size: int
    root: bytes
    ballots: bool


@dataclass(frozen=True)
class PendingRow:
    """An entry about to be posted: its random id, its election; `sealed` holds the rest."""

    id: str
    election: str
    sealed: bytes


class Database:
    """A connection to `wallet.db` with the schema brought up to date."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        if not create and not path.exists():
            raise HomeError(f"no wallet database at {path}: run `wallet init` first")
        # The file is made private before SQLite writes a byte to it, and SQLite creates its
        # journals with the database's mode.
        _make_private(path, create=create)
        try:
            self._conn = sqlite3.connect(path, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise FileProblem(f"{path}: not a usable wallet database ({exc})") from None
        # Journals an earlier process left behind keep whatever mode they were made with.
        _make_private(path, create=False)
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

    # Write-ahead records of entries about to be posted (see MIGRATIONS).

    def put_pending(self, row: PendingRow) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO pending VALUES (?, ?, ?)", (row.id, row.election, row.sealed))

    def pending(self) -> list[PendingRow]:
        rows = self._conn.execute("SELECT id, election, sealed FROM pending ORDER BY rowid")
        return [PendingRow(*row) for row in rows.fetchall()]

    def delete_pending(self, pending_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM pending WHERE id = ?", (pending_id,))

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

    # Held credentials: the id and format in clear, everything else sealed with the data key.

    def add_credential(self, row: CredentialRow) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO credentials VALUES (?, ?, ?, ?)",
                (row.id, row.format, row.sealed, row.added),
            )

    def credentials(self) -> list[CredentialRow]:
        rows = self._conn.execute(
            "SELECT id, format, sealed, added FROM credentials ORDER BY added, id"
        ).fetchall()
        return [CredentialRow(*row) for row in rows]

    def find_credentials(self, id_prefix: str) -> list[CredentialRow]:
        """The credentials whose id starts with `id_prefix` (an exact id matches only itself)."""
        pattern = id_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._conn.execute(
            "SELECT id, format, sealed, added FROM credentials WHERE id = ? "
            "UNION SELECT id, format, sealed, added FROM credentials "
            "WHERE id LIKE ? ESCAPE '\\' AND NOT EXISTS "
            "(SELECT 1 FROM credentials WHERE id = ?) ORDER BY id",
            (id_prefix, pattern + "%", id_prefix),
        ).fetchall()
        return [CredentialRow(*row) for row in rows]

    def delete_credential(self, credential_id: str) -> bool:
        with self.transaction() as conn:
            cursor = conn.execute("DELETE FROM credentials WHERE id = ?", (credential_id,))
        return cursor.rowcount == 1

    # Status lists this wallet issues, and the credentials it issued with an entry in one.

    def add_status_list(self, row: StatusListRow) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO status_lists VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    row.name,
                    row.issuer,
                    row.revocation_id,
                    row.suspension_id,
                    row.revoked,
                    row.suspended,
                    row.created,
                ),
            )

    def find_status_list(self, name: str) -> StatusListRow | None:
        row = self._conn.execute(
            "SELECT name, issuer, revocation_id, suspension_id, revoked, suspended, created "
            "FROM status_lists WHERE name = ?",
            (name,),
        ).fetchone()
        return StatusListRow(*row) if row else None

    def find_issued(self, credential_id: str) -> IssuedRow | None:
        row = self._conn.execute(
            "SELECT credential_id, list_name, status_index, issued FROM issued "
            "WHERE credential_id = ?",
            (credential_id,),
        ).fetchone()
        return IssuedRow(*row) if row else None

    def reserve_status_index(
        self, list_name: str, credential_id: str, issued: str, choose: Callable[[], int]
    ) -> int:
        """Record `credential_id` at a fresh index that `choose` draws; raise if none is free."""
        with self.transaction() as conn:
            # Indices are drawn at random (Bitstring Status List §6.1: sequential indices
            # would tell a verifier roughly when, and after whom, a credential was issued).
            for _ in range(64):
                index = choose()
                if conn.execute(
                    "SELECT 1 FROM issued WHERE list_name = ? AND status_index = ?",
                    (list_name, index),
                ).fetchone():
                    continue
                conn.execute(
                    "INSERT INTO issued VALUES (?, ?, ?, ?)",
                    (credential_id, list_name, index, issued),
                )
                return index
        raise UsageError(f"status list {list_name!r} has no free index left; create another")

    def release_status_index(self, credential_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM issued WHERE credential_id = ?", (credential_id,))

    def update_status_bits(self, name: str, column: str, change: Callable[[bytes], bytes]) -> None:
        """Replace the `revoked` or `suspended` bits of a list by `change(old)`, atomically."""
        if column not in ("revoked", "suspended"):
            raise UsageError(f"unknown status column {column!r}")
        with self.transaction() as conn:
            (old,) = conn.execute(
                f"SELECT {column} FROM status_lists WHERE name = ?",  # noqa: S608 -- fixed names
                (name,),
            ).fetchone()
            conn.execute(
                f"UPDATE status_lists SET {column} = ? WHERE name = ?",  # noqa: S608 -- as above
                (change(bytes(old)), name),
            )

    def status_lists(self) -> list[StatusListRow]:
        rows = self._conn.execute(
            "SELECT name, issuer, revocation_id, suspension_id, revoked, suspended, created "
            "FROM status_lists ORDER BY name"
        ).fetchall()
        return [StatusListRow(*row) for row in rows]

    # Elections, receipts and checkpoints.

    def follow_election(self, row: ElectionRow) -> None:
        """Remember an election (the first role given stays: following is idempotent)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO elections VALUES (?, ?, ?, ?, ?, ?)",
                (row.board, row.election, row.origin, row.vkey, row.role, row.added),
            )

    def elections(self) -> list[ElectionRow]:
        rows = self._conn.execute(
            "SELECT board, election, origin, vkey, role, added FROM elections ORDER BY added"
        ).fetchall()
        return [ElectionRow(*row) for row in rows]

    def put_receipt(self, row: ReceiptRow) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO receipts VALUES (?, ?, ?, ?)",
                (row.id, row.election, row.sealed, row.added),
            )

    def receipts(self) -> list[ReceiptRow]:
        # In the order they were stored: their ids are keyed hashes and their days coarse.
        rows = self._conn.execute(
            "SELECT id, election, sealed, added FROM receipts ORDER BY rowid"
        ).fetchall()
        return [ReceiptRow(*row) for row in rows]

    def delete_receipt(self, row_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM receipts WHERE id = ?", (row_id,))

    def checkpoint(self, origin: str) -> CheckpointRow | None:
        row = self._conn.execute(
            "SELECT origin, vkey, size, note, seen FROM checkpoints WHERE origin = ?", (origin,)
        ).fetchone()
        return CheckpointRow(*row) if row else None

    def put_checkpoint(self, row: CheckpointRow) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?, ?)",
                (row.origin, row.vkey, row.size, row.note, row.seen),
            )

    def verified(self, board: str, election: str) -> VerifiedRow | None:
        row = self._conn.execute(
            "SELECT board, election, size, root, ballots FROM verified"
            " WHERE board = ? AND election = ?",
            (board, election),
        ).fetchone()
        return None if row is None else VerifiedRow(row[0], row[1], row[2], row[3], bool(row[4]))

    def put_verified(self, row: VerifiedRow) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO verified VALUES (?, ?, ?, ?, ?)",
                (row.board, row.election, row.size, row.root, int(row.ballots)),
            )

    def serialize(self) -> bytes:
        """The whole database as one image (for backups), read in one consistent snapshot."""
        return self._conn.serialize()
