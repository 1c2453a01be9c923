"""Tests `RemoteBoard`, the wallet's board interface over a board server, against a served
board on 127.0.0.1: reading verified entries, state, checkpoints, receipts and consistency
proofs computed from the tiles, posting without the board's key, refusals as RejectedEntry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from voting.board import Entry, Head, sign_entry
from voting.chain import Ed25519Verifier, leaf_hash, verify_consistency, verify_receipt
from voting.errors import RejectedEntry
from voting.testing import ELECTION_ID, STATUS_URL, World
from wallet.board import BoardClient, RemoteBoard
from wallet.errors import NotFound
from wallet.server import Running

from .board_helpers import make_host, make_service, remote_run, served


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def server(tmp_path: Path, world: World) -> Iterator[Running]:
    host = make_host(str(tmp_path / "board.db"), tmp_path / "keys")
    with served(make_service(host, tmp_path / "keys", world.clock)) as running:
        yield running


def test_an_empty_board(server: Running) -> None:
    with RemoteBoard(server.url) as board:
        assert board.location == server.url
        assert board.elections() == []
        assert board.checkpoint(ELECTION_ID) is None
        with pytest.raises(NotFound):
            board.entries(ELECTION_ID)
        assert board.origin("e") == f"{board.info.name}/e"


def test_the_board_interface_over_http(server: Running, world: World) -> None:
    client = BoardClient(server.url)
    client.publish_status_list(world.status_list())
    run = remote_run(world, client)
    run.setup()
    voter = world.voters[0]
    body = run.ballot_body(voter, "b0", "ada")

    def build(head: Head, body: object = body) -> Entry:
        return sign_entry(body, head, author=voter.vm, time=world.clock.now, key=voter.key)  # type: ignore[arg-type]

    with RemoteBoard(server.url) as board:
        assert board.status_lists()(STATUS_URL)["id"] == STATUS_URL
        posted = board.submit(ELECTION_ID, build)
        assert board.elections() == [ELECTION_ID]
        state = board.state(ELECTION_ID)
        assert (state.phase, state.size) == ("open", posted.index + 1)
        verifier = [Ed25519Verifier.from_vkey(board.info.vkey)]
        receipt = board.inclusion(ELECTION_ID, posted.index)
        verify_receipt(receipt, leaf_hash(posted.entry.to_bytes()), verifier)
        assert receipt.note.text == posted.receipt.note.text
        again = run.ballot_body(voter, "b0", "bob")  # the same ballot id again
        with pytest.raises(RejectedEntry, match="ballot"):
            board.submit(ELECTION_ID, lambda head: build(head, again))
        old = board.state(ELECTION_ID).size
        old_root = board.inclusion(ELECTION_ID, 0).checkpoint.root_hash
        run.vote(world.voters[1], "b1", "bob")
        note = board.checkpoint(ELECTION_ID)
        assert note is not None
        new = board.state(ELECTION_ID).size
        new_root = board.inclusion(ELECTION_ID, 0).checkpoint.root_hash
        proof = board.consistency_proof(ELECTION_ID, old, new)
        verify_consistency(old, new, old_root, new_root, proof)
        assert [e.seq for e in board.entries(ELECTION_ID)] == list(range(new))
    client.close()
