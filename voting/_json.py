"""Provides strict readers for the record's JSON wire objects (record spec §4)."""

from __future__ import annotations

import json
from typing import Any

from did import canonicalize, parse_json
from did.errors import DidError
from voting.errors import EncodingError, VotingError

# The record version (record spec §1): framed into every hash (§3.1) and required in every
# versioned object. It lives here, below the hashing module, so that readers need no hashing.
RECORD_VERSION = 1

JsonObject = dict[str, Any]
_SAFE = 2**53 - 1


def canonical(obj: Any) -> bytes:
    """Return the RFC 8785 (JCS) bytes of a JSON value."""
    if _plain(obj):
        # JCS and the standard library's sorted, compact, unescaped-Unicode serialisation
        # agree on such values: strings are escaped alike (`"`, `\\`, and control characters,
        # as \b \t \n \f \r or lowercase \u00xx), safe integers print alike, and ASCII keys
        # sort alike (by UTF-16 code units in JCS, code points here). The C encoder is an
        # order of magnitude faster than the general one, and ballots are large.
        try:
            text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            return text.encode("utf-8")
        except (UnicodeEncodeError, ValueError, RecursionError):
            pass  # a lone surrogate, a cycle, too deep: the general canonicaliser says so
    try:
        return canonicalize(obj)
    except DidError as exc:
        raise EncodingError(f"cannot canonicalize: {exc}") from None


def _plain(obj: Any) -> bool:
    """Whether `obj` is JSON without numbers other than safe integers and with ASCII keys."""
    stack = [obj]
    budget = 1_000_000  # a cyclic value would never end the walk: it is left to the other path
    while stack:
        budget -= 1
        if budget < 0:
            return False
        value = stack.pop()
        if isinstance(value, str) or value is None or isinstance(value, bool):
            continue
        if isinstance(value, int):
            if not -_SAFE <= value <= _SAFE:
                return False
        elif isinstance(value, dict):
            for key in value:
                if not isinstance(key, str) or not key.isascii():
                    return False
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        else:
            return False  # floats (JCS prints them its own way), tuples, anything else
    return True


def load(data: str | bytes | JsonObject, what: str) -> JsonObject:
    """Accept a parsed object, or JSON text, and return a JSON object."""
    if isinstance(data, str | bytes):
        # The one strict reader of the project (did.parse_json): repeated keys, NaN, numbers
        # beyond I-JSON and excessive nesting are refused, so two readers of the same hashed
        # bytes can never see different objects.
        try:
            data = parse_json(data)
        except DidError as exc:
            raise EncodingError(f"{what}: not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise EncodingError(f"{what}: want a JSON object")
    return data


def keys(
    obj: JsonObject,
    what: str,
    required: set[str],
    optional: frozenset[str] = frozenset(),
    error: type[VotingError] = EncodingError,
) -> None:
    """Fail on a missing required key or on any key not in the schema."""
    missing = required - obj.keys()
    if missing:
        raise error(f"{what}: missing {sorted(missing)}")
    extra = obj.keys() - required - optional
    if extra:
        raise error(f"{what}: unknown keys {sorted(extra)}")


def hex_bytes(value: object, what: str, size: int = 32) -> bytes:
    """Decode exactly `2 * size` lowercase hex digits (record spec §1: points, scalars, hashes).

    Uppercase is refused so that every value has one text form and hashed JSON is canonical.
    """
    if not isinstance(value, str) or len(value) != 2 * size or value.lower() != value:
        raise EncodingError(f"{what}: want {2 * size} lowercase hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise EncodingError(f"{what}: not hex") from None


def integer(
    obj: JsonObject,
    key: str,
    what: str,
    low: int,
    high: int,
    error: type[VotingError] = EncodingError,
) -> int:
    """Read an integer in [low, high]; booleans are not integers here."""
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{what}.{key}: want an integer")
    if not low <= value <= high:
        raise error(f"{what}.{key}: got {value}, want {low}..{high}")
    return value


def text(
    obj: JsonObject,
    key: str,
    what: str,
    max_len: int = 256,
    error: type[VotingError] = EncodingError,
) -> str:
    """Read a non-empty string without control characters."""
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise error(f"{what}.{key}: want a non-empty string")
    if len(value) > max_len or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise error(f"{what}.{key}: too long or has control characters")
    return value


def array(
    obj: JsonObject,
    key: str,
    what: str,
    low: int,
    high: int,
    error: type[VotingError] = EncodingError,
) -> list[Any]:
    """Read an array whose length is in [low, high]."""
    value = obj.get(key)
    if not isinstance(value, list):
        raise error(f"{what}.{key}: want an array")
    if not low <= len(value) <= high:
        raise error(f"{what}.{key}: got {len(value)} items, want {low}..{high}")
    return value


def version(obj: JsonObject, what: str) -> None:
    """Require the record version this implementation speaks."""
    if obj.get("version") != RECORD_VERSION or isinstance(obj.get("version"), bool):
        raise EncodingError(f"{what}.version: got {obj.get('version')!r}, want {RECORD_VERSION}")
