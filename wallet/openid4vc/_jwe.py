"""Provides the JWE that `direct_post.jwt` needs: ECDH-ES on P-256 with AES-GCM, compact form.

RFC 7516 §7.1 (compact serialization), RFC 7518 §4.6 (ECDH-ES in direct key agreement mode,
with the Concat KDF of NIST SP 800-56A §5.8.1 over AlgorithmID = `enc`, empty PartyUInfo and
PartyVInfo unless `apu`/`apv` are given, SuppPubInfo = key length in bits) and §5.3 (AES-GCM
with a 96-bit IV; the additional data is the ASCII of the encoded protected header).
OpenID4VP 1.0 §8.3 encrypts the authorization response this way to a key the verifier gives
in `client_metadata.jwks`; HAIP asks for P-256 and `A128GCM` or `A256GCM`.
"""

from __future__ import annotations

import json
from typing import Any

from wallet.openid4vc._errors import ProtocolError, VerifierRefused
from wallet.openid4vc._util import Rng

__all__ = ["ENCODINGS", "P256Decrypter", "encrypt_to"]

ENCODINGS = {"A128GCM": 16, "A256GCM": 32}
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _b64(data: bytes) -> str:
    from did import b64url_encode

    return b64url_encode(data)


def _unb64(text: str, what: str) -> bytes:
    from did import b64url_decode
    from did.errors import DidError

    try:
        return b64url_decode(text)
    except DidError as exc:
        raise ProtocolError(f"{what}: {exc}") from None


def _private_key(rng: Rng) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    # A scalar in [1, n-1] from the caller's random source, so tests can fix it.
    scalar = int.from_bytes(rng(40), "big") % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def _public_jwk(key: Any) -> dict[str, str]:
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
    }


def _public_key(jwk: Any, what: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ProtocolError(f"{what}: want an EC P-256 public key")
    x, y = _unb64(str(jwk.get("x")), what), _unb64(str(jwk.get("y")), what)
    if len(x) != 32 or len(y) != 32:
        raise ProtocolError(f"{what}: coordinates must be 32 bytes")
    try:
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
        ).public_key()
    except ValueError:
        raise ProtocolError(f"{what}: not a point on P-256") from None


def _derive(shared: bytes, enc: str, apu: bytes, apv: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

    size = ENCODINGS[enc]

    def part(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    other = part(enc.encode("ascii")) + part(apu) + part(apv) + (size * 8).to_bytes(4, "big")
    return ConcatKDFHash(hashes.SHA256(), size, other).derive(shared)


def encrypt_to(recipient: dict[str, Any], payload: dict[str, Any], enc: str, rng: Rng) -> str:
    """Encrypt `payload` (JSON) to the recipient's P-256 JWK; return the compact JWE."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if enc not in ENCODINGS:
        raise ProtocolError(f"enc {enc!r} is not supported, want one of {sorted(ENCODINGS)}")
    public = _public_key(recipient, "verifier encryption key")
    ephemeral = _private_key(rng)
    header: dict[str, Any] = {
        "alg": "ECDH-ES",
        "enc": enc,
        "epk": _public_jwk(ephemeral.public_key()),
    }
    if isinstance(recipient.get("kid"), str):
        header["kid"] = recipient["kid"]
    key = _derive(ephemeral.exchange(ec.ECDH(), public), enc, b"", b"")
    protected = _b64(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    iv = rng(12)
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    sealed = AESGCM(key).encrypt(iv, body, protected.encode("ascii"))
    return ".".join([protected, "", _b64(iv), _b64(sealed[:-16]), _b64(sealed[-16:])])


class P256Decrypter:
    """The verifier's side: an ephemeral P-256 key, its public JWK, and decryption."""

    def __init__(self, rng: Rng, kid: str) -> None:
        self._key = _private_key(rng)
        self.kid = kid

    def __repr__(self) -> str:
        return f"P256Decrypter(kid={self.kid!r}, key=<redacted>)"

    @property
    def public_jwk(self) -> dict[str, str]:
        return {
            **_public_jwk(self._key.public_key()),
            "kid": self.kid,
            "use": "enc",
            "alg": "ECDH-ES",
        }

    def decrypt(self, jwe: str) -> bytes:
        """Decrypt a compact JWE made by `encrypt_to`; raise VerifierRefused on any fault."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from did import parse_json
        from did.errors import DidError

        parts = jwe.split(".") if isinstance(jwe, str) else []
        if len(parts) != 5 or parts[1]:
            raise VerifierRefused("response: want a compact JWE with no encrypted key")
        try:
            header = parse_json(_unb64(parts[0], "JWE header"), max_depth=4)
            if not isinstance(header, dict):
                raise VerifierRefused("JWE header: want an object")
            if header.get("alg") != "ECDH-ES" or header.get("enc") not in ENCODINGS:
                raise VerifierRefused("JWE: want alg ECDH-ES and enc A128GCM or A256GCM")
            if "zip" in header or "crit" in header:
                raise VerifierRefused("JWE: zip and crit are not supported")
            epk = _public_key(header.get("epk"), "JWE epk")
            apu = _unb64(header["apu"], "apu") if isinstance(header.get("apu"), str) else b""
            apv = _unb64(header["apv"], "apv") if isinstance(header.get("apv"), str) else b""
            key = _derive(self._key.exchange(ec.ECDH(), epk), header["enc"], apu, apv)
            iv = _unb64(parts[2], "JWE iv")
            sealed = _unb64(parts[3], "JWE ciphertext") + _unb64(parts[4], "JWE tag")
            if len(iv) != 12:
                raise VerifierRefused("JWE iv: want 96 bits")
            return AESGCM(key).decrypt(iv, sealed, parts[0].encode("ascii"))
        except (ProtocolError, DidError) as exc:
            raise VerifierRefused(f"response: {exc}") from None
        except (InvalidTag, ValueError):
            raise VerifierRefused("response: the JWE does not decrypt") from None
