"""Tests of the verifying wallet (DESIGN §5.6): an operator who holds the board file and its
checkpoint key, but no voter's or trustee's key, cannot have forged entries acted on.

Each attack rewrites the board's log the way such an operator can: entries replaced or
added, the chain re-linked, the tree rebuilt and a fresh checkpoint signed with the board's
own key. The wallets must refuse, name what failed, and post nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

import did
from tests.wallet.board_helpers import served
from tests.wallet.cli_helpers import file_env, wallet
from tests.wallet.test_elections_service import (
    BOARD_PASSPHRASE,
    ELECTION,
    PASSPHRASE,
    World,
    cast,
    opened_world,
)
from voting.ballot import encrypt_ballot
from voting.board import (
    BallotBody,
    ElectionState,
    Entry,
    Head,
    ResultBody,
    TrusteeKeyBody,
    sign_entry,
)
from voting.chain import Checkpoint, SqliteLogStore, sign_checkpoint
from voting.tally import ContestResult
from voting.testing import SeededRng, relinked
from voting.trustees import Trustee
from wallet.board import BoardHost, board_service
from wallet.errors import BoardUntrusted
from wallet.services import (
    LocalBoard,
    close_election,
    decrypt,
    election_result,
    list_receipts,
    tally_election,
)
from wallet.services import _elections as elections_service


def _cli_env() -> dict[str, str]:
    return file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(tmp_path) as made:
        yield made


# What the operator can do with the board file and the board key.


def _entries(world: World) -> list[Entry]:
    with LocalBoard.open(world.board, world.env) as board:
        return board.entries(ELECTION)


def _size(world: World) -> int:
    return len(_entries(world))


@contextmanager
def _over_http(world: World) -> Iterator[str]:
    """The world's board file served with its key (the operator's server): its URL."""
    host = BoardHost.open(str(world.board), world.env)
    service = board_service(host, host.signer(world.env), now=world.clock, resolver=did.Resolver())
    with served(service) as running:
        yield f"http://127.0.0.1:{running.port}"


def _replace_log(world: World, entries: list[Entry]) -> None:
    """Make `entries` the election's whole log, under a fresh checkpoint signed with the
    board's key: a rebuilt tree no signature on the checkpoint can tell from the honest one."""
    with LocalBoard.open(world.board, world.env) as board:
        signer, origin = board.signer, board.origin(ELECTION)
    forged = world.root / "forged.sqlite"
    with SqliteLogStore(forged) as store:
        store.create_log(ELECTION)
        store.append_many(ELECTION, [e.to_bytes() for e in entries])
        size = store.size(ELECTION)
        body = Checkpoint(origin, size, store.root(ELECTION, size))
        store.put_checkpoint(ELECTION, sign_checkpoint(body, signer).to_text())
    for suffix in ("-wal", "-shm"):
        Path(f"{world.board}{suffix}").unlink(missing_ok=True)
    forged.replace(world.board)


def _close_window(world: World) -> None:
    closes = ElectionState.replay(_entries(world)[:1]).require_election().closes
    world.clock.now = closes + timedelta(minutes=1)


def _finish(world: World) -> None:
    authority = world.wallets["authority"]
    close_election(authority, world.board, ELECTION, as_="authority")
    tally_election(authority, world.board, ELECTION, as_="authority")
    for t in ("t2", "t3"):
        decrypt(world.wallets[t], world.board, ELECTION, as_=t)
    election_result(authority, world.board, ELECTION, as_="authority")


def _swap_trustee_keys(world: World) -> None:
    """(a) Every trustee-key entry replaced by an announcement of a polynomial the operator
    drew (its Schnorr proofs are valid: it knows the coefficients); `open` left alone."""
    entries = _entries(world)
    manifest = ElectionState.replay(entries[:1]).require_election().manifest
    rng = SeededRng(b"the operator's own polynomials")
    swapped = []
    for entry in entries:
        if isinstance(entry.body, TrusteeKeyBody):
            own = Trustee.generate(manifest, entry.body.announcement.trustee, rng)
            entry = replace(entry, body=TrusteeKeyBody(own.announce(rng)))
        swapped.append(entry)
    _replace_log(world, relinked(swapped))


# (a) The key swap.


