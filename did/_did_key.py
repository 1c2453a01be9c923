"""Provides the did:key method for Ed25519 and P-256 keys (W3C CCG did:key specification v0.9).

A did:key is `did:key:` + multibase base58btc (`z`) of a multicodec varint followed by the
key: `ed25519-pub` (0xed 0x01) and the 32-byte key, so every Ed25519 did:key starts with
`z6Mk`; or `p256-pub` (0x1200, varint 0x80 0x24) and the 33-byte compressed point, so every
P-256 did:key starts with `zDn`. The DID document is generated, never fetched: one `Multikey`
verification method whose fragment is the multibase value, referenced by the four signing
relationships.

Beyond the length check the spec requires, decoded keys must also be valid Ed25519 points
(canonical, on the curve, not of small order): the spec's "Decode Public Key" algorithm asks
implementations to validate the key and raise `invalidPublicKey`, and a small-order key
would let a forger pass some verifiers. A P-256 key must decompress to a point on the curve.
"""

from __future__ import annotations

from functools import lru_cache

import nacl.bindings

from did._document import DidDocument, VerificationMethod, parse_did
from did._keys import (
    ED25519_PUBLIC_KEY_SIZE,
    MULTICODEC_ED25519_PUB,
    MULTICODEC_P256_PUB,
    KeyType,
    ed25519_multikey,
    is_valid_ed25519_public_key,
    multikey,
    x25519_multikey,
)
from did._multibase import b58decode
from did._p256 import P256_COMPRESSED_SIZE, is_valid_p256_public_key
from did.errors import (
    EncodingError,
    InvalidDid,
    InvalidPublicKey,
    InvalidPublicKeyLength,
    UnsupportedPublicKeyType,
)

__all__ = [
    "did_key_document",
    "did_key_from_public_key",
    "key_type_of_did_key",
    "public_key_from_did_key",
]

DID_KEY_CONTEXT = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")


def did_key_from_public_key(public_key: bytes, key_type: str = "Ed25519") -> str:
    """Return the did:key of a public key (spec §"Create", steps 1-3).

    `key_type` is "Ed25519" (32 bytes) or "P-256" (the 33-byte compressed point).
    """
    if key_type == "P-256":
        if not is_valid_p256_public_key(public_key):
            raise EncodingError("P-256 public key: want a 33-byte compressed point on the curve")
        return "did:key:" + multikey("P-256", public_key)
    if key_type != "Ed25519":
        raise EncodingError(f"did:key key type: got {key_type!r}, want 'Ed25519' or 'P-256'")
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_PUBLIC_KEY_SIZE:
        got = len(public_key) if isinstance(public_key, bytes) else type(public_key).__name__
        raise EncodingError(f"Ed25519 public key: got {got} bytes, want 32")
    if not is_valid_ed25519_public_key(public_key):
        raise EncodingError("Ed25519 public key is not a valid curve point")
    return "did:key:" + ed25519_multikey(public_key)


def public_key_from_did_key(did: str) -> bytes:
    """Return the public key of a did:key (Ed25519: 32 bytes; P-256: the compressed point).

    Raise an InvalidDid subclass if malformed.
    """
    if not isinstance(did, str):
        raise InvalidDid(f"DID must be text, got {type(did).__name__}")
    return _decode(did)[2]


def key_type_of_did_key(did: str) -> KeyType:
    """Return the key type ("Ed25519" or "P-256") of a did:key; raise InvalidDid if malformed."""
    if not isinstance(did, str):
        raise InvalidDid(f"DID must be text, got {type(did).__name__}")
    return _decode(did)[1]


