"""Hostile offers and requests against the issuer and the holder: each refused, nothing issued."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from did import b64url_decode, b64url_encode
from tests.openid4vc.helpers import (
    LOOPBACK,
    SD_JWT_CONFIG,
    FakeClock,
    IssuerSite,
    held_sd_jwt,
    holder_key,
    running_issuer,
    seeded_rng,
    static_site,
)
from wallet.openid4vc import (
    CredentialConfiguration,
    CredentialRejected,
    CredentialTemplate,
    HttpPolicy,
    IssuerRefused,
    PrivateAddressRefused,
    ProofRejected,
    ProtocolError,
    ResponseTooLarge,
    UnsupportedFormat,
    check_url,
    make_key_proof,
    offer_uri_by_reference,
    receive_credentials,
    verify_key_proof,
)

CLAIMS = {"given_name": "Ada", "degree": "BSc"}
PRE = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def site(clock: FakeClock) -> Iterator[IssuerSite]:
    with running_issuer(clock) as running:
        yield running


def _token(site: IssuerSite, http: httpx.Client) -> str:
    handle = site.issuer.create_offer(CredentialTemplate(SD_JWT_CONFIG, CLAIMS))
    form = {"grant_type": PRE, "pre-authorized_code": str(handle.offer.pre_authorized_code)}
    answer = http.post(f"{site.base_url}/token", data=form)
    assert answer.status_code == 200
    return str(answer.json()["access_token"])


def _credential(site: IssuerSite, http: httpx.Client, token: str, proof: str) -> httpx.Response:
    body = {"credential_configuration_id": SD_JWT_CONFIG.id, "proofs": {"jwt": [proof]}}
    return http.post(
        f"{site.base_url}/credential", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_a_made_up_nonce_is_refused(site: IssuerSite, clock: FakeClock) -> None:
    with httpx.Client() as http:
        token = _token(site, http)
        proof = make_key_proof(
            holder_key(), audience=site.base_url, nonce="made-up", issued_at=clock()
        )
        answer = _credential(site, http, token, proof)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_nonce"
    assert site.issuer.issued == []


def test_a_replayed_nonce_is_refused(site: IssuerSite, clock: FakeClock) -> None:
    with httpx.Client() as http:
        nonce = http.post(f"{site.base_url}/nonce").json()["c_nonce"]
        proof = make_key_proof(holder_key(), audience=site.base_url, nonce=nonce, issued_at=clock())
        assert _credential(site, http, _token(site, http), proof).status_code == 200
        again = _credential(site, http, _token(site, http), proof)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_nonce"
    assert len(site.issuer.issued) == 1


def test_an_expired_nonce_is_refused(site: IssuerSite, clock: FakeClock) -> None:
    with httpx.Client() as http:
        nonce = http.post(f"{site.base_url}/nonce").json()["c_nonce"]
        clock.advance(timedelta(minutes=5, seconds=1))
        token = _token(site, http)
        proof = make_key_proof(holder_key(), audience=site.base_url, nonce=nonce, issued_at=clock())
        answer = _credential(site, http, token, proof)
    assert answer.json()["error"] == "invalid_nonce"
    assert site.issuer.issued == []


def test_a_proof_for_another_issuer_is_refused(site: IssuerSite, clock: FakeClock) -> None:
    with httpx.Client() as http:
        nonce = http.post(f"{site.base_url}/nonce").json()["c_nonce"]
        proof = make_key_proof(
            holder_key(), audience="https://elsewhere.example", nonce=nonce, issued_at=clock()
        )
        answer = _credential(site, http, _token(site, http), proof)
    assert answer.json()["error"] == "invalid_proof"
    assert "aud" in answer.json()["error_description"]


def test_an_offer_for_another_subject_is_refused(site: IssuerSite, clock: FakeClock) -> None:
    template = CredentialTemplate(SD_JWT_CONFIG, CLAIMS, subject=holder_key(8).did)
    handle = site.issuer.create_offer(template)
    with pytest.raises(Exception, match="credential_request_denied"):
        receive_credentials(
            handle.offer.to_uri(),
            holder=holder_key(7),
            policy=LOOPBACK,
            clock=clock,
            rng=seeded_rng(3).randbytes,
        )
    assert site.issuer.issued == []


def test_a_missing_access_token_gets_401(site: IssuerSite) -> None:
    with httpx.Client() as http:
        answer = http.post(f"{site.base_url}/credential", json={})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_an_unsupported_format_is_refused_before_any_token_request(clock: FakeClock) -> None:
    metadata = {
        "credential_issuer": "BASE",
        "credential_endpoint": "BASE/credential",
        "credential_configurations_supported": {
            "mdl": {"format": "mso_mdoc", "doctype": "org.iso.18013.5.1.mDL"}
        },
    }
    pages: dict[str, object] = {"/.well-known/openid-credential-issuer": metadata}
    with static_site(pages) as fake:
        offer = {
            "credential_issuer": fake.base_url,
            "credential_configuration_ids": ["mdl"],
            "grants": {PRE: {"pre-authorized_code": "abc"}},
        }
        uri = "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))
        with pytest.raises(UnsupportedFormat, match="mdl"):
            receive_credentials(
                uri, holder=holder_key(), policy=LOOPBACK, clock=clock, rng=seeded_rng(1).randbytes
            )
    assert fake.hits == ["/.well-known/openid-credential-issuer"]


def test_an_offer_uri_at_a_loopback_address_is_refused_by_default(clock: FakeClock) -> None:
    with static_site({"/offer": {}}) as fake:
        uri = offer_uri_by_reference(f"{fake.base_url}/offer")
        with pytest.raises(PrivateAddressRefused, match=r"127\.0\.0\.1"):
            receive_credentials(
                uri,
                holder=holder_key(),
                policy=HttpPolicy(),
                clock=clock,
                rng=seeded_rng(1).randbytes,
            )
    assert fake.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.8/offer",
        "https://192.168.1.1/offer",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/offer",
        "https://[fd00::1]/offer",
        "https://[::ffff:127.0.0.1]/offer",
        "https://0.0.0.0/offer",
        # IPv6 forms that carry an IPv4 address the packet ends up at: one rule with did:web.
        "https://[64:ff9b::7f00:1]/offer",
        "https://[2002:7f00:1::1]/offer",
        "https://[::127.0.0.1]/offer",
        "https://[fec0::1]/offer",
    ],
)
def test_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(PrivateAddressRefused):
        check_url(url, allow_private_network=False, what="request_uri")


def test_plain_http_to_a_public_address_is_refused() -> None:
    with pytest.raises(ProtocolError, match="plain http"):
        check_url("http://93.184.215.14/x", allow_private_network=True, what="offer")


def test_an_oversized_offer_document_is_refused(clock: FakeClock) -> None:
    big = b'{"x": "' + b"a" * (2 << 20) + b'"}'
    with static_site({"/offer": big}) as fake:
        uri = offer_uri_by_reference(f"{fake.base_url}/offer")
        with pytest.raises(ResponseTooLarge):
            receive_credentials(
                uri, holder=holder_key(), policy=LOOPBACK, clock=clock, rng=seeded_rng(1).randbytes
            )


def test_issuer_refusals_carry_their_oauth_codes() -> None:
    assert IssuerRefused("x").error == "invalid_request"
    assert IssuerRefused("x", error="invalid_grant", status=401).status == 401


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_any_altered_byte_of_a_key_proof_is_refused(position: int, bit: int) -> None:
    now = FakeClock()()
    proof = make_key_proof(
        holder_key(), audience="https://i.example", nonce="n" * 22, issued_at=now
    )
    index = position % len(proof)
    altered = proof[:index] + chr(ord(proof[index]) ^ (1 << bit)) + proof[index + 1 :]
    assume(altered != proof)
    with pytest.raises(ProofRejected):
        verify_key_proof(
            altered, audience="https://i.example", now=now, resolve_method=_did_key_method
        )


def _did_key_method(kid: str) -> tuple[str, bytes]:
    from did import Resolver

    method = Resolver().resolve_verification_method(kid, "authentication")
    return method.key_type, method.public_key


PERSON_CONFIG = CredentialConfiguration("person", "dc+sd-jwt", vct="https://example.org/person")


def _fake_issuer_pages(credential: object) -> dict[str, object]:
    return {
        "/.well-known/openid-credential-issuer": {
            "credential_issuer": "BASE",
            "credential_endpoint": "BASE/credential",
            "nonce_endpoint": "BASE/nonce",
            "credential_configurations_supported": {"person": PERSON_CONFIG.to_json()},
        },
        "/.well-known/oauth-authorization-server": {
            "issuer": "BASE",
            "token_endpoint": "BASE/token",
        },
        "/token": {"access_token": "t", "token_type": "Bearer"},
        "/nonce": {"c_nonce": "n" * 22},
        "/credential": {"credentials": [{"credential": credential}]},
    }


def _sd_jwt_for(holder_seed: int, *, tamper: bool = False) -> str:
    text = held_sd_jwt(holder_key(holder_seed)).content
    assert isinstance(text, str)
    if not tamper:
        return text
    jwt, _, rest = text.partition("~")
    header, payload, signature = jwt.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["vct"] = "https://example.org/someone-else"
    forged = b64url_encode(json.dumps(claims).encode())
    return f"{header}.{forged}.{signature}~{rest}"


@pytest.mark.parametrize(
    ("credential", "reason"),
    [
        ("held-by-another", "cnf"),
        ("tampered", "does not verify"),
        ({"not": "an sd-jwt"}, "SD-JWT text"),
    ],
)
def test_a_credential_that_does_not_verify_is_not_returned(
    clock: FakeClock, credential: object, reason: str
) -> None:
    if credential == "held-by-another":
        credential = _sd_jwt_for(8)
    elif credential == "tampered":
        credential = _sd_jwt_for(7, tamper=True)
    with static_site(_fake_issuer_pages(credential)) as fake:
        offer = {
            "credential_issuer": fake.base_url,
            "credential_configuration_ids": ["person"],
            "grants": {PRE: {"pre-authorized_code": "abc"}},
        }
        uri = "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))
        with pytest.raises(CredentialRejected, match=reason):
            receive_credentials(
                uri, holder=holder_key(7), policy=LOOPBACK, clock=clock, rng=seeded_rng(1).randbytes
            )
    assert "/credential" in fake.hits


def test_a_credential_identifier_from_the_token_response_is_used(clock: FakeClock) -> None:
    pages = _fake_issuer_pages(_sd_jwt_for(7))
    pages["/token"] = {
        "access_token": "t",
        "token_type": "Bearer",
        "authorization_details": [
            {
                "type": "openid_credential",
                "credential_configuration_id": "person",
                "credential_identifiers": ["person-2026"],
            }
        ],
    }
    with static_site(pages) as fake:
        offer = {
            "credential_issuer": fake.base_url,
            "credential_configuration_ids": ["person"],
            "grants": {PRE: {"pre-authorized_code": "abc"}},
        }
        uri = "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))
        (received,) = receive_credentials(
            uri, holder=holder_key(7), policy=LOOPBACK, clock=clock, rng=seeded_rng(1).randbytes
        )
    request = json.loads(fake.bodies[fake.hits.index("/credential")])
    assert request["credential_identifier"] == "person-2026"
    assert "credential_configuration_id" not in request
    assert received.report.verified
