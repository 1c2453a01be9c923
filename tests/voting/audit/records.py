"""Provides ways to tamper with an honest election record for the audit tests.

Re-signing helpers rebuild a record consistently (every link recomputed, every entry signed
again by its author, a fresh checkpoint signed by the board's key), so a test can show
that a semantic check catches a change on its own, with V4 passing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from voting.board import ENTRIES_FILE, ZERO_HASH, Entry, export_record
from voting.chain import LogStore
from voting.testing import ELECTION_ID, Run, write_record


def export(store: LogStore, directory: Path) -> Path:
    """Export the election's record to `directory`."""
    return export_record(store, ELECTION_ID, directory)


def read_entries(directory: Path) -> list[bytes]:
    """Return the lines of `entries.jsonl`."""
    return (directory / ENTRIES_FILE).read_bytes().split(b"\n")[:-1]


def resign(run: Run, entries: list[Entry]) -> list[bytes]:
    """Relink the entries in order and have each author sign again."""
    who = run.world.everyone()
    out: list[bytes] = []
    prev = ZERO_HASH
    for seq, entry in enumerate(entries):
        party = who[entry.author_did]
        again = replace(entry, seq=seq, prev=prev, signature=b"").sign(party.key)
        out.append(again.to_bytes())
        prev = again.hash()
    return out


def rewrite(run: Run, source: Path, target: Path, entries: list[Entry]) -> Path:
    """Write `entries`, re-linked and re-signed, as a record the board's key vouches for."""
    origin = run.board.origin(ELECTION_ID)
    return write_record(target, resign(run, entries), run.world.board_signer, origin)


def parsed(directory: Path) -> list[Entry]:
    """Return the record's entries, parsed."""
    return [Entry.from_bytes(e) for e in read_entries(directory)]
