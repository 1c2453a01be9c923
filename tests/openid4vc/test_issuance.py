"""The project's OpenID4VCI issuer against its holder, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from did import SdJwt
from wallet.openid4vc import (
    CredentialTemplate,
    GrantRefused,
    ReceivedCredential,
    TxCode,
    offer_uri_by_reference,
    receive_credentials,
)

from tests.openid4vc.helpers import (
    LDP_CONFIG,
    LOOPBACK,
    SD_JWT_CONFIG,
    FakeClock,
    IssuerSite,
    holder_key,
    running_issuer,
    seeded_rng,
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
