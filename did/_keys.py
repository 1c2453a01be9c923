"""Provides Ed25519 keys, signatures (RFC 8032), key encodings (Multikey, RFC 8037 JWK) and the
key abstraction shared with P-256 (`did._p256`): a key type name, its Multikey and JWK forms,
and one `verify_signature` that dispatches on the key type.

Public keys that arrive from outside (a did:key, a JWK, a DID document) are checked with
libsodium's `crypto_core_ed25519_is_valid_point`: the 32 bytes must be a canonical encoding
of a point on the curve, in the prime-order subgroup and not of small order. RFC 8032 §5.1.3
only requires decodability, but a small-order or mixed-order key lets anyone forge
signatures that some verifiers accept, so an identifier built on one is refused up front.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from typing import Literal, Protocol

import nacl.bindings
import nacl.exceptions
import nacl.signing

from did._multibase import b64url_decode, b64url_encode, multibase_decode, multibase_encode
from did.errors import CryptographicError, EncodingError

__all__ = [
    "ED25519_PUBLIC_KEY_SIZE",
    "Ed25519Key",
    "KeyType",
    "SigningKey",
    "decode_multikey",
    "decode_okp_jwk",
    "decode_public_jwk",
    "ed25519_multikey",
    "is_valid_ed25519_public_key",
    "load_signing_key",
    "multikey",
    "public_key_jwk",
    "verify_ed25519",
    "verify_signature",
    "x25519_multikey",
]

KeyType = Literal["Ed25519", "X25519", "P-256"]
# The key types that can sign; X25519 only ever agrees keys.
SIGNING_KEY_TYPES = ("Ed25519", "P-256")


class SigningKey(Protocol):
    """A private key that signs: `Ed25519Key` or `P256Key`.

    `key_type` names the curve ("Ed25519" or "P-256"), `jws_alg` its JOSE algorithm ("EdDSA"
    or "ES256"), and `public_key` its raw public form (32 bytes, or a 33-byte compressed point).
    """

    @property
    def key_type(self) -> str: ...
    @property
    def jws_alg(self) -> str: ...
    @property
    def public_key(self) -> bytes: ...
    def sign(self, message: bytes) -> bytes: ...


ED25519_PUBLIC_KEY_SIZE = 32
ED25519_SEED_SIZE = 32
ED25519_SIGNATURE_SIZE = 64


class Ed25519Key:
    """An Ed25519 private key held as its 32-byte seed (RFC 8032 §5.1.5).

    The seed is a secret: it is never part of `repr`, and equality compares in constant time.
    """

    __slots__ = ("_public_key", "_seed", "_signing_key")

    key_type = "Ed25519"
    jws_alg = "EdDSA"

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes | bytearray) or len(seed) != ED25519_SEED_SIZE:
            size = len(seed) if isinstance(seed, bytes | bytearray) else type(seed).__name__
            raise EncodingError(f"Ed25519 seed: got {size} bytes, want {ED25519_SEED_SIZE}")
        self._seed = bytes(seed)
        self._signing_key = nacl.signing.SigningKey(self._seed)
        self._public_key = bytes(self._signing_key.verify_key)

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519Key:
        """Build the key whose RFC 8032 private key is `seed` (32 bytes)."""
        return cls(seed)

    @classmethod
    def generate(cls, rng: Callable[[int], bytes] | None = None) -> Ed25519Key:
        """Make a fresh key from `rng(32)`; the operating system's CSPRNG when `rng` is None."""
        source = os.urandom if rng is None else rng
        return cls(source(ED25519_SEED_SIZE))

    @property
    def seed(self) -> bytes:
        """The 32-byte secret seed. Handle with care: whoever holds it can sign."""
        return self._seed

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._public_key

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of `message` (RFC 8032 §5.1.6)."""
        return bytes(self._signing_key.sign(bytes(message)).signature)

    def __repr__(self) -> str:
        return f"Ed25519Key(public_key={self._public_key.hex()}, seed=<redacted>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ed25519Key):
            return NotImplemented
        return hmac.compare_digest(self._seed, other._seed)

    def __hash__(self) -> int:
        return hash(self._public_key)


def is_valid_ed25519_public_key(public_key: bytes) -> bool:
    """Say whether `public_key` is 32 bytes encoding a usable Ed25519 point (see module doc)."""
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_PUBLIC_KEY_SIZE:
        return False
    return bool(nacl.bindings.crypto_core_ed25519_is_valid_point(public_key))


def verify_ed25519(public_key: bytes, message: bytes, signature: bytes) -> None:
    """Verify an Ed25519 signature (RFC 8032 §5.1.7); raise CryptographicError if it fails.

    libsodium's verifier also rejects non-canonical `S` values and small-order public keys.
    """
    # Check the sizes first so the error names the problem rather than a generic failure.
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_PUBLIC_KEY_SIZE:
        got = len(public_key) if isinstance(public_key, bytes) else type(public_key).__name__
        raise CryptographicError(f"Ed25519 public key: got {got} bytes, want 32")
    if not isinstance(signature, bytes) or len(signature) != ED25519_SIGNATURE_SIZE:
        got = len(signature) if isinstance(signature, bytes) else type(signature).__name__
        raise CryptographicError(f"Ed25519 signature: got {got} bytes, want 64")
    try:
        nacl.bindings.crypto_sign_open(signature + bytes(message), public_key)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
        raise CryptographicError("Ed25519 signature does not verify") from None


# Multicodec table entries (multiformats/multicodec `table.csv`) for the key types we read,
# as unsigned-varint prefixes: 0xed is ed25519-pub and 0xec is x25519-pub.
MULTICODEC_ED25519_PUB = b"\xed\x01"
MULTICODEC_X25519_PUB = b"\xec\x01"
# p256-pub is 0x1200, whose unsigned varint is 0x80 0x24 (so every P-256 Multikey is `zDn…`).
MULTICODEC_P256_PUB = b"\x80\x24"
_MULTIKEY_TYPES: dict[bytes, KeyType] = {
    MULTICODEC_ED25519_PUB: "Ed25519",
    MULTICODEC_X25519_PUB: "X25519",
    MULTICODEC_P256_PUB: "P-256",
}
_MULTICODEC_OF: dict[str, bytes] = {name: prefix for prefix, name in _MULTIKEY_TYPES.items()}
_KEY_SIZES = {"Ed25519": 32, "X25519": 32, "P-256": 33}


def ed25519_multikey(public_key: bytes) -> str:
    """Encode an Ed25519 public key as Multikey `publicKeyMultibase` (`z6Mk…`)."""
    _check_key_size("Ed25519", public_key)
    return multibase_encode(MULTICODEC_ED25519_PUB + public_key)


def x25519_multikey(public_key: bytes) -> str:
    """Encode an X25519 public key as Multikey `publicKeyMultibase` (`z6LS…`)."""
    _check_key_size("X25519", public_key)
    return multibase_encode(MULTICODEC_X25519_PUB + public_key)


def multikey(key_type: str, public_key: bytes) -> str:
    """Encode a public key of any supported type as Multikey `publicKeyMultibase`."""
    if key_type not in _MULTICODEC_OF:
        raise EncodingError(f"Multikey: key type {key_type!r}, want Ed25519, X25519 or P-256")
    _check_key_size(key_type, public_key)
    return multibase_encode(_MULTICODEC_OF[key_type] + public_key)


def decode_multikey(text: str) -> tuple[KeyType, bytes]:
    """Decode a Multikey `publicKeyMultibase` into (key type, raw key bytes).

    Only base58btc (`z`) with an Ed25519, X25519 or P-256 multicodec prefix is accepted; a
    P-256 key must be a compressed point on the curve.
    """
    data = multibase_decode(text, expect="base58btc")
    key_type = _MULTIKEY_TYPES.get(data[:2])
    if key_type is None:
        raise EncodingError(
            f"Multikey: multicodec prefix {data[:2].hex()!r}, want ed01, ec01 or 8024"
        )
    raw = data[2:]
    _check_key_size(key_type, raw)
    if key_type == "P-256":
        from did._p256 import p256_compress

        p256_compress(raw)
    return key_type, raw


def public_key_jwk(public_key: bytes, key_type: str = "Ed25519") -> dict[str, str]:
    """Return the public JWK: RFC 8037 OKP for Ed25519/X25519, RFC 7518 EC for P-256."""
    _check_key_size(key_type, public_key)
    if key_type == "P-256":
        from did._p256 import p256_jwk

        return p256_jwk(public_key)
    return {"kty": "OKP", "crv": key_type, "x": b64url_encode(public_key)}


def decode_public_jwk(jwk: object) -> tuple[KeyType, bytes]:
    """Read a public OKP (Ed25519, X25519) or EC P-256 JWK into (key type, raw key bytes)."""
    if isinstance(jwk, dict) and jwk.get("kty") == "EC":
        from did._p256 import p256_public_key_from_jwk

        return "P-256", p256_public_key_from_jwk(jwk)
    curve, raw = decode_okp_jwk(jwk)
    return ("Ed25519" if curve == "Ed25519" else "X25519"), raw


def verify_signature(key_type: str, public_key: bytes, message: bytes, signature: bytes) -> None:
    """Verify a signature with a public key of `key_type`; raise CryptographicError.

    Ed25519 is RFC 8032 EdDSA; P-256 is ECDSA with SHA-256 and a 64-byte `R || S` signature.
    """
    if key_type == "Ed25519":
        verify_ed25519(public_key, message, signature)
    elif key_type == "P-256":
        from did._p256 import verify_p256

        verify_p256(public_key, message, signature)
    else:
        raise CryptographicError(f"a {key_type} key cannot verify signatures")


def decode_okp_jwk(jwk: object) -> tuple[str, bytes]:
    """Read an RFC 8037 OKP public JWK into (curve, raw key bytes); reject private keys."""
    if not isinstance(jwk, dict):
        raise EncodingError(f"JWK: got {type(jwk).__name__}, want a JSON object")
    if jwk.get("kty") != "OKP":
        raise EncodingError(f"JWK: kty {jwk.get('kty')!r}, want 'OKP'")
    crv = jwk.get("crv")
    if crv not in ("Ed25519", "X25519"):
        raise EncodingError(f"JWK: crv {crv!r}, want 'Ed25519' or 'X25519'")
    # A DID document or DID must never carry private key material (RFC 8037 §2 `d`).
    if "d" in jwk:
        raise EncodingError("JWK: contains private key member 'd'")
    x = jwk.get("x")
    if not isinstance(x, str):
        raise EncodingError("JWK: member 'x' missing or not a string")
    raw = b64url_decode(x)
    _check_key_size(str(crv), raw)
    return str(crv), raw


def _check_key_size(key_type: str, raw: bytes) -> None:
    want = _KEY_SIZES[key_type]
    if not isinstance(raw, bytes) or len(raw) != want:
        got = len(raw) if isinstance(raw, bytes) else type(raw).__name__
        raise EncodingError(f"{key_type} public key: got {got} bytes, want {want}")


def load_signing_key(key_type: str, secret: bytes) -> SigningKey:
    """Rebuild a private key from the secret a keystore holds for it.

    Ed25519 keys are kept as their 32-byte seed and P-256 keys as their 32-byte scalar, so the
    secret alone does not say which it is; the caller names the type it recorded.
    """
    if key_type == "Ed25519":
        return Ed25519Key.from_seed(secret)
    if key_type == "P-256":
        from did._p256 import P256Key

        return P256Key.from_private_bytes(secret)
    raise EncodingError(f"signing key type: got {key_type!r}, want 'Ed25519' or 'P-256'")
