"""Provides P-256 (secp256r1) keys and ES256 signatures for did:key, did:jwk, JWS and ECDSA.

Public keys travel as the 33-byte SEC 1 §2.3.3 compressed point, the form the did:key and
Multikey specifications use for `p256-pub` (multicodec 0x1200); JWKs (RFC 7518 §6.2.1) carry
the two 32-byte coordinates. Signatures are the 64-byte `R || S` of RFC 7518 §3.4 (JOSE form),
which is also what `ecdsa-jcs-2019` encodes in `proofValue` (vc-di-ecdsa §3.3.6).

pyca/cryptography is imported inside the functions, never at module import: the command line's
start-up budget is spent on `import did`, and most invocations never touch P-256.

ECDSA needs a fresh secret nonce per signature. The installed OpenSSL draws it from its own
CSPRNG (RFC 6979 deterministic nonces need OpenSSL 3.2); so P-256 signatures are not
reproducible byte for byte, and tests check them by verifying, never by comparing bytes.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from did._multibase import b64url_decode, b64url_encode
from did.errors import CryptographicError, EncodingError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

__all__ = [
    "P256_COMPRESSED_SIZE",
    "P256Key",
    "p256_compress",
    "p256_jwk",
    "p256_public_key_from_jwk",
    "verify_p256",
]

P256_COMPRESSED_SIZE = 33
P256_SCALAR_SIZE = 32
P256_SIGNATURE_SIZE = 64
# The order n of the P-256 base point (FIPS 186-5 / SEC 2 §2.4.2): private scalars lie in [1, n-1].
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _load_point(public_key: bytes) -> ec.EllipticCurvePublicKey:
    """Decode a compressed or uncompressed SEC 1 point; raise EncodingError if off the curve."""
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(public_key, bytes) or len(public_key) not in (33, 65):
        got = len(public_key) if isinstance(public_key, bytes) else type(public_key).__name__
        raise EncodingError(f"P-256 public key: got {got} bytes, want 33 (compressed)")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key)
    except ValueError:
        raise EncodingError("P-256 public key is not a point on the curve") from None


def p256_compress(public_key: bytes) -> bytes:
    """Return the 33-byte compressed form of a P-256 point given compressed or uncompressed."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = _load_point(public_key)
    return point.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def is_valid_p256_public_key(public_key: bytes) -> bool:
    """Say whether `public_key` is a 33-byte compressed point on P-256."""
    if not isinstance(public_key, bytes) or len(public_key) != P256_COMPRESSED_SIZE:
        return False
    try:
        _load_point(public_key)
    except EncodingError:
        return False
    return True


