"""Tests the self-contained record (finding 4): did:web documents are recorded on the chain.

The board resolves did:web live here through a stand-in resolver (a unit test of the
board's rule); the audit is given no resolver at all and must judge from the record alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import did
from voting.audit import verify_record
from voting.board import Board, EntryBody, export_record, sign_entry
from voting.chain import MemoryLogStore, Receipt
from voting.errors import RejectedEntry
from voting.testing import ELECTION_ID, Party, Run, World

WEB_VOTER = "did:web:voter.example"


class LiveWeb(did.Resolver):
    """did:web documents as their servers publish them today (changeable by the test)."""

    def __init__(self) -> None:
        super().__init__()
        self.published: dict[str, dict[str, Any]] = {}

    def resolve_document(self, did_: str) -> did.DidDocument:
        if did_ in self.published:
            return did.DidDocument.from_json(self.published[did_], expected_id=did_)
        return super().resolve_document(did_)


def _web_party(name: str, ident: str) -> Party:
    key = did.Ed25519Key.from_seed(hashlib.sha256(name.encode()).digest())
    return Party(name, key, ident, f"{ident}#key-1")


@dataclass
class WebWorld(World):
    """Voter 0 is a did:web identity."""

    live: LiveWeb = field(default_factory=LiveWeb)

    def __post_init__(self) -> None:
        web = _web_party("web-voter", WEB_VOTER)
        self.voters = [web, *self.voters[1:]]
        self.live.published[WEB_VOTER] = did.web_did_document(WEB_VOTER, web.key.public_key)

    def board(self, store: Any) -> Board:
        return Board(store, self.board_signer, self.live, now=self.clock,
                     status_lists=self.status_source())  # fmt: skip


def _post(run: Run, body: EntryBody, party: Party) -> Receipt:
    documents = run.board.documents_for(ELECTION_ID, body, party.vm)
    head = run.board.head(ELECTION_ID)
    entry = sign_entry(body, head, author=party.vm, time=run.clock.now, key=party.key,
                       documents=documents)  # fmt: skip
    return run.board.append(entry)


def test_a_did_web_voter_records_its_document_and_the_audit_needs_no_network(
    tmp_path: Path,
) -> None:
    world = WebWorld()
    store = MemoryLogStore()
    run = world.run(store)
    run.setup()
    web = world.voters[0]
    body = run.ballot_body(web, "w1", "ada")
    # Without its document the ballot is refused: the record would not be self-contained.
    with pytest.raises(RejectedEntry, match="documents: the entry must record"):
        run.post(body, web)
    _post(run, body, web)
    state = run.board.state(ELECTION_ID)
    assert state.documents[WEB_VOTER][1] == world.live.published[WEB_VOTER]
    # The revote needs nothing more: the document is on the chain already.
    assert run.board.documents_for(ELECTION_ID, body, web.vm) == {}
    _post(run, run.ballot_body(web, "w2", "bob"), web)
    run.vote(world.voters[1], "b1", "bob")
    run.finish()
    record = export_record(store, ELECTION_ID, tmp_path / "r")
    first = verify_record(record, workers=1)
    assert first.passed, first.to_text()
    # The voter rotates its key and then takes its server down: the verdict stands.
    world.live.published[WEB_VOTER] = did.web_did_document(
        WEB_VOTER, _web_party("rotated", WEB_VOTER).key.public_key
    )
    world.live.published.clear()
    again = verify_record(record, workers=1)
    assert again == first


def test_a_document_that_is_not_the_live_one_is_refused() -> None:
    world = WebWorld()
    run = world.run(MemoryLogStore())
    run.setup()
    web = world.voters[0]
    body = run.ballot_body(web, "w1", "ada")
    forged = did.web_did_document(WEB_VOTER, _web_party("forger", WEB_VOTER).key.public_key)
    head = run.board.head(ELECTION_ID)
    entry = sign_entry(body, head, author=web.vm, time=run.clock.now, key=web.key,
                       documents={WEB_VOTER: forged})  # fmt: skip
    with pytest.raises(RejectedEntry, match="not the live one"):
        run.board.append(entry)


def test_an_incremental_audit_keeps_the_recorded_documents(tmp_path: Path) -> None:
    world = WebWorld()
    store = MemoryLogStore()
    run = world.run(store)
    run.setup()
    web = world.voters[0]
    _post(run, run.ballot_body(web, "w1", "ada"), web)
    state = tmp_path / "state.json"
    first = verify_record(export_record(store, ELECTION_ID, tmp_path / "a"), workers=1, state=state)
    assert first.passed, first.to_text()
    # The revote comes after the saved state: its signature resolves from the saved document.
    _post(run, run.ballot_body(web, "w2", "bob"), web)
    run.finish()
    record = export_record(store, ELECTION_ID, tmp_path / "b")
    again = verify_record(record, workers=1, state=state)
    assert again.passed and again.stats.resumed_from is not None, again.to_text()
    assert again.result is not None and again.result.counts()["mayor"] == {"ada": 0, "bob": 1}
