"""Provides `BoardHost`: a board as its operator's machine sees it — the store (a SQLite
file or a PostgreSQL database), the board's public identity and its checkpoint key.

A SQLite board keeps its identity in the sidecar `<file>.board.json` and its key exactly
as a local board does (`wallet.services._boards`), so a local board file can be served as
it is. A PostgreSQL board keeps its identity in the table `board_identity` of the database,
shared by every server process; each server machine holds the checkpoint key in its own
keystore: the OS keyring (service `ssi-wallet/board-<id>`) or the sealed file
`board-<id>.keys` in the key folder (passphrase `WALLET_BOARD_PASSPHRASE`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.board._postgres import PostgresLogStore, is_postgres_url
from wallet.errors import FileProblem, HomeError, UsageError

if TYPE_CHECKING:
    from voting.chain import Ed25519Signer, LogStore
    from wallet.keystore import Keystore
    from wallet.services._boards import Sidecar
    from wallet.services._session import Environment

KEY_ID = "checkpoint-key"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}")

_IDENTITY_TABLE = (
    "CREATE TABLE IF NOT EXISTS board_identity (one BOOLEAN PRIMARY KEY DEFAULT TRUE"
    " CHECK (one), info TEXT NOT NULL)"
)


def default_key_dir(env: Environment) -> Path:
    """Where a PostgreSQL board's sealed key file lives on this machine by default."""
    import platformdirs

    configured = env.environ.get("WALLET_BOARD_KEYS")
    return Path(configured) if configured else Path(platformdirs.user_data_dir("ssi-wallet"))


@dataclass(frozen=True)
class BoardHost:
    """An existing board: where its store is and who it is. Opens stores and its key."""

    store: str
    info: Sidecar
    key_dir: Path

    @property
    def is_postgres(self) -> bool:
        return is_postgres_url(self.store)

    @property
    def display(self) -> str:
        """The store for messages: a PostgreSQL URL without its user, password or query."""
        if not self.is_postgres:
            return self.store
        from urllib.parse import urlsplit

        parts = urlsplit(self.store)
        return f"postgresql://{parts.hostname or 'localhost'}{parts.path}"

    def open_store(self) -> LogStore:
        """A new connection to the board's store (one per thread)."""
        from voting.chain import SqliteLogStore

        if self.is_postgres:
            return PostgresLogStore(self.store)
        return SqliteLogStore(Path(self.store))

    def keystore(self, env: Environment) -> Keystore:
        from wallet.services._boards import board_keystore

        return board_keystore(self._key_anchor(), self.info, env)

    def _key_anchor(self) -> Path:
        # The keystore helpers place the sealed file beside this path as `<name>.keys`.
        if self.is_postgres:
            return self.key_dir / f"board-{self.info.board_id}"
        return Path(self.store)

    def signer(self, env: Environment) -> Ed25519Signer:
        """The checkpoint key from this machine's keystore; it must match the recorded key."""
        from voting.chain import Ed25519Signer
        from wallet.errors import KeystoreCorrupted

        seed = self.keystore(env).get(KEY_ID)
        if seed is None or len(seed) != 32:
            raise KeystoreCorrupted(f"board {self.display}: its checkpoint key is missing here")
        signer = Ed25519Signer(self.info.name, seed)
        if signer.verifier().to_vkey() != self.info.vkey:
            raise KeystoreCorrupted(f"board {self.display}: the keystore holds another key")
        return signer

    # -- opening and creating ---------------------------------------------------------

    @classmethod
    def open(cls, store: str, env: Environment, *, key_dir: Path | None = None) -> BoardHost:
        """Open an existing board; a store without a board identity is exit 3."""
        key_dir = key_dir or default_key_dir(env)
        if is_postgres_url(store):
            info = _read_pg_identity(store)
            if info is None:
                raise HomeError("no board in this database: run `wallet board init` first")
            return cls(store, info, key_dir)
        from wallet.services._boards import LocalBoard

        with LocalBoard.open(Path(store), env) as board:
            return cls(str(board.path), board.sidecar, key_dir)

    @classmethod
    def init(
        cls,
        store: str,
        env: Environment,
        *,
        name: str | None = None,
        keystore: str = "auto",
        key_dir: Path | None = None,
    ) -> BoardHost:
        """Create a board: its store, its identity and its checkpoint key."""
        from voting.chain import Ed25519Signer
        from wallet.services._board_api import BoardInfo
        from wallet.services._boards import Sidecar, sidecar_path, write_atomically

        key_dir = key_dir or default_key_dir(env)
        board_id = env.token(8)
        name = name or f"ssi-wallet-board-{board_id}"
        if not _NAME.fullmatch(name) or "+" in name:
            raise UsageError(f"board name {name[:40]!r}: letters, digits and . _ : / - only")
        postgres = is_postgres_url(store)
        if not postgres:
            path = Path(store).expanduser()
            if path.exists() or sidecar_path(path).exists():
                raise HomeError(f"board {path}: it already exists")
            if not path.parent.is_dir():
                raise FileProblem(f"board {path}: the folder {path.parent} does not exist")
            store = str(path)
        elif _read_pg_identity(store) is not None:
            raise HomeError("this database already holds a board")
        kind = keystore
        if kind == "auto":
            from wallet.keystore import choose_backend

            kind = choose_backend(home=key_dir if postgres else Path(store).parent).kind
        if kind not in ("os", "file"):
            raise UsageError(f"unknown board keystore {kind!r}; choose auto, os or file")
        signer = Ed25519Signer(name, env.rng(32))
        info = Sidecar(BoardInfo(board_id, name, signer.verifier().to_vkey()), kind)
        host = cls(store, info, key_dir)
        if postgres:
            key_dir.mkdir(parents=True, exist_ok=True)
        host.keystore(env).put(KEY_ID, signer.seed)
        if postgres:
            _write_pg_identity(store, info)
        else:
            host.open_store().close()  # Creates the file and its schema.
            write_atomically(sidecar_path(Path(store)), json.dumps(info.to_json(), indent=2) + "\n")
        return host


def _read_pg_identity(url: str) -> Sidecar | None:
    from wallet.services._boards import Sidecar

    with PostgresLogStore(url) as store:
        db = store.connection
        db.execute(_IDENTITY_TABLE)
        row = db.execute("SELECT info FROM board_identity").fetchone()
    if row is None:
        return None
    from did import parse_json
    from did.errors import DidError

    try:
        data: Any = parse_json(row[0])
    except DidError as exc:
        raise FileProblem(f"the board's identity in the database is not JSON: {exc}") from None
    return Sidecar.from_json(data, Path("board_identity"))


def _write_pg_identity(url: str, info: Sidecar) -> None:
    with PostgresLogStore(url) as store:
        db = store.connection
        db.execute(_IDENTITY_TABLE)
        made = db.execute(
            "INSERT INTO board_identity (one, info) VALUES (TRUE, %s) ON CONFLICT DO NOTHING"
            " RETURNING one",
            (json.dumps(info.to_json()),),
        ).fetchone()
    if made is None:
        raise HomeError("this database already holds a board")
