"""Checks witness quorums: the policy's rules, the vectors, and that a split view fails."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.voting.witness.logs import TestLog, seed
from voting.chain import (
    CosignatureSigner,
    CosignatureVerifier,
    Note,
    WitnessPolicy,
    add_cosignature,
    merge_cosignatures,
    verify_quorum,
)
from voting.errors import CheckpointError, QuorumError, WitnessError
from voting.witness import Witness, WitnessState

from ._reference import vector_file

NAMES = ("witness.example/a", "witness.example/b", "witness.example/c")


def _signer(name: str) -> CosignatureSigner:
    return CosignatureSigner(name, seed(name))


def _policy(quorum: int, names: tuple[str, ...] = NAMES) -> WitnessPolicy:
    return WitnessPolicy(tuple(_signer(n).verifier() for n in names), quorum)


def _derived() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        vector_file("signed-note", "derived-checkpoint-cosignature.json").read_text("utf-8")
    )
    return data


def test_derived_vector_meets_a_quorum_of_one() -> None:
    data = _derived()
    policy = WitnessPolicy((CosignatureVerifier.from_vkey(data["witness"]["vkey"]),), 1)
    quorum = verify_quorum(data["signed_note"], policy)
    assert quorum.witnesses == ("witness.example/known",)
    assert quorum.cosignatures[0].timestamp == data["cosignature"]["timestamp"]


def test_derived_vector_negative_cases_name_the_witness() -> None:
    data = _derived()
    policy = WitnessPolicy((CosignatureVerifier.from_vkey(data["witness"]["vkey"]),), 1)
    # Only the cases about the cosignature itself: the log's signature is not checked here.
    failing = [c for c in data["cases"] if "cosignature" in c["expect"].get("error", "")]
    assert failing, "the vector file has negative cosignature cases"
    for case in failing:
        with pytest.raises(QuorumError) as err:
            verify_quorum(case["note"], policy)
        assert err.value.invalid == ("witness.example/known",)


def test_rekor_checkpoint_witnesses_we_do_not_list_count_for_nothing() -> None:
    cases = json.loads(
        vector_file("signed-note", "sigstore-rekor-v2-checkpoints.json").read_text("utf-8")
    )["cases"]
    cosigned = next(c for c in cases if c["unknown_cosignatures_parsed"])
    with pytest.raises(QuorumError) as err:
        verify_quorum(cosigned["note"], _policy(2))
    assert err.value.missing == NAMES
    assert err.value.valid == ()
    assert "missing: witness.example/a, witness.example/b, witness.example/c" in str(err.value)


def test_quorum_counts_each_listed_witness_once() -> None:
    log = TestLog().grow(5)
    note = add_cosignature(log.note(), _signer(NAMES[0]), 10)
    note = note.with_signature(note.signatures[-1])
    with pytest.raises(QuorumError) as err:
        verify_quorum(note, _policy(2))
    assert err.value.valid == (NAMES[0],)
    assert err.value.missing == NAMES[1:]
    note = add_cosignature(note, _signer(NAMES[2]), 11)
    assert verify_quorum(note, _policy(2)).witnesses == (NAMES[0], NAMES[2])


def test_a_failing_listed_cosignature_fails_even_with_a_quorum() -> None:
    log = TestLog().grow(5)
    note = log.note()
    for name in NAMES[:2]:
        note = add_cosignature(note, _signer(name), 10)
    # Witness c "cosigned" another tree: its line does not verify over this text.
    wrong = add_cosignature(TestLog().grow(6).note(), _signer(NAMES[2]), 10).signatures[-1]
    with pytest.raises(QuorumError) as err:
        verify_quorum(note.with_signature(wrong), _policy(2))
    assert err.value.invalid == (NAMES[2],)


def test_policy_rules_and_round_trip() -> None:
    policy = _policy(2)
    assert WitnessPolicy.from_json(json.loads(json.dumps(policy.to_json()))) == policy
    for bad in (0, 4):
        with pytest.raises(CheckpointError):
            _policy(bad)
    twice = _signer(NAMES[0]).verifier()
    with pytest.raises(CheckpointError):
        WitnessPolicy((twice, twice), 1)
    renamed = CosignatureVerifier("witness.example/alias", twice.public_key)
    with pytest.raises(CheckpointError):
        WitnessPolicy((twice, renamed), 1)
    for data in ({"quorum": 1}, {**policy.to_json(), "quorum": "2"}, [1]):
        with pytest.raises(CheckpointError):
            WitnessPolicy.from_json(data)


def _offer(witness: Witness, log: TestLog, note: Note) -> Note:
    """Submit `log`'s head to `witness` with every old size a dishonest log could claim."""
    size = log.checkpoint().size
    for old in range(size + 1):
        try:
            done = witness.add_checkpoint(log.request(old).to_bytes())
        except WitnessError:
            continue
        note = merge_cosignatures(note, done.response_body().decode())
    return note


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 6),
    st.integers(1, 8),
    st.integers(1, 8),
    st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 1)),
)
def test_split_view_gets_at_most_one_quorum(
    shared: int, grow_a: int, grow_b: int, order: tuple[int, int, int]
) -> None:
    """Two forks signed by one log key, sharing a prefix; 3 honest witnesses, k = 2.

    Every witness first cosigns the prefix, then is offered fork `order[i]` and then the
    other, each with every old size. Only the fork that most witnesses saw first gets a
    quorum; the other's failure names the witnesses that did not cosign it.
    """
    prefix = TestLog().grow(shared)
    forks = (
        prefix.fork("a").grow(shared + grow_a, "a"),
        prefix.fork("b").grow(shared + grow_b, "b"),
    )
    witnesses = [
        Witness(_signer(name), WitnessState(":memory:"), lambda: 1_700_000_000) for name in NAMES
    ]
    notes = [forks[0].note(), forks[1].note()]
    for witness, first in zip(witnesses, order, strict=True):
        witness.state.add_log(prefix.origin, prefix.signer.verifier())
        witness.add_checkpoint(prefix.request(0))
        for which in (first, 1 - first):
            notes[which] = _offer(witness, forks[which], notes[which])
    winner = 0 if order.count(0) >= 2 else 1
    assert verify_quorum(notes[winner], _policy(2)).witnesses == tuple(
        name for name, first in zip(NAMES, order, strict=True) if first == winner
    )
    with pytest.raises(QuorumError) as err:
        verify_quorum(notes[1 - winner], _policy(2))
    assert err.value.missing == tuple(
        name for name, first in zip(NAMES, order, strict=True) if first == winner
    )
    assert err.value.invalid == ()
