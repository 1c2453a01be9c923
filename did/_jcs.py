"""Provides RFC 8785 JSON canonicalization (JCS) and a strict I-JSON (RFC 7493) parser.

Canonicalization is done by the `rfc8785` package; this module only maps its failures (and the
recursion failures of deeply nested or cyclic values) onto the package's error tree.

Parsing untrusted JSON follows I-JSON, which RFC 8785 §3.1 names as the input domain of JCS:

- duplicate member names are rejected (RFC 7493 §2.3): two parsers could otherwise read two
  different documents out of one signed text;
- `NaN`, `Infinity` and `-Infinity` are rejected (they are not JSON, RFC 8259 §6);
- integers outside ±(2**53 - 1) and numbers that overflow a double are rejected (RFC 7493 §2.2),
  because JCS cannot serialize them faithfully;
- nesting deeper than `max_depth` is rejected before it can exhaust the stack.
"""

from __future__ import annotations

import json
import math
from typing import Any

import rfc8785

from did.errors import MalformedValueError, ParsingError

__all__ = ["DEFAULT_MAX_DEPTH", "canonicalize", "check_depth", "parse_json"]

# Credentials, presentations and SD-JWT payloads are shallow; 64 levels leave ample room while
# keeping every recursive walk far below Python's recursion limit.
DEFAULT_MAX_DEPTH = 64

# RFC 7493 §2.2: the integers an IEEE-754 double represents exactly.
_MAX_SAFE_INTEGER = 2**53 - 1
# A decimal integer of more than 16 digits cannot be a safe integer, so it is rejected before
# `int()` converts it (which would be quadratic in the digit count).
_MAX_INTEGER_DIGITS = 16


def canonicalize(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Raises MalformedValueError for values JCS cannot represent: non-string keys, integers
    beyond ±(2**53 - 1), NaN or infinite floats, lone surrogates, unsupported types, and
    structures too deep (or cyclic) to walk.
    """
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise MalformedValueError(f"JCS: {exc}") from None
    except RecursionError:
        raise MalformedValueError("JCS: value is nested too deeply or is cyclic") from None


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedValueError(f"JSON: duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise MalformedValueError(f"JSON: {name} is not a JSON number")


def _parse_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > _MAX_INTEGER_DIGITS or abs(int(text)) > _MAX_SAFE_INTEGER:
        raise MalformedValueError(
            f"JSON: integer {text[:20]}{'...' if len(text) > 20 else ''} is outside "
            f"±(2**53 - 1) (I-JSON)"
        )
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise MalformedValueError(f"JSON: number {text[:20]} overflows a double (I-JSON)")
    return value


def check_depth(value: Any, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    """Raise MalformedValueError when `value` nests arrays/objects deeper than `max_depth`.

    The walk is iterative so that the check itself cannot exhaust the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            raise MalformedValueError(f"JSON: nesting depth exceeds {max_depth}")
        stack.extend((child, depth + 1) for child in children)


def parse_json(text: str | bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """Parse untrusted JSON text under the I-JSON rules above.

    Raises ParsingError for text that is not JSON (or not UTF-8) and MalformedValueError for
    JSON that breaks the I-JSON restrictions or the depth bound.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParsingError(f"JSON: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if not isinstance(text, str):
        raise ParsingError(f"JSON: got {type(text).__name__}, want text or bytes")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_reject_duplicates,
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except json.JSONDecodeError as exc:
        raise ParsingError(f"JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise MalformedValueError(f"JSON: nesting depth exceeds {max_depth}") from None
    check_depth(value, max_depth)
    return value
