"""Provides the SD-JWT holder: choosing disclosures and adding a key-binding JWT (RFC 9901 §4.3).

The holder reveals claims by JSON Pointer. Revealing a claim also reveals the disclosures on the
way to it (a disclosable `address` must be disclosed for `/address/locality` to be seen) and
every disclosure beneath it. The key-binding JWT (`typ` `kb+jwt`) signs the verifier's `nonce`
and `aud`, the time `iat` and `sd_hash`, the digest of the presented SD-JWT up to its last `~`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from did._data_integrity import Signer
from did._verification import require_aware
from did.errors import MalformedValueError
from did.sd_jwt._common import Disclosure, SdJwt, sd_digest
from did.sd_jwt._issuer import parse_pointer
from did.sd_jwt._jws import Jws, algorithm_of, sign_jws

__all__ = ["disclosure_paths", "present_sd_jwt"]


def _walk(
    value: Any,
    here: tuple[str, ...],
    by_digest: dict[str, Disclosure],
    chain: tuple[str, ...],
    found: dict[tuple[str, ...], tuple[str, ...]],
) -> None:
    # `found` maps each claim path to the disclosures (by digest) needed to reveal it.
    if isinstance(value, dict):
        for digest in value.get("_sd", []) if isinstance(value.get("_sd"), list) else []:
            disclosure = by_digest.get(digest)
            if disclosure is not None and disclosure.name is not None:
                path = (*here, disclosure.name)
                found[path] = (*chain, digest)
                _walk(disclosure.value, path, by_digest, (*chain, digest), found)
        for name, child in value.items():
            if name not in ("_sd", "_sd_alg"):
                found.setdefault((*here, name), chain)
                _walk(child, (*here, name), by_digest, chain, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            path = (*here, str(index))
            digest = item.get("...") if isinstance(item, dict) and len(item) == 1 else None
            disclosure = by_digest.get(digest) if isinstance(digest, str) else None
            if digest is not None and disclosure is not None and disclosure.name is None:
                found[path] = (*chain, digest)
                _walk(disclosure.value, path, by_digest, (*chain, digest), found)
            else:
                found.setdefault(path, chain)
                _walk(item, path, by_digest, chain, found)


def disclosure_paths(sd_jwt: SdJwt) -> dict[str, tuple[str, ...]]:
    """Map every claim (as a JSON Pointer) to the digests of the disclosures that reveal it."""
    payload = Jws.from_text(sd_jwt.issuer_jwt, "issuer-signed JWT").payload
    by_digest = {}
    for encoded in sd_jwt.disclosures:
        disclosure = Disclosure.from_encoded(encoded)
        by_digest[disclosure.digest] = disclosure
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    _walk(payload, (), by_digest, (), found)
    return {
        "/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in path): chain
        for path, chain in found.items()
    }


def present_sd_jwt(
    sd_jwt: str,
    *,
    disclose: Iterable[str],
    holder_key: Signer | None,
    audience: str | None = None,
    nonce: str | None = None,
    issued_at: datetime | None = None,
) -> str:
    """Return the presentation `jwt~chosen disclosures~kb-jwt` of an issued SD-JWT.

    With `holder_key`, a key-binding JWT over `audience`, `nonce` and `issued_at` is appended
    (all three are then required); without it the result ends with `~`.
    """
    issued = SdJwt.from_text(sd_jwt)
    paths = disclosure_paths(issued)
    wanted: set[str] = set()
    for pointer in disclose:
        parse_pointer(pointer)
        if pointer not in paths:
            raise MalformedValueError(f"claim {pointer!r} is not in this SD-JWT")
        prefix = pointer + "/"
        for path, chain in paths.items():
            if path == pointer or path.startswith(prefix):
                wanted.update(chain)
    chosen = tuple(d for d in issued.disclosures if sd_digest(d) in wanted)
    presented = SdJwt(issued.issuer_jwt, chosen)
    if holder_key is None:
        return presented.to_text()
    if not isinstance(audience, str) or not audience or not isinstance(nonce, str) or not nonce:
        raise MalformedValueError("key binding: want a non-empty audience and nonce")
    if issued_at is None:
        raise MalformedValueError("key binding: want issued_at")
    payload = {
        "iat": int(require_aware(issued_at).timestamp()),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": sd_digest(presented.sd_hash_input()),
    }
    kb_jwt = sign_jws({"alg": algorithm_of(holder_key), "typ": "kb+jwt"}, payload, holder_key)
    return SdJwt(issued.issuer_jwt, chosen, kb_jwt).to_text()
