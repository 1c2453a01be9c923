"""Provides the IETF Token Status List (draft-ietf-oauth-status-list) for SD-JWT VCs, JWT form.

A status list is a byte array of statuses of `bits` bits each (1, 2, 4 or 8; §4.1), index 0
in the least significant bits of the first byte, ZLIB-compressed (RFC 1950) and base64url
encoded as `lst` (§4.2). The Status List Token is a JWT with `typ` `statuslist+jwt` whose
`sub` is the list's URI and whose `status_list` claim holds `bits` and `lst` (§5.1). A
Referenced Token (here an SD-JWT VC) points at one entry with `status.status_list.idx` and
`.uri` (§6.2). Status values (§7.1): 0 VALID, 1 INVALID, 2 SUSPENDED, 3 application-specific.

Checking a status (§8.3) verifies the token's signature with the Referenced Token's issuer
key, that `sub` is the URI that was asked for, that the token has not expired (`exp`, and
`ttl` is left to caching callers), and then reads the entry.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from did._multibase import b64url_decode, b64url_encode
from did._verification import require_aware
from did.errors import (
    CryptographicError,
    EncodingError,
    MalformedValueError,
    ParsingError,
    RangeError,
    StatusRetrievalError,
)

__all__ = [
    "STATUS_INVALID",
    "STATUS_SUSPENDED",
    "STATUS_VALID",
    "TokenStatusList",
    "TokenStatusSource",
    "read_status_list_token",
    "status_list_token",
    "token_status",
    "token_status_claim",
]

STATUS_VALID = 0
STATUS_INVALID = 1
STATUS_SUSPENDED = 2
TOKEN_TYPE = "statuslist+jwt"  # noqa: S105 -- a JWT media type, not a secret
_BITS = (1, 2, 4, 8)
# A decompressed list larger than this is refused (a zlib bomb would otherwise expand freely):
# 16 MiB holds 134 million 1-bit statuses.
MAX_LIST_BYTES = 16 * 1024 * 1024

# Status list tokens are supplied as a mapping from URI to token text, or fetched by a callable.
TokenStatusSource: TypeAlias = Mapping[str, str] | Callable[[str], str]


@dataclass(frozen=True)
class TokenStatusList:
    """A status list: `bits` per entry, packed into `data` least significant bits first."""

    bits: int
    data: bytes

    def __post_init__(self) -> None:
        if self.bits not in _BITS:
            raise MalformedValueError(f"status list bits: got {self.bits!r}, want 1, 2, 4 or 8")
        if not isinstance(self.data, bytes):
            raise MalformedValueError("status list: data must be bytes")

    @classmethod
    def new(cls, size: int, bits: int = 1) -> TokenStatusList:
        """An all-VALID list with room for at least `size` entries."""
        if not isinstance(size, int) or size < 1:
            raise MalformedValueError("status list size: want a positive integer")
        if bits not in _BITS:
            raise MalformedValueError(f"status list bits: got {bits!r}, want 1, 2, 4 or 8")
        return cls(bits, bytes(-(-size * bits // 8)))

    @property
    def size(self) -> int:
        """How many entries the byte array holds."""
        return len(self.data) * 8 // self.bits

    def get(self, index: int) -> int:
        """The status at `index` (§4.1); raise RangeError outside the list."""
        byte, shift = self._locate(index)
        return (self.data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, status: int) -> TokenStatusList:
        """A copy of this list with entry `index` set to `status`."""
        if not isinstance(status, int) or not 0 <= status < (1 << self.bits):
            raise RangeError(f"status {status!r} does not fit in {self.bits} bits")
        byte, shift = self._locate(index)
        mask = ((1 << self.bits) - 1) << shift
        data = bytearray(self.data)
        data[byte] = (data[byte] & ~mask) | (status << shift)
        return TokenStatusList(self.bits, bytes(data))

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise RangeError(f"status list index {index!r} is outside 0..{self.size - 1}")
        # §4.1: entries fill each byte from its least significant bit upwards.
        position = index * self.bits
        return position // 8, position % 8

    def to_json(self) -> dict[str, Any]:
        """The `status_list` claim: `bits` and the ZLIB (level 9) base64url `lst` (§4.2)."""
        return {"bits": self.bits, "lst": b64url_encode(zlib.compress(self.data, 9))}

    @classmethod
    def from_json(cls, claim: Any, max_bytes: int = MAX_LIST_BYTES) -> TokenStatusList:
        """Read a `status_list` claim; raise ParsingError/MalformedValueError naming the fault."""
        if not isinstance(claim, dict):
            raise ParsingError("status_list: want a JSON object")
        bits, lst = claim.get("bits"), claim.get("lst")
        if isinstance(bits, bool) or bits not in _BITS:
            raise MalformedValueError(f"status_list bits: got {bits!r}, want 1, 2, 4 or 8")
        if not isinstance(lst, str):
            raise MalformedValueError("status_list lst: want a base64url string")
        try:
            compressed = b64url_decode(lst)
        except EncodingError as exc:
            raise MalformedValueError(f"status_list lst: {exc}") from None
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(compressed, max_bytes + 1)
        except zlib.error:
            raise MalformedValueError("status_list lst: not ZLIB data") from None
        if len(data) > max_bytes or inflater.unconsumed_tail:
            raise MalformedValueError(f"status_list lst: expands beyond {max_bytes} bytes")
        if not inflater.eof:
            raise MalformedValueError("status_list lst: truncated ZLIB data")
        return cls(int(bits), data)


def token_status_claim(uri: str, index: int) -> dict[str, Any]:
    """The `status` claim of a Referenced Token pointing at entry `index` of `uri` (§6.2)."""
    # §6.2: any URI identifies the list; verifiers fetch only https ones, and take others
    # (such as a urn) from lists they were given.
    if not isinstance(uri, str) or ":" not in uri or any(c.isspace() for c in uri):
        raise MalformedValueError(f"status list uri: got {uri!r}, want a URI")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise MalformedValueError("status list idx: want a non-negative integer")
    return {"status_list": {"idx": index, "uri": uri}}


def status_list_token(
    status_list: TokenStatusList,
    *,
    key: Any,
    kid: str,
    uri: str,
    issued_at: datetime,
    expires: datetime | None = None,
    ttl: int | None = None,
) -> str:
    """Sign the Status List Token (§5.1) for publication at `uri`."""
    from did.sd_jwt._jws import algorithm_of, sign_jws

    payload: dict[str, Any] = {"sub": uri, "iat": int(require_aware(issued_at).timestamp())}
    if expires is not None:
        payload["exp"] = int(require_aware(expires).timestamp())
    if ttl is not None:
        if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0:
            raise MalformedValueError("ttl: want a positive number of seconds")
        payload["ttl"] = ttl
    payload["status_list"] = status_list.to_json()
    header = {"alg": algorithm_of(key), "kid": kid, "typ": TOKEN_TYPE}
    return sign_jws(header, payload, key)


def read_status_list_token(
    token: str, *, uri: str, issuer_jwk: dict[str, Any], now: datetime
) -> TokenStatusList:
    """Verify a Status List Token (§8.3 steps) and return its list; raise CredentialError."""
    from did.sd_jwt._jws import Jws, verify_jws

    now = require_aware(now)
    jws = Jws.from_text(token, "status list token")
    # Step: the token is a status list token, signed by the Referenced Token's issuer.
    if jws.header.get("typ") != TOKEN_TYPE:
        raise MalformedValueError(f"status list token typ: got {jws.header.get('typ')!r}")
    verify_jws(jws, issuer_jwk, "status list token")
    payload = jws.payload
    # Step: `sub` is the URI the Referenced Token named, so one list cannot stand for another.
    if payload.get("sub") != uri:
        raise CryptographicError(f"status list token sub: got {payload.get('sub')!r}, want {uri!r}")
    iat, exp = payload.get("iat"), payload.get("exp")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise MalformedValueError("status list token iat: want a NumericDate")
    if exp is not None:
        if isinstance(exp, bool) or not isinstance(exp, int | float):
            raise MalformedValueError("status list token exp: want a NumericDate")
        if exp <= now.timestamp():
            raise RangeError(f"status list token expired at {exp:.0f}, now {now.timestamp():.0f}")
    return TokenStatusList.from_json(payload.get("status_list"))


def token_status(
    payload: dict[str, Any],
    source: TokenStatusSource,
    *,
    issuer_jwk: dict[str, Any],
    now: datetime,
) -> int:
    """The status of a Referenced Token whose (verified) payload has a `status.status_list`."""
    status = payload.get("status")
    entry = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(entry, dict):
        raise ParsingError("status: want an object with a 'status_list' reference")
    uri, index = entry.get("uri"), entry.get("idx")
    if not isinstance(uri, str) or isinstance(index, bool) or not isinstance(index, int):
        raise MalformedValueError("status.status_list: want a string 'uri' and an integer 'idx'")
    if isinstance(source, Mapping):
        if uri not in source:
            raise StatusRetrievalError(f"status list {uri[:80]!r} is not among the given lists")
        token = source[uri]
    else:
        token = source(uri)
    return read_status_list_token(token, uri=uri, issuer_jwk=issuer_jwk, now=now).get(index)
