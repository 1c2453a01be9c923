"""Tests `voting._json.canonical`: its fast path gives exactly the RFC 8785 (JCS) bytes that
`did.canonicalize` gives, for every JSON value, and refuses what JCS refuses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import did
from voting._json import canonical
from voting.errors import EncodingError

_SAFE = 2**53 - 1
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-_SAFE, _SAFE)
    | st.text()
    | st.text(alphabet=st.characters(max_codepoint=0x2F))  # control characters, `"`, `\`
    | st.floats(allow_nan=False, allow_infinity=False)
)
_KEYS = st.text() | st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=8)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=40,
)


@given(_JSON)
@settings(max_examples=400, deadline=None)
def test_canonical_is_jcs(value: Any) -> None:
    assert canonical(value) == did.canonicalize(value)


@pytest.mark.parametrize(
    "value",
    [
        {"k": "\ud800"},  # a lone surrogate
        {"n": 2**53},  # beyond I-JSON's integers
        {"k": float("nan")},
        {1: "non-string key"},
    ],
)
def test_what_jcs_refuses_is_refused(value: Any) -> None:
    with pytest.raises(EncodingError, match="cannot canonicalize"):
        canonical(value)


def test_supplementary_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 sorts before U+FF01 in UTF-16 (a surrogate pair starts with 0xD83D), after it
    # by code point: such keys take the general path.
    value = {"\uff01": 1, "\U0001f600": 2}
    assert canonical(value) == did.canonicalize(value)
    assert canonical(value).index("\U0001f600".encode()) < canonical(value).index(b"\xef\xbc\x81")


def test_a_cyclic_value_is_refused() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    with pytest.raises(EncodingError):
        canonical(cyclic)
