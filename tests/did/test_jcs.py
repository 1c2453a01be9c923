"""Tests RFC 8785 canonicalization against the upstream vectors and the strict I-JSON parser."""

from __future__ import annotations

import contextlib
import json
import math
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import canonicalize, parse_json
from did.errors import CredentialError, MalformedValueError, ParsingError

STRUCTURAL = ["arrays", "french", "structures", "unicode", "values", "weird"]


@pytest.mark.parametrize("name", STRUCTURAL)
def test_structural_vectors_match_output_bytes(vectors: Path, name: str) -> None:
    folder = vectors / "jcs"
    text = (folder / "input" / f"{name}.json").read_bytes()
    expected = (folder / "output" / f"{name}.json").read_bytes()
    expected_hex = "".join((folder / "outhex" / f"{name}.txt").read_text().split())
    result = canonicalize(parse_json(text))
    assert result == expected
    assert result.hex() == expected_hex


def test_bundled_cases_agree_with_files(vectors: Path) -> None:
    bundle = json.loads((vectors / "jcs" / "vectors.json").read_text(encoding="utf-8"))
    assert sorted(case["name"] for case in bundle["cases"]) == STRUCTURAL
    for case in bundle["cases"]:
        result = canonicalize(parse_json(case["inputText"]))
        assert result == case["expectedCanonicalText"].encode("utf-8")
        assert result.hex() == case["expectedCanonicalHex"]


def test_all_ten_thousand_es6_numbers(vectors: Path) -> None:
    lines = (vectors / "jcs" / "es6-numbers-10000.txt").read_text().splitlines()
    assert len(lines) == 10_000
    failures = []
    for line in lines:
        bits, expected = line.split(",")
        number = struct.unpack(">d", bytes.fromhex(bits.zfill(16)))[0]
        if math.isnan(number) or math.isinf(number):
            # The upstream generator never emits these, and JCS cannot express them.
            failures.append((bits, expected, "non-finite"))
            continue
        got = canonicalize(number).decode("ascii")
        if got != expected:
            failures.append((bits, expected, got))
    assert failures == []


def test_rfc8785_section_3_2_3_sorts_by_utf16_code_units() -> None:
    # U+1F600 (a surrogate pair, D83D DE00) sorts before U+FB01 in UTF-16 though not in UTF-32.
    value = {"\ufb01": 1, "\U0001f600": 2, "a": 3}
    assert canonicalize(value) == '{"a":3,"\U0001f600":2,"\ufb01":1}'.encode()


@pytest.mark.parametrize(
    "value",
    [
        {1: "non-string key"},
        2**53,
        -(2**53),
        float("nan"),
        float("inf"),
        "\ud800",
        {"set": {1, 2}},
        b"bytes",
    ],
)
def test_canonicalize_rejects_unrepresentable_values(value: object) -> None:
    with pytest.raises(MalformedValueError):
        canonicalize(value)


def test_canonicalize_rejects_cycles_and_deep_nesting() -> None:
    cyclic: dict[str, object] = {}
    cyclic["self"] = cyclic
    with pytest.raises(MalformedValueError):
        canonicalize(cyclic)
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(MalformedValueError):
        canonicalize(deep)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{"a": 1, "a": 2}', MalformedValueError),
        ("[NaN]", MalformedValueError),
        ("[Infinity]", MalformedValueError),
        ("[-Infinity]", MalformedValueError),
        ("[9007199254740992]", MalformedValueError),
        ("[-9007199254740992]", MalformedValueError),
        ("[" + "9" * 5000 + "]", MalformedValueError),
        ("[1e400]", MalformedValueError),
        ("[" * 65 + "]" * 65, MalformedValueError),
        ("[" * 100_000 + "]" * 100_000, MalformedValueError),
        ('{"a": ', ParsingError),
        ("", ParsingError),
        (b"\xff\xfe", ParsingError),
    ],
)
def test_parse_json_rejects(text: str | bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_json(text)


def test_parse_json_accepts_limits() -> None:
    assert parse_json("[9007199254740991, -9007199254740991]") == [2**53 - 1, -(2**53 - 1)]
    assert parse_json("[" * 64 + "]" * 64) is not None


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
    # Doubles between 2**53 and 1e21 serialize as integer text, which I-JSON parsing rejects.
    | st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda x: abs(x) < 2**53 or abs(x) >= 1e21
    )
    | st.text(alphabet=st.characters(codec="utf-8")),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_canonical_form_is_a_fixed_point(value: object) -> None:
    canonical = canonicalize(value)
    assert canonicalize(parse_json(canonical)) == canonical


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64))
def test_parse_json_raises_only_package_errors(data: bytes | str) -> None:
    with contextlib.suppress(CredentialError):
        parse_json(data)
