"""Tests ES256 SD-JWT VCs and issuer keys from JWT VC Issuer Metadata (over real HTTPS) and x5c."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from did import (
    Ed25519Key,
    P256Key,
    Resolver,
    TrustIssuers,
    VerificationReport,
    did_key_from_public_key,
    issue_sd_jwt,
    present_sd_jwt,
    public_key_jwk,
    verify_sd_jwt,
)
from did.errors import CryptographicError, MalformedValueError
from did.sd_jwt import HttpsFetcher, jwt_vc_issuer_metadata_url
from tests.did.conftest import HttpsServer

ISSUER_KEY = P256Key.from_private_bytes(bytes(31) + b"\x11")
HOLDER_KEY = P256Key.from_private_bytes(bytes(31) + b"\x22")
NOW = datetime.now(UTC).replace(microsecond=0)
VCT = "https://credentials.example/identity"
AUDIENCE = "https://verifier.example"


def issue(issuer: str, kid: str = "key-1", **options: Any) -> str:
    return issue_sd_jwt(
        {"given_name": "Ada", "family_name": "Lovelace"},
        key=ISSUER_KEY,
        verification_method=kid,
        issuer=issuer,
        vct=VCT,
        issued_at=NOW - timedelta(minutes=1),
        disclosable=["/given_name", "/family_name"],
        holder_public_key=HOLDER_KEY.public_key,
        **options,
    )


def present(sd_jwt: str) -> str:
    return present_sd_jwt(
        sd_jwt,
        disclose=["/given_name"],
        holder_key=HOLDER_KEY,
        audience=AUDIENCE,
        nonce="n-1",
        issued_at=NOW,
    )


def verify(presentation: str, **options: Any) -> VerificationReport:
    arguments: dict[str, Any] = {
        "now": NOW,
        "audience": AUDIENCE,
        "nonce": "n-1",
        "resolver": Resolver(),
        "trust": TrustIssuers.of(keys=[("P-256", ISSUER_KEY.public_key)]),
    }
    arguments.update(options)
    return verify_sd_jwt(presentation, **arguments)


def metadata(issuer: str, *keys: dict[str, str]) -> dict[str, Any]:
    return {"issuer": issuer, "jwks": {"keys": list(keys)}}


def signing_jwk(kid: str = "key-1") -> dict[str, str]:
    return {**public_key_jwk(ISSUER_KEY.public_key, "P-256"), "kid": kid}


def test_metadata_url_puts_the_well_known_path_first() -> None:
    assert jwt_vc_issuer_metadata_url("https://example.com") == (
        "https://example.com/.well-known/jwt-vc-issuer"
    )
    assert jwt_vc_issuer_metadata_url("https://example.com/tenant/1/") == (
        "https://example.com/.well-known/jwt-vc-issuer/tenant/1"
    )
    with pytest.raises(MalformedValueError):
        jwt_vc_issuer_metadata_url("http://example.com")


def test_es256_sd_jwt_with_a_did_issuer_and_key_binding() -> None:
    did = did_key_from_public_key(ISSUER_KEY.public_key, "P-256")
    sd_jwt = issue(did, kid=f"{did}#{did.removeprefix('did:key:')}")
    presentation = present(sd_jwt)
    report = verify(presentation, trust=TrustIssuers.of([did]))
    assert report.verified, report.to_json()
    assert report.check("proof").message == "ES256 signature verifies"
    assert report.claims is not None and report.claims["given_name"] == "Ada"
    assert "family_name" not in report.claims
    # One byte of the ES256 signature changed, and the issuer's proof fails.
    jwt, _, rest = presentation.partition("~")
    head, body, signature = jwt.split(".")
    forged = ".".join((head, body, ("A" if signature[0] != "A" else "B") + signature[1:]))
    assert verify(f"{forged}~{rest}").check("proof").outcome == "failed"


def test_es256_issuer_from_jwt_vc_issuer_metadata(https_server: HttpsServer) -> None:
    issuer = https_server.url("/issuers/es256")
    https_server.serve(
        "/.well-known/jwt-vc-issuer/issuers/es256",
        metadata(issuer, signing_jwk("other"), signing_jwk()),
    )
    fetch = HttpsFetcher(
        verify=https_server.ssl_context(), trust_env=False, allow_private_network=True
    )
    report = verify(present(issue(issuer)), issuer_metadata=fetch, trust=TrustIssuers.of([issuer]))
    assert report.verified, report.to_json()
    assert report.check("key").outcome == "passed"
    # Without a fetcher the key cannot be found, and the report says so.
    key = verify(present(issue(issuer))).check("key")
    assert key.outcome == "failed" and "no issuer metadata fetcher" in key.message


def test_metadata_through_jwks_uri(https_server: HttpsServer) -> None:
    issuer = https_server.url("/issuers/by-uri")
    jwks_uri = https_server.serve("/jwks/by-uri", {"keys": [signing_jwk()]})
    https_server.serve(
        "/.well-known/jwt-vc-issuer/issuers/by-uri", {"issuer": issuer, "jwks_uri": jwks_uri}
    )
    fetch = HttpsFetcher(
        verify=https_server.ssl_context(), trust_env=False, allow_private_network=True
    )
    assert verify(present(issue(issuer)), issuer_metadata=fetch).verified


@pytest.mark.parametrize(
    ("served", "match"),
    [
        ({"issuer": "https://elsewhere.example", "jwks": {"keys": []}}, "issuer"),
        ({"jwks": {"keys": []}}, "issuer"),
        ("both", "exactly one"),
        ("wrong-key", "does not verify"),
        ("no-kid-match", "want 1"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_metadata_fails_the_key_check(
    https_server: HttpsServer, served: Any, match: str
) -> None:
    issuer = https_server.url(f"/issuers/bad-{abs(hash(match))}")
    other = {**public_key_jwk(HOLDER_KEY.public_key, "P-256"), "kid": "key-1"}
    body = (
        {
            "both": {**metadata(issuer, signing_jwk()), "jwks_uri": issuer},
            "wrong-key": metadata(issuer, other),
            "no-kid-match": metadata(issuer, signing_jwk("key-2")),
        }.get(served, served)
        if isinstance(served, str)
        else served
    )
    https_server.serve("/.well-known/jwt-vc-issuer" + issuer.split(https_server.authority)[1], body)
    fetch = HttpsFetcher(
        verify=https_server.ssl_context(), trust_env=False, allow_private_network=True
    )
    report = verify(present(issue(issuer)), issuer_metadata=fetch)
    failed = {name: check.message for name, check in report.failures()}
    assert not report.verified
    assert any(match in message for message in failed.values()), failed


def test_fetcher_refuses_http_errors_size_and_slowness(https_server: HttpsServer) -> None:
    context = https_server.ssl_context()
    with pytest.raises(CryptographicError, match="only https"):
        HttpsFetcher(verify=context)("http://localhost/x")
    with pytest.raises(CryptographicError, match="HTTP 404"):
        HttpsFetcher(verify=context, trust_env=False, allow_private_network=True)(
            https_server.url("/nothing-here")
        )
    big = https_server.serve("/big", b"x" * 2048)
    with pytest.raises(CryptographicError, match="larger than 1024"):
        HttpsFetcher(verify=context, trust_env=False, max_bytes=1024, allow_private_network=True)(
            big
        )
    # The deadline covers the whole exchange: a clock that moves a second per reading runs out
    # of a 1.5 s deadline while the body is still being read.
    ticks = iter(range(100))
    slow = HttpsFetcher(
        verify=context,
        trust_env=False,
        deadline=1.5,
        monotonic=lambda: float(next(ticks)),
        allow_private_network=True,
    )
    with pytest.raises(CryptographicError, match=r"no answer within 1\.5 s"):
        slow(big)
    # An untrusted certificate is a failure, never a fallback to plain trust.
    with pytest.raises(CryptographicError):
        HttpsFetcher(trust_env=False, allow_private_network=True)(https_server.url("/big"))


# --- x5c: a chain to a trust anchor the verifier was given. ---


def _chain(issuer_uri: str, *, valid_days: int = 1) -> tuple[Any, list[str]]:
    """A test CA and a leaf for ISSUER_KEY naming `issuer_uri`; return (CA cert, x5c)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuer test CA")])
    start = NOW - timedelta(days=1)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    issuer_public = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), ISSUER_KEY.public_key
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuer")]))
        .issuer_name(ca_name)
        .public_key(issuer_public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(issuer_uri)]), False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    der = leaf.public_bytes(Encoding.DER)
    return ca, [base64.b64encode(der).decode("ascii")]


