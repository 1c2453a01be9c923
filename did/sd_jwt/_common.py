"""Provides the SD-JWT pieces shared by issuer, holder and verifier (RFC 9901 §4, §5).

A `Disclosure` is the base64url of a JSON array `[salt, name, value]` (object property,
§4.2.1) or `[salt, value]` (array element, §4.2.2); its digest is the base64url SHA-256 of the
disclosure text as sent (§4.2.3). An `SdJwt` is the issuer-signed JWT, the disclosures and an
optional key-binding JWT, joined by `~` (§4, §5).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from did._jcs import parse_json
from did._multibase import b64url_decode, b64url_encode
from did.errors import EncodingError, MalformedValueError, ParsingError

__all__ = ["SD_ALG", "Disclosure", "SdJwt", "sd_digest"]

# RFC 9901 §4.1.1: the hash algorithm named in `_sd_alg`; SHA-256 is the default and the only
# one supported here.
SD_ALG = "sha-256"
# §4.2.1: these names may not be disclosed, since they carry the structure itself.
_RESERVED_NAMES = ("_sd", "...")
# Every part of the serialization is base64url text or a JWS made of it (RFC 9901 §4).
_SERIALIZED_RE = re.compile(r"[A-Za-z0-9_\-.~]*")


def sd_digest(text: str) -> str:
    """The digest of a disclosure or of an SD-JWT prefix: base64url(SHA-256(ASCII(text)))."""
    return b64url_encode(hashlib.sha256(text.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    """One disclosure; `name` is None for an array element."""

    encoded: str
    salt: str
    name: str | None
    value: Any

    @classmethod
    def create(cls, salt: str, name: str | None, value: Any) -> Disclosure:
        """Encode a new disclosure (the JSON is compact UTF-8, as any form is allowed)."""
        if name in _RESERVED_NAMES:
            raise MalformedValueError(f"disclosure: claim name {name!r} is reserved")
        array = [salt, value] if name is None else [salt, name, value]
        text = json.dumps(array, ensure_ascii=False, separators=(",", ":"))
        return cls(b64url_encode(text.encode("utf-8")), salt, name, value)

    @classmethod
    def from_encoded(cls, encoded: str) -> Disclosure:
        """Decode a disclosure; raise ParsingError/MalformedValueError naming the fault."""
        try:
            array = parse_json(b64url_decode(encoded))
        except EncodingError as exc:
            raise ParsingError(f"disclosure: {exc}") from None
        if not isinstance(array, list) or len(array) not in (2, 3):
            raise MalformedValueError("disclosure: want a JSON array of 2 or 3 elements")
        if not isinstance(array[0], str):
            raise MalformedValueError("disclosure: the salt must be a string")
        if len(array) == 2:
            return cls(encoded, array[0], None, array[1])
        if not isinstance(array[1], str) or array[1] in _RESERVED_NAMES:
            raise MalformedValueError(f"disclosure: bad claim name {array[1]!r}")
        return cls(encoded, array[0], array[1], array[2])

    @property
    def digest(self) -> str:
        """The SHA-256 digest that the payload (or a parent disclosure) lists for it."""
        return sd_digest(self.encoded)


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT (`jwt~d1~…~dn~`) or SD-JWT+KB (`jwt~d1~…~dn~kb`), not yet verified."""

    issuer_jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None = None

    @classmethod
    def from_text(cls, text: str) -> SdJwt:
        """Split the `~`-separated form (RFC 9901 §4); raise ParsingError when it is not one."""
        if not isinstance(text, str):
            raise ParsingError(f"SD-JWT: got {type(text).__name__}, want text")
        if _SERIALIZED_RE.fullmatch(text) is None:
            raise ParsingError("SD-JWT: only base64url characters, '.' and '~' are allowed")
        if "~" not in text:
            raise ParsingError("SD-JWT: no '~' separator (a plain JWT is not an SD-JWT)")
        parts = text.split("~")
        jwt, disclosures, last = parts[0], parts[1:-1], parts[-1]
        if not jwt or any(not d for d in disclosures):
            raise ParsingError("SD-JWT: empty issuer JWT or empty disclosure")
        return cls(jwt, tuple(disclosures), last or None)

    def to_text(self) -> str:
        """The serialized form; with no key binding it ends with `~`."""
        return self.sd_hash_input() + (self.kb_jwt or "")

    def sd_hash_input(self) -> str:
        """What `sd_hash` covers: everything up to and including the last `~` (§4.3.1)."""
        return "".join(f"{part}~" for part in (self.issuer_jwt, *self.disclosures))
