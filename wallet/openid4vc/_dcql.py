"""Provides the Digital Credentials Query Language (OpenID4VP 1.0 §6, §7) with limits.

A query lists credential queries (`credentials`, §6.1: id, format, `meta`, `claims`,
`claim_sets`, `multiple`) and optionally `credential_sets` (§6.2) saying which combinations
satisfy the verifier. A claim is addressed by a claims path pointer (§7): an array whose items
select an object member (string), an array element (non-negative integer) or every element
(null). Queries arrive from strangers, so parsing bounds the text, nesting and every count.

`select` matches a query against credentials (the wallet's side); the same matcher checks what
a verifier received (the verifier's side), so both read a query the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wallet.openid4vc._errors import DcqlError, DcqlLimitExceeded, UnsupportedFormat, clip
from wallet.openid4vc._metadata import FORMATS

__all__ = [
    "ClaimQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlLimits",
    "DcqlQuery",
    "Path",
    "select_claims",
]

Path = tuple[str | int | None, ...]
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class DcqlLimits:
    """How large a query this wallet reads. The defaults are far beyond any real query."""

    max_bytes: int = 16 * 1024
    max_depth: int = 8
    max_credentials: int = 16
    max_claims: int = 32
    max_path: int = 16
    max_values: int = 32
    max_claim_sets: int = 16
    max_credential_sets: int = 16
    max_options: int = 16


def _id(value: Any, where: str) -> str:
    if not isinstance(value, str) or _ID_RE.fullmatch(value) is None:
        raise DcqlError(f"{where}: want 1-64 characters of A-Z a-z 0-9 _ -")
    return value


def _array(value: Any, where: str, limit: int, *, empty: bool = False) -> list[Any]:
    if not isinstance(value, list) or (not value and not empty):
        raise DcqlError(f"{where}: want a non-empty array")
    if len(value) > limit:
        raise DcqlLimitExceeded(f"{where}: {len(value)} entries, the limit is {limit}")
    return value


@dataclass(frozen=True)
class ClaimQuery:
    """One requested claim (§6.3): its path and, optionally, the values it must have."""

    path: Path
    id: str | None = None
    values: tuple[str | int | bool, ...] | None = None

    @classmethod
    def from_json(cls, data: Any, where: str, limits: DcqlLimits) -> ClaimQuery:
        if not isinstance(data, dict):
            raise DcqlError(f"{where}: want an object")
        path = _array(data.get("path"), f"{where}.path", limits.max_path)
        for item in path:
            if not _path_item(item):
                raise DcqlError(f"{where}.path: want strings, non-negative integers or null")
        claim_id = _id(data["id"], f"{where}.id") if "id" in data else None
        values = None
        if "values" in data:
            raw = _array(data["values"], f"{where}.values", limits.max_values)
            if not all(isinstance(v, str | int | bool) for v in raw):
                raise DcqlError(f"{where}.values: want strings, integers or booleans")
            values = tuple(raw)
        return cls(tuple(path), claim_id, values)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"path": list(self.path)}
        if self.id is not None:
            result["id"] = self.id
        if self.values is not None:
            result["values"] = list(self.values)
        return result


@dataclass(frozen=True)
class CredentialQuery:
    """One credential query (§6.1); `meta` holds `vct_values` or `type_values` (§B)."""

    id: str
    format: str
    vct_values: tuple[str, ...] | None = None
    type_values: tuple[tuple[str, ...], ...] | None = None
    claims: tuple[ClaimQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    multiple: bool = False

    @classmethod
    def from_json(cls, data: Any, where: str, limits: DcqlLimits) -> CredentialQuery:
        if not isinstance(data, dict):
            raise DcqlError(f"{where}: want an object")
        query_id = _id(data.get("id"), f"{where}.id")
        fmt = data.get("format")
        if fmt not in FORMATS:
            raise UnsupportedFormat(
                f"{where}.format: {clip(fmt, 40)!r} is not supported, want one of {FORMATS}"
            )
        meta = data.get("meta", {})
        if not isinstance(meta, dict):
            raise DcqlError(f"{where}.meta: want an object")
        vct_values = type_values = None
        if fmt == "dc+sd-jwt" and "vct_values" in meta:
            raw = _array(meta["vct_values"], f"{where}.meta.vct_values", limits.max_values)
            if not all(isinstance(v, str) for v in raw):
                raise DcqlError(f"{where}.meta.vct_values: want strings")
            vct_values = tuple(raw)
        if fmt == "ldp_vc" and "type_values" in meta:
            raw = _array(meta["type_values"], f"{where}.meta.type_values", limits.max_values)
            sets = []
            for entry in raw:
                entry = _array(entry, f"{where}.meta.type_values[]", limits.max_values)
                if not all(isinstance(t, str) for t in entry):
                    raise DcqlError(f"{where}.meta.type_values: want arrays of strings")
                sets.append(tuple(entry))
            type_values = tuple(sets)
        claims = None
        if "claims" in data:
            raw = _array(data["claims"], f"{where}.claims", limits.max_claims)
            claims = tuple(
                ClaimQuery.from_json(c, f"{where}.claims[{i}]", limits) for i, c in enumerate(raw)
            )
        claim_sets = None
        if "claim_sets" in data:
            ids = {c.id for c in claims or () if c.id is not None}
            raw = _array(data["claim_sets"], f"{where}.claim_sets", limits.max_claim_sets)
            sets = []
            for entry in raw:
                entry = _array(entry, f"{where}.claim_sets[]", limits.max_claims)
                if not all(isinstance(i, str) and i in ids for i in entry):
                    raise DcqlError(f"{where}.claim_sets: names a claim id not in claims")
                sets.append(tuple(entry))
            claim_sets = tuple(sets)
        multiple = data.get("multiple", False)
        if not isinstance(multiple, bool):
            raise DcqlError(f"{where}.multiple: want a boolean")
        return cls(query_id, fmt, vct_values, type_values, claims, claim_sets, multiple)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"id": self.id, "format": self.format}
        meta: dict[str, Any] = {}
        if self.vct_values is not None:
            meta["vct_values"] = list(self.vct_values)
        if self.type_values is not None:
            meta["type_values"] = [list(t) for t in self.type_values]
        result["meta"] = meta
        if self.claims is not None:
            result["claims"] = [c.to_json() for c in self.claims]
        if self.claim_sets is not None:
            result["claim_sets"] = [list(s) for s in self.claim_sets]
        if self.multiple:
            result["multiple"] = True
        return result


@dataclass(frozen=True)
class CredentialSetQuery:
    """A set of alternatives (§6.2): any one option (a list of query ids) satisfies it."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"options": [list(o) for o in self.options], "required": self.required}