def test_a_swapped_joint_key_is_refused_before_a_ballot_is_encrypted(world: World) -> None:
    _swap_trustee_keys(world)
    before = _size(world)
    with pytest.raises(BoardUntrusted, match="joint key differs") as caught:
        cast(world, "v1", "pick=a")
    assert ("open", "open") in {(kind, step) for _, kind, step, _ in caught.value.problems}
    assert {i for i, kind, _, _ in caught.value.problems if kind == "trustee-key"} == {1, 2, 3}
    voter = world.wallets["v1"]
    assert list_receipts(voter) == []
    assert voter.db.pending() == []
    assert _size(world) == before


def test_the_key_swap_fails_the_vote_command_with_exit_1(world: World) -> None:
    _swap_trustee_keys(world)
    before = _size(world)
    run = wallet("vote", ELECTION, "--board", world.board, "--as", "v1", "--choice", "pick=a",
                 "--home", world.home("v1"), env=_cli_env(), clock=world.clock)  # fmt: skip
    assert run.code == 1, run.stderr
    assert "joint key differs" in run.stderr
    assert _size(world) == before
    # `election show` no longer prints the honest launch code as if all were well.
    shown = wallet("election", "show", ELECTION, "--board", world.board, env=_cli_env())
    assert shown.code == 1 and "joint key differs" in shown.stderr


def test_the_key_swap_is_refused_on_a_board_served_over_http(world: World) -> None:
    _swap_trustee_keys(world)
    with _over_http(world) as url:
        before = _size(world)
        with pytest.raises(BoardUntrusted, match="joint key differs"):
            elections_service_vote(world, url)
        assert _size(world) == before
        assert list_receipts(world.wallets["v1"]) == []


def elections_service_vote(world: World, board: str) -> None:
    from wallet.services import parse_choices, vote

    vote(world.wallets["v1"], board, ELECTION, as_="v1", choices=parse_choices(["pick=a"]))


# (b) The result rewrite.


def test_a_rewritten_result_is_refused_from_the_file_and_over_http(world: World) -> None:
    cast(world, "v1", "pick=a")
    cast(world, "v2", "pick=b")
    _close_window(world)
    _finish(world)
    entries = _entries(world)
    last = entries[-1]
    assert isinstance(last.body, ResultBody)
    honest = last.body.result
    flipped = tuple(
        ContestResult(c.contest_id, tuple((o, n + 5 if o == "a" else n) for o, n in c.counts))
        for c in honest.contests
    )
    forged = replace(last, body=ResultBody(replace(honest, contests=flipped)))
    _replace_log(world, [*entries[:-1], forged])
    with pytest.raises(BoardUntrusted, match="result") as caught:
        election_result(world.wallets["v1"], world.board, ELECTION, as_=None)
    assert {(i, kind) for i, kind, _, _ in caught.value.problems} == {(len(entries) - 1, "result")}
    with _over_http(world) as url, pytest.raises(BoardUntrusted, match="result"):
        election_result(world.wallets["v2"], url, ELECTION, as_=None)
    run = wallet("election", "result", ELECTION, "--board", world.board,
                 "--home", world.home("v1"), env=_cli_env())  # fmt: skip
    assert run.code == 1, run.stdout
    assert "result" in run.stderr and run.stdout == ""


# (c) The inserted ballot.


def _insert_ballot(world: World) -> int:
    """A ballot "by v2", signed with the operator's own key, carrying v1's presentation
    copied from the chain; appended, with a fresh checkpoint. Returns its index."""
    cast(world, "v1", "pick=a")
    entries = _entries(world)
    state = ElectionState.replay(entries)
    copied = next(e.body for e in entries if isinstance(e.body, BallotBody))
    rng = SeededRng(b"the operator's ballot")
    ballot, _ = encrypt_ballot(
        state.require_crypto(), "b-inserted", world.did("v2"), {"pick": {"b": 1}}, rng
    )
    operator = did.Ed25519Key.from_seed(rng(32))
    voter = world.did("v2")
    forged = sign_entry(
        BallotBody(ballot, copied.presentation),
        Head(state.election_id, state.size, state.head),
        author=f"{voter}#{voter.removeprefix('did:key:')}",
        time=world.clock.now,
        key=operator,
    )
    _replace_log(world, [*entries, forged])
    return len(entries)


