"""The project's OpenID4VP verifier against its holder, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from did import SdJwt
from tests.openid4vc.helpers import (
    LOOPBACK,
    FakeClock,
    VerifierSite,
    held_ldp,
    held_sd_jwt,
    holder_key,
    running_verifier,
)
from wallet.openid4vc import (
    ConsentDenied,
    ConsentRequest,
    DcqlQuery,
    NoMatchingCredential,
    PresentationResult,
    PresentationSent,
    present,
)

TWO_OF_FIVE = {
    "credentials": [
        {
            "id": "person",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": ["https://example.org/person"]},
            "claims": [{"path": ["given_name"]}, {"path": ["nationality"], "values": ["GB"]}],
        }
    ]
}
DEGREE = {
    "credentials": [
        {
            "id": "degree",
            "format": "ldp_vc",
            "meta": {"type_values": [["UniversityDegreeCredential"]]},
            "claims": [{"path": ["credentialSubject", "degree", "name"]}],
        }
    ]
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def site(clock: FakeClock) -> Iterator[VerifierSite]:
    with running_verifier(clock) as running:
        yield running


@pytest.fixture
def signing_site(clock: FakeClock) -> Iterator[VerifierSite]:
    with running_verifier(clock, signing=True) as running:
        yield running


class Consent:
    """Records what the user was shown, and answers as told."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.shown: list[ConsentRequest] = []

    def __call__(self, request: ConsentRequest) -> bool:
        self.shown.append(request)
        return self.answer


def _present(
    site: VerifierSite, clock: FakeClock, query: dict[str, Any], consent: Consent
) -> tuple[PresentationSent, PresentationResult]:
    holder = holder_key()
    handle = site.verifier.create_request(DcqlQuery.from_json(query))
    sent = present(
        handle.uri,
        held=[held_sd_jwt(holder), held_ldp(holder)],
        keys=[holder],
        consent=consent,
        policy=LOOPBACK,
        clock=clock,
    )
    result = site.verifier.result(handle.transaction_id)
    assert result is not None
    return sent, result


def test_two_of_five_claims_disclosed_after_consent(site: VerifierSite, clock: FakeClock) -> None:
    consent = Consent()
    sent, result = _present(site, clock, TWO_OF_FIVE, consent)
    # The user saw exactly which claims go to which verifier.
    (shown,) = consent.shown
    assert shown.verifier == site.verifier.client_id
    assert shown.prefix == "redirect_uri"
    assert [(c.path, c.value) for c in shown.items[0].claims] == [
        (("given_name",), "Ada"),
        (("nationality",), "GB"),
    ]
    # Exactly two disclosures left the wallet, and the verifier saw exactly those claims.
    (presentation,) = sent.vp_token["person"]
    assert len(SdJwt.from_text(presentation).disclosures) == 2
    assert result.verified, result.problems
    assert result.disclosed == (("person", {"given_name": "Ada", "nationality": "GB"}),)
    report = result.reports[0][1]
    assert report.check("challenge").outcome == "passed"


def test_signed_request_by_reference_with_a_w3c_presentation(
    signing_site: VerifierSite, clock: FakeClock
) -> None:
    consent = Consent()
    sent, result = _present(signing_site, clock, DEGREE, consent)
    assert consent.shown[0].prefix == "decentralized_identifier"
    assert consent.shown[0].signed
    assert consent.shown[0].items[0].whole_credential
    (vp,) = sent.vp_token["degree"]
    assert vp["proof"]["challenge"] and vp["proof"]["domain"] == signing_site.verifier.client_id
    assert result.verified, result.problems


def test_credential_sets_choose_the_option_the_wallet_can_meet(
    site: VerifierSite, clock: FakeClock
) -> None:
    query = {
        "credentials": [
            {"id": "passport", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:passport"]}},
            TWO_OF_FIVE["credentials"][0],
            DEGREE["credentials"][0],
        ],
        "credential_sets": [
            {"options": [["passport"], ["person"]]},
            {"options": [["degree"]], "required": False},
        ],
    }
    consent = Consent()
    sent, result = _present(site, clock, query, consent)
    assert sorted(sent.vp_token) == ["degree", "person"]
    assert result.verified, result.problems


def test_a_claim_the_credential_lacks_is_refused_and_nothing_sent(
    site: VerifierSite, clock: FakeClock
) -> None:
    query = {
        "credentials": [
            {"id": "person", "format": "dc+sd-jwt", "claims": [{"path": ["passport_number"]}]}
        ]
    }
    consent = Consent()
    with pytest.raises(NoMatchingCredential, match=r"person.*passport_number"):
        _present(site, clock, query, consent)
    assert consent.shown == []


def test_a_claim_with_another_value_is_refused(site: VerifierSite, clock: FakeClock) -> None:
    query = {
        "credentials": [
            {
                "id": "person",
                "format": "dc+sd-jwt",
                "claims": [{"path": ["nationality"], "values": ["FR", "DE"]}],
            }
        ]
    }
    with pytest.raises(NoMatchingCredential):
        _present(site, clock, query, Consent())


def test_declined_consent_sends_nothing(site: VerifierSite, clock: FakeClock) -> None:
    holder = holder_key()
    handle = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
    with pytest.raises(ConsentDenied):
        present(
            handle.uri,
            held=[held_sd_jwt(holder)],
            keys=[holder],
            consent=Consent(False),
            policy=LOOPBACK,
            clock=clock,
        )
    assert site.verifier.result(handle.transaction_id) is None
