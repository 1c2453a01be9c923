"""Provides the reading of an election record: an exported directory or a board file.

An exported record (DESIGN §5.3) is a directory holding `entries.jsonl` (one entry's
canonical bytes per line, in log order), `checkpoint` (the signed note) and `board.vkey`.
Reading takes the bytes as they are: nothing is parsed or trusted here, every check is
the audit's. A board file may hold several elections: one is chosen by its id, or is the
only one the file holds. A record that cannot be read at all is an AuditError.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import did
from did.errors import DidError
from voting.board import load_record
from voting.errors import AuditError, VotingError

ENTRIES = "entries.jsonl"
CHECKPOINT = "checkpoint"
VKEY = "board.vkey"


@dataclass(frozen=True)
class RecordSource:
    """The raw material of an audit: entry bytes in log order, the checkpoint, the board key."""

    entries: tuple[bytes, ...]
    checkpoint: str
    vkey: str
    name: str = ""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AuditError(f"record: {path.name} is missing") from None
    except OSError as exc:
        raise AuditError(f"record: cannot read {path.name} ({exc.strerror})") from None


def _text(path: Path) -> str:
    try:
        return _read(path).decode("utf-8")
    except UnicodeDecodeError:
        raise AuditError(f"record: {path.name} is not UTF-8") from None


def read_directory(path: Path) -> RecordSource:
    """Read an exported record directory."""
    raw = _read(path / ENTRIES)
    if raw and not raw.endswith(b"\n"):
        raise AuditError(f"record: {ENTRIES} does not end in a newline")
    # Each line is one entry's canonical bytes; JCS output never holds a raw newline.
    entries = tuple(raw.split(b"\n")[:-1]) if raw else ()
    return RecordSource(entries, _text(path / CHECKPOINT), _text(path / VKEY), path.name)


def read_board(path: Path, election: str | None = None) -> RecordSource:
    """Read one election's log from a board file through the board package.

    Without `election` the file must hold exactly one election; otherwise the error lists
    the ones it holds. An election the file does not hold is an error that lists them too.
    """
    try:
        loaded: Any = load_record(path, election)
    except VotingError as exc:
        raise AuditError(f"record {path.name}: {exc}{_held(path, election)}") from None
    return from_loaded(loaded)


def _held(path: Path, election: str | None) -> str:
    # Only for an election the file lacks: reading it without a choice either names its one
    # election or fails with the list of all of them; either way the user learns the ids.
    if election is None:
        return ""
    try:
        only: Any = load_record(path)
    except VotingError as exc:
        text = str(exc)
        return f" ({text})" if "elections" in text else ""
    return f" (it holds only {only.election_id!r})"


def _first_election(entries: tuple[bytes, ...]) -> str | None:
    # A peek, not a parse: a damaged first entry must still give a report (V1, V4).
    try:
        obj = did.parse_json(entries[0]) if entries else None
    except DidError:
        return None
    value = obj.get("election") if isinstance(obj, dict) else None
    return value if isinstance(value, str) else None


def _chosen(source: RecordSource, election: str | None) -> RecordSource:
    found = _first_election(source.entries)
    if election is not None and found is not None and found != election:
        raise AuditError(f"record {source.name}: it is of election {found!r}, not {election!r}")
    return source


def from_loaded(loaded: Any) -> RecordSource:
    """Adapt a record object read by the board package to the audit's raw material."""
    try:
        entries = tuple(bytes(e) for e in loaded.entries)
        checkpoint = loaded.checkpoint
        vkey = loaded.vkey
    except AttributeError as exc:
        raise AuditError(f"record: unexpected record object ({exc})") from None
    if not isinstance(checkpoint, str):
        checkpoint = checkpoint.to_text()
    if not isinstance(vkey, str):
        vkey = vkey.to_vkey()
    return RecordSource(entries, checkpoint, vkey, str(getattr(loaded, "election_id", "")))


def read_record(record: Any, election: str | None = None) -> RecordSource:
    """Read a record given as a path (directory or board file) or an already loaded one.

    `election` chooses one election of a board file; for anything else, which holds one
    election, it must be that election's id.
    """
    if isinstance(record, RecordSource):
        return _chosen(record, election)
    if isinstance(record, str | Path):
        path = Path(record)
        # A directory is read here without parsing anything, so that even a damaged first
        # entry gives a report (V1, V4) rather than an unreadable record.
        if path.is_dir():
            return _chosen(read_directory(path), election)
        if path.is_file():
            return read_board(path, election)
        raise AuditError(f"record: {path.name or path} does not exist")
    return _chosen(from_loaded(record), election)
