"""Tests the election group: validation at parse time and arithmetic with the identity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.bindings import crypto_core_ed25519_add

from voting.errors import EncodingError, GroupError, VotingError
from voting.group import IDENTITY, G, Point, Q, Scalar, base_mul, hash_to_scalar
from voting.testing import SeededRng

# The eight points of order dividing 8, as canonical encodings.
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
]

P = base_mul(123456789)


def test_small_order_points_have_order_dividing_eight() -> None:
    # Adding a point of order dividing 8 to itself 8 times gives the identity encoding.
    for enc in SMALL_ORDER:
        acc = bytes.fromhex(SMALL_ORDER[0])
        for _ in range(8):
            acc = crypto_core_ed25519_add(acc, bytes.fromhex(enc))
        assert acc.hex() == SMALL_ORDER[0]


@pytest.mark.parametrize("enc", SMALL_ORDER)
def test_point_plus_small_order_component_is_rejected(enc: str) -> None:
    mixed = crypto_core_ed25519_add(P.to_bytes(), bytes.fromhex(enc))
    if enc == SMALL_ORDER[0]:
        assert Point.from_bytes(mixed) == P
        return
    with pytest.raises(GroupError):
        Point.from_bytes(mixed)
    with pytest.raises(GroupError):
        Point.from_bytes(bytes.fromhex(enc), allow_identity=True)


def test_identity_only_where_allowed() -> None:
    with pytest.raises(GroupError, match="identity"):
        Point.from_hex(IDENTITY.hex())
    assert Point.from_hex(IDENTITY.hex(), allow_identity=True).is_identity


def test_non_canonical_point_encodings_are_rejected() -> None:
    p = 2**255 - 19
    # y >= p for several residues, and the identity with its sign bit set.
    for y in (p, p + 1, p + 2, 2**255 - 1):
        with pytest.raises(GroupError):
            Point.from_bytes(y.to_bytes(32, "little"), allow_identity=True)
    with pytest.raises(GroupError):
        Point.from_bytes(bytes.fromhex(SMALL_ORDER[0])[:-1] + b"\x80", allow_identity=True)


def test_non_canonical_scalars_are_rejected() -> None:
    for value in (Q, Q + 1, 2**256 - 1):
        with pytest.raises(GroupError, match="non-canonical"):
            Scalar.from_bytes(value.to_bytes(32, "little"))
    assert Scalar.from_bytes((Q - 1).to_bytes(32, "little")).value == Q - 1
    with pytest.raises(EncodingError):
        Scalar.from_hex("AB" * 32)
    with pytest.raises(GroupError):
        Scalar(Q)


def test_identity_arithmetic() -> None:
    assert G * 0 == IDENTITY
    assert G * Q == IDENTITY
    assert IDENTITY * 5 == IDENTITY
    assert P - P == IDENTITY
    assert P + IDENTITY == P
    assert IDENTITY + P == P
    assert -P + P == IDENTITY
    assert IDENTITY - P == -P
    assert base_mul(0) == IDENTITY
    assert base_mul(Q + 3) == G * 3 == G + G + G


@settings(max_examples=40, deadline=None)
@given(st.integers(0, Q - 1), st.integers(0, Q - 1))
def test_scalar_multiplication_is_a_homomorphism(a: int, b: int) -> None:
    assert base_mul(a) + base_mul(b) == base_mul(a + b)
    assert base_mul(a) * b == base_mul(a * b)
    assert Point.from_hex(base_mul(a + 1).hex(), allow_identity=True) == base_mul(a + 1)
    assert Scalar.from_hex(Scalar(a).hex()) == Scalar(a)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=0, max_size=40))
def test_arbitrary_bytes_are_a_point_or_a_group_error(data: bytes) -> None:
    try:
        point = Point.from_bytes(data)
    except GroupError:
        return
    assert point * Q == IDENTITY


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=70))
def test_arbitrary_hex_text_raises_only_package_errors(text: str) -> None:
    try:
        Point.from_hex(text)
        Scalar.from_hex(text)
    except VotingError:
        pass


def test_hash_to_scalar_is_domain_separated_and_length_prefixed() -> None:
    assert hash_to_scalar("a", b"xy", b"z") != hash_to_scalar("a", b"x", b"yz")
    assert hash_to_scalar("a", b"x") != hash_to_scalar("b", b"x")
    assert 0 <= hash_to_scalar("a") < Q


def test_seeded_rng_is_reproducible_and_independent_of_chunking() -> None:
    a, b = SeededRng(b"s"), SeededRng(b"s")
    assert a(10) + a(54) == b(64)
    assert SeededRng(b"t")(64) != SeededRng(b"s")(64)
    assert "redacted" in repr(a)
