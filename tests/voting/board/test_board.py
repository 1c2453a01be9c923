"""Tests the Board: a full election end to end, and every rule that refuses an entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

import did
from voting.board import (
    BallotBody,
    Board,
    ChallengedBody,
    CloseBody,
    DecryptionShareBody,
    ElectionState,
    Entry,
    EntryFacts,
    Head,
    ResultBody,
    TallyBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
    check_rules,
    compute_tally,
    counted_ballots,
    facts_of,
    sign_entry,
)
from voting.chain import MemoryLogStore, open_checkpoint, verify_receipt
from voting.chain import leaf_hash as chain_leaf_hash
from voting.errors import RejectedEntry
from voting.tally import combine, partial_decrypt
from voting.testing import CLOSES, ELECTION_ID, OPENS, Party, Run, World


@pytest.fixture
def run() -> Run:
    r = World().run(MemoryLogStore())
    r.setup()
    return r


def test_full_election(run: Run) -> None:
    w, board = run.world, run.board
    v = w.voters
    receipts = {
        "b0": run.vote(v[0], "b0", "ada"),
        "b1": run.vote(v[1], "b1", "bob"),
        "b2": run.vote(v[2], "b2", "bob"),
    }
    # Voter 1 revotes: the last ballot counts.
    run.vote(v[1], "b1-again", "ada")
    # Voter 3 challenges an encryption (never cast), then casts a ballot.
    run.challenge(v[3], "b3-test", "bob")
    run.vote(v[3], "b3", "ada")
    assert board.state(ELECTION_ID).phase == "open"
    counted = counted_ballots(board.entries(ELECTION_ID))
    assert [e.body.ballot.ballot_id for e in counted if isinstance(e.body, BallotBody)] == [
        "b0", "b2", "b1-again", "b3",
    ]  # fmt: skip
    result = run.finish()
    assert result.counts() == {"mayor": {"ada": 3, "bob": 1}, "measure": {"yes": 0, "no": 0}}
    assert result.ballot_count == 4
    state = board.state(ELECTION_ID)
    assert state.phase == "finished"
    # Every entry links to its predecessor; the replay gives the same state.
    entries = board.entries(ELECTION_ID)
    assert ElectionState.replay(entries).phase == "finished"
    assert [e.type for e in entries].count("ballot") == 5
    # Early receipts still verify, and the checkpoint is the board's.
    verifier = w.board_signer.verifier()
    for ballot_id, receipt in receipts.items():
        entry = next(e for e in entries if isinstance(e.body, BallotBody)
                     and e.body.ballot.ballot_id == ballot_id)  # fmt: skip
        verify_receipt(receipt, chain_leaf_hash(entry.to_bytes()), [verifier])
    latest = board.checkpoint(ELECTION_ID)
    assert latest is not None
    body = open_checkpoint(latest, [verifier], origin=board.origin(ELECTION_ID)).checkpoint
    assert body.size == len(entries) and body.root_hash == board.store.root(ELECTION_ID)
    # Nothing is accepted once the result is published.
    with pytest.raises(RejectedEntry, match="phase"):
        run.post(CloseBody(()), w.authority)


def test_revoting_first() -> None:
    world = World()
    r = world.run(MemoryLogStore())
    r.setup(revoting="first")
    r.vote(r.world.voters[0], "x1", "ada")
    r.vote(r.world.voters[0], "x2", "bob")
    counted = counted_ballots(r.board.entries(ELECTION_ID))
    assert [e.seq for e in counted] == [r.board.entries(ELECTION_ID)[-2].seq]
    assert r.finish().counts()["mayor"] == {"ada": 1, "bob": 0}


def _unchanged(run: Run, attempt: Callable[[], object], reason: str) -> None:
    store = run.board.store
    size, note = store.size(ELECTION_ID), store.latest_checkpoint(ELECTION_ID)
    with pytest.raises(RejectedEntry, match=reason):
        attempt()
    assert store.size(ELECTION_ID) == size
    assert store.latest_checkpoint(ELECTION_ID) == note
    assert run.board.state(ELECTION_ID).size == size


def test_wrong_author_for_type(run: Run) -> None:
    w = run.world
    _unchanged(run, lambda: run.post(CloseBody(()), w.voters[0]), "role")
    _unchanged(run, lambda: run.post(CloseBody(()), w.trustees[0]), "role")
    body = run.ballot_body(
        w.trustees[0], "t-ballot", "ada", credential=w.credential(w.voters[0], 0)
    )
    _unchanged(run, lambda: run.post(body, w.trustees[0]), "role")


def test_wrong_phase(run: Run) -> None:
    ann = run.announcements[0]
    _unchanged(run, lambda: run.post(TrusteeKeyBody(ann), run.world.trustees[0]), "phase")
    tally_body = TallyBody.from_json({"tally": {"version": 1, "electionHash": "00" * 32,
        "ballotCount": 0, "totalWeight": 0, "contests": [[{"alpha": "01" + "00" * 31,
        "beta": "01" + "00" * 31}]]}})  # fmt: skip
    _unchanged(run, lambda: run.post(tally_body, run.world.authority), "phase")


def test_outside_window(run: Run) -> None:
    voter = run.world.voters[0]
    body = run.ballot_body(voter, "late", "ada")
    run.clock.now = CLOSES
    _unchanged(run, lambda: run.post(body, voter), "window")
    run.clock.now = OPENS - timedelta(seconds=1)
    _unchanged(run, lambda: run.post(body, voter), "time")
    # The board's clock is inside, but the entry claims a time outside the window.
    run.clock.now = OPENS + timedelta(seconds=10)
    early = run.entry(body, voter, time=OPENS - timedelta(seconds=1))
    _unchanged(run, lambda: run.board.append(early), "time")
    # Closing before the window ends is refused too.
    _unchanged(run, lambda: run.post(CloseBody(()), run.world.authority), "window")


def test_clock_skew(run: Run) -> None:
    voter = run.world.voters[0]
    body = run.ballot_body(voter, "skewed", "ada")
    entry = run.entry(body, voter, time=run.clock.now + timedelta(minutes=6))
    _unchanged(run, lambda: run.board.append(entry), "time")


def test_bad_proof(run: Run) -> None:
    voter = run.world.voters[0]
    body = run.ballot_body(voter, "forged", "ada")
    other = run.ballot_body(voter, "forged-2", "bob")
    contests = (body.ballot.contests[0].__class__(
        body.ballot.contests[0].contest_id, other.ballot.contests[0].options,
        body.ballot.contests[0].limit_proof), body.ballot.contests[1])  # fmt: skip
    tampered = body.ballot.__class__(
        body.ballot.ballot_id, body.ballot.voter, body.ballot.election_hash, contests
    )
    presentation = run.ballot_body(voter, "forged", "ada").presentation
    bad = BallotBody(tampered, presentation)
    _unchanged(run, lambda: run.post(bad, voter), "proof")


def test_ineligible_voter(run: Run) -> None:
    outsider = run.world.outsider
    # No credential from a listed issuer: the outsider issues one to itself.
    own = run.world.credential(outsider, 40, issuer=outsider)
    body = run.ballot_body(outsider, "o1", "ada", credential=own)
    _unchanged(run, lambda: run.post(body, outsider), "issuer")
    # Someone else's credential: the holder is not its subject.
    stolen = run.world.credential(run.world.voters[0], 0)
    body = run.ballot_body(outsider, "o2", "ada", credential=stolen)
    _unchanged(run, lambda: run.post(body, outsider), "not the voter")


def test_wrong_credential_type(run: Run) -> None:
    voter = run.world.voters[0]
    wrong = run.world.credential(voter, 0, types=("LibraryCard",))
    body = run.ballot_body(voter, "w1", "ada", credential=wrong)
    _unchanged(run, lambda: run.post(body, voter), "credential type")


def test_required_claims() -> None:
    world = World()
    r = world.run(MemoryLogStore(), district="south")
    r.setup()
    voter = world.voters[0]
    _unchanged(r, lambda: r.vote(voter, "c1", "ada"), "district")
    good = world.credential(voter, 0, claims={"district": "south"})
    r.post(r.ballot_body(voter, "c2", "ada", credential=good), voter)


def test_revoked_voter(run: Run) -> None:
    voter = run.world.voters[2]
    run.world.revoked.add(2)
    _unchanged(run, lambda: run.vote(voter, "r1", "ada"), "revoked")


def test_revoked_after_voting_is_not_counted(run: Run) -> None:
    run.vote(run.world.voters[0], "a", "ada")
    run.vote(run.world.voters[1], "b", "bob")
    run.world.revoked.add(1)
    result = run.finish()
    assert result.counts()["mayor"] == {"ada": 1, "bob": 0}


def test_bad_signature(run: Run) -> None:
    voter = run.world.voters[0]
    entry = run.entry(run.ballot_body(voter, "s1", "ada"), voter)
    forged = Entry(entry.election, entry.seq, entry.prev, entry.author, entry.time, entry.body,
                   run.world.voters[1].key.sign(entry.signing_input()))  # fmt: skip
    _unchanged(run, lambda: run.board.append(forged), "signature")


def test_wrong_prev_hash_and_seq(run: Run) -> None:
    # An entry signed over the head (every type but the voters') must link to the head.
    authority = run.world.authority
    body = CloseBody((run.world.status_list(CLOSES),))
    head = run.board.head(ELECTION_ID)
    stale = Head(ELECTION_ID, head.seq, bytes(31) + b"\x01")
    entry = sign_entry(body, stale, author=authority.vm, time=run.clock.now, key=authority.key)
    _unchanged(run, lambda: run.board.append(entry), "prev")
    ahead = Head(ELECTION_ID, head.seq + 1, head.prev)
    entry = sign_entry(body, ahead, author=authority.vm, time=run.clock.now, key=authority.key)
    _unchanged(run, lambda: run.board.append(entry), "seq")


def test_the_board_places_a_ballot_signed_without_its_place(run: Run) -> None:
    # §3.1: a ballot's signature covers neither seq nor prev, so any head will do.
    voter = run.world.voters[0]
    body = run.ballot_body(voter, "p1", "ada")
    head = run.board.head(ELECTION_ID)
    stale = Head(ELECTION_ID, head.seq + 7, bytes(31) + b"\x01")
    entry = sign_entry(body, stale, author=voter.vm, time=run.clock.now, key=voter.key)
    receipt = run.board.append(entry)
    stored = run.board.entries(ELECTION_ID)[-1]
    assert (receipt.index, stored.seq, stored.prev) == (head.seq, head.seq, head.prev)
    assert stored.signature == entry.signature
    assert stored.signing_input() == entry.signing_input()


def test_replayed_presentation(run: Run) -> None:
    voter = run.world.voters[0]
    first = run.ballot_body(voter, "first", "ada")
    run.post(first, voter)
    second = run.ballot_body(voter, "second", "bob")
    replay = BallotBody(second.ballot, first.presentation)
    _unchanged(run, lambda: run.post(replay, voter), "challenge")


def test_duplicate_ballot_id_and_foreign_challenge(run: Run) -> None:
    v = run.world.voters
    run.vote(v[0], "dup", "ada")
    cast = ChallengedBody(run.ballots["dup"], run.openings["dup"])
    _unchanged(run, lambda: run.vote(v[1], "dup", "bob"), "already on the chain")
    # Finding 1: a cast ballot is never opened, so a challenge cannot undo a first ballot.
    _unchanged(run, lambda: run.post(cast, v[0]), "already on the chain")
    body = run.ballot_body(v[2], "probe", "bob")
    probe = ChallengedBody(body.ballot, run.openings["probe"])
    _unchanged(run, lambda: run.post(probe, v[1]), "not the entry's author")
    run.post(probe, v[2])
    _unchanged(run, lambda: run.post(probe, v[2]), "already on the chain")
    _unchanged(run, lambda: run.post(body, v[2]), "already on the chain")


def test_tally_must_match(run: Run) -> None:
    run.vote(run.world.voters[0], "a", "ada")
    run.vote(run.world.voters[1], "b", "bob")
    run.clock.now = CLOSES
    run.post(CloseBody((run.world.status_list(CLOSES),)), run.world.authority)
    wrong = TallyBody.from_json({"tally": {**_tally_json(run), "ballotCount": 1}})
    _unchanged(run, lambda: run.post(wrong, run.world.authority), "tally")


def _tally_json(run: Run) -> dict[str, object]:
    return compute_tally(run.board.entries(ELECTION_ID)).to_json()


def test_close_needs_the_referenced_lists(run: Run) -> None:
    run.vote(run.world.voters[0], "a", "ada")
    run.clock.now = CLOSES
    _unchanged(run, lambda: run.post(CloseBody(()), run.world.authority), "status list")


def test_election_must_name_this_board() -> None:
    world = World()
    clock = world.clock
    r = world.run(MemoryLogStore())
    board = r.board
    other = Board(MemoryLogStore(), world.board_signer.__class__("other", bytes(32)),
                  did.Resolver(), now=clock)  # fmt: skip
    body = r.election_body()
    entry = sign_entry(body, Head.genesis(ELECTION_ID), author=world.authority.vm,
                       time=clock.now, key=world.authority.key)  # fmt: skip
    with pytest.raises(RejectedEntry, match="board"):
        other.append(entry)
    impostor = Party.make("impostor")
    entry = sign_entry(body, Head.genesis(ELECTION_ID), author=impostor.vm,
                       time=clock.now, key=impostor.key)  # fmt: skip
    with pytest.raises(RejectedEntry, match="authority"):
        board.append(entry)
    assert board.elections() == []
    r.setup()
    assert board.elections() == [ELECTION_ID]


def test_ceremony_rules() -> None:
    world = World()
    r = world.run(MemoryLogStore())
    r.post(r.election_body(), world.authority)
    anns = [t.announce(r.rng) for t in r.trustees]
    t1, t2 = world.trustees[0], world.trustees[1]
    _unchanged(r, lambda: r.post(TrusteeKeyBody(anns[1]), t1), "trustee 2, want 1")
    _unchanged(r, lambda: r.post(TrusteeKeyBody(anns[0]), world.authority), "role")
    _unchanged(r, lambda: r.post(TrusteeKeyBody(anns[0]), world.voters[0]), "role")
    r.post(TrusteeKeyBody(anns[0]), t1)
    _unchanged(r, lambda: r.post(TrusteeKeyBody(anns[0]), t1), "already announced")
    shares = TrusteeSharesBody(tuple(r.trustees[1].seal_share(a) for a in (anns[0], anns[2])))
    _unchanged(r, lambda: r.post(shares, t2), "every trustee's key")
    # A second election entry on the same log is refused.
    again = sign_entry(r.election_body(), Head.genesis(ELECTION_ID), author=world.authority.vm,
                       time=world.clock.now, key=world.authority.key)  # fmt: skip
    _unchanged(r, lambda: r.board.append(again), "already exists")


def test_result_and_shares_rules(run: Run) -> None:
    from voting.board import compute_tally

    run.vote(run.world.voters[0], "a", "ada")
    run.clock.now = CLOSES
    run.post(CloseBody((run.world.status_list(CLOSES),)), run.world.authority)
    tally = compute_tally(run.board.entries(ELECTION_ID))
    run.post(TallyBody(tally), run.world.authority)
    assert run.election is not None
    keys = run.keys()
    share1 = partial_decrypt(run.election, tally, keys[0], run.rng)
    t1, t2 = run.world.trustees[0], run.world.trustees[1]
    _unchanged(run, lambda: run.post(DecryptionShareBody(share1), t2), "share of trustee 1")
    run.post(DecryptionShareBody(share1), t1)
    _unchanged(run, lambda: run.post(DecryptionShareBody(share1), t1), "already posted")
    share2 = partial_decrypt(run.election, tally, keys[1], run.rng)
    result = combine(run.election, tally, [share1, share2])
    _unchanged(run, lambda: run.post(ResultBody(result), run.world.authority), "result")
    run.post(DecryptionShareBody(share2), t2)
    run.post(ResultBody(result), run.world.authority)
    assert run.board.state(ELECTION_ID).phase == "finished"


def test_counted_ballots_excluded_and_challenged(run: Run) -> None:
    v = run.world.voters
    run.vote(v[0], "a1", "ada")
    run.vote(v[0], "a2", "bob")
    run.vote(v[1], "b1", "bob")
    entries = run.board.entries(ELECTION_ID)
    ids = [
        e.body.ballot.ballot_id for e in counted_ballots(entries) if isinstance(e.body, BallotBody)
    ]
    assert ids == ["a2", "b1"]
    # The last *valid* ballot counts: excluding a2 brings a1 back.
    kept = counted_ballots(entries, excluded={"a2"})
    assert [e.body.ballot.ballot_id for e in kept if isinstance(e.body, BallotBody)] == ["a1", "b1"]
    run.challenge(v[1], "b1-probe", "ada")
    kept = counted_ballots(run.board.entries(ELECTION_ID))
    assert [e.body.ballot.ballot_id for e in kept if isinstance(e.body, BallotBody)] == [
        "a2",
        "b1",
    ]


def test_time_order_lets_ballots_arrive_out_of_order_but_not_other_entries(run: Run) -> None:
    # §6 step 2b: voters sign concurrently with whole-second times, so a ballot may follow a
    # later one by up to 10 minutes, but never precede the open; a close never precedes a
    # ballot.
    voters = run.world.voters
    opened = run.clock.now
    run.clock.now = opened + timedelta(minutes=20)
    run.vote(voters[0], "late", "ada")
    rules = run.board.state(ELECTION_ID).rules
    head = run.board.head(ELECTION_ID)

    def facts(party: Party, body: object, minutes: float) -> EntryFacts:
        at = opened + timedelta(minutes=minutes)
        return facts_of(sign_entry(body, head, author=party.vm, time=at, key=party.key))  # type: ignore[arg-type]

    ballot = run.ballot_body(voters[1], "early", "bob")
    check_rules(rules, facts(voters[1], ballot, 11))
    with pytest.raises(RejectedEntry, match=r"time: .* more than 10 minutes before"):
        check_rules(rules, facts(voters[1], ballot, 9))
    with pytest.raises(RejectedEntry, match=r"time: .* another type"):
        check_rules(rules, facts(voters[1], ballot, -1 / 60))
    close = CloseBody((run.world.status_list(CLOSES),))
    at_close = facts(run.world.authority, close, 0)
    with pytest.raises(RejectedEntry, match=r"time: .* before an earlier entry's time"):
        check_rules(rules, replace(at_close, time=opened + timedelta(minutes=19)))
