"""Provides wallet backups: one passphrase-sealed file holding the keys and the database.

A backup is a sealed file in the keystore file format (Argon2id + XSalsa20-Poly1305; see
`wallet.keystore`), whose map holds two sections:

    "ssi-wallet-backup": {"version": "1", "config": <config.toml text>,
                          "database": <base64 of a consistent SQLite snapshot>}
    "keys":              {<key id>: <base64 secret>, ...}

The passphrase comes from `WALLET_BACKUP_PASSPHRASE` or a prompt. Import checks everything
before it writes anything, into an empty home only, and undoes its keystore writes if a
later step fails.
"""

from __future__ import annotations

import base64
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet._db import MIGRATIONS, Database
from wallet._home import (
    DB_NAME,
    Config,
    new_wallet_id,
    prepare_empty_home,
    resolve_home,
    write_config,
)
from wallet.errors import FileProblem, KeystoreCorrupted, UsageError
from wallet.services._keys import new_keystore, passphrase_source
from wallet.services._session import DATA_KEY_ID, Environment, Wallet

SECTION = "ssi-wallet-backup"
KEYS = "keys"
VERSION = "1"
DATA_KEY_SIZE = 32
PASSPHRASE_VARIABLE = "WALLET_BACKUP_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    keys: int
    identities: int

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "keys": self.keys, "identities": self.identities}


def _sealed(path: Path, env: Environment) -> Any:
    from nacl.pwhash import argon2id

    from wallet.keystore import SealedFile

    # A backup travels and may be attacked offline, so it gets libsodium's MODERATE cost
    # rather than the interactive cost the everyday keystore uses.
    return SealedFile(
        path,
        passphrase_source(env, variable=PASSPHRASE_VARIABLE),
        opslimit=argon2id.OPSLIMIT_MODERATE,
        memlimit=argon2id.MEMLIMIT_MODERATE,
    )


def export_backup(wallet: Wallet, target: Path) -> BackupSummary:
    """Seal the wallet's keys, config and database into `target` (which must not exist)."""
    if target.exists():
        raise UsageError(f"{target} exists already; choose another file name")
    keys = {
        key_id: base64.b64encode(wallet.keystore.get(key_id) or b"").decode()
        for key_id in wallet.keystore.ids()
    }
    if any(not value for value in keys.values()):
        raise KeystoreCorrupted("a keystore entry vanished while it was being read")
    snapshot = bytearray(wallet.db.serialize())
    # Bytes 18 and 19 of a SQLite header say WAL (2) or rollback journal (1). A snapshot
    # marked WAL cannot be opened from memory, so it is marked rollback; the restored
    # database switches back to WAL when it is first opened.
    snapshot[18:20] = b"\x01\x01"
    section = {
        "version": VERSION,
        "config": wallet.home.config.to_toml(),
        "database": base64.b64encode(bytes(snapshot)).decode(),
    }

    def fill(entries: dict[str, dict[str, str]]) -> None:
        entries[SECTION] = section
        entries[KEYS] = keys

    _sealed(target, wallet.env).update(fill)
    return BackupSummary(target, len(keys), len(wallet.db.identities()))


def _decode(text: str) -> bytes:
    # Non-ASCII text is a ValueError to base64, not a binascii.Error.
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise FileProblem("the backup's contents are not base64") from None


def _schema(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2"
    ).fetchall()


def _expected_schema(version: int) -> list[tuple[Any, ...]]:
    """The schema this wallet's migrations make at `version`, read back the same way."""
    conn = sqlite3.connect(":memory:")
    try:
        for step in MIGRATIONS[:version]:
            conn.executescript(step)
        return _schema(conn)
    finally:
        conn.close()


# The storage class each declared column type may hold (NULL only where the column allows it).
_STORAGE = {"TEXT": "text", "BLOB": "blob", "INTEGER": "integer"}


