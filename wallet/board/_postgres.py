"""Provides `PostgresLogStore`: the log store in PostgreSQL, for a board served by several
processes or machines (DESIGN §5.5).

The database is the sequencer. An append runs in one transaction that first locks the log's
row (`SELECT … FOR UPDATE`), so appends to one log from any number of connections are
serialised by PostgreSQL: the size, the border nodes and the compare-and-append all read
the latest committed state, and the new leaves, nodes and size commit together or not at
all. Checkpoints take the same row lock, so their sequence numbers never collide and never
go back. Nothing else happens inside these transactions: no proof verification, no signing,
no network I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from voting.chain import CompactRange, LogStore, leaf_hash
from voting.errors import StorageError

if TYPE_CHECKING:
    import psycopg

SCHEMA_VERSION = 1

# A fixed advisory-lock key: concurrent first starts create the schema one at a time.
_SCHEMA_LOCK = 0x55A11E7

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS tlog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tlog_logs (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " size BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS tlog_leaves (log BIGINT NOT NULL REFERENCES tlog_logs(id),"
    " idx BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (log, idx))",
    "CREATE TABLE IF NOT EXISTS tlog_nodes (log BIGINT NOT NULL REFERENCES tlog_logs(id),"
    " level SMALLINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL,"
    " PRIMARY KEY (log, level, idx))",
    "CREATE TABLE IF NOT EXISTS tlog_checkpoints (log BIGINT NOT NULL REFERENCES tlog_logs(id),"
    " seq BIGINT NOT NULL, size BIGINT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (log, seq))",
)


def is_postgres_url(text: str) -> bool:
    """Whether a store argument names PostgreSQL rather than a SQLite file."""
    return text.startswith(("postgresql://", "postgres://"))


class PostgresLogStore(LogStore):
    """A log store in a PostgreSQL database, one connection per store object.

    Use one store per thread (a connection runs one transaction at a time). The URL is a
    libpq connection URI; it may carry a password, so it never appears in an error message.
    """

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        import psycopg

        try:
            self._db: psycopg.Connection[Any] = psycopg.connect(
                url, autocommit=True, connect_timeout=connect_timeout
            )
        except psycopg.Error as exc:
            raise StorageError(f"cannot connect to the PostgreSQL store: {_reason(exc)}") from None
        self._ids: dict[str, int] = {}
        try:
            if self._current():
                return
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                for statement in _SCHEMA:
                    self._db.execute(statement)
                row = self._db.execute(
                    "SELECT value FROM tlog_meta WHERE key = 'schema'"
                ).fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO tlog_meta (key, value) VALUES ('schema', %s)",
                        (str(SCHEMA_VERSION),),
                    )
                elif row[0] != str(SCHEMA_VERSION):
                    raise StorageError(f"store schema version {row[0]}, want {SCHEMA_VERSION}")
        except psycopg.Error as exc:
            self._db.close()
            raise StorageError(f"cannot open the PostgreSQL store: {_reason(exc)}") from None

    def _current(self) -> bool:
        """Whether the schema is made and of this version: then a new connection (one per
        server thread) needs no DDL and no schema lock."""
        import psycopg

        try:
            row = self._db.execute("SELECT value FROM tlog_meta WHERE key = 'schema'").fetchone()
        except psycopg.errors.UndefinedTable:
            return False
        return row is not None and row[0] == str(SCHEMA_VERSION)

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """The store's connection, for the board's own tables beside the logs."""
        return self._db

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self, what: str) -> Iterator[psycopg.Connection[Any]]:
        import psycopg

        try:
            with self._db.transaction():
                yield self._db
        except psycopg.Error as exc:
            raise StorageError(f"{what} failed: {_reason(exc)}") from None

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        try:
            return self._db.execute(sql, params).fetchall()
        except psycopg.Error as exc:
            raise StorageError(f"log store read failed: {_reason(exc)}") from None

    def _id(self, log_id: str) -> int:
        cached = self._ids.get(log_id)
        if cached is not None:
            return cached
        rows = self._query("SELECT id FROM tlog_logs WHERE name = %s", (log_id,))
        if not rows:
            raise StorageError(f"unknown log {log_id!r}")
        self._ids[log_id] = int(rows[0][0])
        return self._ids[log_id]

    def create_log(self, log_id: str) -> None:
        if not isinstance(log_id, str) or not log_id:
            raise StorageError("a log id is a non-empty string")
        with self._transaction(f"creating log {log_id!r}") as db:
            made = db.execute(
                "INSERT INTO tlog_logs (name) VALUES (%s) ON CONFLICT (name) DO NOTHING"
                " RETURNING id",
                (log_id,),
            ).fetchone()
        if made is None:
            raise StorageError(f"log {log_id!r} already exists")

    def logs(self) -> list[str]:
        return [str(r[0]) for r in self._query("SELECT name FROM tlog_logs ORDER BY id")]

    def size(self, log_id: str) -> int:
        rows = self._query("SELECT size FROM tlog_logs WHERE id = %s", (self._id(log_id),))
        return int(rows[0][0])

    def _node(self, log_id: str, level: int, index: int) -> bytes:
        rows = self._query(
            "SELECT hash FROM tlog_nodes WHERE log = %s AND level = %s AND idx = %s",
            (self._id(log_id), level, index),
        )
        if not rows:
            raise StorageError(f"log {log_id!r}: node ({level}, {index}) is not stored")
        return bytes(rows[0][0])

    def _nodes(self, log_id: str, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        if not wanted:
            return {}
        rows = self._query(
            "SELECT level, idx, hash FROM tlog_nodes WHERE log = %s"
            " AND (level, idx) IN (SELECT * FROM unnest(%s::smallint[], %s::bigint[]))",
            (self._id(log_id), [lv for lv, _ in wanted], [ix for _, ix in wanted]),
        )
        return {(int(r[0]), int(r[1])): bytes(r[2]) for r in rows}

    def node_range(self, log_id: str, level: int, start: int, end: int) -> list[bytes]:
        if not 0 <= start <= end:
            raise StorageError(f"node range [{start}, {end}) out of range")
        rows = self._query(
            "SELECT hash FROM tlog_nodes WHERE log = %s AND level = %s AND idx >= %s"
            " AND idx < %s ORDER BY idx",
            (self._id(log_id), level, start, end),
        )
        if len(rows) != end - start:
            raise StorageError(f"log {log_id!r}: nodes ({level}, [{start}, {end})) not stored")
        return [bytes(r[0]) for r in rows]

    def _append_with(self, log_id: str, place: Callable[[int], list[bytes]]) -> range:
        key = self._id(log_id)
        with self._transaction(f"append to log {log_id!r}") as db:
            # The row lock is the sequencer: every other append to this log waits here.
            row = db.execute(
                "SELECT size FROM tlog_logs WHERE id = %s FOR UPDATE", (key,)
            ).fetchone()
            assert row is not None  # The id came from this table and logs are never deleted.
            size = int(row[0])
            items = place(size)
            if not items:
                return range(size, size)
            wanted = CompactRange.border_nodes(size)
            found = self._nodes(log_id, wanted)
            border = [
                found.get(node) or self._border_node(db, key, log_id, *node) for node in wanted
            ]
            builder = CompactRange(size, border)
            nodes = [
                (key, level, index, value)
                for data in items
                for level, index, value in builder.append(leaf_hash(data))
            ]
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO tlog_leaves (log, idx, data) VALUES (%s, %s, %s)",
                    [(key, size + i, data) for i, data in enumerate(items)],
                )
                cursor.executemany(
                    "INSERT INTO tlog_nodes (log, level, idx, hash) VALUES (%s, %s, %s, %s)",
                    nodes,
                )
            db.execute("UPDATE tlog_logs SET size = %s WHERE id = %s", (size + len(items), key))
        return range(size, size + len(items))

    @staticmethod
    def _border_node(
        db: psycopg.Connection[Any], key: int, log_id: str, level: int, index: int
    ) -> bytes:
        row = db.execute(
            "SELECT hash FROM tlog_nodes WHERE log = %s AND level = %s AND idx = %s",
            (key, level, index),
        ).fetchone()
        if row is None:
            raise StorageError(f"log {log_id!r}: node ({level}, {index}) is not stored")
        return bytes(row[0])

    def leaves(self, log_id: str, start: int, end: int) -> list[bytes]:
        size = self.size(log_id)
        if not 0 <= start <= end <= size:
            raise StorageError(f"leaf range [{start}, {end}) out of range for size {size}")
        rows = self._query(
            "SELECT data FROM tlog_leaves WHERE log = %s AND idx >= %s AND idx < %s ORDER BY idx",
            (self._id(log_id), start, end),
        )
        if len(rows) != end - start:
            raise StorageError(f"log {log_id!r}: leaves [{start}, {end}) are incomplete")
        return [bytes(r[0]) for r in rows]

    def _store_checkpoint(self, log_id: str, size: int, note: str) -> None:
        # One statement, one round trip, without the log's row lock (appends go on meanwhile).
        # Two writers that read the same latest checkpoint compute the same next `seq`; the
        # primary key lets one in and refuses the other (a StorageError its caller handles),
        # and a writer that sees a larger latest checkpoint inserts nothing, so stored
        # checkpoints never go back.
        import psycopg

        try:
            row = self._db.execute(
                "WITH latest AS (SELECT seq, size FROM tlog_checkpoints WHERE log = %(log)s"
                " ORDER BY seq DESC LIMIT 1)"
                " INSERT INTO tlog_checkpoints (log, seq, size, note)"
                " SELECT %(log)s, COALESCE((SELECT seq FROM latest), 0) + 1, %(size)s, %(note)s"
                " WHERE %(size)s >= COALESCE((SELECT size FROM latest), 0) RETURNING seq",
                {"log": self._id(log_id), "size": size, "note": note},
            ).fetchone()
        except psycopg.Error as exc:
            raise StorageError(
                f"storing a checkpoint of {log_id!r} failed: {_reason(exc)}"
            ) from None
        if row is None:
            latest = self.latest_checkpoint(log_id)
            raise StorageError(f"checkpoint size {size} is older than the latest ({latest!r:.80})")

    def checkpoints(self, log_id: str) -> list[str]:
        rows = self._query(
            "SELECT note FROM tlog_checkpoints WHERE log = %s ORDER BY seq", (self._id(log_id),)
        )
        return [str(r[0]) for r in rows]

    def latest_checkpoint(self, log_id: str) -> str | None:
        rows = self._query(
            "SELECT note FROM tlog_checkpoints WHERE log = %s ORDER BY seq DESC LIMIT 1",
            (self._id(log_id),),
        )
        return str(rows[0][0]) if rows else None

    def recent_checkpoints(self, log_id: str, count: int) -> list[str]:
        rows = self._query(
            "SELECT note FROM tlog_checkpoints WHERE log = %s ORDER BY seq DESC LIMIT %s",
            (self._id(log_id), max(count, 0)),
        )
        return [str(r[0]) for r in rows]


def _reason(exc: Exception) -> str:
    """The server's message without the connection string (it may hold a password)."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if primary:
        return str(primary)
    # libpq's connection messages name the host, port and user, never the password.
    lines = str(exc).strip().splitlines()
    return lines[-1] if lines else type(exc).__name__
