"""ES256 (P-256) everywhere a key signs: issuer, key proofs, key binding, request objects."""

from __future__ import annotations

import pytest

from did import P256Key, SdJwt, TrustAny, did_key_from_public_key, issue_sd_jwt
from did.sd_jwt import Jws
from tests.openid4vc.helpers import (
    LDP_CONFIG,
    LOOPBACK,
    LOOPBACK_PORT_0,
    PERSON,
    SD_JWT_CONFIG,
    START,
    FakeClock,
    holder_key,
    seeded_rng,
)
from tests.openid4vc.test_presentation import TWO_OF_FIVE, Consent
from wallet.openid4vc import (
    Candidate,
    CredentialConfiguration,
    CredentialTemplate,
    DcqlQuery,
    HolderKey,
    Issuer,
    Verifier,
    bind,
    issuer_app,
    present,
    receive_credentials,
    serve,
    verifier_app,
)
from wallet.server import Limits


def p256(seed: int) -> P256Key:
    return P256Key.generate(seeded_rng(seed).randbytes)


def p256_method(key: P256Key) -> str:
    did = did_key_from_public_key(key.public_key, "P-256")
    return f"{did}#{did.removeprefix('did:key:')}"


@pytest.mark.parametrize(
    "holder",
    [
        HolderKey.did_key(p256(11)),
        HolderKey.did_jwk(p256(12)),
        HolderKey.did_key(p256(13), use_jwk=True),
        holder_key(),
    ],
    ids=["p256-did-key", "p256-did-jwk", "p256-jwk-header", "ed25519-holder"],
)
@pytest.mark.parametrize("config", [SD_JWT_CONFIG, LDP_CONFIG], ids=["sd-jwt", "ldp"])
def test_an_es256_issuer_and_holders_of_both_key_types(
    holder: HolderKey, config: CredentialConfiguration
) -> None:
    clock = FakeClock()
    signer = p256(20)
    bound = bind(LOOPBACK_PORT_0)
    issuer = Issuer(
        bound.base_url,
        key=signer,
        verification_method=p256_method(signer),
        clock=clock,
        rng=seeded_rng(21).randbytes,
    )
    template = CredentialTemplate(config, {"degree": "BSc"})
    with serve(issuer_app(issuer), bound, Limits()):
        handle = issuer.create_offer(template, tx_code=True)
        code = handle.tx_code or ""
        (received,) = receive_credentials(
            handle.offer.to_uri(),
            holder=holder,
            policy=LOOPBACK,
            clock=clock,
            rng=seeded_rng(22).randbytes,
            tx_code=lambda _: code,
        )
    assert received.report.verified
    if isinstance(received.credential, str):
        header = Jws.from_text(SdJwt.from_text(received.credential).issuer_jwt).header
        assert header["alg"] == "ES256"
    else:
        assert received.credential["proof"]["cryptosuite"] == "ecdsa-jcs-2019"


def test_es256_key_binding_and_an_es256_signed_request() -> None:
    clock = FakeClock()
    holder = HolderKey.did_key(p256(30))
    issuer_key = p256(31)
    held = Candidate(
        "c",
        "dc+sd-jwt",
        issue_sd_jwt(
            PERSON,
            key=issuer_key,
            verification_method=p256_method(issuer_key),
            vct="https://example.org/person",
            issued_at=START,
            disclosable=[f"/{name}" for name in PERSON],
            holder_public_key=holder.public_key,
            rng=seeded_rng(32).randbytes,
        ),
    )
    verifier_key = p256(33)
    bound = bind(LOOPBACK_PORT_0)
    verifier = Verifier(
        bound.base_url,
        clock=clock,
        rng=seeded_rng(34).randbytes,
        key=verifier_key,
        verification_method=p256_method(verifier_key),
        trust=TrustAny(),
    )
    with serve(verifier_app(verifier), bound, Limits()):
        handle = verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
        sent = present(
            handle.uri, held=[held], keys=[holder], consent=Consent(), policy=LOOPBACK, clock=clock
        )
    result = verifier.result(handle.transaction_id)
    assert result is not None and result.verified, result and result.problems
    kb_jwt = SdJwt.from_text(sent.vp_token["person"][0]).kb_jwt
    assert kb_jwt is not None and Jws.from_text(kb_jwt).header["alg"] == "ES256"
    assert sent.shared.prefix == "decentralized_identifier"
