"""Provides the SD-JWT VC issuer-key sources beside DIDs: JWT VC Issuer Metadata and `x5c`.

draft-ietf-oauth-sd-jwt-vc §3.5 lets a verifier find the issuer's key in one of three ways:
a DID in `iss` (handled by the verifier through the DID resolver), the JWT VC Issuer Metadata
of an `iss` that is an https URL (§5: `/.well-known/jwt-vc-issuer` inserted between the host
and the path of `iss`, answering `issuer` and `jwks` or `jwks_uri`), or an X.509 chain in the
JWS `x5c` header (RFC 7515 §4.1.6) that leads to a trust anchor the verifier was given, whose
leaf names `iss` in its subjectAltName when `iss` is a URL.

Network access goes through a fetcher, `fetch(url) -> bytes`, that callers (and tests) may
replace; `HttpsFetcher` is the real one: https only, a total deadline over the whole request,
a size limit, no redirects, httpx imported only when it runs.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from did._jcs import parse_json
from did._keys import public_key_jwk
from did._network import check_public_name, web_transport
from did.errors import CryptographicError, EncodingError, MalformedValueError, ResolutionError

__all__ = [
    "Fetcher",
    "HttpsFetcher",
    "issuer_jwk_from_metadata",
    "issuer_jwk_from_x5c",
    "jwt_vc_issuer_metadata_url",
]

Fetcher = Callable[[str], bytes]
WELL_KNOWN = "/.well-known/jwt-vc-issuer"
# An issuer's certificate chain longer than this is refused before any parsing.
MAX_X5C = 8


class HttpsFetcher:
    """GET an https URL and return its body; raise CryptographicError naming what failed.

    `deadline` bounds the whole request (connect, TLS, headers and body) in seconds, measured
    on `monotonic`; `verify` and `trust_env` are httpx's (a CA bundle or SSL context to trust,
    and whether proxy variables apply). Hosts on this machine or a private network are
    refused unless `allow_private_network` (then proxies apply too), by the rule of
    `did.web_transport`.
    """

    def __init__(
        self,
        *,
        deadline: float = 5.0,
        max_bytes: int = 256 * 1024,
        verify: Any = True,
        trust_env: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        allow_private_network: bool = False,
    ) -> None:
        if verify is False:
            raise MalformedValueError("issuer metadata needs verified TLS; verify=False is refused")
        self.allow_private_network = allow_private_network
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.verify = verify
        self.trust_env = trust_env
        self.monotonic = monotonic

    def __call__(self, url: str) -> bytes:
        import httpx

        if urlsplit(url).scheme != "https":
            raise CryptographicError(f"{_clip(url)}: only https URLs are fetched")
        start = self.monotonic()

        def remaining() -> float:
            left = self.deadline - (self.monotonic() - start)
            if left <= 0:
                raise CryptographicError(f"{_clip(url)}: no answer within {self.deadline:g} s")
            return left

        # The URL comes from whoever signed the SD-JWT: like a did:web host, it may not point
        # at this machine or a private network unless the caller allows it.
        allowed = self.allow_private_network
        transport = web_transport(
            verify=self.verify, trust_env=self.trust_env, allow_private_network=allowed
        )
        try:
            if not allowed:
                check_public_name(urlsplit(url).hostname or "")
            with (
                httpx.Client(transport=transport, trust_env=self.trust_env and allowed) as client,
                client.stream(
                    "GET",
                    url,
                    timeout=remaining(),
                    headers={"Accept": "application/json"},
                    follow_redirects=False,
                ) as response,
            ):
                if response.status_code != 200:
                    raise CryptographicError(f"{_clip(url)}: HTTP {response.status_code}, want 200")
                body = bytearray()
                for chunk in response.iter_bytes():
                    remaining()
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise CryptographicError(
                            f"{_clip(url)}: larger than {self.max_bytes} bytes"
                        )
                return bytes(body)
        except httpx.TimeoutException:
            raise CryptographicError(
                f"{_clip(url)}: no answer within {self.deadline:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise CryptographicError(f"{_clip(url)}: {type(exc).__name__}: {exc}") from None
        except ResolutionError as exc:
            raise CryptographicError(f"{_clip(url)}: {exc}") from None


def jwt_vc_issuer_metadata_url(issuer: str) -> str:
    """The metadata URL of an https `iss` (SD-JWT VC §5.1): the well-known path goes first."""
    parts = urlsplit(issuer)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise MalformedValueError(f"iss {_clip(issuer)!r}: want an https URL with no query")
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc}{WELL_KNOWN}{path}"


def _json(data: bytes, what: str) -> Any:
    try:
        return parse_json(data)
    except (EncodingError, MalformedValueError) as exc:
        raise MalformedValueError(f"{what}: {exc}") from None


def _pick(keys: Any, kid: Any, where: str) -> dict[str, Any]:
    if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
        raise MalformedValueError(f"{where}: 'keys' must be an array of JWKs")
    if isinstance(kid, str):
        found: list[dict[str, Any]] = [k for k in keys if k.get("kid") == kid]
        if len(found) != 1:
            raise CryptographicError(f"{where}: {len(found)} keys with kid {_clip(kid)!r}, want 1")
        return found[0]
    # Without a kid the choice would be a guess, so only a single published key is used.
    if len(keys) != 1:
        raise CryptographicError(f"{where}: {len(keys)} keys and no kid in the JWT header")
    key: dict[str, Any] = keys[0]
    return key


def issuer_jwk_from_metadata(issuer: str, kid: Any, fetch: Fetcher) -> dict[str, Any]:
    """Find the issuer's signing JWK in its JWT VC Issuer Metadata (SD-JWT VC §5)."""
    url = jwt_vc_issuer_metadata_url(issuer)
    metadata = _json(fetch(url), url)
    if not isinstance(metadata, dict):
        raise MalformedValueError(f"{_clip(url)}: want a JSON object")
    # §5.2: the metadata's `issuer` must be the `iss` it was fetched for.
    if metadata.get("issuer") != issuer:
        raise CryptographicError(
            f"issuer metadata: issuer {metadata.get('issuer')!r}, want {_clip(issuer)!r}"
        )
    has_jwks, has_uri = "jwks" in metadata, "jwks_uri" in metadata
    if has_jwks == has_uri:
        raise MalformedValueError("issuer metadata: want exactly one of 'jwks' and 'jwks_uri'")
    if has_jwks:
        jwks = metadata["jwks"]
    else:
        jwks_uri = metadata["jwks_uri"]
        if not isinstance(jwks_uri, str):
            raise MalformedValueError("issuer metadata: 'jwks_uri' must be a string")
        jwks = _json(fetch(jwks_uri), jwks_uri)
    if not isinstance(jwks, dict):
        raise MalformedValueError("issuer metadata: the JWK set must be an object")
    jwk = _pick(jwks.get("keys"), kid, "issuer metadata")
    return {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y", "d")}


def _certificate(der_b64: Any) -> Any:
    from cryptography import x509

    # RFC 7515 §4.1.6: standard base64 (not base64url) of each DER certificate.
    if not isinstance(der_b64, str):
        raise MalformedValueError("x5c: every entry must be a base64 string")
    try:
        return x509.load_der_x509_certificate(base64.b64decode(der_b64, validate=True))
    except (binascii.Error, ValueError):
        raise MalformedValueError("x5c: an entry is not a base64 DER certificate") from None


def issuer_jwk_from_x5c(
    x5c: Any, anchors: Sequence[Any], now: datetime, issuer: str
) -> dict[str, str]:
    """Verify an `x5c` chain to one of `anchors` at `now`; return the leaf's public JWK.

    `anchors` are `cryptography.x509.Certificate` objects. When `issuer` is an https URL, the
    leaf must name it, or its host, in its subjectAltName.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from cryptography.x509.verification import ExtensionPolicy, PolicyBuilder, Store

    if not isinstance(x5c, list) or not x5c or len(x5c) > MAX_X5C:
        raise MalformedValueError(f"x5c: want an array of 1 to {MAX_X5C} certificates")
    if not anchors:
        raise CryptographicError("x5c: no trust anchors were given to verify the chain with")
    leaf, *intermediates = (_certificate(entry) for entry in x5c)
    # The leaf signs credentials, not TLS sessions: its extensions are not held to the web
    # PKI's rules for servers or clients, while the CAs above it are.
    verifier = (
        PolicyBuilder()
        .store(Store(list(anchors)))
        .time(now.astimezone(UTC).replace(tzinfo=None))
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(leaf, intermediates)
    except x509.verification.VerificationError as exc:
        raise CryptographicError(
            f"x5c: the chain does not verify to a trust anchor: {exc}"
        ) from None
    if urlsplit(issuer).scheme == "https":
        names = set()
        for name in verified.subjects or []:
            if isinstance(name, x509.DNSName | x509.UniformResourceIdentifier):
                names.add(name.value)
        if issuer not in names and urlsplit(issuer).hostname not in names:
            raise CryptographicError(f"x5c: the leaf certificate does not name {_clip(issuer)!r}")
    key = leaf.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        point = key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        return public_key_jwk(point, "P-256")
    if isinstance(key, ed25519.Ed25519PublicKey):
        return public_key_jwk(key.public_bytes(Encoding.Raw, PublicFormat.Raw), "Ed25519")
    raise CryptographicError("x5c: the leaf key is neither P-256 nor Ed25519")


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
