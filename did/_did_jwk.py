"""Provides the did:jwk method (did:jwk specification, github.com/quartzjer/did-jwk).

A did:jwk is `did:jwk:` + base64url (no padding) of the UTF-8 JSON of a public JWK. We
create it from an Ed25519 key (RFC 8037 OKP JWK) or a P-256 key (RFC 7518 EC JWK) with
members in lexicographic order and no whitespace, the form RFC 7638 uses, so one key always
gives one DID. Resolution accepts OKP keys on Ed25519 (signing) and X25519 (key agreement
only), and EC keys on P-256 (both).
"""

from __future__ import annotations

import json
from functools import lru_cache

from did._document import DidDocument, VerificationMethod, parse_did
from did._jcs import parse_json
from did._keys import (
    KeyType,
    decode_okp_jwk,
    decode_public_jwk,
    is_valid_ed25519_public_key,
    public_key_jwk,
)
from did._multibase import b64url_decode, b64url_encode
from did.errors import (
    EncodingError,
    InvalidDid,
    InvalidPublicKey,
    MalformedValueError,
    ParsingError,
    UnsupportedPublicKeyType,
)

__all__ = ["did_jwk_document", "did_jwk_from_public_key"]

DID_JWK_CONTEXT = (
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/suites/jws-2020/v1",
)


def did_jwk_from_public_key(public_key: bytes, key_type: str = "Ed25519") -> str:
    """Return the did:jwk of a public key (spec §"Create").

    `key_type` is "Ed25519" (32 bytes) or "P-256" (the 33-byte compressed point).
    """
    if key_type not in ("Ed25519", "P-256"):
        raise EncodingError(f"did:jwk key type: got {key_type!r}, want 'Ed25519' or 'P-256'")
    jwk = public_key_jwk(public_key, key_type)
    if key_type == "Ed25519" and not is_valid_ed25519_public_key(public_key):
        raise EncodingError("Ed25519 public key is not a valid curve point")
    text = json.dumps(jwk, sort_keys=True, separators=(",", ":"))
    return "did:jwk:" + b64url_encode(text.encode("utf-8"))


def did_jwk_document(did: str) -> DidDocument:
    """Generate the DID document of a did:jwk (spec §"Read"); raise InvalidDid if malformed."""
    if not isinstance(did, str):
        raise InvalidDid(f"DID must be text, got {type(did).__name__}")
    return _document(did)


@lru_cache(maxsize=256)
def _document(did: str) -> DidDocument:
    url = parse_did(did)
    if url.method != "jwk" or not url.is_bare_did:
        raise InvalidDid(f"{did[:80]!r} is not a bare did:jwk")
    # Read, step 1: base64url-decode the method-specific id and parse it as a JSON object.
    try:
        jwk = parse_json(b64url_decode(url.method_specific_id))
    except (EncodingError, ParsingError, MalformedValueError):
        raise InvalidDid("did:jwk identifier is not base64url-encoded JSON") from None
    if not isinstance(jwk, dict):
        raise InvalidDid("did:jwk identifier is not a JSON object")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if (kty, crv) not in (("OKP", "Ed25519"), ("OKP", "X25519"), ("EC", "P-256")):
        raise UnsupportedPublicKeyType(
            f"did:jwk key kty={kty!r} crv={crv!r}, want OKP Ed25519 or EC P-256"
        )
    key_type: KeyType
    try:
        if kty == "EC":
            key_type, raw = decode_public_jwk(jwk)
        else:
            curve, raw = decode_okp_jwk(jwk)
            key_type = "Ed25519" if curve == "Ed25519" else "X25519"
    except EncodingError as exc:
        # A P-256 JWK whose coordinates are not a curve point is an invalid key, not bad syntax.
        if kty == "EC" and "curve" in str(exc):
            raise InvalidPublicKey(f"did:jwk {exc}") from None
        raise InvalidDid(f"did:jwk {exc}") from None
    if key_type == "Ed25519" and not is_valid_ed25519_public_key(raw):
        raise InvalidPublicKey("did:jwk Ed25519 key is not a valid curve point")
    vm_id = did + "#0"
    method = VerificationMethod(
        vm_id,
        "JsonWebKey2020",
        did,
        raw,
        key_type=key_type,
        key_format="publicKeyJwk",
    )
    # Read, step 2: `use` limits the relationships: "sig" excludes key agreement and "enc"
    # allows only key agreement. An X25519 key can only ever agree keys.
    use = jwk.get("use")
    signing: tuple[str | VerificationMethod, ...] = (
        (vm_id,) if use != "enc" and key_type != "X25519" else ()
    )
    agreement: tuple[str | VerificationMethod, ...] = (vm_id,) if use != "sig" else ()
    return DidDocument(
        id=did,
        verification_methods=(method,),
        authentication=signing,
        assertion_method=signing,
        capability_invocation=signing,
        capability_delegation=signing,
        key_agreement=agreement,
        context=DID_JWK_CONTEXT,
    )
