"""Provides local election boards: a SQLite log file, its checkpoint key and its lock.

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
The rules themselves are `voting.board.Board`'s; this module only opens the file, its key and
its lock, and implements `BoardClient` over them.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.errors import (
    BoardLocked,
    BoardUnreachable,
    FileProblem,
    KeystoreCorrupted,
    KeystoreLocked,
    NotFound,
    UsageError,
)
from wallet.services._board_api import BoardInfo, StatusLists, Submitted
from wallet.services._session import Environment

if TYPE_CHECKING:
    from types import TracebackType

    from voting.board import Board, ElectionState, Entry, EntryBody, Head
    from voting.chain import Ed25519Signer, Note, Receipt, SqliteLogStore
    from wallet.keystore import Keystore

SIDECAR_SUFFIX = ".board.json"
KEYS_SUFFIX = ".keys"
STATUS_SUFFIX = ".status"
BOARD_PASSPHRASE = "WALLET_BOARD_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret.
KEY_ID = "checkpoint-key"
_TEMPORARY = itertools.count()
SIDECAR_VERSION = 1


@dataclass(frozen=True)
class Sidecar:
    """The sidecar of a board file: the board's public identity and where its key lives."""

    info: BoardInfo
    keystore: str
    # Where the witnesses the board's elections name are reachable: {name: base URL}.
    witnesses: Mapping[str, str] = field(default_factory=dict)

    @property
    def board_id(self) -> str:
        return self.info.board_id

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def vkey(self) -> str:
        return self.info.vkey

    def to_json(self) -> dict[str, Any]:
        return {
            "version": SIDECAR_VERSION,
            "board": self.info.board_id,
            "keystore": self.keystore,
            "name": self.info.name,
            "vkey": self.info.vkey,
        } | ({"witnesses": dict(self.witnesses)} if self.witnesses else {})

    @classmethod
    def from_json(cls, data: Any, source: Path) -> Sidecar:
        try:
            if data["version"] != SIDECAR_VERSION or data["keystore"] not in ("os", "file"):
                raise ValueError("version or keystore")
            info = BoardInfo(str(data["board"]), str(data["name"]), str(data["vkey"]))
            witnesses = data.get("witnesses", {})
            if not isinstance(witnesses, dict) or not all(
                isinstance(v, str) for v in witnesses.values()
            ):
                raise ValueError("witnesses")
            sidecar = cls(info, data["keystore"], witnesses)
        except (KeyError, TypeError, ValueError) as exc:
            raise FileProblem(f"{source}: not a board sidecar ({exc})") from None
        if not info.board_id.isalnum():
            raise FileProblem(f"{source}: malformed board id")
        return sidecar


def sidecar_path(board: Path) -> Path:
    return board.with_name(board.name + SIDECAR_SUFFIX)


def board_keystore(path: Path, sidecar: Sidecar, env: Environment) -> Keystore:
    from wallet.keystore import FileKeystore, open_keystore
    from wallet.services._keys import passphrase_source

    wallet_id = f"board-{sidecar.info.board_id}"
    passphrase = passphrase_source(env, variable=BOARD_PASSPHRASE)
    if sidecar.keystore == "os":
        return open_keystore(
            "os", wallet_id=wallet_id, home=path.parent, passphrase=passphrase, randbytes=env.rng
        )
    # The sealed file sits next to the board file, so several boards can share a folder.
    return FileKeystore(
        path.with_name(path.name + KEYS_SUFFIX),
        wallet_id=wallet_id,
        passphrase=passphrase,
        randbytes=env.rng,
    )