def test_an_inserted_ballot_stops_the_close_and_the_tally(world: World) -> None:
    index = _insert_ballot(world)
    _close_window(world)
    authority = world.wallets["authority"]
    before = _size(world)
    for step in (close_election, tally_election):
        with pytest.raises(BoardUntrusted, match=f"entry {index} \\(ballot\\)") as caught:
            step(authority, world.board, ELECTION, as_="authority")
        assert {i for i, _, _, _ in caught.value.problems} == {index}
    assert _size(world) == before


def test_an_inserted_ballot_stops_the_close_over_http(world: World) -> None:
    index = _insert_ballot(world)
    _close_window(world)
    with _over_http(world) as url:
        before = _size(world)
        with pytest.raises(BoardUntrusted, match=f"entry {index} \\(ballot\\)"):
            close_election(world.wallets["authority"], url, ELECTION, as_="authority")
        assert _size(world) == before


def test_a_trustee_never_decrypts_a_tally_that_counts_an_inserted_ballot(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = _insert_ballot(world)
    _close_window(world)
    authority = world.wallets["authority"]

    # A colluding authority whose wallet reads the board without verifying it: its close and
    # tally count the inserted ballot; the honest trustees must still refuse.
    def unverified(_wallet: object, board: LocalBoard, election: str, **_: object) -> object:
        return board.state(election)

    with monkeypatch.context() as patched:
        patched.setattr(elections_service, "verified_state", unverified)
        close_election(authority, world.board, ELECTION, as_="authority")
        assert tally_election(authority, world.board, ELECTION, as_="authority").counted == 2
    before = _size(world)
    for t in ("t2", "t3"):
        with pytest.raises(BoardUntrusted, match=f"entry {index} \\(ballot\\)"):
            decrypt(world.wallets[t], world.board, ELECTION, as_=t)
    with pytest.raises(BoardUntrusted, match=f"entry {index} \\(ballot\\)"):
        election_result(authority, world.board, ELECTION, as_="authority")
    assert _size(world) == before
    assert not any(isinstance(e.body, ResultBody) for e in _entries(world))


# A pinned checkpoint.


def test_a_wallet_that_pinned_a_checkpoint_refuses_a_rewritten_history(world: World) -> None:
    first = cast(world, "v1", "pick=a")
    # Another history under the same key: v1's ballot dropped, v2's cast in its place. Every
    # entry verifies; only the checkpoint v1's wallet pinned can tell.
    honest = _entries(world)
    _replace_log(world, honest[: first.index])
    cast(world, "v2", "pick=b")
    assert _size(world) == len(honest)
    before = _size(world)
    with pytest.raises(BoardUntrusted, match="consistency") as caught:
        cast(world, "v1", "pick=b")
    assert caught.value.problems == ()
    assert _size(world) == before
    assert len(list_receipts(world.wallets["v1"])) == 1
    # A wallet that never saw the old history has nothing to hold against the new one.
    cast(world, "v3", "pick=a")


def test_a_voter_rereads_only_what_was_appended_since(world: World) -> None:
    cast(world, "v1", "pick=a")
    voter = world.wallets["v1"]
    row = voter.db.verified(str(world.board.resolve()), ELECTION)
    assert row is not None and not row.ballots
    # The voter's prefix ends at `open`: the ballots after it were never read.
    kinds = [e.type for e in _entries(world)[: row.size]]
    assert kinds[-1] == "open" and "ballot" not in kinds
    assert json.dumps(kinds)  # the cached prefix is the setup only


# The witness quorum, checked where every checkpoint is accepted.


def test_a_checkpoint_without_the_witness_quorum_is_refused_before_voting(
    tmp_path: Path,
) -> None:
    from tests.wallet.test_split_view import three_witnesses, witnessed_election

    with opened_world(tmp_path / "world", election=False) as made:
        with three_witnesses(tmp_path) as witnesses:
            witnessed_election(made, witnesses)
        # The operator rebuilds the board file with the same entries and a checkpoint signed
        # with its key alone: none of its checkpoints carries a cosignature any more.
        with LocalBoard.open(made.board, made.env) as board:
            latest = board.checkpoint(ELECTION)
            assert latest is not None and len(latest.signatures) >= 3
        _replace_log(made, _entries(made))
        before = _size(made)
        with pytest.raises(BoardUntrusted, match="not cosigned by a quorum") as caught:
            cast(made, "v1", "pick=a")
        assert "missing: w1, w2, w3" in str(caught.value)
        assert _size(made) == before
        assert list_receipts(made.wallets["v1"]) == []
