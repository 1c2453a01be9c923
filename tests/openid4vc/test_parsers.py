"""Offers, DCQL queries and requests: round trips, the spec's examples, and malformed input."""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wallet.openid4vc import (
    AuthorizationRequest,
    CredentialConfiguration,
    CredentialOffer,
    DcqlError,
    DcqlQuery,
    IssuerMetadata,
    OpenID4VCError,
    ProtocolError,
    TxCode,
    UnknownClientIdPrefix,
    UnsupportedFormat,
    client_id_prefix,
    locate_offer,
    locate_request,
    select_claims,
)

# OpenID4VCI 1.0 §4.1.1, the pre-authorized code example (values shortened).
SPEC_OFFER = {
    "credential_issuer": "https://credential-issuer.example.com",
    "credential_configuration_ids": ["UniversityDegreeCredential"],
    "grants": {
        "urn:ietf:params:oauth:grant-type:pre-authorized_code": {
            "pre-authorized_code": "adhjhdjajkdkhjhdj",
            "tx_code": {
                "length": 4,
                "input_mode": "numeric",
                "description": "Please provide the one-time code that was sent via e-mail",
            },
        }
    },
}
# OpenID4VP 1.0 §D (DCQL examples): one SD-JWT VC query with claim sets.
SPEC_DCQL = {
    "credentials": [
        {
            "id": "pid",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
            "claims": [
                {"id": "a", "path": ["last_name"]},
                {"id": "b", "path": ["postal_code"]},
                {"id": "c", "path": ["locality"]},
                {"id": "d", "path": ["region"]},
                {"id": "e", "path": ["date_of_birth"]},
            ],
            "claim_sets": [["a", "c", "d", "e"], ["a", "b", "e"]],
        }
    ]
}


def test_the_spec_offer_round_trips_through_its_uri() -> None:
    offer = CredentialOffer.from_json(SPEC_OFFER)
    assert offer.tx_code == TxCode(
        "numeric",
        4,
        SPEC_OFFER["grants"][  # type: ignore[index]
            "urn:ietf:params:oauth:grant-type:pre-authorized_code"
        ]["tx_code"]["description"],
    )
    assert offer.to_json() == SPEC_OFFER
    assert locate_offer(offer.to_uri()).offer == offer


def test_an_offer_by_reference_is_located_not_fetched() -> None:
    uri = "openid-credential-offer://?credential_offer_uri=" + quote("https://i.example/o/1")
    assert locate_offer(uri).uri == "https://i.example/o/1"


@pytest.mark.parametrize(
    "text",
    [
        "https-not://x",
        "openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=x",
        "openid-credential-offer://?foo=bar",
        "openid-credential-offer://?credential_offer=" + quote('{"credential_issuer": 1}'),
        "openid-credential-offer://?credential_offer=" + quote('{"a": 1, "a": 2}'),
        '{"credential_issuer": "https://x", "credential_configuration_ids": []}',
    ],
)
def test_malformed_offers_are_refused(text: str) -> None:
    with pytest.raises(ProtocolError):
        locate_offer(text)


def test_the_spec_dcql_example_round_trips_and_picks_the_first_claim_set_that_matches() -> None:
    query = DcqlQuery.from_json(SPEC_DCQL)
    assert DcqlQuery.from_json(query.to_json()) == query
    view = {"last_name": "L", "postal_code": "1", "date_of_birth": "2000-01-01", "region": "R"}
    selected = select_claims(query.credentials[0], view)
    assert selected is not None
    assert [path for path, _ in selected] == [("last_name",), ("postal_code",), ("date_of_birth",)]


def test_claims_path_null_selects_every_element() -> None:
    query = DcqlQuery.from_json(
        {
            "credentials": [
                {
                    "id": "q",
                    "format": "ldp_vc",
                    "claims": [{"path": ["nationalities", None], "values": ["DE"]}],
                }
            ]
        }
    )
    view = {"nationalities": ["FR", "DE"]}
    assert select_claims(query.credentials[0], view) == ((("nationalities", 1), "DE"),)
    assert select_claims(query.credentials[0], {"nationalities": ["FR"]}) is None


