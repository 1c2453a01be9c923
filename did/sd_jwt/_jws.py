"""Provides the minimal JSON Web Signature needed by SD-JWT: compact form, EdDSA and ES256.

RFC 7515 §7.1 (compact serialization), RFC 8037 §3.1 (`EdDSA` with an `OKP`/`Ed25519` JWK; the
fully specified name `Ed25519` of RFC 9864 is accepted too) and RFC 7518 §3.4 (`ES256`, whose
signature is `R || S`, 32 bytes each, over P-256 with SHA-256). Both are produced and verified;
the header's `alg` must always agree with the key's type, so no key is used under another
algorithm's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from did._data_integrity import Signer
from did._jcs import parse_json
from did._keys import (
    decode_public_jwk,
    is_valid_ed25519_public_key,
    public_key_jwk,
    verify_signature,
)
from did._multibase import b64url_decode, b64url_encode
from did.errors import (
    CredentialError,
    CryptographicError,
    EncodingError,
    MalformedValueError,
    ParsingError,
)

__all__ = ["EDDSA_NAMES", "Jws", "algorithm_of", "ed25519_jwk", "sign_jws", "verify_jws"]

# RFC 8037 registers `EdDSA`; RFC 9864 adds the fully specified `Ed25519`. Both mean the same.
EDDSA_NAMES = ("EdDSA", "Ed25519")


def _json_segment(value: dict[str, Any]) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return b64url_encode(text.encode("utf-8"))


def algorithm_of(key: Signer) -> str:
    """The JOSE `alg` of a signing key: "ES256" for a P-256 key, else "EdDSA" (Ed25519)."""
    return str(getattr(key, "jws_alg", "EdDSA"))


def sign_jws(header: dict[str, Any], payload: dict[str, Any], key: Signer) -> str:
    """Return the compact JWS of `payload` signed with an Ed25519 or P-256 key (RFC 7515 §5.1).

    The header's `alg` must be the key's: EdDSA (or Ed25519) for Ed25519, ES256 for P-256.
    """
    alg, want = header.get("alg"), algorithm_of(key)
    allowed = EDDSA_NAMES if want == "EdDSA" else (want,)
    if alg not in allowed:
        raise MalformedValueError(f"JWS alg: got {alg!r}, want {' or '.join(allowed)} for this key")
    signing_input = f"{_json_segment(header)}.{_json_segment(payload)}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


@dataclass(frozen=True)
class Jws:
    """A parsed compact JWS; `verify_jws` checks it, parsing never does."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @classmethod
    def from_text(cls, text: str, what: str = "JWS") -> Jws:
        """Parse `header.payload.signature` (RFC 7515 §5.2 steps 1-7); raise ParsingError."""
        if not isinstance(text, str):
            raise ParsingError(f"{what}: got {type(text).__name__}, want compact JWS text")
        parts = text.split(".")
        if len(parts) != 3:
            raise ParsingError(f"{what}: got {len(parts)} dot-separated parts, want 3")
        try:
            header = parse_json(b64url_decode(parts[0]))
            payload = parse_json(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
        except EncodingError as exc:
            raise ParsingError(f"{what}: {exc}") from None
        if not isinstance(header, dict) or not isinstance(payload, dict):
            raise ParsingError(f"{what}: header and payload must be JSON objects")
        # RFC 7515 §4.1.11: a critical extension we do not understand makes the JWS invalid.
        if "crit" in header:
            raise MalformedValueError(f"{what}: unsupported critical header {header['crit']!r}")
        return cls(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)

    def to_text(self) -> str:
        """The compact serialization this object was parsed from."""
        return f"{self.signing_input.decode('ascii')}.{b64url_encode(self.signature)}"


def ed25519_jwk(public_key: bytes) -> dict[str, str]:
    """The public JWK of an Ed25519 key (RFC 8037 §2)."""
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public_key)}


def holder_jwk(public_key: bytes) -> dict[str, str]:
    """The public JWK of a raw holder key: 32 bytes are Ed25519, 33 a compressed P-256 point.

    The two sizes cannot be confused, so a raw key names its own type.
    """
    if isinstance(public_key, bytes) and len(public_key) == 33:
        return public_key_jwk(public_key, "P-256")
    return ed25519_jwk(public_key)


def verify_jws(jws: Jws, jwk: Any, what: str = "JWS") -> None:
    """Verify `jws` with a public JWK; raise CryptographicError or MalformedValueError.

    The header's `alg` must match the key type: EdDSA/Ed25519 for an OKP Ed25519 key, ES256
    for an EC P-256 key. `none` and every other algorithm are refused.
    """
    if not isinstance(jwk, dict):
        raise MalformedValueError(f"{what} key: want a JWK object")
    if "d" in jwk:
        raise MalformedValueError(f"{what} key: a private JWK was given where a public one belongs")
    alg, kty, crv = jws.header.get("alg"), jwk.get("kty"), jwk.get("crv")
    if (alg in EDDSA_NAMES and (kty, crv) == ("OKP", "Ed25519")) or (
        alg == "ES256" and (kty, crv) == ("EC", "P-256")
    ):
        try:
            key_type, public_key = decode_public_jwk(jwk)
        except EncodingError as exc:
            raise MalformedValueError(f"{what} key: {exc}") from None
        if key_type == "Ed25519" and not is_valid_ed25519_public_key(public_key):
            raise CryptographicError(f"{what} key: not a valid Ed25519 public key")
        try:
            verify_signature(key_type, public_key, jws.signing_input, jws.signature)
        except CredentialError as exc:
            raise CryptographicError(f"{what}: {alg} signature does not verify ({exc})") from None
        return
    raise MalformedValueError(
        f"{what}: alg {alg!r} with a {kty!r}/{crv!r} key is not supported, "
        "want EdDSA/Ed25519 with OKP Ed25519 or ES256 with EC P-256"
    )