@dataclass(frozen=True)
class DcqlQuery:
    """A whole DCQL query."""

    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    @classmethod
    def from_text(cls, text: str | bytes, limits: DcqlLimits | None = None) -> DcqlQuery:
        """Parse a query's JSON text, refusing oversized or deeply nested input first."""
        from did import parse_json
        from did.errors import DidError

        limits = limits or DcqlLimits()
        if len(text) > limits.max_bytes:
            raise DcqlLimitExceeded(
                f"dcql_query: {len(text)} bytes, the limit is {limits.max_bytes}"
            )
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if _text_depth(text) > limits.max_depth:
            raise DcqlLimitExceeded(f"dcql_query: nested deeper than {limits.max_depth} levels")
        try:
            data = parse_json(text)
        except DidError as exc:
            raise DcqlError(f"dcql_query: {exc}") from None
        return cls.from_json(data, limits)

    @classmethod
    def from_json(cls, data: Any, limits: DcqlLimits | None = None) -> DcqlQuery:
        """Check a parsed query against the grammar of §6 and the limits."""
        from did import canonicalize
        from did.errors import DidError

        limits = limits or DcqlLimits()
        _check_depth(data, limits.max_depth)
        try:
            size = len(canonicalize(data))
        except DidError as exc:
            raise DcqlLimitExceeded(f"dcql_query: {exc}") from None
        if size > limits.max_bytes:
            raise DcqlLimitExceeded(f"dcql_query: {size} bytes, the limit is {limits.max_bytes}")
        if not isinstance(data, dict):
            raise DcqlError("dcql_query: want a JSON object")
        raw = _array(data.get("credentials"), "dcql_query.credentials", limits.max_credentials)
        queries = tuple(
            CredentialQuery.from_json(q, f"credentials[{i}]", limits) for i, q in enumerate(raw)
        )
        ids = [q.id for q in queries]
        if len(set(ids)) != len(ids):
            raise DcqlError("dcql_query.credentials: ids must be unique")
        sets = None
        if "credential_sets" in data:
            raw_sets = _array(
                data["credential_sets"], "dcql_query.credential_sets", limits.max_credential_sets
            )
            sets = tuple(_credential_set(s, set(ids), limits) for s in raw_sets)
        return cls(queries, sets)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"credentials": [q.to_json() for q in self.credentials]}
        if self.credential_sets is not None:
            result["credential_sets"] = [s.to_json() for s in self.credential_sets]
        return result

    def query(self, query_id: str) -> CredentialQuery:
        for entry in self.credentials:
            if entry.id == query_id:
                return entry
        raise DcqlError(f"no credential query {clip(query_id, 60)!r}")

    def required_options(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """The option lists that must each be met: every query alone when there are no sets."""
        if self.credential_sets is None:
            return tuple(((q.id,),) for q in self.credentials)
        return tuple(s.options for s in self.credential_sets if s.required)


def _path_item(item: Any) -> bool:
    if item is None or isinstance(item, str):
        return True
    return isinstance(item, int) and not isinstance(item, bool) and item >= 0


def _text_depth(text: str) -> int:
    # The deepest bracket nesting outside strings, found before the (recursive) parser runs.
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _check_depth(value: Any, limit: int) -> None:
    # Iterative, so that a hostile nesting cannot exhaust the stack before it is refused.
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise DcqlLimitExceeded(f"dcql_query: nested deeper than {limit} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _credential_set(data: Any, ids: set[str], limits: DcqlLimits) -> CredentialSetQuery:
    if not isinstance(data, dict):
        raise DcqlError("credential_sets[]: want an object")
    options = _array(data.get("options"), "credential_sets[].options", limits.max_options)
    result = []
    for option in options:
        option = _array(option, "credential_sets[].options[]", limits.max_credentials)
        if not all(isinstance(i, str) and i in ids for i in option):
            raise DcqlError("credential_sets[].options: names an unknown credential query id")
        result.append(tuple(option))
    required = data.get("required", True)
    if not isinstance(required, bool):
        raise DcqlError("credential_sets[].required: want a boolean")
    return CredentialSetQuery(tuple(result), required)


def _select(
    value: Any, path: Path, here: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], Any]]:
    # §7.1: walk the path; null selects every element of an array, and a missing member or an
    # index out of range selects nothing.
    if not path:
        return [(here, value)]
    head, rest = path[0], path[1:]
    if isinstance(head, str):
        if isinstance(value, dict) and head in value:
            return _select(value[head], rest, (*here, head))
        return []
    if isinstance(value, list):
        if head is None:
            found = []
            for index, item in enumerate(value):
                found += _select(item, rest, (*here, index))
            return found
        if head < len(value):
            return _select(value[head], rest, (*here, head))
    return []