def test_a_boolean_value_does_not_match_an_integer() -> None:
    query = DcqlQuery.from_json(
        {
            "credentials": [
                {"id": "q", "format": "dc+sd-jwt", "claims": [{"path": ["over_18"], "values": [1]}]}
            ]
        }
    )
    assert select_claims(query.credentials[0], {"over_18": True}) is None


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"credentials": [{"id": "q", "format": "mso_mdoc"}]}, UnsupportedFormat),
        ({"credentials": [{"id": "bad id!", "format": "ldp_vc"}]}, DcqlError),
        (
            {"credentials": [{"id": "q", "format": "ldp_vc"}, {"id": "q", "format": "ldp_vc"}]},
            DcqlError,
        ),
        ({"credentials": [{"id": "q", "format": "ldp_vc", "claims": [{"path": [-1]}]}]}, DcqlError),
        ({"credentials": [{"id": "q", "format": "ldp_vc", "claim_sets": [["x"]]}]}, DcqlError),
        (
            {
                "credentials": [{"id": "q", "format": "ldp_vc"}],
                "credential_sets": [{"options": [["nope"]]}],
            },
            DcqlError,
        ),
        ({"credentials": []}, DcqlError),
    ],
)
def test_malformed_dcql_is_refused(query: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        DcqlQuery.from_json(query)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_a_query_or_a_typed_refusal(value: Any) -> None:
    try:
        DcqlQuery.from_json(value)
        DcqlQuery.from_text(json.dumps(value))
    except OpenID4VCError:
        pass


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_an_offer_or_a_typed_refusal(value: Any) -> None:
    with contextlib.suppress(OpenID4VCError):
        CredentialOffer.from_json(value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_request_location_or_a_typed_refusal(text: str) -> None:
    with contextlib.suppress(OpenID4VCError):
        locate_request(text)


@pytest.mark.parametrize(
    "client_id",
    [
        "https://verifier.example",
        "web-origin:https://x",
        "x509_hash:abc",
        "redirect_uri:",
        "",
        ":x",
    ],
)
def test_client_id_prefixes_outside_the_list_are_refused(client_id: str) -> None:
    with pytest.raises((UnknownClientIdPrefix, ProtocolError)):
        client_id_prefix(client_id)


def test_a_redirect_uri_request_by_reference_is_refused() -> None:
    uri = "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fr&request_uri=https%3A%2F%2Fv.example%2Fq"
    with pytest.raises(ProtocolError, match="by reference"):
        locate_request(uri)


def test_a_redirect_uri_client_must_answer_to_its_own_uri() -> None:
    request = {
        "client_id": "redirect_uri:https://v.example/r",
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": "https://attacker.example/r",
        "nonce": "n" * 20,
        "dcql_query": SPEC_DCQL,
    }
    with pytest.raises(ProtocolError, match="response_uri"):
        AuthorizationRequest.from_json(request, signed=False)


def test_a_request_round_trips_through_its_uri() -> None:
    request = AuthorizationRequest(
        "redirect_uri:https://v.example/r",
        "https://v.example/r",
        "n" * 20,
        DcqlQuery.from_json(SPEC_DCQL),
        "state-1",
    )
    location = locate_request(request.to_uri())
    assert location.params is not None
    assert AuthorizationRequest.from_json(location.params, signed=False) == request


def test_issuer_metadata_round_trips_and_skips_formats_it_cannot_hold() -> None:
    configs = (
        CredentialConfiguration("a", "dc+sd-jwt", vct="urn:a"),
        CredentialConfiguration("b", "ldp_vc", types=("VerifiableCredential", "B")),
    )
    metadata = IssuerMetadata(
        "https://i.example",
        "https://i.example/credential",
        "https://i.example/nonce",
        ("https://i.example",),
        configs,
    )
    data = metadata.to_json()
    assert IssuerMetadata.from_json(data, "https://i.example") == metadata
    data["credential_configurations_supported"]["mdl"] = {"format": "mso_mdoc"}
    assert IssuerMetadata.from_json(data, "https://i.example") == metadata
    with pytest.raises(UnsupportedFormat):
        metadata.configuration("mdl")
    with pytest.raises(ProtocolError, match="credential_issuer"):
        IssuerMetadata.from_json(data, "https://other.example")