def p256_jwk(public_key: bytes) -> dict[str, str]:
    """The RFC 7518 §6.2.1 public JWK (`kty` EC, `crv` P-256) of a compressed point."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = _load_point(public_key).public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url_encode(raw[1:33]),
        "y": b64url_encode(raw[33:]),
    }


def _coordinate(jwk: dict[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise EncodingError(f"JWK: member {name!r} missing or not a string")
    data = b64url_decode(value)
    # RFC 7518 §6.2.1.2: each coordinate is the full 32 bytes, leading zeros kept.
    if len(data) != P256_SCALAR_SIZE:
        raise EncodingError(f"JWK {name}: got {len(data)} bytes, want {P256_SCALAR_SIZE}")
    return data


def p256_public_key_from_jwk(jwk: object) -> bytes:
    """Read a public EC P-256 JWK into its compressed point; reject private keys and bad points."""
    if not isinstance(jwk, dict):
        raise EncodingError(f"JWK: got {type(jwk).__name__}, want a JSON object")
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise EncodingError(f"JWK: kty {jwk.get('kty')!r} crv {jwk.get('crv')!r}, want EC P-256")
    if "d" in jwk:
        raise EncodingError("JWK: contains private key member 'd'")
    x, y = _coordinate(jwk, "x"), _coordinate(jwk, "y")
    return p256_compress(b"\x04" + x + y)


def verify_p256(public_key: bytes, message: bytes, signature: bytes) -> None:
    """Verify an ES256 `R || S` signature over SHA-256(message); raise CryptographicError."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if not isinstance(signature, bytes) or len(signature) != P256_SIGNATURE_SIZE:
        got = len(signature) if isinstance(signature, bytes) else type(signature).__name__
        raise CryptographicError(f"P-256 signature: got {got} bytes, want 64 (R || S)")
    try:
        point = _load_point(public_key)
    except EncodingError as exc:
        raise CryptographicError(str(exc)) from None
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    # Out-of-range R or S can never verify; saying so names the fault precisely.
    if not (0 < r < P256_ORDER and 0 < s < P256_ORDER):
        raise CryptographicError("P-256 signature: R or S is outside [1, n-1]")
    try:
        point.verify(encode_dss_signature(r, s), bytes(message), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise CryptographicError("P-256 signature does not verify") from None


class P256Key:
    """A P-256 private key held as its 32-byte big-endian scalar `d`.

    The scalar is a secret: it is never part of `repr`, and equality compares in constant time.
    """

    __slots__ = ("_d", "_private", "_public_key")

    key_type = "P-256"
    jws_alg = "ES256"

    def __init__(self, d: bytes) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        if not isinstance(d, bytes | bytearray) or len(d) != P256_SCALAR_SIZE:
            size = len(d) if isinstance(d, bytes | bytearray) else type(d).__name__
            raise EncodingError(f"P-256 private key: got {size} bytes, want {P256_SCALAR_SIZE}")
        value = int.from_bytes(d, "big")
        if not 0 < value < P256_ORDER:
            raise EncodingError("P-256 private key: scalar outside [1, n-1]")
        self._d = bytes(d)
        self._private = ec.derive_private_key(value, ec.SECP256R1())
        self._public_key = self._private.public_key().public_bytes(
            Encoding.X962, PublicFormat.CompressedPoint
        )

    @classmethod
    def from_private_bytes(cls, d: bytes) -> P256Key:
        """Build the key whose private scalar is the 32 big-endian bytes `d`."""
        return cls(d)

    @classmethod
    def from_jwk(cls, jwk: object) -> P256Key:
        """Build the key of a private EC P-256 JWK; `x`/`y`, when present, must match `d`."""
        if not isinstance(jwk, dict) or not isinstance(jwk.get("d"), str):
            raise EncodingError("private JWK: want an EC P-256 object with 'd'")
        key = cls(_coordinate(jwk, "d"))
        if "x" in jwk or "y" in jwk:
            public = p256_public_key_from_jwk({k: v for k, v in jwk.items() if k != "d"})
            if not hmac.compare_digest(public, key.public_key):
                raise EncodingError("private JWK: 'x'/'y' do not belong to 'd'")
        return key

    @classmethod
    def generate(cls, rng: Callable[[int], bytes] | None = None) -> P256Key:
        """Make a fresh key from `rng(32)` (rejection sampling); the OS CSPRNG when None."""
        source = os.urandom if rng is None else rng
        for _ in range(64):
            candidate = source(P256_SCALAR_SIZE)
            if 0 < int.from_bytes(candidate, "big") < P256_ORDER:
                return cls(candidate)
        # 64 rejections in a row happen with probability below 2^-2000 for a real CSPRNG.
        raise EncodingError("P-256 key generation: the random source gave no valid scalar")

    @property
    def private_bytes(self) -> bytes:
        """The 32-byte secret scalar. Handle with care: whoever holds it can sign."""
        return self._d

    @property
    def public_key(self) -> bytes:
        """The 33-byte compressed public point."""
        return self._public_key

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte `R || S` ECDSA signature of SHA-256(message) (RFC 7518 §3.4)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        der = self._private.sign(bytes(message), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def __repr__(self) -> str:
        return f"P256Key(public_key={self._public_key.hex()}, d=<redacted>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, P256Key):
            return NotImplemented
        return hmac.compare_digest(self._d, other._d)

    def __hash__(self) -> int:
        return hash(self._public_key)
