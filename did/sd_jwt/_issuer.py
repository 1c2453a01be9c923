"""Provides SD-JWT VC issuance: selectively disclosable claims in an EdDSA- or ES256-signed JWT.

RFC 9901 §4 (creating disclosures, `_sd`, `...` array entries, decoys §4.2.5) and SD-JWT VC
(draft-ietf-oauth-sd-jwt-vc §3: `typ` `dc+sd-jwt`, `vct`, `iss`, `cnf`). Which claims are
disclosable is given as JSON Pointers (RFC 6901), e.g. `/given_name`, `/address/locality`,
`/nationalities/0`; a pointer below another makes the inner claim disclosable inside the outer
one (recursive disclosure, RFC 9901 §4.2.6).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from did._data_integrity import Signer
from did._jcs import canonicalize
from did._multibase import b64url_encode
from did._verification import require_aware
from did.errors import MalformedValueError
from did.sd_jwt._common import SD_ALG, Disclosure, SdJwt
from did.sd_jwt._jws import algorithm_of, holder_jwk, sign_jws

__all__ = ["NEVER_DISCLOSABLE", "issue_sd_jwt", "parse_pointer"]

# SD-JWT VC §3.2.2.2: these registered claims must stay in the clear.
NEVER_DISCLOSABLE = ("iss", "nbf", "exp", "cnf", "vct", "status", "_sd", "_sd_alg", "...")
# Registered claims that the issuer sets from its own arguments, never from the claims given.
_ISSUER_SET = ("iss", "iat", "nbf", "exp", "cnf", "vct", "_sd_alg")


def parse_pointer(pointer: str) -> tuple[str, ...]:
    """Split an RFC 6901 JSON Pointer into reference tokens (`~1` is `/`, `~0` is `~`)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise MalformedValueError(f"claim path: got {pointer!r}, want a JSON Pointer like '/name'")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


def _salt(rng: Callable[[int], bytes]) -> str:
    # RFC 9901 §9.3: 128 bits of salt per disclosure.
    return b64url_encode(rng(16))


def _conceal(
    value: Any,
    here: tuple[str, ...],
    paths: set[tuple[str, ...]],
    used: set[tuple[str, ...]],
    disclosures: list[Disclosure],
    rng: Callable[[int], bytes],
) -> Any:
    # Children are concealed first, so that a disclosure of an object carries its own `_sd`.
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        digests: list[str] = []
        for name, child in value.items():
            if name in ("_sd", "..."):
                raise MalformedValueError(f"claim name {name!r} at {'/'.join(here)!r} is reserved")
            path = (*here, name)
            inner = _conceal(child, path, paths, used, disclosures, rng)
            if path in paths:
                used.add(path)
                disclosure = Disclosure.create(_salt(rng), name, inner)
                disclosures.append(disclosure)
                digests.append(disclosure.digest)
            else:
                result[name] = inner
        if digests:
            # §4.2.4.1: the order of digests must not reveal the order of claims.
            result["_sd"] = sorted(digests)
        return result
    if isinstance(value, list):
        items: list[Any] = []
        for index, child in enumerate(value):
            path = (*here, str(index))
            inner = _conceal(child, path, paths, used, disclosures, rng)
            if path in paths:
                used.add(path)
                disclosure = Disclosure.create(_salt(rng), None, inner)
                disclosures.append(disclosure)
                items.append({"...": disclosure.digest})
            else:
                items.append(inner)
        return items
    return value


def issue_sd_jwt(
    claims: Mapping[str, Any],
    *,
    key: Signer,
    verification_method: str,
    vct: str,
    issued_at: datetime,
    disclosable: Iterable[str] = (),
    holder_public_key: bytes | None = None,
    valid_until: datetime | None = None,
    not_before: datetime | None = None,
    issuer: str | None = None,
    decoys: int = 0,
    rng: Callable[[int], bytes] = os.urandom,
    typ: str = "dc+sd-jwt",
    x5c: Sequence[str] | None = None,
) -> str:
    """Issue an SD-JWT VC; return its serialized form `jwt~disclosure~…~`.

    `rng` supplies the salts and decoy digests (tests pass a deterministic one). The JWT header
    names the issuer's verification method in `kid`; `iss` defaults to that method's DID. The
    signature is EdDSA for an Ed25519 `key` and ES256 for a P-256 one; `holder_public_key`
    (32 bytes Ed25519, or a 33-byte compressed P-256 point) becomes the `cnf` JWK. With an
    https `issuer`, `verification_method` is the `kid` of the key in the issuer's JWT VC Issuer
    Metadata; `x5c` puts the issuer's certificate chain (base64 DER, leaf first) in the header.
    """
    issued_at = require_aware(issued_at)
    if typ not in ("dc+sd-jwt", "vc+sd-jwt"):
        raise MalformedValueError(f"typ: got {typ!r}, want 'dc+sd-jwt' or 'vc+sd-jwt'")
    if not isinstance(decoys, int) or decoys < 0:
        raise MalformedValueError("decoys: want a non-negative integer")
    paths = {parse_pointer(p) for p in disclosable}
    for path in paths:
        if len(path) == 1 and path[0] in NEVER_DISCLOSABLE:
            raise MalformedValueError(f"claim {path[0]!r} must not be selectively disclosable")
    for name in _ISSUER_SET:
        if name in claims:
            raise MalformedValueError(f"claim {name!r} is set by the issuer, not by the claims")
    # The claims must be JSON that JCS can represent, so every verifier reads the same values.
    canonicalize(dict(claims))
    disclosures: list[Disclosure] = []
    used: set[tuple[str, ...]] = set()
    body = _conceal(dict(claims), (), paths, used, disclosures, rng)
    if used != paths:
        missing = sorted("/" + "/".join(p) for p in paths - used)
        raise MalformedValueError(f"disclosable claims not found: {', '.join(missing)}")
    digests = list(body.pop("_sd", []))
    # §4.2.5: decoy digests hide how many claims are disclosable.
    digests += [b64url_encode(hashlib.sha256(rng(32)).digest()) for _ in range(decoys)]
    payload: dict[str, Any] = {"iss": issuer or verification_method.partition("#")[0]}
    payload["iat"] = int(issued_at.timestamp())
    if not_before is not None:
        payload["nbf"] = int(require_aware(not_before).timestamp())
    if valid_until is not None:
        payload["exp"] = int(require_aware(valid_until).timestamp())
    payload["vct"] = vct
    if holder_public_key is not None:
        payload["cnf"] = {"jwk": holder_jwk(holder_public_key)}
    payload.update(body)
    if digests:
        payload["_sd"] = sorted(digests)
    payload["_sd_alg"] = SD_ALG
    header: dict[str, Any] = {"alg": algorithm_of(key), "typ": typ, "kid": verification_method}
    if x5c is not None:
        header["x5c"] = list(x5c)
    jwt = sign_jws(header, payload, key)
    return SdJwt(jwt, tuple(d.encoded for d in disclosures)).to_text()
