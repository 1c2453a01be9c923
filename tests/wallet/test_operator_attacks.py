"""Further attacks by an operator who holds the board file and its checkpoint key (but no
voter's, trustee's or authority's key) on wallets that verify what they read (DESIGN §5.6).

- Rollback: the board serves an older checkpoint, consistent with the one a wallet pinned,
  that no longer covers the voter's ballot. A wallet must not act on (or pass a receipt
  against) a view older than one it already saw.
- Replacement: the board swaps the whole election for one it ran itself (its own authority
  and trustees, so every entry verifies) under a fresh board key, hence a fresh origin for
  which the wallet has pinned nothing. A wallet that verified the election before must not
  take the new one for it: its next ballot would be encrypted to the operator's trustees.
- Pin poisoning: a board whose record fails verification must leave nothing pinned.
- A dropped ballot: the board answers a ballot with a receipt that does not include it;
  `vote` must not report it cast.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

import did
from tests.wallet.board_helpers import served
from tests.wallet.test_elections_service import (
    ELECTION,
    MANIFEST,
    World,
    cast,
    make_world,
    setup_election,
)
from tests.wallet.test_verifying_wallet import _entries, _size
from voting.board import ElectionBody
from voting.chain import Checkpoint, Ed25519Signer, SqliteLogStore, sign_checkpoint
from voting.testing import relinked
from wallet.board import BoardHost, board_service
from wallet.errors import BoardUntrusted
from wallet.services import (
    LocalBoard,
    VoteOutcome,
    check_receipt,
    create_election,
    keygen,
    list_receipts,
    load_manifest,
    open_election,
    parse_choices,
    shares,
    vote,
)
from wallet.services._boards import sidecar_path

Rewind = Callable[[], Callable[[], None]]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = make_world(tmp_path / "honest")
    setup_election(made)
    yield made
    for opened in made.wallets.values():
        opened.__exit__()


@contextmanager
def _stale_board(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Rewind]]:
    """The world's board served over HTTP by an operator who can rewind the checkpoint it
    serves: `rewind()` returns a function that, once called, makes `GET …/checkpoint`
    answer the checkpoint of the moment `rewind()` was called (a valid, board-signed note)."""
    host = BoardHost.open(str(world.board), world.env)
    service = board_service(host, host.signer(world.env), now=world.clock, resolver=did.Resolver())

    def rewind() -> Callable[[], None]:
        old = service.checkpoint(ELECTION)

        def serve_old() -> None:
            monkeypatch.setattr(service, "checkpoint", lambda _election: old)

        return serve_old

    with served(service) as running:
        yield f"http://127.0.0.1:{running.port}", rewind


def _vote(world: World, board: str, name: str, choice: str) -> VoteOutcome:
    return vote(world.wallets[name], board, ELECTION, as_=name, choices=parse_choices([choice]))


def test_a_board_serving_an_older_checkpoint_fails_the_receipt_check(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _stale_board(world, monkeypatch) as (url, rewind):
        serve_old = rewind()
        # v1's ballot is appended and its receipt proven against a newer checkpoint, which
        # v1's wallet pins; then the board serves the older one again, which does not cover
        # the ballot (and is consistent with the pinned one: a prefix of the same log).
        first = _vote(world, url, "v1", "pick=a")
        serve_old()
        with pytest.raises(BoardUntrusted, match="rolled back") as caught:
            check_receipt(world.wallets["v1"], first.receipt_id)
        assert f"size {first.index}," in str(caught.value)
        assert f"size {first.index + 1}" in str(caught.value)
        # Nor does the wallet act on the older view: no revote is encrypted or posted.
        before = _size(world)
        with pytest.raises(BoardUntrusted, match="rolled back"):
            _vote(world, url, "v1", "pick=b")
        assert _size(world) == before
        assert len(list_receipts(world.wallets["v1"])) == 1


def _forget_checkpoints_after(world: World, size: int) -> None:
    """The operator deletes the board file's checkpoints newer than `size`: the log (and so
    every consistency proof) is intact, but the file's newest checkpoint is an older one."""
    with closing(sqlite3.connect(world.board)) as db, db:
        db.execute("DELETE FROM checkpoints WHERE size > ?", (size,))


def test_a_board_file_with_its_newer_checkpoints_deleted_fails_the_receipt_check(
    world: World,
) -> None:
    first = cast(world, "v1", "pick=a")
    _forget_checkpoints_after(world, first.index)
    with pytest.raises(BoardUntrusted, match="rolled back") as caught:
        check_receipt(world.wallets["v1"], first.receipt_id)
    assert f"size {first.index}," in str(caught.value)
    before = _size(world)
    with pytest.raises(BoardUntrusted, match="rolled back"):
        cast(world, "v1", "pick=b")
    assert _size(world) == before
    assert len(list_receipts(world.wallets["v1"])) == 1


