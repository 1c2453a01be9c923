"""Tests the verifiable shuffle (record spec §10) and its batch arithmetic."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting import _ed25519 as ed
from voting._shuffle_wire import check_label
from voting.errors import EncodingError, GroupError, ProofError, ShuffleError, VotingError
from voting.group import IDENTITY, Point, Q, base_mul, encrypt
from voting.shuffle import (
    CHAIN_INDEX,
    Row,
    ShuffleProof,
    ShuffleSecret,
    generator,
    prove_shuffle,
    rows_from_json,
    rows_to_json,
    shuffle,
    verify_shuffle,
)
from voting.testing import SeededRng

SECRET = 0x1234567890ABCDEF
KEY = base_mul(SECRET)
H_E = bytes(range(32))
LABEL = "mayor"


def _rows(n: int, w: int, rng: SeededRng) -> list[Row]:
    return [
        tuple(encrypt((5 * i + k) % 7, 1 + int.from_bytes(rng(8), "little"), KEY) for k in range(w))
        for i in range(n)
    ]


def _decrypt(row: Row) -> tuple[Point, ...]:
    # sigma·G = beta - s·alpha: comparing these points is enough to compare plaintexts.
    return tuple(ct.beta - ct.alpha * SECRET for ct in row)


def _honest(n: int, w: int, seed: bytes) -> tuple[list[Row], tuple[Row, ...], ShuffleProof]:
    rng = SeededRng(seed)
    rows = _rows(n, w, rng)
    outputs, secret = shuffle(KEY, rows, rng)
    proof = prove_shuffle(H_E, LABEL, KEY, rows, outputs, secret, rng)
    return rows, outputs, proof


@pytest.mark.parametrize("n", [1, 2, 100, pytest.param(1000, marks=pytest.mark.slow)])
@pytest.mark.parametrize("w", [1, 3])
def test_honest_shuffles_verify(n: int, w: int) -> None:
    rows, outputs, proof = _honest(n, w, b"honest %d %d" % (n, w))
    verify_shuffle(H_E, LABEL, KEY, rows, outputs, proof)
    # The outputs decrypt to the inputs' rows in another order, each exactly once.
    assert Counter(map(_decrypt, outputs)) == Counter(map(_decrypt, rows))
    assert {a.alpha for r in outputs for a in r}.isdisjoint({a.alpha for r in rows for a in r})


def test_wire_forms_round_trip() -> None:
    _, outputs, proof = _honest(4, 2, b"wire")
    assert ShuffleProof.from_json(proof.to_json()) == proof
    assert rows_from_json(rows_to_json(outputs)) == outputs
    assert proof.to_json()["version"] == 1


def test_shuffle_is_seeded_and_permutes() -> None:
    rows = _rows(30, 1, SeededRng(b"rows"))
    a, sa = shuffle(KEY, rows, SeededRng(b"x"))
    b, sb = shuffle(KEY, rows, SeededRng(b"x"))
    assert a == b and sa == sb
    assert sorted(sa.permutation) == list(range(30)) and sa.permutation != tuple(range(30))
    assert repr(sa) == "ShuffleSecret(<redacted>)"


def test_generators_are_distinct_valid_and_bound_to_election_and_label() -> None:
    gens = {generator(H_E, LABEL, i) for i in range(20)} | {generator(H_E, LABEL, CHAIN_INDEX)}
    assert len(gens) == 21
    for g in gens:
        assert Point.from_bytes(g.to_bytes()) == g  # libsodium validates it afresh.
    assert generator(H_E, "budget", 0) != generator(H_E, LABEL, 0)
    assert generator(bytes(32), LABEL, 0) != generator(H_E, LABEL, 0)


def test_a_wrong_witness_gives_a_proof_that_fails() -> None:
    rng = SeededRng(b"wrong witness")
    rows = _rows(4, 1, rng)
    outputs, secret = shuffle(KEY, rows, rng)
    wrong = ShuffleSecret(tuple(reversed(secret.permutation)), secret.nonces)
    proof = prove_shuffle(H_E, LABEL, KEY, rows, outputs, wrong, rng)
    with pytest.raises(ShuffleError) as info:
        verify_shuffle(H_E, LABEL, KEY, rows, outputs, proof)
    assert "t4" in info.value.failed
    with pytest.raises(ShuffleError, match="witness"):
        prove_shuffle(H_E, LABEL, KEY, rows, outputs, ShuffleSecret((0, 0, 1, 2), ()), rng)


def test_statement_checks_are_named() -> None:
    rows, outputs, proof = _honest(3, 2, b"statement")
    cases: list[tuple[str, Any]] = [
        ("election", lambda: verify_shuffle(H_E[:31], LABEL, KEY, rows, outputs, proof)),
        ("label", lambda: verify_shuffle(H_E, "", KEY, rows, outputs, proof)),
        ("label", lambda: verify_shuffle(H_E, "a\nb", KEY, rows, outputs, proof)),
        ("key", lambda: verify_shuffle(H_E, LABEL, IDENTITY, rows, outputs, proof)),
        ("rows", lambda: verify_shuffle(H_E, LABEL, KEY, [], [], proof)),
        ("rows", lambda: verify_shuffle(H_E, LABEL, KEY, rows, outputs[:2], proof)),
        ("width", lambda: verify_shuffle(H_E, LABEL, KEY, rows, [r[:1] for r in outputs], proof)),
        ("proof", lambda: verify_shuffle(H_E, LABEL, KEY, rows[:2], outputs[:2], proof)),
    ]
    for name, call in cases:
        with pytest.raises(ShuffleError) as info:
            call()
        assert info.value.failed == (name,)
        assert isinstance(info.value, ProofError)
    with pytest.raises(ShuffleError):
        shuffle(KEY, [], SeededRng(b"empty"))
    import pickle

    # Bytes this test made itself, as a worker process would send them back.
    again = pickle.loads(pickle.dumps(ShuffleError(("t2", "t4"), "differ")))  # noqa: S301
    assert again.failed == ("t2", "t4") and str(again) == "shuffle: t2, t4: differ"
    assert check_label("ä" * 256) == "ä" * 256
    with pytest.raises(ShuffleError):
        check_label("x" * 257)


def test_parsing_rejects_bad_points_scalars_and_shapes() -> None:
    _, outputs, proof = _honest(2, 1, b"parse")
    obj = proof.to_json()
    with pytest.raises(GroupError):
        ShuffleProof.from_json({**obj, "chainCommitments": ["01" + "00" * 31] * 2})
    with pytest.raises(GroupError):
        ShuffleProof.from_json({**obj, "s2": (Q + 1).to_bytes(32, "little").hex()})
    with pytest.raises(EncodingError):
        ShuffleProof.from_json({**obj, "extra": 1})
    with pytest.raises(EncodingError):
        ShuffleProof.from_json({**obj, "s4": []})
    with pytest.raises(EncodingError):
        ShuffleProof.from_json({**obj, "digests": {"t1": obj["digests"]["t1"]}})
    with pytest.raises(EncodingError):
        rows_from_json([[]])
    with pytest.raises(GroupError):
        rows_from_json([[{"alpha": "01" + "00" * 31, "beta": outputs[0][0].beta.hex()}]])


# Batch arithmetic against libsodium's one-at-a-time results.


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, Q - 1), st.integers(1, Q - 1)), max_size=40))
def test_msm_equals_the_sum_of_products(pairs: list[tuple[int, int]]) -> None:
    points = [base_mul(x) for _, x in pairs]
    want = IDENTITY
    for (k, _), p in zip(pairs, points, strict=True):
        want = want + p * k
    assert ed.to_point(ed.msm([k for k, _ in pairs], [ed.decode(p) for p in points])) == want


@settings(max_examples=40, deadline=None)
@given(st.integers(1, Q - 1), st.integers(1, Q - 1))
def test_point_formulas_match_libsodium(x: int, y: int) -> None:
    a, b = base_mul(x), base_mul(y)
    na, nb = ed.decode(a), ed.decode(b)
    pa = ed.madd(ed.ZERO, na)
    assert ed.to_point(pa) == a
    assert ed.to_point(ed.madd(pa, nb)) == a + b
    assert ed.to_point(ed.madd(pa, ed.neg(nb))) == a - b
    assert ed.to_point(ed.add(pa, ed.madd(ed.ZERO, nb))) == a + b
    assert ed.to_point(ed.double(pa)) == a + a
    assert ed.to_point(ed.madd(pa, ed.neg(na))) == IDENTITY


# Property tests: every honest shuffle verifies; any single change fails.


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.binary(min_size=1, max_size=8))
def test_every_honest_shuffle_verifies(n: int, w: int, seed: bytes) -> None:
    rows, outputs, proof = _honest(n, w, seed)
    verify_shuffle(H_E, LABEL, KEY, rows, outputs, proof)


_ROWS, _OUTPUTS, _PROOF = _honest(3, 2, b"fixed for mutations")
_JSON: dict[str, Any] = {
    "inputs": rows_to_json(_ROWS),
    "outputs": rows_to_json(_OUTPUTS),
    "proof": _PROOF.to_json(),
}


def _leaves(obj: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(obj, dict):
        return [leaf for k in sorted(obj) for leaf in _leaves(obj[k], (*path, k))]
    if isinstance(obj, list):
        return [leaf for i, v in enumerate(obj) for leaf in _leaves(v, (*path, i))]
    return [path] if isinstance(obj, str) else []


_HEX_LEAVES = _leaves(_JSON)


def _replace(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(_JSON)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _verify_json(obj: dict[str, Any], label: str = LABEL, key: Point = KEY) -> None:
    verify_shuffle(
        H_E,
        label,
        key,
        rows_from_json(obj["inputs"]),
        rows_from_json(obj["outputs"]),
        ShuffleProof.from_json(obj["proof"]),
    )


def test_the_unchanged_fixture_verifies() -> None:
    _verify_json(_JSON)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_HEX_LEAVES), st.integers(0, 255), st.integers(0, 31))
def test_any_bit_flip_in_input_output_or_proof_fails(
    path: tuple[Any, ...], bit: int, byte: int
) -> None:
    raw = bytearray(bytes.fromhex(_lookup(path)))
    raw[byte] ^= 1 << (bit % 8)
    with pytest.raises(VotingError):
        _verify_json(_replace(path, raw.hex()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_HEX_LEAVES), st.integers(1, Q - 1))
def test_any_valid_replacement_fails(path: tuple[Any, ...], value: int) -> None:
    # A well-formed value of the right kind: the proof, not the parser, must catch it.
    old = _lookup(path)
    if path[-1] in ("alpha", "beta") or "Commitments" in str(path[-2:]):
        new = base_mul(value).hex()
    else:
        new = (value % Q).to_bytes(32, "little").hex()
    if new == old:
        return
    with pytest.raises((ShuffleError, GroupError)):
        _verify_json(_replace(path, new))


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["inputs", "outputs"]), st.integers(0, 2), st.integers(1, 2))
def test_any_swap_of_rows_fails(which: str, i: int, step: int) -> None:
    j = (i + step) % 3
    rows = list(_JSON[which])
    rows[i], rows[j] = rows[j], rows[i]
    with pytest.raises(ShuffleError):
        _verify_json({**_JSON, which: rows})


def test_other_label_key_or_election_fails() -> None:
    with pytest.raises(ShuffleError):
        _verify_json(_JSON, label="budget")
    with pytest.raises(ShuffleError):
        _verify_json(_JSON, key=base_mul(7))
    with pytest.raises(ShuffleError):
        verify_shuffle(bytes(32), LABEL, KEY, _ROWS, _OUTPUTS, _PROOF)


def _lookup(path: tuple[Any, ...]) -> str:
    node: Any = _JSON
    for key in path:
        node = node[key]
    assert isinstance(node, str)
    return node


def test_the_pure_python_field_arithmetic_gives_the_same_points() -> None:
    # Without gmpy2 the batch arithmetic runs on Python integers; run it in a fresh
    # interpreter where the import fails, and compare with libsodium there.
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['gmpy2'] = None\n"
        "from voting import _ed25519 as ed\nfrom voting.group import base_mul, IDENTITY\n"
        "assert ed.mpz is int\n"
        "ks = [3**i % 2**252 + 1 for i in range(1, 60)]\n"
        "ps = [base_mul(7 * k + 1) for k in ks]\n"
        "want = IDENTITY\n"
        "for k, p in zip(ks, ps): want = want + p * k\n"
        "assert ed.to_point(ed.msm(ks, [ed.decode(p) for p in ps])) == want\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
