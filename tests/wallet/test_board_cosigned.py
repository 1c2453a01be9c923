"""Tests that two `board_process` servers on one PostgreSQL, for an election naming three
witness processes with quorum 2, serve one cosigned history: after a receipt from one server,
the other's `checkpoint` is at least as large and consistent with it, so a verifying wallet
(which pins the newest checkpoint it saw and refuses a smaller one as a rollback) voting
through both servers in turn is never refused (docs/board-api.md §7)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from voting.board import ElectionBody, Head, accept_checkpoint, sign_entry
from voting.chain import Checkpoint, Receipt, WitnessPolicy, verify_quorum
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

VOTERS = 8
ALTERNATE = 6
AT_ONCE = 16
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


def _ballot(board: Board, n: int, voter: Party) -> bytes:
    body = board.run.ballot_body(voter, f"b{n}", "ada")
    ballot = sign_entry(
        body, Head.unplaced(ELECTION_ID), author=voter.vm, time=board.clock.now, key=voter.key
    )
    return ballot.to_bytes()


def _vote(url: str, ballot: bytes) -> Receipt:
    with BoardClient(url) as client:
        return client.submit(ballot, ELECTION_ID).receipt


def _through(
    election: ElectionBody,
    pinned: Checkpoint | None,
    receipt: Receipt,
    at: RemoteBoard,
    other: RemoteBoard,
) -> Checkpoint:
    """What a verifying wallet does after voting through `at` and reading `other` next:
    accept and pin the receipt's checkpoint, then accept `other`'s newest checkpoint as the
    board's latest (refused when older than the pinned one, or inconsistent with it); returns
    the checkpoint it pins then."""
    assert election.witnesses is not None
    verify_quorum(receipt.note, election.witnesses)
    got = Checkpoint.from_text(receipt.note.text)
    assert got.size > receipt.index

    def prove_at(old: int, new: int) -> Sequence[bytes]:
        return at.consistency_proof(ELECTION_ID, old, new)

    def prove_other(old: int, new: int) -> Sequence[bytes]:
        return other.consistency_proof(ELECTION_ID, old, new)

    pinned = accept_checkpoint(election, receipt.note, pinned, prove_at, latest=False)
    served_note = other.checkpoint(ELECTION_ID)
    assert served_note is not None
    newest = Checkpoint.from_text(served_note.text)
    assert newest.size >= got.size, f"entry {receipt.index}: {newest.size} < receipt {got.size}"
    return accept_checkpoint(election, served_note, pinned, prove_other, latest=True)


def _election(reader: RemoteBoard) -> ElectionBody:
    entry = reader.first_entry(ELECTION_ID)
    assert entry is not None and isinstance(entry.body, ElectionBody)
    return entry.body


def test_a_receipt_from_one_server_is_never_newer_than_the_others_checkpoint(
    board: Board,
) -> None:
    board.clock.now = OPENS
    urls = [server.url for server in board.servers]
    voters = board.run.world.voters
    with RemoteBoard(urls[0]) as first, RemoteBoard(urls[1]) as second:
        readers = [first, second]
        election = _election(first)
        # One wallet voting alternately through both servers: never refused.
        pinned: Checkpoint | None = None
        sizes: list[int] = []
        for i in range(ALTERNATE):
            at, other = readers[i % 2], readers[(i + 1) % 2]
            receipt = _vote(urls[i % 2], _ballot(board, i, voters[i % len(voters)]))
            pinned = _through(election, pinned, receipt, at, other)
            sizes.append(pinned.size)
        assert sizes == sorted(sizes) and len(set(sizes)) == ALTERNATE

    # Voters at once through both servers (rounds overtaken by the other server's
    # checkpoints): every receipt is covered by the other server's next answer.
    errors: list[BaseException] = []
    ballots = [_ballot(board, ALTERNATE + n, voters[n % len(voters)]) for n in range(AT_ONCE)]

    def voter(n: int) -> None:
        try:
            with RemoteBoard(urls[n % 2]) as at, RemoteBoard(urls[(n + 1) % 2]) as other:
                receipt = _vote(urls[n % 2], ballots[n])
                _through(_election(at), None, receipt, at, other)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=voter, args=(n,)) for n in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
