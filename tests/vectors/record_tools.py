"""Provides the building blocks of the tampered-record corpus: the honest runs, re-signing,
writing a record, and the registry of cases (`generate_records.py` runs them)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import did
from voting.board import (
    ZERO_HASH,
    Entry,
)
from voting.chain import Ed25519Signer, MemoryLogStore
from voting.testing import (
    ELECTION_ID,
    Run,
    honest_run,
    write_record,
)

INDEX = Path(__file__).resolve().parent / "records.json"


@dataclass
class Base:
    """The honest runs every case starts from."""

    finished: Run
    open: Run
    revoked: Run

    @staticmethod
    def build() -> Base:
        return Base(
            honest_run(MemoryLogStore()),
            honest_run(MemoryLogStore(), finish=False),
            honest_run(MemoryLogStore(), revoked=2),
        )


def entries_of(run: Run) -> list[Entry]:
    return run.board.entries(ELECTION_ID)


def index_of(entries: list[Entry], kind: str, nth: int = 0) -> int:
    return [i for i, e in enumerate(entries) if e.type == kind][nth]


def resign(run: Run, entries: list[Entry]) -> list[bytes]:
    """Relink the entries in order and have each author sign again."""
    who = run.world.everyone()
    out: list[bytes] = []
    prev = ZERO_HASH
    for seq, entry in enumerate(entries):
        again = replace(entry, seq=seq, prev=prev, signature=b"").sign(who[entry.author_did].key)
        out.append(again.to_bytes())
        prev = again.hash()
    return out


def write(run: Run, target: Path, raw: list[bytes], signer: Ed25519Signer | None = None) -> None:
    write_record(target, raw, signer or run.world.board_signer, run.board.origin(ELECTION_ID))


def rewrite(run: Run, target: Path, entries: list[Entry]) -> None:
    write(run, target, resign(run, entries))


def raw_json(entry: Entry) -> dict[str, Any]:
    return copy.deepcopy(entry.to_json())


def jcs(obj: Any) -> bytes:
    return did.canonicalize(obj)


Case = Callable[[Base, Path], None]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES[name] = fn
        return fn

    return register


def raw_edit(base: Base, target: Path, kind: str, edit: Callable[[dict[str, Any]], None]) -> None:
    entries = entries_of(base.open)
    raw = resign(base.open, entries)
    i = index_of(entries, kind)
    obj = did.parse_json(raw[i])
    edit(obj)
    raw[i] = jcs(obj)
    write(base.open, target, raw)


EXTRA_WEB = "did:web:extra.example"


def documents_twice(base: Base, target: Path, kind: str) -> None:
    # Two entries record the same did:web document: only the first may (election-entries
    # §2.1). The document is well formed; whether it is the live one is the board's to judge.
    entries = entries_of(base.open)
    key = did.Ed25519Key.from_seed(hashlib.sha256(b"extra").digest())
    document = did.web_did_document(EXTRA_WEB, key.public_key)
    i = index_of(entries, kind)
    for j in (i, i + 1):
        entries[j] = replace(entries[j], documents={EXTRA_WEB: document})
    rewrite(base.open, target, entries)
