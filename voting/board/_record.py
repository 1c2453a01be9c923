"""Provides the exported election record and one reader for board files and record directories.

A record directory holds `entries.jsonl` (one entry's canonical bytes per line, in log order),
`checkpoint` (the latest signed checkpoint note) and `board.vkey` (the board's verifier key
line) — DESIGN §5.3, election-entries §8. Only the entries covered by the latest checkpoint
belong to the record.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from voting.board._election import ElectionBody
from voting.board._entries import Entry
from voting.chain import Checkpoint, Ed25519Verifier, LogStore, Note, SqliteLogStore
from voting.errors import AuditError, EncodingError, VotingError

ENTRIES_FILE = "entries.jsonl"
CHECKPOINT_FILE = "checkpoint"
VKEY_FILE = "board.vkey"


@dataclass(frozen=True)
class Record:
    """An election record as an auditor reads it: raw entry bytes, checkpoint, board key."""

    election_id: str
    entries: tuple[bytes, ...]
    checkpoint: str
    vkey: str
    checkpoints: tuple[str, ...] = ()

    @property
    def verifier(self) -> Ed25519Verifier:
        """The board's checkpoint verifier (CheckpointError if `vkey` is malformed)."""
        return Ed25519Verifier.from_vkey(self.vkey)


def _board_vkey(first: bytes) -> str:
    # The board's key is named by the authority-signed election entry; the audit checks that
    # the exported board.vkey is that key.
    try:
        body = Entry.from_bytes(first).body
    except EncodingError as exc:
        raise AuditError(f"the first entry does not parse: {exc}") from None
    if not isinstance(body, ElectionBody):
        raise AuditError("the first entry is not an election entry")
    return body.vkey


def read_store(store: LogStore, election_id: str | None = None) -> Record:
    """Read an election's record from a log store: the entries its latest checkpoint covers."""
    try:
        logs = [log for log in store.logs() if store.size(log) > 0]
        if election_id is None:
            if len(logs) != 1:
                raise AuditError(f"the board holds {len(logs)} elections; name one of {logs}")
            election_id = logs[0]
        if election_id not in logs:
            raise AuditError(f"no election {election_id!r} on this board")
        note = store.latest_checkpoint(election_id)
        if note is None:
            raise AuditError(f"election {election_id!r} has no checkpoint")
        size = Checkpoint.from_text(Note.from_text(note).text).size
        entries = tuple(store.leaves(election_id, 0, size))
        history = tuple(store.checkpoints(election_id))
    except AuditError:
        raise
    except VotingError as exc:
        raise AuditError(f"cannot read the board: {exc}") from None
    if not entries:
        raise AuditError(f"election {election_id!r} has an empty checkpoint")
    vkey = _board_vkey(entries[0])
    return Record(election_id, entries, note, vkey, history)


def export_record(store: LogStore, election_id: str, directory: str | Path) -> Path:
    """Write the record directory of one election and return its path.

    Each file is written to a temporary name and renamed, so a crash never leaves a
    half-written file under the final name.
    """
    record = read_store(store, election_id)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    _write(target / ENTRIES_FILE, b"".join(data + b"\n" for data in record.entries))
    _write(target / CHECKPOINT_FILE, record.checkpoint.encode("utf-8"))
    _write(target / VKEY_FILE, (record.vkey + "\n").encode("utf-8"))
    return target


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def _read_directory(directory: Path, election_id: str | None) -> Record:
    try:
        raw = (directory / ENTRIES_FILE).read_bytes()
        note = (directory / CHECKPOINT_FILE).read_bytes().decode("utf-8")
        vkey_text = (directory / VKEY_FILE).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"cannot read the record {directory}: {exc}") from None
    if raw and not raw.endswith(b"\n"):
        raise AuditError(f"{ENTRIES_FILE}: the last line does not end in a newline")
    entries = tuple(raw.split(b"\n")[:-1]) if raw else ()
    if not entries:
        raise AuditError(f"{ENTRIES_FILE}: no entries")
    if not vkey_text.endswith("\n") or "\n" in vkey_text[:-1]:
        raise AuditError(f"{VKEY_FILE}: want exactly one line")
    try:
        found = Entry.from_bytes(entries[0]).election
    except EncodingError as exc:
        raise AuditError(f"{ENTRIES_FILE}: the first entry does not parse: {exc}") from None
    if election_id is not None and found != election_id:
        raise AuditError(f"the record is of election {found!r}, not {election_id!r}")
    return Record(found, entries, note, vkey_text[:-1], (note,))


def _check_board_file(location: Path) -> None:
    # Look read-only first: opening a SqliteLogStore on some other file would add tables.
    try:
        db = sqlite3.connect(f"{location.resolve().as_uri()}?mode=ro", uri=True)
        try:
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise AuditError(f"{location} is not a board file: {exc}") from None
    if not {"logs", "leaves", "nodes", "checkpoints"} <= names:
        raise AuditError(f"{location} is not a board file: no log tables")


def load_record(path: str | Path, election_id: str | None = None) -> Record:
    """Read a record directory or a board's SQLite file into the same Record.

    From a board file the election is `election_id`, or the only one the file holds, and
    `vkey` is the board key named in the election entry. Unreadable input raises AuditError.
    """
    location = Path(path)
    if location.is_dir():
        return _read_directory(location, election_id)
    if not location.is_file():
        raise AuditError(f"no record at {location}")
    _check_board_file(location)
    try:
        store = SqliteLogStore(location)
    except VotingError as exc:
        raise AuditError(f"{location} is not a board file: {exc}") from None
    with store:
        return read_store(store, election_id)
