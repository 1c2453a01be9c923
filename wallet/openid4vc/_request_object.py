"""Provides the verification of signed request objects (RFC 9101, OpenID4VP 1.0 §5.9.3).

The key that must have signed a request object follows from the client identifier's prefix:
for `decentralized_identifier:` a verification method of that DID named by `kid`; for
`x509_san_dns:` the leaf of the `x5c` chain, which must chain to a trust anchor the user gave
and name the DNS name as a subjectAltName. The request object's own `client_id` must equal
the one the request was reached with, so a signed request cannot be replayed under another
client's name.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from wallet.openid4vc._dcql import DcqlLimits
from wallet.openid4vc._errors import ProtocolError, RequestNotTrusted, clip
from wallet.openid4vc._request import REQUEST_TYP, AuthorizationRequest, client_id_prefix

__all__ = ["verify_request_object"]

_MAX_CHAIN = 5


def verify_request_object(
    jwt: str,
    *,
    client_id: str | None,
    now: datetime,
    resolver: Any,
    trust_anchors: Sequence[bytes] = (),
    limits: DcqlLimits | None = None,
) -> AuthorizationRequest:
    """Verify a request object and return the request it carries; raise RequestNotTrusted."""
    from did.errors import DidError
    from did.sd_jwt import Jws, verify_jws

    try:
        jws = Jws.from_text(jwt, "request object")
    except DidError as exc:
        raise ProtocolError(f"request object: {exc}") from None
    header, claims = jws.header, jws.payload
    if header.get("typ") != REQUEST_TYP:
        raise RequestNotTrusted(
            f"request object typ: got {clip(header.get('typ'), 40)!r}, want {REQUEST_TYP}"
        )
    inner = claims.get("client_id")
    if client_id is not None and inner != client_id:
        raise RequestNotTrusted(
            f"request object client_id {clip(inner, 80)!r} differs from {clip(client_id, 80)!r}"
        )
    prefix, value = client_id_prefix(str(inner))
    if prefix == "decentralized_identifier":
        jwk = _did_key(header, value, resolver)
    elif prefix == "x509_san_dns":
        jwk = _x509_key(header, value, now, trust_anchors)
    else:
        raise RequestNotTrusted(f"a {prefix}: client cannot send a signed request object")
    try:
        verify_jws(jws, jwk, "request object")
    except DidError as exc:
        raise RequestNotTrusted(str(exc)) from None
    exp = claims.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= now.timestamp():
        raise RequestNotTrusted("request object: expired")
    return AuthorizationRequest.from_json(claims, signed=True, limits=limits)


def _did_key(header: dict[str, Any], did: str, resolver: Any) -> dict[str, Any]:
    from did import public_key_jwk
    from did.errors import DidError

    kid = header.get("kid")
    if not isinstance(kid, str) or kid.partition("#")[0] != did or "#" not in kid:
        raise RequestNotTrusted(f"request object kid: want a verification method of {clip(did)}")
    try:
        method = resolver.resolve_verification_method(kid, "authentication")
    except DidError as exc:
        raise RequestNotTrusted(f"request object key {clip(kid, 80)!r}: {exc}") from None
    return public_key_jwk(method.public_key, method.key_type)


def _x509_key(
    header: dict[str, Any], dns_name: str, now: datetime, anchors: Sequence[bytes]
) -> dict[str, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

    from did import b64url_encode

    if not anchors:
        raise RequestNotTrusted("x509_san_dns: no trust anchors were given (--trust-anchor)")
    chain = header.get("x5c")
    if not isinstance(chain, list) or not 1 <= len(chain) <= _MAX_CHAIN:
        raise RequestNotTrusted(f"x5c: want 1 to {_MAX_CHAIN} certificates")
    try:
        certs = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in chain]
        roots = [_load_anchor(a) for a in anchors]
        verifier = (
            PolicyBuilder()
            .store(Store(roots))
            .time(now.astimezone(UTC).replace(tzinfo=None))
            .build_server_verifier(x509.DNSName(dns_name))
        )
        verifier.verify(certs[0], certs[1:])
    except (ValueError, TypeError, binascii.Error) as exc:
        raise RequestNotTrusted(f"x5c: {clip(exc)}") from None
    except VerificationError as exc:
        raise RequestNotTrusted(
            f"x5c does not chain to a trust anchor for {dns_name}: {clip(exc)}"
        ) from None
    key = certs[0].public_key()
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big")),
        }
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    raise RequestNotTrusted("x5c: the leaf key is neither P-256 nor Ed25519")


def _load_anchor(data: bytes) -> Any:
    from cryptography import x509

    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)
