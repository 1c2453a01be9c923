"""Provides local election boards: a SQLite log file, its checkpoint key and its rules.

A board is addressed by a path (DESIGN §5.3): a `voting.chain.SqliteLogStore` file that may
hold several elections, one log each. The board signs checkpoints with its own Ed25519 key,
kept in a keystore of its own: the OS keyring (service `ssi-wallet/board-<board-id>`) when a
Secret Service answers, else the sealed file `<board>.keys` (passphrase from
`WALLET_BOARD_PASSPHRASE` or a prompt). Which one is recorded in the sidecar
`<board>.board.json` (public data only: id, keystore kind, key name, verifier key), and a
recorded keystore that does not answer is an error, never a silent switch.

Whoever can open the board's key operates the board: until a board server exists, every
append to a local board runs in a process of the board operator's user. Appends are
serialised by a lock file, checked by the board's rules (`voting.board`), committed in one
transaction and covered by a freshly signed checkpoint before the receipt is handed out.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.errors import FileProblem, KeystoreCorrupted, NotFound, UsageError
from wallet.services._session import Environment

if TYPE_CHECKING:
    from voting.board import Board, ElectionState, Entry, Head
    from voting.chain import Ed25519Signer, Note, Receipt, SqliteLogStore
    from wallet.keystore import Keystore

SIDECAR_SUFFIX = ".board.json"
KEYS_SUFFIX = ".keys"
STATUS_SUFFIX = ".status"
BOARD_PASSPHRASE = "WALLET_BOARD_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret.
KEY_ID = "checkpoint-key"
SIDECAR_VERSION = 1


@dataclass(frozen=True)
class BoardInfo:
    """The sidecar of a board file: its id, where its key lives, its public verifier key."""

    board_id: str
    keystore: str
    name: str
    vkey: str

    def to_json(self) -> dict[str, Any]:
        return {
            "version": SIDECAR_VERSION,
            "board": self.board_id,
            "keystore": self.keystore,
            "name": self.name,
            "vkey": self.vkey,
        }

    @classmethod
    def from_json(cls, data: Any, source: Path) -> BoardInfo:
        try:
            if data["version"] != SIDECAR_VERSION or data["keystore"] not in ("os", "file"):
                raise ValueError("version or keystore")
            info = cls(str(data["board"]), data["keystore"], str(data["name"]), str(data["vkey"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise FileProblem(f"{source}: not a board sidecar ({exc})") from None
        if not info.board_id.isalnum():
            raise FileProblem(f"{source}: malformed board id")
        return info


@dataclass(frozen=True)
class Appended:
    """An accepted entry: its index, its entry hash, and its receipt (a signed tlog-proof)."""

    index: int
    entry: Entry
    receipt: Receipt

    @property
    def entry_hash(self) -> str:
        return self.entry.hash().hex()


def sidecar_path(board: Path) -> Path:
    return board.with_name(board.name + SIDECAR_SUFFIX)


def _board_keystore(path: Path, info: BoardInfo, env: Environment) -> Keystore:
    from wallet.keystore import FileKeystore, open_keystore
    from wallet.services._keys import passphrase_source

    wallet_id = f"board-{info.board_id}"
    passphrase = passphrase_source(env, variable=BOARD_PASSPHRASE)
    if info.keystore == "os":
        return open_keystore("os", wallet_id=wallet_id, home=path.parent, passphrase=passphrase)
    # The sealed file sits next to the board file, so several boards can share a folder.
    return FileKeystore(
        path.with_name(path.name + KEYS_SUFFIX), wallet_id=wallet_id, passphrase=passphrase
    )


class LocalBoard:
    """An opened board file. Use as a context manager so the store is closed."""

    def __init__(self, path: Path, info: BoardInfo, env: Environment) -> None:
        from voting.chain import SqliteLogStore

        self.path = path
        self.info = info
        self.env = env
        self.store: SqliteLogStore = SqliteLogStore(path)
        self._signer: Ed25519Signer | None = None
        self._board: Board | None = None
        self._now = datetime.now(UTC)

    @classmethod
    def open(cls, path: Path, env: Environment) -> LocalBoard:
        """Open an existing board; a missing file or sidecar is exit 3 (board unreachable)."""
        path = Path(path).expanduser()
        sidecar = sidecar_path(path)
        if not path.is_file():
            raise FileProblem(f"board {path}: unreachable (no such file)")
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileProblem(f"board {path}: its sidecar {sidecar.name} is missing") from None
        except (OSError, ValueError) as exc:
            raise FileProblem(f"board {path}: cannot read {sidecar.name} ({exc})") from None
        return cls(path, BoardInfo.from_json(data, sidecar), env)

    @classmethod
    def open_or_create(cls, path: Path, env: Environment, *, keystore: str = "auto") -> LocalBoard:
        """Open the board at `path`, creating it (and its checkpoint key) when it is absent."""
        path = Path(path).expanduser()
        if path.exists() or sidecar_path(path).exists():
            return cls.open(path, env)
        return cls._create(path, env, keystore)

    @classmethod
    def _create(cls, path: Path, env: Environment, kind: str) -> LocalBoard:
        from voting.chain import Ed25519Signer
        from wallet.keystore import choose_backend

        if kind == "auto":
            choice = choose_backend(home=path.parent)
            kind = choice.kind
        if kind not in ("os", "file"):
            raise UsageError(f"unknown board keystore {kind!r}; choose auto, os or file")
        if not path.parent.is_dir():
            raise FileProblem(f"board {path}: the folder {path.parent} does not exist")
        board_id = secrets.token_hex(8)
        signer = Ed25519Signer(f"ssi-wallet-board-{board_id}", secrets.token_bytes(32))
        info = BoardInfo(board_id, kind, signer.name, signer.verifier().to_vkey())
        keystore = _board_keystore(path, info, env)
        keystore.put(KEY_ID, signer.seed)
        where = "the OS keyring" if kind == "os" else f"the sealed file {path.name}{KEYS_SUFFIX}"
        env.notify(f"board: created {path.name}; its checkpoint key is in {where}")
        _write_atomically(sidecar_path(path), json.dumps(info.to_json(), indent=2) + "\n")
        board = cls(path, info, env)
        board._signer = signer
        return board

    def __enter__(self) -> LocalBoard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # Reading: anyone with the file can do this, without the key.

    def origin(self, election: str) -> str:
        """The checkpoint origin of one election's log on this board."""
        return f"{self.info.name}/{election}"

    def verifier(self) -> Any:
        from voting.chain import Ed25519Verifier

        return Ed25519Verifier.from_vkey(self.info.vkey)

    def elections(self) -> list[str]:
        return self.store.logs()

    def entries(self, election: str) -> list[Entry]:
        from voting.board import Entry

        self.require(election)
        return [
            Entry.from_bytes(raw) for raw in self.store.leaves(election, 0, self.size(election))
        ]

    def size(self, election: str) -> int:
        return self.store.size(election)

    def require(self, election: str) -> None:
        if election not in self.store.logs():
            raise NotFound(f"no election {election!r} on board {self.path.name}")

    def state(self, election: str) -> ElectionState:
        from voting.board import ElectionState

        return ElectionState.replay(self.entries(election), election)

    def latest_note(self, election: str) -> Note | None:
        from voting.chain import Note

        text = self.store.latest_checkpoint(election)
        return None if text is None else Note.from_text(text)

    def receipt(self, election: str, index: int) -> Receipt:
        """A receipt of entry `index` against the newest checkpoint."""
        from voting.chain import Checkpoint, Receipt

        note = self.latest_note(election)
        if note is None:
            raise NotFound(f"election {election!r} has no checkpoint yet")
        size = Checkpoint.from_text(note.text).size
        proof = tuple(self.store.inclusion_proof(election, index, size))
        return Receipt(index, proof, note)

    def consistency_proof(self, election: str, old_size: int, new_size: int) -> list[bytes]:
        return self.store.consistency_proof(election, old_size, new_size)

    # Operating: needs the board's key.

    @property
    def signer(self) -> Ed25519Signer:
        """The checkpoint key, from the board's recorded keystore (opened on first use)."""
        if self._signer is None:
            from voting.chain import Ed25519Signer

            seed = _board_keystore(self.path, self.info, self.env).get(KEY_ID)
            if seed is None or len(seed) != 32:
                raise KeystoreCorrupted(f"board {self.path.name}: its checkpoint key is missing")
            signer = Ed25519Signer(self.info.name, seed)
            if signer.verifier().to_vkey() != self.info.vkey:
                raise KeystoreCorrupted(f"board {self.path.name}: the keystore holds another key")
            self._signer = signer
        return self._signer

    def append(self, election: str, build: Callable[[Head], Entry], *, now: datetime) -> Appended:
        """Build the next entry of `election` at the board's head, and append it.

        `build` gets the head inside the board's lock, so two writers never link their entry
        to the same predecessor. The board's rules check it (`voting.board.Board`); a
        rejection raises `voting.errors.RejectedEntry` with the reason and changes nothing.
        """
        with self._lock():
            board = self._operator(now)
            entry = build(board.head(election))
            receipt = board.append(entry)
        return Appended(receipt.index, entry, receipt)

    def documents_for(
        self, election: str, body: Any, author: str, *, now: datetime
    ) -> dict[str, Any]:
        """The did:web DID documents an entry of `author` must record on the chain."""
        with self._lock():
            return self._operator(now).documents_for(election, body, author)

    def _operator(self, now: datetime) -> Board:
        from did import Resolver
        from voting.board import Board

        self._now = now
        if self._board is None:
            self._board = Board(
                self.store,
                self.signer,
                Resolver(),
                now=lambda: self._now,
                status_lists=self.status_source(),
            )
        return self._board

    @contextmanager
    def _lock(self) -> Iterator[None]:
        # Replaying the state, checking and appending must be one step, or two writers could
        # both link their entry to the same predecessor.
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # Status lists the issuers published to this board, for checking ballots while open.

    def status_dir(self) -> Path:
        return self.path.with_name(self.path.name + STATUS_SUFFIX)

    def publish_status_list(self, credential: dict[str, Any]) -> None:
        """Keep an issuer's signed status list credential where the board's checks find it."""
        list_id = credential.get("id")
        if not isinstance(list_id, str):
            raise UsageError("a status list credential needs an id")
        folder = self.status_dir()
        folder.mkdir(exist_ok=True)
        name = hashlib.sha256(list_id.encode()).hexdigest()[:32] + ".json"
        _write_atomically(folder / name, json.dumps(credential, indent=2) + "\n")

    def status_source(self) -> Any:
        """A status list source over the published lists (`did.StatusListSource`)."""
        from did.errors import StatusRetrievalError

        def source(url: str) -> Any:
            name = hashlib.sha256(url.encode()).hexdigest()[:32] + ".json"
            try:
                return json.loads((self.status_dir() / name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise StatusRetrievalError(
                    f"status list {url[:80]!r} was not published to this board"
                ) from None

        return source


@contextmanager
def using_board(board: Path | LocalBoard, env: Environment) -> Iterator[LocalBoard]:
    """An opened board: the one given (left open), or the one at a path (closed after)."""
    if isinstance(board, LocalBoard):
        yield board
        return
    with LocalBoard.open(board, env) as opened:
        yield opened


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise FileProblem(f"cannot write {path}: {exc.strerror}") from None
