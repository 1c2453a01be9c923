"""Tests that two `board_process` servers on one PostgreSQL, for an election naming three
witness processes with quorum 2, serve one cosigned history: after a receipt from one server,
the other's `checkpoint` is at least as large and consistent with it, so a verifying wallet
(which pins the newest checkpoint it saw and refuses a smaller one as a rollback) voting
through both servers in turn is never refused (docs/board-api.md §7)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from voting.board import ElectionBody, Head, accept_checkpoint, sign_entry
from voting.chain import Checkpoint, WitnessPolicy, verify_quorum
from voting.testing import ELECTION_ID, OPENS, Clock, Party, Run, World
from wallet.board import BoardClient
from wallet.board._remote import RemoteBoard

from .board_helpers import (
    ServerProcess,
    WitnessProcess,
    make_host,
    make_service,
    remote_run,
    served,
    witness_signer,
)

VOTERS = 6
WITNESSES = ("w1.test", "w2.test", "w3.test")


class WitnessedRun(Run):
    """The test world's election, naming the three witnesses with quorum 2."""

    policy = WitnessPolicy(tuple(witness_signer(name).verifier() for name in WITNESSES), 2)

    def election_body(self, revoting: str = "last") -> ElectionBody:
        return replace(super().election_body(revoting), witnesses=self.policy)


@dataclass
class Board:
    run: Run
    clock: Clock
    servers: list[ServerProcess]


@pytest.fixture
def board(postgres_url: str, tmp_path: Path) -> Iterator[Board]:
    keys = tmp_path / "keys"
    host = make_host(postgres_url, keys)
    origin = f"{host.info.name}/{ELECTION_ID}"
    witnesses = [
        WitnessProcess(name, tmp_path / f"{name}.db", origin, host.info.vkey, tmp_path / name)
        for name in WITNESSES
    ]
    urls = {name: w.url for name, w in zip(WITNESSES, witnesses, strict=True)}
    servers: list[ServerProcess] = []
    try:
        world = World(voters=[Party.make(f"voter-{i}") for i in range(VOTERS)])
        service = make_service(host, keys, world.clock, urls)
        with served(service) as setup, BoardClient(setup.url) as client:
            client.publish_status_list(world.status_list())
            run = WitnessedRun(world, remote_run(world, client).board)
            run.setup()
        servers = [
            ServerProcess(postgres_url, keys, OPENS, tmp_path / f"server{n}.log", urls)
            for n in (0, 1)
        ]
        yield Board(run, world.clock, servers)
    finally:
        for server in servers:
            server.stop()
        for witness in witnesses:
            witness.stop()


def test_a_receipt_from_one_server_is_never_newer_than_the_others_checkpoint(
    board: Board,
) -> None:
    board.clock.now = OPENS
    urls = [server.url for server in board.servers]
    with RemoteBoard(urls[0]) as first, RemoteBoard(urls[1]) as second:
        readers = [first, second]
        entry = first.first_entry(ELECTION_ID)
        assert entry is not None and isinstance(entry.body, ElectionBody)
        election = entry.body
        policy = election.witnesses
        assert policy is not None
        pinned: Checkpoint | None = None
        sizes: list[int] = []
        for i, voter in enumerate(board.run.world.voters):
            through, other = i % 2, (i + 1) % 2
            body = board.run.ballot_body(voter, f"b{i}", "ada")
            ballot = sign_entry(
                body,
                Head.unplaced(ELECTION_ID),
                author=voter.vm,
                time=board.clock.now,
                key=voter.key,
            )
            with BoardClient(urls[through]) as client:
                receipt = client.submit(ballot.to_bytes(), ELECTION_ID).receipt
            got = Checkpoint.from_text(receipt.note.text)
            verify_quorum(receipt.note, policy)
            assert got.size > receipt.index

            def prove(old: int, new: int, at: int = through) -> Sequence[bytes]:
                return readers[at].consistency_proof(ELECTION_ID, old, new)

            # The wallet that voted checks its receipt against what it pinned, then pins it.
            pinned = accept_checkpoint(election, receipt.note, pinned, prove, latest=False)
            # Its next read goes to the other server: the board's newest checkpoint there
            # must not be older than the receipt's (a rollback, refused), and must agree.
            served_note = readers[other].checkpoint(ELECTION_ID)
            assert served_note is not None
            newest = Checkpoint.from_text(served_note.text)
            assert newest.size >= got.size, f"ballot {i}: {newest.size} < receipt {got.size}"

            def prove_other(old: int, new: int, at: int = other) -> Sequence[bytes]:
                return readers[at].consistency_proof(ELECTION_ID, old, new)

            pinned = accept_checkpoint(election, served_note, pinned, prove_other, latest=True)
            sizes.append(newest.size)
        assert sizes == sorted(sizes) and len(set(sizes)) == VOTERS