def _check_types(conn: sqlite3.Connection) -> None:
    """Every stored value has its column's type: SQLite itself would store text in a BLOB."""
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for _cid, column, declared, notnull, _default, primary in conn.execute(
            f'PRAGMA table_info("{table}")'
        ).fetchall():
            allowed = [_STORAGE[declared]] + ([] if notnull or primary else ["null"])
            marks = ", ".join("?" for _ in allowed)
            # The names come from the schema just compared with this wallet's own.
            (wrong,) = conn.execute(
                f'SELECT count(*) FROM "{table}" WHERE typeof("{column}") NOT IN ({marks})',  # noqa: S608
                allowed,
            ).fetchone()
            if wrong:
                raise FileProblem(
                    f"the backup's database holds {wrong} bad {table}.{column} values"
                )


def _check_database(data: bytes) -> list[str]:
    """Open the snapshot in memory and check it is this wallet's database, whole and typed;
    return the key ids its identities use.

    A sealed backup proves who sealed it, not that a wallet made it: its schema must be one
    this wallet's migrations make (no extra tables, triggers or views), at a version it knows.
    """
    if not data:
        raise FileProblem("the backup's database is empty")
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if not 1 <= version <= len(MIGRATIONS):
            raise FileProblem(
                f"the backup's database has schema {version}, want 1..{len(MIGRATIONS)}"
            )
        if _schema(conn) != _expected_schema(version):
            raise FileProblem("the backup's database is not this wallet's schema")
        (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise FileProblem(f"the backup's database is damaged ({verdict})")
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise FileProblem("the backup's database has rows that refer to nothing")
        _check_types(conn)
        return [row[0] for row in conn.execute("SELECT key_id FROM identities")]
    except sqlite3.DatabaseError as exc:
        raise FileProblem(f"the backup's database is not a wallet database ({exc})") from None
    finally:
        conn.close()


def _check_keys(secrets: dict[str, bytes], key_ids: list[str]) -> None:
    """The keys a restored wallet cannot work without are there and well-formed."""
    if any(not key_id or not secret for key_id, secret in secrets.items()):
        raise FileProblem("the backup holds an empty key id or secret")
    if len(secrets.get(DATA_KEY_ID, b"")) != DATA_KEY_SIZE:
        raise FileProblem(f"the backup's data key is missing or not {DATA_KEY_SIZE} bytes")
    missing = [key_id for key_id in key_ids if key_id not in secrets]
    if missing:
        raise FileProblem(f"the backup has no key for identity key {missing[0][:40]!r}")


def import_backup(
    source: Path, home: Path | None, env: Environment, *, keystore: str = "auto"
) -> BackupSummary:
    """Restore a backup into an empty home, with a new wallet id and keystore of this machine."""
    if not source.is_file():
        raise FileProblem(f"no backup file at {source}")
    entries = _sealed(source, env).read()
    section, keys = entries.get(SECTION), entries.get(KEYS)
    if not isinstance(section, dict) or not isinstance(keys, dict):
        raise FileProblem(f"{source} is a sealed file but not a wallet backup")
    if section.get("version") != VERSION:
        raise FileProblem(f"backup version {section.get('version')!r}, want {VERSION}")
    if not isinstance(section.get("database"), str):
        raise FileProblem(f"{source}: the backup's contents are malformed")
    database = _decode(section["database"])
    secrets = {key_id: _decode(value) for key_id, value in keys.items()}
    Config.from_toml(str(section.get("config", "")), source)
    key_ids = _check_database(database)
    _check_keys(secrets, key_ids)
    identities = len(key_ids)

    path = resolve_home(home, env.environ)
    prepare_empty_home(path)
    wallet_id = new_wallet_id(env.rng)
    store = new_keystore(keystore, wallet_id=wallet_id, home=path, env=env)
    written: list[str] = []
    db_path = path / DB_NAME
    try:
        for key_id, secret in secrets.items():
            store.put(key_id, secret)
            written.append(key_id)
        temporary = path / f".{DB_NAME}.restore"
        temporary.write_bytes(database)
        temporary.replace(db_path)
        Database(db_path).close()
        write_config(path, Config(wallet_id=wallet_id, keystore=store.kind))
    except BaseException:
        for key_id in written:
            store.delete(key_id)
        db_path.unlink(missing_ok=True)
        raise
    return BackupSummary(source, len(secrets), identities)