@lru_cache(maxsize=1024)
def _decode(did: str) -> tuple[str, KeyType, bytes]:
    """Decode and check a did:key: (multibase value, key type, raw key); cached by DID."""
    # Parse the DID syntax first (DID Core §3.1) so that errors name the real problem.
    url = parse_did(did)
    if url.method != "key":
        raise InvalidDid(f"method is {url.method!r}, want 'key'")
    if not url.is_bare_did:
        raise InvalidDid("a did:key must not carry a path, query or fragment here")
    # Spec "Decode": did:key:<version>:<multibase> has an explicit version, which must be a
    # positive integer; the two-part form means version 1, the only version defined.
    parts = url.method_specific_id.split(":")
    if len(parts) > 2:
        raise InvalidDid(f"did:key has {len(parts) + 2} components, want 3 or 4")
    if len(parts) == 2:
        version, multibase_value = parts
        if not version.isdigit() or int(version) < 1:
            raise InvalidDid(f"did:key version {version!r} is not a positive integer")
        if int(version) != 1:
            raise InvalidDid(f"did:key version {version} is not supported, want 1")
    else:
        multibase_value = parts[0]
    # Spec "Decode", step 2: the multibase value must use base58btc, prefix `z`.
    if not multibase_value.startswith("z"):
        raise InvalidDid(f"multibase prefix {multibase_value[:1]!r}, want 'z' (base58btc)")
    try:
        data = b58decode(multibase_value[1:])
    except EncodingError as exc:
        raise InvalidDid(f"did:key {exc}") from None
    # Step 3: the multicodec header is an unsigned varint; ed25519-pub and p256-pub resolve.
    if data[:2] == MULTICODEC_P256_PUB:
        raw = data[2:]
        # Steps 4-5 for P-256: 33 bytes, and a compressed point that lies on the curve.
        if len(raw) != P256_COMPRESSED_SIZE:
            raise InvalidPublicKeyLength(f"did:key P-256 key is {len(raw)} bytes, want 33")
        if not is_valid_p256_public_key(raw):
            raise InvalidPublicKey("did:key P-256 key is not a compressed point on the curve")
        return multibase_value, "P-256", raw
    if data[:2] != MULTICODEC_ED25519_PUB:
        codec = _varint(data)
        name = "an invalid varint" if codec is None else hex(codec)
        raise UnsupportedPublicKeyType(
            f"did:key multicodec is {name}, want 0xed (ed25519-pub) or 0x1200 (p256-pub)"
        )
    raw = data[2:]
    # Step 4: the key length must match the multicodec's key size.
    if len(raw) != ED25519_PUBLIC_KEY_SIZE:
        raise InvalidPublicKeyLength(f"did:key Ed25519 key is {len(raw)} bytes, want 32")
    # Step 5: the key bytes must be a proper encoding of the key type (see module doc).
    if not is_valid_ed25519_public_key(raw):
        raise InvalidPublicKey("did:key Ed25519 key is not a valid curve point")
    return multibase_value, "Ed25519", raw


def _varint(data: bytes) -> int | None:
    """Read a multiformats unsigned varint (at most 9 bytes); None when it is cut short."""
    value = 0
    for position, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * position)
        if not byte & 0x80:
            return value
    return None


def did_key_document(did: str, *, enable_encryption_key_derivation: bool = False) -> DidDocument:
    """Generate the DID document of a did:key (spec §"Create DID Document").

    With `enable_encryption_key_derivation`, an X25519 `keyAgreement` method derived from
    an Ed25519 key (RFC 7748 birational map) is embedded, as the spec's option describes; the
    option has no effect on a P-256 key, for which no derivation is defined.
    Documents are cached because a verifier resolves the same issuers again and again.
    """
    if not isinstance(did, str):
        raise InvalidDid(f"DID must be text, got {type(did).__name__}")
    return _document(did, bool(enable_encryption_key_derivation))


@lru_cache(maxsize=1024)
def _document(did: str, enable_encryption_key_derivation: bool) -> DidDocument:
    multibase_value, key_type, raw = _decode(did)
    vm_id = f"{did}#{multibase_value}"
    method = VerificationMethod(vm_id, "Multikey", did, raw, key_type=key_type)
    key_agreement: tuple[str | VerificationMethod, ...] = ()
    if enable_encryption_key_derivation and key_type == "Ed25519":
        x25519 = bytes(nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(raw))
        x_value = x25519_multikey(x25519)
        key_agreement = (
            VerificationMethod(f"{did}#{x_value}", "Multikey", did, x25519, key_type="X25519"),
        )
    return DidDocument(
        id=did,
        verification_methods=(method,),
        authentication=(vm_id,),
        assertion_method=(vm_id,),
        capability_invocation=(vm_id,),
        capability_delegation=(vm_id,),
        key_agreement=key_agreement,
        context=DID_KEY_CONTEXT,
    )
