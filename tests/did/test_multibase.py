"""Tests base58btc, base64url and multibase against published examples and properties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    b58decode,
    b58encode,
    b64url_decode,
    b64url_encode,
    multibase_decode,
    multibase_encode,
)
from did.errors import EncodingError

# Examples from the base58 Internet-Draft (draft-msporny-base58 §5).
BASE58_EXAMPLES = [
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (
        b"The quick brown fox jumps over the lazy dog.",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
    ),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
    (b"", ""),
    (b"\0", "1"),
]
# RFC 4648 §10 test vectors, without padding.
BASE64URL_EXAMPLES = [
    (b"", ""),
    (b"f", "Zg"),
    (b"fo", "Zm8"),
    (b"foo", "Zm9v"),
    (b"foob", "Zm9vYg"),
    (b"fooba", "Zm9vYmE"),
    (b"foobar", "Zm9vYmFy"),
    (b"\xfb\xff", "-_8"),
]


@pytest.mark.parametrize(("data", "text"), BASE58_EXAMPLES)
def test_base58_examples(data: bytes, text: str) -> None:
    assert b58encode(data) == text
    assert b58decode(text) == data


@pytest.mark.parametrize(("data", "text"), BASE64URL_EXAMPLES)
def test_base64url_examples(data: bytes, text: str) -> None:
    assert b64url_encode(data) == text
    assert b64url_decode(text) == data


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "abc+", " 2NE", "2NE\n", "é"])
def test_base58_rejects_characters_outside_the_alphabet(bad: str) -> None:
    with pytest.raises(EncodingError, match="alphabet"):
        b58decode(bad)


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("Zg==", "without padding"),
        ("Zm9v+", "without padding"),
        ("Zm9v/w", "without padding"),
        ("Zm9vY", "4n\\+1"),
        ("Zh", "non-canonical"),
        ("Zm9=", "without padding"),
    ],
)
def test_base64url_rejects_padding_foreign_characters_and_odd_lengths(bad: str, why: str) -> None:
    with pytest.raises(EncodingError, match=why):
        b64url_decode(bad)


def test_multibase_prefixes() -> None:
    assert multibase_encode(b"Hello World!") == "z2NEpo7TZRRrLZSi2U"
    assert multibase_encode(b"foob", "base64url") == "uZm9vYg"
    assert multibase_decode("z2NEpo7TZRRrLZSi2U") == b"Hello World!"
    assert multibase_decode("uZm9vYg") == b"foob"


@pytest.mark.parametrize("bad", ["", "f666f6f", "mZm9v", "Z2NE", "bmzxw6"])
def test_multibase_rejects_unsupported_prefixes(bad: str) -> None:
    with pytest.raises(EncodingError):
        multibase_decode(bad)


def test_multibase_expect_refuses_the_other_base() -> None:
    with pytest.raises(EncodingError, match="want base58btc"):
        multibase_decode("uZm9vYg", expect="base58btc")
    with pytest.raises(EncodingError, match="want base64url"):
        multibase_decode("z2NEpo7TZRRrLZSi2U", expect="base64url")


def test_non_text_input_is_an_encoding_error() -> None:
    with pytest.raises(EncodingError):
        b58decode(b"abc")  # type: ignore[arg-type]
    with pytest.raises(EncodingError):
        b64url_decode(None)  # type: ignore[arg-type]
    with pytest.raises(EncodingError):
        multibase_encode(b"x", "base32")  # type: ignore[arg-type]


@settings(max_examples=200)
@given(st.binary(max_size=80))
def test_every_byte_string_round_trips(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data
    assert b64url_decode(b64url_encode(data)) == data
    assert multibase_decode(multibase_encode(data)) == data
    assert multibase_decode(multibase_encode(data, "base64url")) == data


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_arbitrary_text_decodes_or_raises_encoding_error(text: str) -> None:
    # Decoding either succeeds and re-encodes to the same text, or raises EncodingError.
    for decode, encode in ((b58decode, b58encode), (b64url_decode, b64url_encode)):
        try:
            data = decode(text)
        except EncodingError:
            continue
        assert encode(data) == text
    with contextlib.suppress(EncodingError):
        multibase_decode(text)
