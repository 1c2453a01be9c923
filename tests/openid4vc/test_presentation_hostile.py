"""Hostile requests and responses: each refused with its reason, nothing sent or accepted."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from did import b64url_decode, b64url_encode
from did.sd_jwt import sign_jws
from tests.openid4vc.helpers import (
    LOOPBACK,
    FakeClock,
    VerifierSite,
    held_sd_jwt,
    holder_key,
    key,
    method_of,
    running_verifier,
    static_site,
)
from tests.openid4vc.test_presentation import TWO_OF_FIVE, Consent
from wallet.openid4vc import (
    Candidate,
    DcqlLimitExceeded,
    DcqlQuery,
    EndpointRefused,
    HttpPolicy,
    PrivateAddressRefused,
    RequestNotTrusted,
    UnknownClientIdPrefix,
    build_vp_token,
    match_request,
    present,
    request_uri_of,
    send_response,
)
from wallet.openid4vc._http import WebClient


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def site(clock: FakeClock) -> Iterator[VerifierSite]:
    with running_verifier(clock) as running:
        yield running


def _held() -> list[Candidate]:
    return [held_sd_jwt(holder_key())]


def test_a_response_posted_twice_is_refused(site: VerifierSite, clock: FakeClock) -> None:
    handle = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
    sent = present(
        handle.uri,
        held=_held(),
        keys=[holder_key()],
        consent=Consent(),
        policy=LOOPBACK,
        clock=clock,
    )
    form = {"vp_token": json.dumps(sent.vp_token), "state": str(sent.state)}
    again = httpx.post(f"{site.base_url}/response", data=form)
    assert again.status_code == 400
    assert "already received" in again.json()["error_description"]
    result = site.verifier.result(handle.transaction_id)
    assert result is not None and result.verified


def test_a_response_replayed_into_another_transaction_fails_on_its_nonce(
    site: VerifierSite, clock: FakeClock
) -> None:
    first = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
    sent = present(
        first.uri,
        held=_held(),
        keys=[holder_key()],
        consent=Consent(),
        policy=LOOPBACK,
        clock=clock,
    )
    second = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
    form = {"vp_token": json.dumps(sent.vp_token), "state": str(second.request.state)}
    answer = httpx.post(f"{site.base_url}/response", data=form)
    assert answer.status_code == 400
    assert "nonce_mismatch" in answer.json()["error_description"]
    result = site.verifier.result(second.transaction_id)
    assert result is not None and not result.verified


def test_a_wrong_nonce_is_refused_with_its_reason(site: VerifierSite, clock: FakeClock) -> None:
    handle = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
    matches = match_request(handle.request, _held())
    forged = dataclasses.replace(handle.request, nonce="not-the-verifiers-nonce")
    token = build_vp_token(forged, matches, [holder_key()], clock)
    with WebClient(LOOPBACK) as web, pytest.raises(EndpointRefused, match="nonce"):
        send_response(web, handle.request, token)
    result = site.verifier.result(handle.transaction_id)
    assert result is not None and not result.verified
    assert "nonce" in result.problems[0]


def test_an_unknown_client_id_prefix_is_refused_before_any_fetch(clock: FakeClock) -> None:
    with static_site({"/request": "x"}) as fake:
        for client_id in ("https://verifier.example", "openid_federation:https://v.example"):
            uri = request_uri_of(client_id, f"{fake.base_url}/request")
            with pytest.raises(UnknownClientIdPrefix):
                present(
                    uri,
                    held=_held(),
                    keys=[holder_key()],
                    consent=Consent(),
                    policy=LOOPBACK,
                    clock=clock,
                )
    assert fake.hits == []


def test_a_request_uri_at_a_private_address_is_refused(clock: FakeClock) -> None:
    with static_site({"/request": "x"}) as fake:
        uri = request_uri_of("decentralized_identifier:did:key:z6Mk", f"{fake.base_url}/request")
        with pytest.raises(PrivateAddressRefused):
            present(
                uri,
                held=_held(),
                keys=[holder_key()],
                consent=Consent(),
                policy=HttpPolicy(),
                clock=clock,
            )
    assert fake.hits == []


def _by_value(query: str) -> str:
    response_uri = "http://127.0.0.1:9/response"
    return (
        f"openid4vp://?client_id={quote('redirect_uri:' + response_uri)}&response_type=vp_token"
        f"&response_mode=direct_post&response_uri={quote(response_uri)}"
        f"&nonce=nonce-nonce-nonce-nonce&state=s&dcql_query={quote(query)}"
    )


@pytest.mark.parametrize(
    "query",
    [
        # Deeper than any DCQL query can be.
        '{"credentials": [{"id": "a", "format": "dc+sd-jwt", "claims": [{"path": ["x"],'
        ' "values": [' + "[" * 40 + "]" * 40 + "]}]}]}",
        # More credential queries than the limit.
        json.dumps({"credentials": [{"id": f"q{i}", "format": "dc+sd-jwt"} for i in range(17)]}),
        # Larger than the byte limit.
        json.dumps(
            {
                "credentials": [
                    {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["v" * 17000]}}
                ]
            }
        ),
    ],
    ids=["too-deep", "too-many-queries", "too-large"],
)
def test_an_excessive_dcql_query_is_refused(query: str, clock: FakeClock) -> None:
    with pytest.raises(DcqlLimitExceeded):
        present(
            _by_value(query),
            held=_held(),
            keys=[holder_key()],
            consent=Consent(),
            policy=LOOPBACK,
            clock=clock,
        )


def _request_object(signer_seed: int, client_did: str, response_uri: str) -> str:
    signer = key(signer_seed)
    _, method = method_of(signer)
    claims = {
        "client_id": f"decentralized_identifier:{client_did}",
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri,
        "nonce": "n" * 20,
        "state": "s",
        "dcql_query": TWO_OF_FIVE,
    }
    return sign_jws({"alg": "EdDSA", "typ": "oauth-authz-req+jwt", "kid": method}, claims, signer)


def test_a_request_object_signed_by_another_key_is_refused(clock: FakeClock) -> None:
    claimed_did, _ = method_of(key(60))
    jwt = _request_object(61, claimed_did, "http://127.0.0.1:9/response")
    client_id = quote(f"decentralized_identifier:{claimed_did}")
    with pytest.raises(RequestNotTrusted, match="kid"):
        present(
            f"openid4vp://?client_id={client_id}&request={jwt}",
            held=_held(),
            keys=[holder_key()],
            consent=Consent(),
            policy=LOOPBACK,
            clock=clock,
        )


def test_a_tampered_request_object_is_refused(clock: FakeClock) -> None:
    did, _ = method_of(key(60))
    header, payload, signature = _request_object(60, did, "http://127.0.0.1:9/r").split(".")
    claims = json.loads(b64url_decode(payload))
    claims["response_uri"] = "http://127.0.0.1:9/attacker"
    forged = b64url_encode(json.dumps(claims).encode())
    client_id = quote(f"decentralized_identifier:{did}")
    uri = f"openid4vp://?client_id={client_id}&request={header}.{forged}.{signature}"
    with pytest.raises(RequestNotTrusted, match="does not verify"):
        present(
            uri, held=_held(), keys=[holder_key()], consent=Consent(), policy=LOOPBACK, clock=clock
        )


def test_an_oversized_response_is_refused_before_it_is_parsed(site: VerifierSite) -> None:
    handle = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
    form = {"vp_token": "x" * (600 * 1024), "state": str(handle.request.state)}
    answer = httpx.post(f"{site.base_url}/response", data=form)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert site.verifier.result(handle.transaction_id) is None