class LocalBoard:
    """An opened board file (a `BoardClient`). Use as a context manager so it is closed."""

    def __init__(self, path: Path, sidecar: Sidecar, env: Environment) -> None:
        from voting.chain import SqliteLogStore

        self.path = path
        self.sidecar = sidecar
        self.env = env
        self.store: SqliteLogStore = SqliteLogStore(path)
        self._signer: Ed25519Signer | None = None
        self._board: Board | None = None

    @classmethod
    def open(cls, path: Path, env: Environment) -> LocalBoard:
        """Open an existing board; a missing file or sidecar is BoardUnreachable (exit 3)."""
        path = Path(path).expanduser()
        sidecar = sidecar_path(path)
        if not path.is_file():
            raise BoardUnreachable(f"board {path}: unreachable (no such file)")
        from did import parse_json
        from did.errors import DidError

        try:
            data = parse_json(sidecar.read_bytes())
        except FileNotFoundError:
            raise BoardUnreachable(f"board {path}: its sidecar {sidecar.name} is missing") from None
        except (OSError, DidError) as exc:
            raise BoardUnreachable(f"board {path}: cannot read {sidecar.name} ({exc})") from None
        return cls(path, Sidecar.from_json(data, sidecar), env)

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
        board_id = env.token(8)
        signer = Ed25519Signer(f"ssi-wallet-board-{board_id}", env.rng(32))
        sidecar = Sidecar(BoardInfo(board_id, signer.name, signer.verifier().to_vkey()), kind)
        keystore = board_keystore(path, sidecar, env)
        keystore.put(KEY_ID, signer.seed)
        where = "the OS keyring" if kind == "os" else f"the sealed file {path.name}{KEYS_SUFFIX}"
        env.notify(f"board: created {path.name}; its checkpoint key is in {where}")
        write_atomically(sidecar_path(path), json.dumps(sidecar.to_json(), indent=2) + "\n")
        board = cls(path, sidecar, env)
        board._signer = signer
        return board

    def __enter__(self) -> LocalBoard:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # Reading: anyone with the file can do this, without the key.

    @property
    def info(self) -> BoardInfo:
        return self.sidecar.info

    @property
    def location(self) -> str:
        return str(self.path.resolve())

    @property
    def key_in_file(self) -> bool:
        """Whether the checkpoint key is in a passphrase file (rather than the OS keyring)."""
        return self.sidecar.keystore == "file"

    def origin(self, election: str) -> str:
        return f"{self.info.name}/{election}"

    def elections(self) -> list[str]:
        return [e for e in self.store.logs() if self.store.size(e) > 0]

    def entries(self, election: str) -> list[Entry]:
        from voting.board import Entry

        self._require(election)
        size = self.store.size(election)
        return [Entry.from_bytes(raw) for raw in self.store.leaves(election, 0, size)]

    def leaves(self, election: str, start: int, end: int, *, size: int) -> list[bytes]:
        self._require(election)
        return self.store.leaves(election, start, min(end, size))

    def first_entry(self, election: str) -> Entry | None:
        """The election's first entry (its `election` entry), reading nothing else."""
        from voting.board import Entry

        if election not in self.store.logs() or not self.store.size(election):
            return None
        return Entry.from_bytes(self.store.leaf(election, 0))

    def _require(self, election: str) -> None:
        if election not in self.store.logs():
            raise NotFound(f"no election {election!r} on board {self.path.name}")

    def state(self, election: str) -> ElectionState:
        from voting.board import ElectionState

        return ElectionState.replay(self.entries(election), election)

    def checkpoint(self, election: str) -> Note | None:
        from voting.chain import Note

        if election not in self.store.logs():
            return None
        if self.store.latest_checkpoint(election) is None and self.store.size(election) > 0:
            # Entries a crash left without their checkpoint: opening the board as its
            # operator signs the missing one (`voting.board.Board`), which needs its key.
            self._operator()
        from wallet.services._local_witnessing import published

        text = published(self, election)
        return None if text is None else Note.from_text(text)

    def inclusion(self, election: str, index: int) -> Receipt:
        from voting.chain import Checkpoint, Receipt

        note = self.checkpoint(election)
        if note is None:
            raise NotFound(f"election {election!r} has no checkpoint yet")
        size = Checkpoint.from_text(note.text).size
        proof = tuple(self.store.inclusion_proof(election, index, size))
        return Receipt(index, proof, note)

    def consistency_proof(self, election: str, old_size: int, new_size: int) -> list[bytes]:
        return self.store.consistency_proof(election, old_size, new_size)

    def export(self, election: str, out: Path) -> Path:
        """Write the record directory of `election` (DESIGN §5.3); return where."""
        from voting.board import export_record

        self._require(election)
        target: Path = export_record(self.store, election, out)
        return target

    # Operating: needs the board's key.

    @property
    def signer(self) -> Ed25519Signer:
        """The checkpoint key, from the board's recorded keystore (opened on first use).

        A key in a passphrase file whose passphrase is missing or wrong is BoardLocked.
        """
        if self._signer is None:
            from voting.chain import Ed25519Signer

            try:
                seed = board_keystore(self.path, self.sidecar, self.env).get(KEY_ID)
            except BoardLocked:
                raise
            except KeystoreLocked as exc:
                raise BoardLocked(str(exc)) from None
            if seed is None or len(seed) != 32:
                raise KeystoreCorrupted(f"board {self.path.name}: its checkpoint key is missing")
            signer = Ed25519Signer(self.info.name, seed)
            if signer.verifier().to_vkey() != self.info.vkey:
                raise KeystoreCorrupted(f"board {self.path.name}: the keystore holds another key")
            self._signer = signer
        return self._signer

    def submit(self, election: str, build: Callable[[Head], Entry]) -> Submitted:
        """Build the next entry of `election` at the board's head, and append it.

        `build` gets the head inside the board's lock, so two writers never link their entry
        to the same predecessor. The board's rules check it at the environment's clock; a
        rejection raises `voting.errors.RejectedEntry` and changes nothing.
        """
        from voting.chain import leaf_hash

        with self._lock():
            board = self._operator()
            entry = build(board.head(election))
            receipt = board.append(entry)
        submitted = Submitted(receipt.index, entry, leaf_hash(entry.to_bytes()), receipt)
        # Outside the lock: no network I/O while other writers wait (DESIGN §5.5).
        from wallet.services._local_witnessing import witnessed

        return witnessed(self, election, submitted)

    def documents_for(
        self, election: str, body: EntryBody, author: str
    ) -> dict[str, dict[str, Any]]:
        with self._lock():
            return self._operator().documents_for(election, body, author)

    def _operator(self) -> Board:
        from did import Resolver
        from voting.board import Board

        if self._board is None:
            self._board = Board(
                self.store,
                self.signer,
                Resolver(allow_private_network=self.env.allow_private_network),
                now=self.env.clock,
                status_lists=self.status_lists(),
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

    def _status_dir(self) -> Path:
        return self.path.with_name(self.path.name + STATUS_SUFFIX)

    def publish_status_list(self, credential: Mapping[str, object]) -> None:
        """Keep an issuer's signed status list credential where the board's checks find it."""
        list_id = credential.get("id")
        if not isinstance(list_id, str):
            raise UsageError("a status list credential needs an id")
        folder = self._status_dir()
        folder.mkdir(exist_ok=True)
        name = hashlib.sha256(list_id.encode()).hexdigest()[:32] + ".json"
        write_atomically(folder / name, json.dumps(credential, indent=2) + "\n")

    def status_lists(self) -> StatusLists:
        """A status list source over the published lists (`did.StatusListSource`)."""
        from did import parse_json
        from did.errors import DidError, StatusRetrievalError

        def source(url: str) -> Mapping[str, object]:
            name = hashlib.sha256(url.encode()).hexdigest()[:32] + ".json"
            try:
                data = parse_json((self._status_dir() / name).read_bytes())
            except (OSError, DidError):
                data = None
            if not isinstance(data, dict):
                raise StatusRetrievalError(
                    f"status list {url[:80]!r} was not published to this board"
                )
            return data

        return source


def board_needs_passphrase(board: Path, env: Environment) -> bool:
    """Whether posting to `board` needs a board passphrase that has not been given yet."""
    if env.environ.get(BOARD_PASSPHRASE):
        return False
    with LocalBoard.open(board, env) as opened:
        return opened.key_in_file


def unlock_board(board: Path, env: Environment) -> None:
    """Open the board's checkpoint key with `env`; BoardLocked when its passphrase is wrong."""
    with LocalBoard.open(board, env) as opened:
        opened.signer  # noqa: B018 -- reading it opens the keystore and checks the key.


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all (a temporary file, fsync, rename)."""
    # The temporary name needs to be unique, not unpredictable: no randomness is drawn.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{next(_TEMPORARY)}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise FileProblem(f"cannot write {path}: {exc.strerror}") from None
