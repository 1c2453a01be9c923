"""Encrypted responses (`direct_post.jwt`, OpenID4VP 1.0 §8.3) between the verifier and holder."""

from __future__ import annotations

import dataclasses
import json

import httpx
import pytest

from tests.openid4vc.helpers import (
    LOOPBACK,
    FakeClock,
    held_sd_jwt,
    holder_key,
    running_verifier,
    seeded_rng,
)
from tests.openid4vc.test_presentation import TWO_OF_FIVE, Consent
from wallet.openid4vc import (
    DcqlQuery,
    ProtocolError,
    VerifierRefused,
    build_vp_token,
    match_request,
    present,
    send_response,
)
from wallet.openid4vc._http import WebClient
from wallet.openid4vc._jwe import P256Decrypter, encrypt_to


@pytest.mark.parametrize("signing", [False, True], ids=["by-value", "signed"])
def test_an_encrypted_response_verifies(signing: bool) -> None:
    clock = FakeClock()
    holder = holder_key()
    with running_verifier(clock, signing=signing, response_mode="direct_post.jwt") as site:
        handle = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
        present(
            handle.uri,
            held=[held_sd_jwt(holder)],
            keys=[holder],
            consent=Consent(),
            policy=LOOPBACK,
            clock=clock,
            rng=seeded_rng(8).randbytes,
        )
        result = site.verifier.result(handle.transaction_id)
    assert result is not None and result.verified, result and result.problems
    assert result.disclosed[0][1] == {"given_name": "Ada", "nationality": "GB"}


def test_an_encrypted_verifier_refuses_clear_and_replayed_responses() -> None:
    clock = FakeClock()
    holder = holder_key()
    with running_verifier(clock, response_mode="direct_post.jwt") as site:
        handle = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
        clear = httpx.post(f"{site.base_url}/response", data={"vp_token": "{}", "state": "x"})
        assert clear.status_code == 400
        assert "encrypted" in clear.json()["error_description"]
        matches = match_request(handle.request, [held_sd_jwt(holder)])
        token = build_vp_token(handle.request, matches, [holder], clock)
        key, enc = handle.request.encryption_key()
        jwe = encrypt_to(
            key, {"vp_token": token, "state": handle.request.state}, enc, seeded_rng(3).randbytes
        )
        first = httpx.post(f"{site.base_url}/response", data={"response": jwe})
        again = httpx.post(f"{site.base_url}/response", data={"response": jwe})
    assert first.status_code == 200
    assert again.status_code == 400
    assert "already received" in again.json()["error_description"]


def test_a_tampered_jwe_does_not_decrypt() -> None:
    rng = seeded_rng(5).randbytes
    decrypter = P256Decrypter(rng, "k1")
    jwe = encrypt_to(decrypter.public_jwk, {"a": 1}, "A256GCM", rng)
    assert json.loads(decrypter.decrypt(jwe)) == {"a": 1}
    parts = jwe.split(".")
    parts[3] = ("B" if parts[3][0] == "A" else "A") + parts[3][1:]
    with pytest.raises(VerifierRefused, match="does not decrypt"):
        decrypter.decrypt(".".join(parts))
    assert "redacted" in repr(decrypter)


def test_the_holder_refuses_a_jwt_mode_without_a_key() -> None:
    clock = FakeClock()
    with running_verifier(clock, response_mode="direct_post.jwt") as site:
        handle = site.verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
        stripped = dataclasses.replace(handle.request, client_metadata={"jwks": {"keys": []}})
        with WebClient(LOOPBACK) as web, pytest.raises(ProtocolError, match="P-256"):
            send_response(web, stripped, {}, seeded_rng(1).randbytes)
        assert site.verifier.result(handle.transaction_id) is None