def _operators_election(operator: World, issuer: str) -> None:
    """An election with the honest one's id, run by the operator's own authority and
    trustees on a board with its own key, accepting the honest issuer's credentials."""
    trustees = [operator.did(t) for t in ("t1", "t2", "t3")]
    manifest = load_manifest(
        json.dumps(MANIFEST), trustees=trustees, threshold=2,
        issuers=[issuer], credential_type="VoterCredential",
    )  # fmt: skip
    now = operator.clock.advance(minutes=1)
    create_election(
        operator.wallets["authority"], operator.board, manifest, as_="authority",
        trustees=trustees, opens=operator.start, closes=now + timedelta(hours=2),
        board_keystore="file",
    )  # fmt: skip
    for t in ("t1", "t2", "t3"):
        keygen(operator.wallets[t], operator.board, ELECTION, as_=t)
    for t in ("t1", "t2", "t3", "t1", "t2"):
        shares(operator.wallets[t], operator.board, ELECTION, as_=t)
    open_election(operator.wallets["authority"], operator.board, ELECTION, as_="authority")


def test_an_election_replaced_under_a_new_board_key_is_refused(
    world: World, tmp_path: Path
) -> None:
    cast(world, "v1", "pick=a")
    operator = make_world(tmp_path / "operator", seed=b"the operator's people")
    try:
        _operators_election(operator, world.did("authority"))
        # The operator puts its board (file, key sidecar) where the honest one was.
        for made in operator.board.parent.glob(operator.board.name + "*"):
            if made.is_dir():
                shutil.copytree(made, world.board.parent / made.name, dirs_exist_ok=True)
            else:
                shutil.copyfile(made, world.board.parent / made.name)
        for stale in ("-wal", "-shm"):
            if not (operator.board.parent / (operator.board.name + stale)).exists():
                Path(f"{world.board}{stale}").unlink(missing_ok=True)
        world.clock.now = max(world.clock.now, operator.clock.now)
        before = _size(world)
        with pytest.raises(BoardUntrusted, match="not the one this wallet verified"):
            cast(world, "v1", "pick=b")
        assert _size(world) == before
        assert len(list_receipts(world.wallets["v1"])) == 1
    finally:
        for opened in operator.wallets.values():
            opened.__exit__()


def test_a_board_that_fails_verification_pins_nothing(world: World) -> None:
    """Another board (a mirror the voter tried first) serves the election under its own key
    with the honest board's key name, so the honest origin: its election entry names its
    key, which breaks the authority's signature. The voter is refused there, and must still
    be able to vote on the honest board: nothing the failed board said may be pinned."""
    with LocalBoard.open(world.board, world.env) as board:
        honest_signer, origin = board.signer, board.origin(ELECTION)
    impostor = Ed25519Signer(honest_signer.name, hashlib.sha256(b"impostor").digest())
    entries = _entries(world)
    first = entries[0].body
    assert isinstance(first, ElectionBody)
    renamed = replace(entries[0], body=replace(first, vkey=impostor.verifier().to_vkey()))
    mirror = world.root / "mirror.sqlite"
    with SqliteLogStore(mirror) as store:
        store.create_log(ELECTION)
        store.append_many(ELECTION, [e.to_bytes() for e in relinked([renamed, *entries[1:]])])
        size = store.size(ELECTION)
        body = Checkpoint(origin, size, store.root(ELECTION, size))
        store.put_checkpoint(ELECTION, sign_checkpoint(body, impostor).to_text())
    shutil.copyfile(sidecar_path(world.board), sidecar_path(mirror))
    voter = world.wallets["v1"]
    with pytest.raises(BoardUntrusted, match="signature"):
        vote(voter, mirror, ELECTION, as_="v1", choices=parse_choices(["pick=a"]))
    assert voter.db.checkpoint(origin) is None
    cast(world, "v1", "pick=a")


def test_a_receipt_that_does_not_include_the_ballot_fails_the_vote(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The board answers a ballot as if it had appended it (its place, its leaf hash, a
    checkpoint) but drops it: the receipt's checkpoint does not include it. `vote` must not
    report the ballot cast."""
    from voting.board import Entry, Head
    from voting.chain import Note, Receipt, leaf_hash
    from wallet.board._answers import Accepted

    host = BoardHost.open(str(world.board), world.env)
    service = board_service(host, host.signer(world.env), now=world.clock, resolver=did.Resolver())

    def dropped(election: str, data: bytes) -> Accepted:
        state = service.state(election)
        placed = Entry.from_submission(data).place(Head(election, state.size, state.head))
        # A valid receipt, but of the entry before: the ballot itself is in no tree.
        note = Note.from_text(service.checkpoint(election))
        with LocalBoard.open(world.board, world.env) as board:
            proof = board.store.inclusion_proof(election, state.size - 1, state.size)
        receipt = Receipt(state.size - 1, tuple(proof), note).to_text()
        return Accepted(
            election, state.size, state.head, leaf_hash(placed.to_bytes()), placed.hash(),
            receipt, True,
        )  # fmt: skip

    with served(service) as running:
        url = f"http://127.0.0.1:{running.port}"
        monkeypatch.setattr(service, "submit", dropped)
        before = _size(world)
        with pytest.raises(BoardUntrusted, match="inclusion"):
            _vote(world, url, "v1", "pick=a")
        assert _size(world) == before
        assert list_receipts(world.wallets["v1"]) == []
