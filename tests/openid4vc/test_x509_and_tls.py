"""x509_san_dns request objects against trust anchors, and both servers over HTTPS."""

from __future__ import annotations

import base64
import json
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from did import Resolver, TrustAny, b64url_encode
from tests.openid4vc.helpers import (
    SD_JWT_CONFIG,
    FakeClock,
    held_sd_jwt,
    holder_key,
    key,
    method_of,
    seeded_rng,
)
from tests.openid4vc.test_presentation import TWO_OF_FIVE, Consent
from wallet.openid4vc import (
    AuthorizationRequest,
    CredentialTemplate,
    DcqlQuery,
    HttpPolicy,
    Issuer,
    NetworkRefused,
    RequestNotTrusted,
    Verifier,
    bind,
    fetch_request,
    issuer_app,
    present,
    receive_credentials,
    serve,
    verifier_app,
)
from wallet.openid4vc._http import WebClient
from wallet.server import Limits, Listen, Tls

NAME = "verifier.example"


@dataclass(frozen=True)
class Authority:
    """A certificate authority made for the test, in the shape the Web PKI profile demands."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _authority(name: str) -> Authority:
    private = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2025, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2030, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private.public_key()), False)
        .sign(private, hashes.SHA256())
    )
    return Authority(private, cert)


def _leaf(ca: Authority, dns_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    private = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)]))
        .issuer_name(ca.cert.subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2025, 6, 1, tzinfo=UTC))
        .not_valid_after(datetime(2027, 6, 1, tzinfo=UTC))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return private, cert


def _es256_request_object(
    private: ec.EllipticCurvePrivateKey, cert: x509.Certificate, claims: dict[str, object]
) -> str:
    chain = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    header = {"alg": "ES256", "typ": "oauth-authz-req+jwt", "x5c": chain}
    segments = [b64url_encode(json.dumps(part).encode()) for part in (header, claims)]
    signing_input = ".".join(segments).encode()
    r, s = decode_dss_signature(private.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{signing_input.decode()}.{b64url_encode(signature)}"


def _x509_request(ca: Authority, dns_name: str = NAME) -> str:
    private, cert = _leaf(ca, dns_name)
    claims: dict[str, object] = {
        "client_id": f"x509_san_dns:{NAME}",
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": f"https://{NAME}/response",
        "nonce": "n" * 24,
        "dcql_query": TWO_OF_FIVE,
    }
    jwt = _es256_request_object(private, cert, claims)
    return f"openid4vp://?client_id={quote('x509_san_dns:' + NAME)}&request={jwt}"


def _fetch(uri: str, anchors: list[bytes]) -> AuthorizationRequest:
    with WebClient(HttpPolicy()) as web:
        return fetch_request(
            uri, web=web, clock=FakeClock(), resolver=Resolver(), trust_anchors=anchors
        )


def test_an_x509_san_dns_request_chaining_to_an_anchor_is_accepted() -> None:
    ca = _authority("Test Root")
    request = _fetch(_x509_request(ca), [ca.pem])
    assert request.client_id == f"x509_san_dns:{NAME}"
    assert request.signed


def test_an_x509_san_dns_request_needs_trust_anchors() -> None:
    ca = _authority("Test Root")
    with pytest.raises(RequestNotTrusted, match="trust anchors"):
        _fetch(_x509_request(ca), [])


def test_an_x509_san_dns_request_from_another_ca_is_refused() -> None:
    ca, other = _authority("Test Root"), _authority("Other Root")
    with pytest.raises(RequestNotTrusted, match="chain"):
        _fetch(_x509_request(ca), [other.pem])


def test_an_x509_certificate_for_another_name_is_refused() -> None:
    ca = _authority("Test Root")
    with pytest.raises(RequestNotTrusted, match="chain"):
        _fetch(_x509_request(ca, "attacker.example"), [ca.pem])


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ssl.SSLContext]:
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    folder = tmp_path_factory.mktemp("tls")
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    leaf.private_key_pem.write_to_path(str(keyfile))
    leaf.cert_chain_pems[0].write_to_path(str(certfile))
    for pem in leaf.cert_chain_pems[1:]:
        with certfile.open("ab") as out:
            out.write(pem.bytes())
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return certfile, keyfile, context


def test_issuance_over_https(tls: tuple[Path, Path, ssl.SSLContext]) -> None:
    certfile, keyfile, context = tls
    clock = FakeClock()
    signer = key(120)
    _, method = method_of(signer)
    bound = bind(Listen("127.0.0.1", 0), Tls(certfile, keyfile))
    issuer = Issuer(
        bound.base_url,
        key=signer,
        verification_method=method,
        clock=clock,
        rng=seeded_rng(4).randbytes,
    )
    handle = issuer.create_offer(CredentialTemplate(SD_JWT_CONFIG, {"name": "Ada"}))
    policy = HttpPolicy(allow_private_network=True, verify=context)
    with serve(issuer_app(issuer), bound, Limits()):
        (received,) = receive_credentials(
            handle.offer.to_uri(),
            holder=holder_key(),
            policy=policy,
            clock=clock,
            rng=seeded_rng(5).randbytes,
        )
    assert bound.base_url.startswith("https://")
    assert received.report.verified


def test_presentation_over_https_and_untrusted_certificates_refused(
    tls: tuple[Path, Path, ssl.SSLContext],
) -> None:
    certfile, keyfile, context = tls
    clock = FakeClock()
    bound = bind(Listen("127.0.0.1", 0), Tls(certfile, keyfile))
    signer = key(220)
    _, method = method_of(signer)
    verifier = Verifier(
        bound.base_url,
        clock=clock,
        rng=seeded_rng(6).randbytes,
        key=signer,
        verification_method=method,
        trust=TrustAny(),
    )
    holder = holder_key()
    with serve(verifier_app(verifier), bound, Limits()):
        handle = verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
        # Without the test CA, the system trust store does not know the certificate.
        with pytest.raises(NetworkRefused, match="request_uri"):
            present(
                handle.uri,
                held=[held_sd_jwt(holder)],
                keys=[holder],
                consent=Consent(),
                policy=HttpPolicy(allow_private_network=True),
                clock=clock,
            )
        policy = HttpPolicy(allow_private_network=True, verify=context)
        present(
            handle.uri,
            held=[held_sd_jwt(holder)],
            keys=[holder],
            consent=Consent(),
            policy=policy,
            clock=clock,
        )
    result = verifier.result(handle.transaction_id)
    assert result is not None and result.verified
