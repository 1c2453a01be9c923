"""Tests ballots: honest proofs verify, tampering and transplanting fail, bad votes refused."""

from __future__ import annotations

import dataclasses
import json
from typing import TypeAlias

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.ballot import (
    BallotOpening,
    EncryptedBallot,
    EncryptedContest,
    EncryptedOption,
    Selections,
    encrypt_ballot,
    verify_ballot,
    verify_opening,
)
from voting.errors import BallotError, ProofError, VotingError
from voting.group import encrypt, random_scalar
from voting.proofs import ProofContext, prove_range
from voting.testing import SeededRng, ceremony, small_manifest

ELECTION, _ = ceremony(small_manifest())
OTHER, _ = ceremony(small_manifest(), seed=b"another ceremony")
VOTE = {"mayor": {"o1": 1}, "measure": {"no": 1}}


def _ballot(
    ballot_id: str = "ballot-1",
    voter: str = "did:example:alice",
    selections: dict[str, dict[str, int]] | None = None,
) -> tuple[EncryptedBallot, BallotOpening]:
    return encrypt_ballot(ELECTION, ballot_id, voter, selections or VOTE, SeededRng(b"b"))


BALLOT, OPENING = _ballot()


def test_honest_ballot_verifies_and_round_trips() -> None:
    verify_ballot(ELECTION, BALLOT)
    text = json.dumps(BALLOT.to_json())
    assert EncryptedBallot.from_json(text) == BALLOT
    assert BallotOpening.from_json(OPENING.to_json()) == OPENING


def test_encryption_is_deterministic_for_a_fixed_rng() -> None:
    assert _ballot()[0] == BALLOT


def test_benaloh_opening_reveals_the_choices() -> None:
    assert verify_opening(ELECTION, BALLOT, OPENING) == {
        "mayor": {"o0": 0, "o1": 1, "o2": 0},
        "measure": {"yes": 0, "no": 1},
    }
    assert "redacted" in repr(OPENING)


def test_benaloh_opening_with_another_choice_fails() -> None:
    lying = dataclasses.replace(OPENING, selections=((1, 0, 0), (0, 1)))
    with pytest.raises(BallotError, match="re-encrypt"):
        verify_opening(ELECTION, BALLOT, lying)
    other_nonce = dataclasses.replace(
        OPENING, nonces=((OPENING.nonces[0][0] + 1, *OPENING.nonces[0][1:]), OPENING.nonces[1])
    )
    with pytest.raises(BallotError):
        verify_opening(ELECTION, BALLOT, other_nonce)


# Acceptance 2: proofs cannot be moved to another ballot, option, contest, voter or election.


def test_proofs_do_not_move_to_another_ballot_id() -> None:
    with pytest.raises(ProofError):
        verify_ballot(ELECTION, dataclasses.replace(BALLOT, ballot_id="ballot-2"))


def test_proofs_do_not_move_to_another_voter() -> None:
    with pytest.raises(ProofError):
        verify_ballot(ELECTION, dataclasses.replace(BALLOT, voter="did:example:mallory"))


def test_proofs_do_not_move_to_another_option() -> None:
    mayor = BALLOT.contests[0]
    swapped = (mayor.options[1], mayor.options[0], mayor.options[2])
    moved = dataclasses.replace(mayor, options=swapped)
    with pytest.raises(ProofError, match="option o0"):
        verify_ballot(ELECTION, dataclasses.replace(BALLOT, contests=(moved, BALLOT.contests[1])))


def test_proofs_do_not_move_to_another_contest() -> None:
    # Two contests of the same shape, so only the contest index in the context differs.
    m = dataclasses.replace(
        small_manifest(),
        contests=(
            small_manifest().contests[1],
            dataclasses.replace(small_manifest().contests[1], id="measure-b"),
        ),
    )
    election, _ = ceremony(m)
    ballot, _ = encrypt_ballot(
        election,
        "b",
        "did:example:a",
        {"measure": {"yes": 1}, "measure-b": {"no": 1}},
        SeededRng(b"c"),
    )
    a, b = ballot.contests
    swapped = (
        dataclasses.replace(b, contest_id=a.contest_id),
        dataclasses.replace(a, contest_id=b.contest_id),
    )
    with pytest.raises(ProofError):
        verify_ballot(election, dataclasses.replace(ballot, contests=swapped))


def test_proofs_do_not_move_to_another_election() -> None:
    moved = dataclasses.replace(BALLOT, election_hash=OTHER.extended_hash)
    with pytest.raises(ProofError):
        verify_ballot(OTHER, moved)
    with pytest.raises(BallotError, match="election hash"):
        verify_ballot(OTHER, BALLOT)


# Acceptance 4: the honest API refuses bad votes; forged ballots are rejected.


@pytest.mark.parametrize(
    ("selections", "message"),
    [
        ({"mayor": {"o0": 1, "o1": 1}, "measure": {"yes": 1}}, "2 selections"),
        ({"mayor": {}, "measure": {}}, "0 selections"),
        ({"mayor": {"o0": 2}, "measure": {"yes": 1}}, "want 0..1"),
        ({"mayor": {"o0": True}, "measure": {"yes": 1}}, "want 0..1"),
        ({"mayor": {"zz": 1}, "measure": {"yes": 1}}, "unknown options"),
        ({"senate": {}, "measure": {"yes": 1}}, "unknown contests"),
    ],
)
def test_honest_api_refuses_invalid_votes(selections: Selections, message: str) -> None:
    with pytest.raises(BallotError, match=message):
        encrypt_ballot(ELECTION, "b", "did:example:a", selections, SeededRng(b"x"))


