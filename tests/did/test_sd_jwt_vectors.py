"""Tests SD-JWT parsing and verification against the RFC 9901 examples."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from did import Disclosure, SdJwt, TrustAny, verify_sd_jwt
from did.sd_jwt import Jws, process_disclosures, sd_digest


def _inline(vectors: Path) -> list[dict[str, Any]]:
    path = vectors / "sd-jwt" / "rfc9901-inline-examples.json"
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


def _generated(vectors: Path) -> dict[str, Any]:
    path = vectors / "sd-jwt" / "rfc9901-generated-examples.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _public(jwk: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in jwk.items() if k != "d"}


def test_inline_disclosures_decode_and_digest(vectors: Path) -> None:
    cases = _inline(vectors)
    assert len(cases) == 5
    for case in cases:
        disclosure = Disclosure.from_encoded(case["disclosure"])
        decoded = case["decodedArray"]
        assert disclosure.salt == decoded[0]
        assert disclosure.name == (decoded[1] if len(decoded) == 3 else None)
        assert disclosure.value == decoded[-1]
        assert disclosure.digest == case.get("digest", case.get("digest_computed_here"))


EXAMPLES = ["simple", "address_only_recursive", "simple_structured", "w3c-vc"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_generated_example_disclosures_and_payload(vectors: Path, name: str) -> None:
    example = _generated(vectors)["examples"][name]
    issued = SdJwt.from_text(example["issuedSdJwt"])
    assert issued.kb_jwt is None
    assert issued.to_text() == example["issuedSdJwt"]
    jws = Jws.from_text(issued.issuer_jwt)
    assert jws.header == example["issuerSignedJwtHeader"]
    assert jws.payload == example["issuerSignedJwtPayload"]
    assert [d["disclosure"] for d in example["disclosures"]] == list(issued.disclosures)
    for entry in example["disclosures"]:
        disclosure = Disclosure.from_encoded(entry["disclosure"])
        assert disclosure.digest == entry["digest"]
        label = [disclosure.name] if disclosure.name is not None else []
        assert [disclosure.salt, *label, disclosure.value] == entry["decoded"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_generated_example_presentation_verifies(vectors: Path, name: str) -> None:
    data = _generated(vectors)
    settings, example = data["settings"], data["examples"][name]
    presented = SdJwt.from_text(example["presentation"])
    assert presented.to_text() == example["presentation"]
    has_kb = "kbJwt" in example
    if has_kb:
        assert presented.kb_jwt == example["kbJwt"]
        assert presented.sd_hash_input() == example["sdHashInput"]
        assert sd_digest(presented.sd_hash_input()) == example["kbJwtPayload"]["sd_hash"]
        now = datetime.fromtimestamp(example["kbJwtPayload"]["iat"], UTC)
    else:
        now = datetime.fromtimestamp(settings["iat"], UTC)
    report = verify_sd_jwt(
        example["presentation"],
        now=now,
        audience=settings["verifier"] if has_kb else None,
        nonce=settings["keyBindingNonce"] if has_kb else None,
        issuer_jwk=_public(settings["issuerKeyJwk"]),
        require_key_binding=has_kb,
        accepted_types=("example+sd-jwt",),
        trust=TrustAny(),
    )
    assert report.verified, report.failures()
    outcomes = {c.name: c.outcome for c in report.checks}
    assert outcomes["holder_binding"] == ("passed" if has_kb else "skipped")
    # The verifier sees exactly the disclosed claims and the claims in the clear.
    assert report.claims == example["verifiedContents"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_issued_example_reveals_every_claim(vectors: Path, name: str) -> None:
    data = _generated(vectors)
    example = data["examples"][name]
    issued = SdJwt.from_text(example["issuedSdJwt"])
    payload = Jws.from_text(issued.issuer_jwt).payload
    claims = process_disclosures(payload, [Disclosure.from_encoded(d) for d in issued.disclosures])
    for key, value in example["userClaims"].items():
        assert claims[key] == value


def test_generated_example_fails_with_a_wrong_issuer_key(vectors: Path) -> None:
    data = _generated(vectors)
    settings, example = data["settings"], data["examples"]["simple"]
    report = verify_sd_jwt(
        example["presentation"],
        now=datetime.fromtimestamp(example["kbJwtPayload"]["iat"], UTC),
        audience=settings["verifier"],
        nonce=settings["keyBindingNonce"],
        issuer_jwk=_public(settings["holderKeyJwk"]),
        accepted_types=("example+sd-jwt",),
        trust=TrustAny(),
    )
    assert {c.name: c.reason for c in report.checks if c.outcome == "failed"} == {
        "proof": "signature_invalid"
    }
    assert report.claims is None


def test_generated_example_typ_is_not_an_sd_jwt_vc(vectors: Path) -> None:
    data = _generated(vectors)
    example = data["examples"]["simple"]
    report = verify_sd_jwt(
        example["presentation"],
        now=datetime.fromtimestamp(example["kbJwtPayload"]["iat"], UTC),
        audience=data["settings"]["verifier"],
        nonce=data["settings"]["keyBindingNonce"],
        issuer_jwk=_public(data["settings"]["issuerKeyJwk"]),
        trust=TrustAny(),
    )
    assert report.check("syntax").reason == "malformed_sd_jwt"
    assert "typ" in report.check("syntax").message
