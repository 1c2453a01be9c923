"""Provides reading a trusted public key given out of band: a JWK, a PEM or a Multikey.

A verifier that already knows an issuer's key (from a file, as `--issuer-key` passes it) names
it in one of the forms issuers publish: a JSON Web Key (RFC 7517; OKP Ed25519 or EC P-256), a
PEM `PUBLIC KEY` (RFC 5280 SubjectPublicKeyInfo, RFC 7468), or a Multikey `publicKeyMultibase`
(`z6Mk…` or `zDn…`, also as a did:key). Private keys are refused in every form: a file meant
to say whom to trust must never carry what lets one sign.
"""

from __future__ import annotations

from did._jcs import parse_json
from did._keys import SIGNING_KEY_TYPES, KeyType, decode_multikey, decode_public_jwk
from did.errors import EncodingError, MalformedValueError, ParsingError

__all__ = ["read_public_key"]

# Key files are small; anything larger is not a key.
MAX_KEY_FILE = 64 * 1024


def read_public_key(data: bytes | str) -> tuple[KeyType, bytes]:
    """Read a public signing key; return (key type, raw key) as verification methods hold it.

    Raise EncodingError naming the form expected when the input is none of them, is a private
    key, or is a key type that cannot sign.
    """
    if isinstance(data, bytes):
        if len(data) > MAX_KEY_FILE:
            raise EncodingError(f"key file: {len(data)} bytes, limit {MAX_KEY_FILE}")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise EncodingError("key file: not UTF-8 text (want a JWK, PEM or Multikey)") from None
    text = data.strip()
    if "PRIVATE KEY" in text:
        raise EncodingError("key file: holds a private key; give the public key only")
    if text.startswith("-----BEGIN"):
        key_type, raw = _read_pem(text)
    elif text.startswith("{"):
        try:
            jwk = parse_json(text)
        except (ParsingError, MalformedValueError):
            raise EncodingError("key file: starts with '{' but is not JSON (I-JSON)") from None
        key_type, raw = decode_public_jwk(jwk)
    elif text.startswith(("z", "did:key:z")):
        key_type, raw = decode_multikey(text.removeprefix("did:key:").partition("#")[0])
    else:
        raise EncodingError("key file: want a JWK, a PEM PUBLIC KEY or a Multikey ('z…')")
    if key_type not in SIGNING_KEY_TYPES:
        raise EncodingError(f"key file: a {key_type} key cannot sign, want Ed25519 or P-256")
    return key_type, raw


def _read_pem(text: str) -> tuple[KeyType, bytes]:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_public_key,
    )

    try:
        key = load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise EncodingError("key file: not a PEM PUBLIC KEY") from None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "P-256", key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    raise EncodingError("key file: PEM key is neither Ed25519 nor P-256")
