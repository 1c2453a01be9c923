"""Tests the election entry's witnesses and quorum (election-entries §4.1, version 3)."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import did
from voting.board import ElectionBody
from voting.chain import CosignatureSigner, CosignatureVerifier, WitnessPolicy
from voting.errors import EncodingError, VotingError
from voting.testing import OPENS, World

WORLD = World()


def _witness(i: int) -> CosignatureVerifier:
    return CosignatureSigner(f"witness-{i}", hashlib.sha256(b"w%d" % i).digest()).verifier()


def _body(policy: WitnessPolicy | None) -> ElectionBody:
    return WORLD.election_body(witnesses=policy)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))))
def test_witnesses_and_quorum_round_trip(sizes: tuple[int, int]) -> None:
    count, quorum = sizes
    policy = WitnessPolicy(tuple(_witness(i) for i in range(count)), quorum)
    body = _body(policy)
    data = body.to_json()
    assert data["witnesses"] == {
        "version": 1,
        "quorum": quorum,
        "witnesses": [w.to_vkey() for w in policy.witnesses],
    }
    assert ElectionBody.from_json(did.parse_json(did.canonicalize(data))) == body


def test_an_election_without_witnesses_has_no_member_and_reads_as_before() -> None:
    body = _body(None)
    assert "witnesses" not in body.to_json()
    assert ElectionBody.from_json(body.to_json()).witnesses is None


def _with(edit: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(_body(WitnessPolicy((_witness(1), _witness(2)), 2)).to_json())
    data["witnesses"].update(edit)
    return data


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        ({"quorum": 0}, "quorum 0, want 1..2"),
        ({"quorum": 3}, "quorum 3, want 1..2"),
        ({"quorum": "2"}, "quorum is not an integer"),
        ({"quorum": True}, "quorum is not an integer"),
        ({"version": 2}, "version 2"),
        ({"witnesses": "w+1+x"}, "not a list of vkeys"),
        ({"witnesses": ["not a vkey"]}, "invalid verifier key"),
        ({"extra": 1}, "want exactly version, quorum, witnesses"),
    ],
)
def test_a_malformed_policy_is_refused_naming_it(edit: dict[str, Any], says: str) -> None:
    with pytest.raises(EncodingError, match=r"election\.witnesses") as refused:
        ElectionBody.from_json(_with(edit))
    assert says in str(refused.value)


def test_one_witness_listed_twice_is_refused() -> None:
    twice = [_witness(1).to_vkey(), _witness(1).to_vkey()]
    with pytest.raises(EncodingError, match="one witness name or key twice"):
        ElectionBody.from_json(_with({"witnesses": twice}))


def test_the_board_cannot_be_its_own_witness() -> None:
    board = CosignatureVerifier("board-as-witness", WORLD.board_signer.verifier().public_key)
    policy = WitnessPolicy((board, _witness(1)), 1)
    with pytest.raises(EncodingError, match="is the board itself"):
        _body(policy)
    with pytest.raises(EncodingError, match="is the board itself"):
        ElectionBody.from_json({**_body(None).to_json(), "witnesses": policy.to_json()})


def test_the_witnesses_are_signed_with_the_entry() -> None:
    # A board that drops the election's witnesses changes the authority's signed entry.
    from voting.board import Head, sign_entry

    head = Head.genesis("city-2030")
    witnessed = _body(WitnessPolicy((_witness(1),), 1))
    entry = sign_entry(
        witnessed, head, author=WORLD.authority.vm, time=OPENS, key=WORLD.authority.key
    )
    stripped = replace(entry, body=replace(witnessed, witnesses=None))
    assert stripped.signing_input() != entry.signing_input()
    with pytest.raises(VotingError):
        stripped.verify_signature(WORLD.authority.key.public_key)