def _forge(values: list[int], claimed: list[int], claimed_total: int) -> EncryptedBallot:
    """Encrypt `values` but prove as if they were `claimed`: what a cheating client does."""
    rng = SeededRng(b"forge")
    key, h = ELECTION.joint_key, ELECTION.extended_hash
    options = []
    nonces = [random_scalar(rng) for _ in values]
    for oi, (v, c, xi) in enumerate(zip(values, claimed, nonces, strict=True)):
        ct = encrypt(v, xi, key)
        proof = prove_range(
            "range",
            c,
            xi,
            key,
            ct,
            0,
            1,
            h,
            ProofContext("f", "did:example:f", 0, oi).encode(),
            rng,
        )
        options.append(EncryptedOption(ct, proof))
    partial = EncryptedContest("mayor", tuple(options), BALLOT.contests[0].limit_proof)
    limit = prove_range(
        "limit",
        claimed_total,
        sum(nonces),
        key,
        partial.total(),
        0,
        1,
        h,
        ProofContext("f", "did:example:f", 0).encode(),
        rng,
    )
    honest, _ = encrypt_ballot(ELECTION, "f", "did:example:f", VOTE, rng)
    return dataclasses.replace(
        honest, contests=(dataclasses.replace(partial, limit_proof=limit), honest.contests[1])
    )


def test_forged_value_two_is_rejected() -> None:
    with pytest.raises(ProofError, match="option o0"):
        verify_ballot(ELECTION, _forge([2, 0, 0], [1, 0, 0], 1))


def test_forged_over_vote_is_rejected() -> None:
    with pytest.raises(ProofError, match="selection limit"):
        verify_ballot(ELECTION, _forge([1, 1, 0], [1, 1, 0], 1))


def test_forged_under_minimum_is_rejected() -> None:
    election, _ = ceremony(small_manifest(min_sel=1))
    ballot, _ = encrypt_ballot(election, "u", "did:example:u", VOTE, SeededRng(b"u"))
    # Replace the first contest by an all-zero encryption with a proof claiming one selection.
    rng = SeededRng(b"under")
    key, h = election.joint_key, election.extended_hash
    nonces = [random_scalar(rng) for _ in range(3)]
    options = tuple(
        EncryptedOption(
            ct,
            prove_range(
                "range",
                0,
                xi,
                key,
                ct,
                0,
                1,
                h,
                ProofContext("u", "did:example:u", 0, oi).encode(),
                rng,
            ),
        )
        for oi, (xi, ct) in enumerate((xi, encrypt(0, xi, key)) for xi in nonces)
    )
    partial = EncryptedContest("mayor", options, ballot.contests[0].limit_proof)
    with pytest.raises(ProofError):
        prove_range("limit", 0, sum(nonces), key, partial.total(), 1, 1, h, b"", rng)
    limit = prove_range(
        "limit",
        1,
        sum(nonces),
        key,
        partial.total(),
        0,
        1,
        h,
        ProofContext("u", "did:example:u", 0).encode(),
        rng,
    )
    limit = dataclasses.replace(
        limit, challenges=limit.challenges[1:], responses=limit.responses[1:]
    )
    forged = dataclasses.replace(
        ballot, contests=(dataclasses.replace(partial, limit_proof=limit), ballot.contests[1])
    )
    with pytest.raises(ProofError, match="selection limit"):
        verify_ballot(election, forged)


def test_cumulative_voting_range() -> None:
    election, _ = ceremony(small_manifest(max_sel=3, option_max=3))
    ballot, opening = encrypt_ballot(
        election,
        "c",
        "did:example:c",
        {"mayor": {"o2": 3}, "measure": {"yes": 1}},
        SeededRng(b"cum"),
    )
    verify_ballot(election, ballot)
    assert verify_opening(election, ballot, opening)["mayor"]["o2"] == 3


# Acceptance 1: every single-byte change to a ciphertext, challenge or response is rejected.

_WIRE = BALLOT.to_json()


# Where a value sits in a JSON document: object keys and array indices.
JsonPath: TypeAlias = tuple[str | int, ...]


def _hex_fields(obj: object, path: JsonPath = ()) -> list[JsonPath]:
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _hex_fields(v, (*path, k))]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _hex_fields(v, (*path, i))]
    if isinstance(obj, str) and len(obj) == 64 and path[-1] != "electionHash":
        return [path]
    return []


HEX_PATHS = _hex_fields(_WIRE)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HEX_PATHS), st.integers(0, 31), st.integers(1, 255))
def test_every_single_byte_change_is_rejected(path: JsonPath, index: int, delta: int) -> None:
    wire = json.loads(json.dumps(_WIRE))
    node = wire
    for key in path[:-1]:
        node = node[key]
    raw = bytearray(bytes.fromhex(node[path[-1]]))
    raw[index] ^= delta
    node[path[-1]] = raw.hex()
    with pytest.raises(VotingError) as info:
        verify_ballot(ELECTION, EncryptedBallot.from_json(wire))
    assert type(info.value).__name__ in {"ProofError", "GroupError", "EncodingError"}


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=10,
    )
)
def test_malformed_ballot_json_raises_only_package_errors(obj: object) -> None:
    with pytest.raises(VotingError):
        EncryptedBallot.from_json(
            {
                "version": 1,
                "ballotId": "x",
                "voter": "did:e:x",
                "electionHash": "00" * 32,
                "contests": [obj],
            }
        )