def select_claims(
    query: CredentialQuery, view: dict[str, Any]
) -> tuple[tuple[tuple[str | int, ...], Any], ...] | None:
    """The concrete (path, value) pairs that satisfy `query` in `view`, or None if none do.

    Without `claims` nothing is selected (and the credential matches). With `claim_sets`, the
    first set (in the verifier's order of preference) whose claims all match wins (§6.4.1).
    """
    if query.claims is None:
        return ()
    found: dict[int, list[tuple[tuple[str | int, ...], Any]]] = {}
    for index, claim in enumerate(query.claims):
        hits = _select(view, claim.path, ())
        if claim.values is not None:
            hits = [(p, v) for p, v in hits if _matches(v, claim.values)]
        if hits:
            found[index] = hits
    if query.claim_sets is None:
        wanted: Sequence[Sequence[int]] = [range(len(query.claims))]
    else:
        by_id = {c.id: i for i, c in enumerate(query.claims)}
        wanted = [[by_id[i] for i in option] for option in query.claim_sets]
    for option in wanted:
        if all(i in found for i in option):
            return tuple(hit for i in option for hit in found[i])
    return None


def _matches(value: Any, allowed: tuple[str | int | bool, ...]) -> bool:
    # Booleans are not integers here: `true` must not match a requested `1`.
    return any(type(value) is type(a) and value == a for a in allowed)
