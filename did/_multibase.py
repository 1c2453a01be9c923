"""Provides base58btc, base64url and the two multibase prefixes we use (`z`, `u`).

References: IETF draft-msporny-base58 (base58btc, Bitcoin alphabet), RFC 4648 §5 (base64url,
no padding) and the Multibase data format (draft-multiformats-multibase), whose prefix table
assigns `z` to base58btc and `u` to base64url without padding.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Literal

from did.errors import EncodingError

__all__ = [
    "b58decode",
    "b58encode",
    "b64url_decode",
    "b64url_encode",
    "multibase_decode",
    "multibase_encode",
]

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}
# base64url (RFC 4648 §5) without padding: only the URL-safe alphabet is accepted, so standard
# base64 (`+`, `/`) and padded input are rejected rather than silently reinterpreted.
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*")

MultibaseName = Literal["base58btc", "base64url"]


def b58encode(data: bytes) -> str:
    """Encode bytes as base58btc (Bitcoin alphabet); each leading zero byte becomes a `1`."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_B58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """Decode base58btc text; raise EncodingError for a character outside the alphabet."""
    if not isinstance(text, str):
        raise EncodingError(f"base58btc input must be text, got {type(text).__name__}")
    number = 0
    index = _B58_INDEX
    try:
        for char in text:
            number = number * 58 + index[char]
    except KeyError as exc:
        raise EncodingError(
            f"base58btc: character {exc.args[0]!r} is not in the alphabet"
        ) from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 §5, as JOSE and multibase `u` use)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; raise EncodingError for padding, foreign characters or length.

    The decoding is strict: an input whose unused trailing bits are not zero is rejected, so
    every byte string has exactly one accepted text form.
    """
    if not isinstance(text, str):
        raise EncodingError(f"base64url input must be text, got {type(text).__name__}")
    if _B64URL_RE.fullmatch(text) is None:
        raise EncodingError("base64url: only A-Z a-z 0-9 - _ are allowed, without padding")
    if len(text) % 4 == 1:
        raise EncodingError(f"base64url: length {len(text)} is impossible (4n+1)")
    padded = text + "=" * (-len(text) % 4)
    try:
        data = base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError) as exc:
        raise EncodingError(f"base64url: {exc}") from None
    if b64url_encode(data) != text:
        raise EncodingError("base64url: non-zero trailing bits (non-canonical encoding)")
    return data


def multibase_encode(data: bytes, base: MultibaseName = "base58btc") -> str:
    """Encode bytes as multibase text: `z` + base58btc, or `u` + unpadded base64url."""
    if base == "base58btc":
        return "z" + b58encode(data)
    if base == "base64url":
        return "u" + b64url_encode(data)
    raise EncodingError(f"multibase: unsupported base {base!r}, want base58btc or base64url")


def multibase_decode(text: str, *, expect: MultibaseName | None = None) -> bytes:
    """Decode multibase text with prefix `z` (base58btc) or `u` (base64url).

    With `expect`, any other base is rejected, as the did:key and status-list specs require
    one particular base.
    """
    if not isinstance(text, str) or not text:
        raise EncodingError("multibase: empty value, want a prefix character and data")
    prefix, body = text[0], text[1:]
    names: dict[str, MultibaseName] = {"z": "base58btc", "u": "base64url"}
    name = names.get(prefix)
    if name is None:
        raise EncodingError(f"multibase: unsupported prefix {prefix!r}, want 'z' or 'u'")
    if expect is not None and name != expect:
        raise EncodingError(f"multibase: got {name} (prefix {prefix!r}), want {expect}")
    return b58decode(body) if name == "base58btc" else b64url_decode(body)
