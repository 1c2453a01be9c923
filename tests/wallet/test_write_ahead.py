"""Tests crash safety by write-ahead (issue 14, finding 5): a run killed between the board's
commit and the wallet's own write loses nothing.

Failures are injected through the services' seam, the `BoardClient` a use-case is given: a
client that lets the board commit the entry and then stops the run (as SIGKILL or Ctrl-C
would), before the wallet writes its receipt; or one that fails before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.wallet.test_elections_service import (
    ELECTION,
    MANIFEST,
    World,
    cast,
    make_world,
    opened_world,
)
from voting.board import Entry, Head
from wallet.services import (
    BoardClient,
    LocalBoard,
    check_receipt,
    create_election,
    keygen,
    list_receipts,
    load_manifest,
    open_election,
    parse_choices,
    reconcile_all,
    shares,
    vote,
)
from wallet.services._board_api import Submitted


class Stopped(BaseException):
    """The run ends here, as a SIGKILL or Ctrl-C would end it."""


class StopAfterCommit:
    """A board client whose `submit` lets the board commit, then stops the run."""

    def __init__(self, inner: BoardClient, *, before: bool = False) -> None:
        self.inner = inner
        self.before = before
        self.committed: list[Submitted] = []

    def submit(self, election: str, build: Callable[[Head], Entry]) -> Submitted:
        if self.before:
            raise Stopped
        self.committed.append(self.inner.submit(election, build))
        raise Stopped

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __enter__(self) -> StopAfterCommit:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(tmp_path) as made:
        yield made


def test_a_vote_stopped_after_the_commit_gets_its_receipt_next_run(world: World) -> None:
    wallet = world.wallets["v1"]
    with LocalBoard.open(world.board, world.env) as inner:
        stopping = StopAfterCommit(inner)
        with pytest.raises(Stopped):
            vote(
                wallet,
                stopping,
                ELECTION,
                as_="v1",
                choices=parse_choices(["pick=a"]),
            )
    (committed,) = stopping.committed
    # Before: the ballot counted and the wallet kept nothing of it.
    assert wallet.db.receipts() == [] and len(wallet.db.pending()) == 1
    # The next run that looks at receipts completes it from the board.
    assert reconcile_all(wallet).completed == (committed.entry.body.ballot.ballot_id,)  # type: ignore[union-attr]
    (kept,) = list_receipts(wallet)
    assert kept.id == committed.entry_hash and kept.ballot_id is not None
    assert wallet.db.pending() == []
    check = check_receipt(wallet, kept.id)
    assert check.index == committed.index


def test_a_vote_stopped_before_anything_was_sent_leaves_nothing(world: World) -> None:
    wallet = world.wallets["v1"]
    with LocalBoard.open(world.board, world.env) as inner, pytest.raises(Stopped):
        vote(
            wallet,
            StopAfterCommit(inner, before=True),
            ELECTION,
            as_="v1",
            choices=parse_choices(["pick=a"]),
        )
    assert len(wallet.db.pending()) == 1
    assert len(reconcile_all(wallet).never_cast) == 1
    assert list_receipts(wallet) == [] and wallet.db.pending() == []
    # The voter can vote again, and that ballot counts.
    assert cast(world, "v1", "pick=b").counted


def test_a_challenge_stopped_after_the_commit_keeps_its_receipt(world: World) -> None:
    wallet = world.wallets["v2"]
    with LocalBoard.open(world.board, world.env) as inner:
        stopping = StopAfterCommit(inner)
        with pytest.raises(Stopped):
            vote(
                wallet,
                stopping,
                ELECTION,
                as_="v2",
                choices=parse_choices(["pick=a"]),
                challenge=True,
            )
    reconcile_all(wallet)
    (kept,) = list_receipts(wallet)
    assert kept.kind == "challenged" and kept.id == stopping.committed[0].entry_hash


@pytest.fixture
def created(tmp_path: Path) -> Iterator[World]:
    """An election created, before its key ceremony."""
    made = make_world(tmp_path, voters=1)
    create_only(made)
    yield made
    for wallet in made.wallets.values():
        wallet.__exit__()


def create_only(world: World) -> None:
    trustees = [world.did(t) for t in ("t1", "t2", "t3")]
    manifest = load_manifest(
        json.dumps(MANIFEST),
        trustees=trustees,
        threshold=2,
        issuers=[world.did("authority")],
        credential_type="VoterCredential",
    )
    now = world.clock.advance(minutes=1)
    create_election(
        world.wallets["authority"],
        world.board,
        manifest,
        as_="authority",
        trustees=trustees,
        opens=world.start,
        closes=now + timedelta(hours=2),
        board_keystore="file",
    )


def test_keygen_stopped_after_the_commit_keeps_its_secret(created: World) -> None:
    # Before: the secret was deleted although its announcement was on the board, so the
    # ceremony could never finish.
    wallet = created.wallets["t1"]
    with LocalBoard.open(created.board, created.env) as inner:
        with pytest.raises(Stopped):
            keygen(wallet, StopAfterCommit(inner), ELECTION, as_="t1")
        assert 1 in inner.state(ELECTION).announcements
    for t in ("t2", "t3"):
        keygen(created.wallets[t], created.board, ELECTION, as_=t)
    # The ceremony finishes: t1 can still seal and open shares with the kept secret.
    for t in ("t1", "t2", "t3", "t1", "t2", "t3"):
        shares(created.wallets[t], created.board, ELECTION, as_=t)
    open_election(created.wallets["authority"], created.board, ELECTION, as_="authority")


def test_keygen_stopped_before_anything_was_sent_can_run_again(created: World) -> None:
    wallet = created.wallets["t1"]
    with LocalBoard.open(created.board, created.env) as inner:
        with pytest.raises(Stopped):
            keygen(wallet, StopAfterCommit(inner, before=True), ELECTION, as_="t1")
        assert 1 not in inner.state(ELECTION).announcements
    assert keygen(wallet, created.board, ELECTION, as_="t1").trustee == 1