def test_x5c_chain_to_a_given_anchor() -> None:
    issuer = "https://issuer.example/x509"
    ca, x5c = _chain(issuer)
    sd_jwt = issue(issuer, x5c=x5c)
    report = verify(present(sd_jwt), trust_anchors=[ca], trust=TrustIssuers.of([issuer]))
    assert report.verified, report.to_json()
    # The same chain without its anchor, to another anchor, or later than the leaf is valid.
    assert "no trust anchors" in verify(present(sd_jwt)).check("key").message
    other_ca, _ = _chain(issuer)
    assert (
        "does not verify" in verify(present(sd_jwt), trust_anchors=[other_ca]).check("key").message
    )
    late = verify(present(sd_jwt), trust_anchors=[ca], now=NOW + timedelta(days=3))
    assert late.check("key").outcome == "failed"


def test_x5c_leaf_must_name_the_issuer() -> None:
    ca, x5c = _chain("https://someone-else.example")
    report = verify(present(issue("https://issuer.example", x5c=x5c)), trust_anchors=[ca])
    assert "does not name" in report.check("key").message
    bad = verify(present(issue("https://issuer.example", x5c=["not base64!"])), trust_anchors=[ca])
    assert bad.check("key").reason == "key_not_authorized"


def test_an_ed25519_issuer_still_verifies_with_its_jwk() -> None:
    key = Ed25519Key.from_seed(bytes(32))
    sd_jwt = issue_sd_jwt(
        {"a": 1}, key=key, verification_method="k", issuer="https://issuer.example", vct=VCT,
        issued_at=NOW,
    )  # fmt: skip
    assert sd_jwt.split(".")[0]  # EdDSA header
    jwk = public_key_jwk(key.public_key)
    report = verify(sd_jwt, issuer_jwk=jwk, require_key_binding=False, audience=None, nonce=None,
                    trust=TrustIssuers.of(keys=[("Ed25519", key.public_key)]))  # fmt: skip
    assert report.verified
    assert report.check("proof").message == "EdDSA signature verifies"


def test_fetcher_stays_off_this_machine_unless_allowed(https_server: HttpsServer) -> None:
    # An `iss` is chosen by whoever signed the SD-JWT: like a did:web host, it must not reach
    # the verifier's own machine or network (the rule of did.web_transport).
    url = https_server.serve("/issuer-metadata", {"issuer": "x"})
    before = https_server.hits
    for target in (url, url.replace("localhost", "127.0.0.1")):
        with pytest.raises(CryptographicError, match="allow_private_network"):
            HttpsFetcher(verify=https_server.ssl_context(), trust_env=False)(target)
    assert https_server.hits == before
    allowed = HttpsFetcher(
        verify=https_server.ssl_context(), trust_env=False, allow_private_network=True
    )
    assert allowed(url) == b'{"issuer": "x"}'
