"""Tests that a correctly sealed but crafted backup is refused with a typed error and writes
nothing (issue 14, finding 9): before, `backup import` failed with ValueError or MemoryError,
or restored a database the wallet then failed on for good.

The backups here are sealed with the right passphrase, so every check under test is the
backup reader's own, after decryption.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import nacl.secret
import nacl.utils
import pytest

from wallet._db import Database
from wallet.errors import WalletError
from wallet.keystore import Passphrase, SealedFile
from wallet.keystore._sealed import (
    _HEADER,
    FORMAT_VERSION,
    KDF_ARGON2ID,
    MAGIC,
    _header_digest,
    _Key,
)
from wallet.services import Environment
from wallet.services._backup import KEYS, SECTION, import_backup

from .conftest import CHEAP

BACKUP_PASS = "backup passphrase"
CONFIG = '# ssi-wallet\nversion = 1\nwallet_id = "00112233aabbccdd"\nkeystore = "file"\n'
DATA_KEY = base64.b64encode(bytes(range(32))).decode()


def env() -> Environment:
    return Environment(
        environ={"WALLET_BACKUP_PASSPHRASE": BACKUP_PASS, "WALLET_PASSPHRASE": "new wallet"}
    )


def passphrase(*, confirm: bool = False) -> Passphrase:
    return Passphrase(BACKUP_PASS)


def seal(path: Path, entries: dict[str, dict[str, str]]) -> Path:
    """A backup holding `entries`, sealed as `backup export` seals one (cheaper costs)."""

    def fill(current: dict[str, dict[str, str]]) -> None:
        current.update(entries)

    SealedFile(path, passphrase, **CHEAP).update(fill)
    return path


def seal_raw(path: Path, plain: bytes) -> Path:
    """A backup whose decrypted content is `plain`, whatever it is."""
    salt = nacl.utils.random(16)
    key = _Key(Passphrase(BACKUP_PASS), salt, SealedFile(path, passphrase, **CHEAP)._new_params)
    header = _HEADER.pack(
        MAGIC,
        FORMAT_VERSION,
        KDF_ARGON2ID,
        key.params.opslimit,
        key.params.memlimit,
        key.salt,
        key.check,
    )
    box = nacl.secret.SecretBox(key.box).encrypt(plain, nacl.utils.random(24))
    path.write_bytes(header + _header_digest(header) + bytes(box))
    path.chmod(0o600)
    return path


def wallet_snapshot(tmp_path: Path, edit: Callable[[sqlite3.Connection], None]) -> str:
    """The base64 of a real wallet database, changed by `edit`, as an export writes it."""
    path = tmp_path / "source.db"
    Database(path, create=True).close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        edit(conn)
        data = bytearray(conn.serialize())
    finally:
        conn.close()
    data[18:20] = b"\x01\x01"
    return base64.b64encode(bytes(data)).decode()


def backup(
    database: str, keys: dict[str, str] | None = None, config: str = CONFIG
) -> dict[str, dict[str, str]]:
    section = {"version": "1", "config": config, "database": database}
    return {SECTION: section, KEYS: {"data-key": DATA_KEY} if keys is None else keys}


def refused(source: Path, target: Path) -> WalletError:
    with pytest.raises(WalletError) as caught:
        import_backup(source, target, env(), keystore="file")
    assert not target.exists(), "a refused backup must write nothing"
    return caught.value


def test_a_sound_crafted_backup_is_restored(tmp_path: Path) -> None:
    # The control: the helpers below make backups the reader accepts.
    source = seal(tmp_path / "ok.backup", backup(wallet_snapshot(tmp_path, lambda _c: None)))
    summary = import_backup(source, tmp_path / "home", env(), keystore="file")
    assert (summary.keys, summary.identities) == (1, 0)


def test_database_text_that_is_not_ascii(tmp_path: Path) -> None:
    source = seal(tmp_path / "b.backup", backup("d\u00e9j\u00e0"))
    refused(source, tmp_path / "home")


def test_an_empty_database(tmp_path: Path) -> None:
    source = seal(tmp_path / "b.backup", backup(""))
    refused(source, tmp_path / "home")


def test_a_secret_that_is_not_ascii_base64(tmp_path: Path) -> None:
    source = seal(
        tmp_path / "b.backup",
        backup(wallet_snapshot(tmp_path, lambda _c: None), keys={"data-key": "\u00ff\u00ff"}),
    )
    refused(source, tmp_path / "home")


@pytest.mark.parametrize(
    "keys",
    [{}, {"data-key": ""}, {"data-key": base64.b64encode(b"short").decode()}],
    ids=["no-data-key", "empty-data-key", "short-data-key"],
)
def test_keys_the_wallet_cannot_work_with(tmp_path: Path, keys: dict[str, str]) -> None:
    source = seal(tmp_path / "b.backup", backup(wallet_snapshot(tmp_path, lambda _c: None), keys))
    refused(source, tmp_path / "home")


def test_an_identity_whose_key_is_missing(tmp_path: Path) -> None:
    def add(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO identities VALUES ('did:key:z6Mk', 'a', 'key', 'ed25519-00', ?, 'now')",
            (bytes(32),),
        )

    source = seal(tmp_path / "b.backup", backup(wallet_snapshot(tmp_path, add)))
    refused(source, tmp_path / "home")


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE receipts; CREATE TABLE receipts (id TEXT)",
        "CREATE TRIGGER spy AFTER INSERT ON identities BEGIN DELETE FROM checkpoints; END",
        "CREATE VIEW extra AS SELECT 1",
        "PRAGMA user_version = 99",
        "INSERT INTO identities VALUES ('did:key:z6Mk', 'a', 'key', 'ed25519-00', 'text', 'now')",
        "INSERT INTO checkpoints VALUES ('origin', 'vkey', 'many', 'note', 'now')",
    ],
    ids=["altered-table", "trigger", "view", "newer-schema", "text-for-blob", "text-for-integer"],
)
def test_a_database_that_is_not_this_wallets_schema(tmp_path: Path, statement: str) -> None:
    def edit(conn: sqlite3.Connection) -> None:
        conn.executescript(statement)

    keys = {"data-key": DATA_KEY, "ed25519-00": DATA_KEY}
    source = seal(tmp_path / "b.backup", backup(wallet_snapshot(tmp_path, edit), keys))
    refused(source, tmp_path / "home")


def test_a_config_nested_past_any_reader(tmp_path: Path) -> None:
    deep = CONFIG + "x = " + "[" * 50_000 + "]" * 50_000 + "\n"
    source = seal(
        tmp_path / "b.backup", backup(wallet_snapshot(tmp_path, lambda _c: None), config=deep)
    )
    refused(source, tmp_path / "home")


def test_content_nested_past_the_json_depth_cap(tmp_path: Path) -> None:
    plain = b'{"entries": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    refused(seal_raw(tmp_path / "b.backup", plain), tmp_path / "home")


def test_content_with_a_repeated_section(tmp_path: Path) -> None:
    good = json.dumps(backup(wallet_snapshot(tmp_path, lambda _c: None)))
    plain = f'{{"entries": {good[:-1]}, "{KEYS}": {{}}}}}}'.encode()
    refused(seal_raw(tmp_path / "b.backup", plain), tmp_path / "home")
