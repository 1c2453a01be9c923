"""Tests of the reader's verification (`LogVerifier`, `verify_log`, `accept_checkpoint`)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest

from voting.board import (
    ElectionBody,
    Entry,
    Head,
    ResultBody,
    accept_checkpoint,
    verify_log,
)
from voting.chain import (
    Checkpoint,
    Ed25519Signer,
    MemoryLogStore,
    Note,
    sign_checkpoint,
)
from voting.errors import UntrustedRecord
from voting.tally import ContestResult
from voting.testing import ELECTION_ID, Run, honest_run, relinked


@pytest.fixture(scope="module")
def run() -> Run:
    return honest_run(MemoryLogStore())


def _entries(run: Run) -> list[Entry]:
    return list(run.board.entries(ELECTION_ID))


def test_an_honest_record_verifies_at_both_depths(run: Run) -> None:
    entries = _entries(run)
    for ballots in (False, True):
        state = verify_log(entries, ELECTION_ID, ballots=ballots)
        assert state.phase == "finished"
        assert state.size == len(entries)


def test_a_rewritten_result_names_its_entry_and_the_result_check(run: Run) -> None:
    entries = _entries(run)
    last = entries[-1]
    assert isinstance(last.body, ResultBody)
    result = last.body.result
    bumped = tuple(
        ContestResult(c.contest_id, tuple((o, n + 1) for o, n in c.counts)) for c in result.contests
    )
    forged = replace(last, body=ResultBody(replace(result, contests=bumped)))
    with pytest.raises(UntrustedRecord) as caught:
        verify_log([*entries[:-1], forged], ELECTION_ID, ballots=False)
    steps = {(i, step) for i, _, step, _ in caught.value.problems}
    assert steps == {(len(entries) - 1, "result"), (len(entries) - 1, "signature")}
    # Content first: the message leads with what the forged entry claims.
    assert str(caught.value).startswith(f"entry {len(entries) - 1} (result): result:")


def test_ballots_are_checked_by_the_rules_alone_unless_counting(run: Run) -> None:
    entries = _entries(run)
    index = next(i for i, e in enumerate(entries) if e.type == "ballot")
    tampered = replace(entries[index], signature=bytes(64))
    forged = relinked([*entries[:index], tampered, *entries[index + 1 :]])
    # A ballot's signature does not cover its place, so re-linking breaks none of them; the
    # non-ballot entries after it are re-linked and so fail their signatures.
    with pytest.raises(UntrustedRecord) as counting:
        verify_log(forged[: index + 1], ELECTION_ID, ballots=True)
    assert [(i, step) for i, _, step, _ in counting.value.problems] == [(index, "signature")]
    assert verify_log(forged[: index + 1], ELECTION_ID, ballots=False).size == index + 1


def _note(run: Run, store: MemoryLogStore, size: int, signer: Ed25519Signer | None = None) -> Note:
    body = Checkpoint(run.board.origin(ELECTION_ID), size, store.root(ELECTION_ID, size))
    return sign_checkpoint(body, signer or run.board._signer)


def test_accept_checkpoint_pins_forward_and_refuses_another_key_or_history(run: Run) -> None:
    entries = _entries(run)
    first = entries[0].body
    assert isinstance(first, ElectionBody)
    store = MemoryLogStore()
    store.create_log(ELECTION_ID)
    store.append_many(ELECTION_ID, [e.to_bytes() for e in entries])

    def prove(old: int, new: int) -> list[bytes]:
        return store.consistency_proof(ELECTION_ID, old, new)

    small = accept_checkpoint(first, _note(run, store, 5), None, prove)
    big = accept_checkpoint(first, _note(run, store, len(entries)), small, prove)
    assert big.size == len(entries)
    # An older checkpoint, consistent with the pinned one (a receipt's), keeps the pinned
    # one newest; as the board's newest checkpoint it is a rollback.
    assert accept_checkpoint(first, _note(run, store, 5), big, prove, latest=False) == big
    with pytest.raises(UntrustedRecord, match="rolled back"):
        accept_checkpoint(first, _note(run, store, 5), big, prove)
    intruder = Ed25519Signer(run.board._signer.name, hashlib.sha256(b"intruder").digest())
    with pytest.raises(UntrustedRecord, match="checkpoint"):
        accept_checkpoint(first, _note(run, store, 5, intruder), None, prove)
    other = MemoryLogStore()
    other.create_log(ELECTION_ID)
    other.append_many(ELECTION_ID, [e.to_bytes() for e in entries[:5]] + [b"another history"])
    with pytest.raises(UntrustedRecord, match="consistency"):
        accept_checkpoint(first, _note(run, other, 6), big, prove, latest=False)


def test_a_ballot_placed_twice_or_moved_to_another_time_is_refused(run: Run) -> None:
    entries = _entries(run)
    index = next(i for i, e in enumerate(entries) if e.type == "ballot")
    upto = entries[: index + 1]
    ballot = entries[index]
    # The board places a voter's ballot a second time (the signature does not cover the
    # place, so the copy verifies): its ballot id is already on the chain, at either depth.
    again = ballot.place(Head(ELECTION_ID, len(upto), upto[-1].hash()))
    for ballots in (False, True):
        with pytest.raises(UntrustedRecord, match="already on the chain") as caught:
            verify_log([*upto, again], ELECTION_ID, ballots=ballots)
        assert [(i, step) for i, _, step, _ in caught.value.problems] == [(index + 1, "ballot")]
    # Nor can it change what the voter signed along with the ballot: its time.
    later = replace(ballot, time=ballot.time + timedelta(seconds=1))
    with pytest.raises(UntrustedRecord) as moved:
        verify_log([*entries[:index], later], ELECTION_ID, ballots=True)
    assert [(i, step) for i, _, step, _ in moved.value.problems] == [(index, "signature")]
