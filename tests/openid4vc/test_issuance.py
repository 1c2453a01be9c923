"""The project's OpenID4VCI issuer against its holder, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from did import SdJwt
from tests.openid4vc.helpers import (
    LDP_CONFIG,
    LOOPBACK,
    SD_JWT_CONFIG,
    FakeClock,
    IssuerSite,
    holder_key,
    key,
    running_issuer,
    seeded_rng,
)
from wallet.openid4vc import (
    CredentialConfiguration,
    CredentialTemplate,
    GrantRefused,
    HolderKey,
    ReceivedCredential,
    TxCode,
    offer_uri_by_reference,
    receive_credentials,
)

CLAIMS = {"given_name": "Ada", "family_name": "Lovelace", "degree": "BSc"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def site(clock: FakeClock) -> Iterator[IssuerSite]:
    with running_issuer(clock) as running:
        yield running


def _receive(site: IssuerSite, clock: FakeClock, uri: str, **kwargs: object) -> ReceivedCredential:
    received = receive_credentials(
        uri,
        holder=holder_key(),
        policy=LOOPBACK,
        clock=clock,
        rng=seeded_rng(9).randbytes,
        **kwargs,  # type: ignore[arg-type]
    )
    assert len(received) == 1
    return received[0]


def test_pre_authorized_sd_jwt_by_value(site: IssuerSite, clock: FakeClock) -> None:
    template = CredentialTemplate(SD_JWT_CONFIG, CLAIMS, disclosable=("/given_name", "/degree"))
    handle = site.issuer.create_offer(template)
    received = _receive(site, clock, handle.offer.to_uri())
    assert received.format == "dc+sd-jwt"
    assert received.report.verified
    assert isinstance(received.credential, str)
    assert len(SdJwt.from_text(received.credential).disclosures) == 2
    assert site.issuer.issued[0].holder == holder_key().did


def test_pre_authorized_with_tx_code_by_reference(site: IssuerSite, clock: FakeClock) -> None:
    handle = site.issuer.create_offer(CredentialTemplate(LDP_CONFIG, CLAIMS), tx_code=True)
    assert handle.tx_code is not None and len(handle.tx_code) == 6
    asked: list[TxCode] = []

    def enter(spec: TxCode) -> str:
        asked.append(spec)
        assert handle.tx_code is not None
        return handle.tx_code

    uri = offer_uri_by_reference(site.issuer.offer_url(handle.offer_id))
    received = _receive(site, clock, uri, tx_code=enter)
    assert asked == [TxCode("numeric", 6, None)]
    assert isinstance(received.credential, dict)
    assert received.credential["credentialSubject"]["id"] == holder_key().did
    assert received.credential["credentialSubject"]["degree"] == "BSc"
    assert received.report.verified


def test_wrong_tx_code_is_refused_and_nothing_issued(site: IssuerSite, clock: FakeClock) -> None:
    handle = site.issuer.create_offer(CredentialTemplate(SD_JWT_CONFIG, CLAIMS), tx_code=True)
    wrong = "000000" if handle.tx_code != "000000" else "111111"
    with pytest.raises(GrantRefused) as caught:
        _receive(site, clock, handle.offer.to_uri(), tx_code=lambda _: wrong)
    assert caught.value.error == "invalid_grant"
    assert "tx_code does not match" in str(caught.value.description)
    assert site.issuer.issued == []


def test_a_pre_authorized_code_works_once(site: IssuerSite, clock: FakeClock) -> None:
    handle = site.issuer.create_offer(CredentialTemplate(SD_JWT_CONFIG, CLAIMS))
    _receive(site, clock, handle.offer.to_uri())
    with pytest.raises(GrantRefused):
        _receive(site, clock, handle.offer.to_uri())
    assert len(site.issuer.issued) == 1


def test_an_expired_offer_is_refused(site: IssuerSite, clock: FakeClock) -> None:
    handle = site.issuer.create_offer(CredentialTemplate(SD_JWT_CONFIG, CLAIMS))
    clock.advance(timedelta(minutes=11))
    with pytest.raises(GrantRefused):
        _receive(site, clock, handle.offer.to_uri())


def _browser(url: str) -> None:
    """Stands in for the user's browser: follows the issuer's redirect to the loopback."""
    with httpx.Client(follow_redirects=True) as browser:
        page = browser.get(url)
    assert page.status_code == 200
    assert "return to the terminal" in page.text


def test_authorization_code_flow_with_pkce(site: IssuerSite, clock: FakeClock) -> None:
    template = CredentialTemplate(SD_JWT_CONFIG, CLAIMS, disclosable=("/given_name",))
    handle = site.issuer.create_offer(template, pre_authorized=False, authorization_code=True)
    opened: list[str] = []

    def open_url(url: str) -> None:
        opened.append(url)
        _browser(url)

    received = _receive(site, clock, handle.offer.to_uri(), open_url=open_url)
    assert received.report.verified
    assert opened[0].startswith(f"{site.base_url}/authorize?")
    assert "code_challenge_method=S256" in opened[0]


def test_an_authorization_code_is_bound_to_its_verifier(site: IssuerSite) -> None:
    template = CredentialTemplate(SD_JWT_CONFIG, CLAIMS)
    handle = site.issuer.create_offer(template, pre_authorized=False, authorization_code=True)
    redirect = "http://127.0.0.1:9/callback"
    params = {
        "response_type": "code",
        "client_id": "c",
        "redirect_uri": redirect,
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        "issuer_state": str(handle.offer.issuer_state),
    }
    with httpx.Client() as http:
        answer = http.get(f"{site.base_url}/authorize", params=params)
        assert answer.status_code == 302
        code = httpx.URL(answer.headers["location"]).params["code"]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "client_id": "c",
            "code_verifier": "x" * 43,
        }
        refused = http.post(f"{site.base_url}/token", data=form)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert "code_verifier" in refused.json()["error_description"]


def test_a_non_loopback_redirect_is_refused(site: IssuerSite) -> None:
    handle = site.issuer.create_offer(
        CredentialTemplate(SD_JWT_CONFIG, CLAIMS), pre_authorized=False, authorization_code=True
    )
    params = {
        "response_type": "code",
        "client_id": "c",
        "redirect_uri": "https://attacker.example/cb",
        "code_challenge": "abc",
        "code_challenge_method": "S256",
        "issuer_state": str(handle.offer.issuer_state),
    }
    with httpx.Client() as http:
        answer = http.get(f"{site.base_url}/authorize", params=params)
    assert answer.status_code == 400
    assert "loopback" in answer.json()["error_description"]


@pytest.mark.parametrize(
    "holder",
    [HolderKey.did_jwk(key(7)), HolderKey.did_key(key(7), use_jwk=True)],
    ids=["kid-did-jwk", "jwk-header"],
)
@pytest.mark.parametrize("config", [SD_JWT_CONFIG, LDP_CONFIG], ids=["sd-jwt", "ldp"])
def test_key_proofs_by_did_jwk_and_by_jwk(
    site: IssuerSite, clock: FakeClock, holder: HolderKey, config: CredentialConfiguration
) -> None:
    handle = site.issuer.create_offer(CredentialTemplate(config, CLAIMS))
    (received,) = receive_credentials(
        handle.offer.to_uri(),
        holder=holder,
        policy=LOOPBACK,
        clock=clock,
        rng=seeded_rng(9).randbytes,
    )
    assert received.report.verified
    assert site.issuer.issued[0].holder == holder.bound_did
