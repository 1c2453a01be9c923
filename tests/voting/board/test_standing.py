"""Tests where each ballot stands (issue 14, finding 6): counted, superseded (by which ballot,
under which rule), challenged, or excluded (by which frozen list), as one judgement with the
counted-ballot selection the tally uses."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from voting.board import BallotBody, CloseBody, ballot_standings, counted_ballots, one_per_voter
from voting.chain import MemoryLogStore
from voting.testing import CLOSES, ELECTION_ID, OPENS, STATUS_URL, Run, World


def _run(world: World, revoting: str) -> Run:
    r = world.run(MemoryLogStore())
    r.setup(revoting)
    world.clock.now = OPENS + timedelta(minutes=5)
    return r


def test_revoting_last_supersedes_the_earlier_ballot() -> None:
    world = World()
    r = _run(world, "last")
    r.vote(world.voters[0], "b0", "ada")
    r.vote(world.voters[1], "b1", "bob")
    r.vote(world.voters[0], "b0-again", "bob")
    standings = ballot_standings(r.board.entries(ELECTION_ID))
    assert [(s.ballot_id, s.status) for s in standings.values()] == [
        ("b0", "superseded"),
        ("b1", "counted"),
        ("b0-again", "counted"),
    ]
    first = standings["b0"]
    assert (first.superseded_by, first.rule, first.final) == ("b0-again", "last", False)
    assert first.describe() == "superseded by a later ballot b0-again (revoting: last)"
    assert standings["b1"].describe().startswith("counted so far")


def test_under_revoting_last_each_ballot_is_superseded_by_the_one_after_it() -> None:
    world = World()
    r = _run(world, "last")
    for ballot_id, choice in (("b0", "ada"), ("b0-2", "bob"), ("b0-3", "ada")):
        r.vote(world.voters[0], ballot_id, choice)
    standings = ballot_standings(r.board.entries(ELECTION_ID))
    assert [(s.ballot_id, s.status, s.superseded_by) for s in standings.values()] == [
        ("b0", "superseded", "b0-2"),
        ("b0-2", "superseded", "b0-3"),
        ("b0-3", "counted", None),
    ]


@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 99)), max_size=12),
    st.sampled_from(["first", "last"]),
)
def test_one_per_voter_keeps_each_voters_first_or_last_ballot(
    ballots: list[tuple[str, int]], revoting: str
) -> None:
    kept = one_per_voter(ballots, revoting)
    assert set(kept) == {voter for voter, _ in ballots}
    for voter, ballot in kept.items():
        own = [b for v, b in ballots if v == voter]
        assert ballot == (own[0] if revoting == "first" else own[-1])


def test_revoting_first_keeps_the_first_ballot() -> None:
    world = World()
    r = _run(world, "first")
    r.vote(world.voters[0], "b0", "ada")
    r.vote(world.voters[0], "b0-again", "bob")
    standings = ballot_standings(r.board.entries(ELECTION_ID))
    assert standings["b0"].status == "counted"
    again = standings["b0-again"]
    assert (again.status, again.superseded_by, again.rule) == ("superseded", "b0", "first")
    assert again.describe() == "superseded by an earlier ballot b0 (revoting: first)"


def test_challenged_and_revoked_ballots_say_why() -> None:
    world = World()
    r = _run(world, "last")
    r.challenge(world.voters[2], "c2", "ada")
    r.vote(world.voters[2], "b2", "ada")
    r.vote(world.voters[3], "b3", "bob")
    world.revoked.add(3)
    world.clock.now = CLOSES
    r.post(CloseBody((world.status_list(CLOSES),)), world.authority)
    entries = r.board.entries(ELECTION_ID)
    standings = ballot_standings(entries)
    assert standings["c2"].status == "challenged"
    assert standings["b2"].status == "counted" and standings["b2"].final
    revoked = standings["b3"]
    assert (revoked.status, revoked.status_list, revoked.reason) == (
        "excluded",
        STATUS_URL,
        "revocation",
    )
    assert (
        revoked.describe() == f"excluded: its credential is revoked in the frozen list {STATUS_URL}"
    )
    # The tally's selection is exactly the counted standings.
    counted = [
        e.body.ballot.ballot_id for e in counted_ballots(entries) if isinstance(e.body, BallotBody)
    ]
    assert counted == [b for b, s in standings.items() if s.status == "counted"]


def test_ballots_an_audit_excludes_are_excluded() -> None:
    world = World()
    r = _run(world, "last")
    r.vote(world.voters[0], "b0", "ada")
    standings = ballot_standings(r.board.entries(ELECTION_ID), excluded={"b0"})
    assert (standings["b0"].status, standings["b0"].reason) == ("excluded", "failed-checks")
    assert standings["b0"].to_json()["reason"] == "failed-checks"
