"""Tests SD-JWT VC issuance, presentation with key binding, and each verification failure."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    Disclosure,
    Ed25519Key,
    Resolver,
    SdJwt,
    TrustAny,
    TrustIssuers,
    VerificationReport,
    did_key_from_public_key,
    disclosure_paths,
    issue_sd_jwt,
    present_sd_jwt,
    verify_sd_jwt,
)
from did.errors import CredentialError, MalformedValueError
from did.sd_jwt import Jws, sd_digest, sign_jws

ISSUED_AT = datetime(2025, 3, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
RESOLVER = Resolver()
AUDIENCE = "https://verifier.example"
NONCE = "n-0S6_WzA2Mj"


def identity(seed: int) -> tuple[Ed25519Key, str, str]:
    key = Ed25519Key.from_seed(bytes([seed]) * 32)
    did = did_key_from_public_key(key.public_key)
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


ISSUER_KEY, ISSUER, ISSUER_VM = identity(21)
HOLDER_KEY, HOLDER, _ = identity(22)
OTHER_KEY, _, _ = identity(23)

CLAIMS = {
    "sub": HOLDER,
    "given_name": "Erika",
    "family_name": "Mustermann",
    "birthdate": "1963-08-12",
    "address": {"locality": "Berlin", "country": "DE"},
    "nationalities": ["DE", "FR"],
}
DISCLOSABLE = [
    "/given_name",
    "/family_name",
    "/birthdate",
    "/address",
    "/address/locality",
    "/address/country",
    "/nationalities/0",
    "/nationalities/1",
]


def counter_rng() -> Any:
    state = {"n": 0}

    def rng(size: int) -> bytes:
        state["n"] += 1
        return hashlib.sha256(state["n"].to_bytes(4, "big")).digest()[:size]

    return rng


def issue(**overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "key": ISSUER_KEY,
        "verification_method": ISSUER_VM,
        "vct": "https://credentials.example/identity_credential",
        "issued_at": ISSUED_AT,
        "valid_until": datetime(2026, 3, 1, tzinfo=UTC),
        "disclosable": DISCLOSABLE,
        "holder_public_key": HOLDER_KEY.public_key,
        "decoys": 3,
        "rng": counter_rng(),
    }
    arguments.update(overrides)
    return issue_sd_jwt(CLAIMS, **arguments)


def present(sd_jwt: str, disclose: list[str], **overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "holder_key": HOLDER_KEY,
        "audience": AUDIENCE,
        "nonce": NONCE,
        "issued_at": NOW - timedelta(seconds=10),
    }
    arguments.update(overrides)
    return present_sd_jwt(sd_jwt, disclose=disclose, **arguments)


def verify(presentation: str, **overrides: Any) -> VerificationReport:
    arguments: dict[str, Any] = {
        "now": NOW,
        "resolver": RESOLVER,
        "trust": TrustAny(),
        "audience": AUDIENCE,
        "nonce": NONCE,
    }
    arguments.update(overrides)
    return verify_sd_jwt(presentation, **arguments)


def failed(report: VerificationReport) -> dict[str, str | None]:
    return {c.name: c.reason for c in report.checks if c.outcome == "failed"}


def test_issuance_is_deterministic_with_a_fixed_rng() -> None:
    assert issue() == issue()
    token = Jws.from_text(SdJwt.from_text(issue()).issuer_jwt)
    assert token.header == {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": ISSUER_VM}
    payload = token.payload
    assert payload["iss"] == ISSUER and payload["_sd_alg"] == "sha-256"
    assert payload["cnf"]["jwk"]["crv"] == "Ed25519"
    assert "given_name" not in payload and "address" not in payload
    assert payload["sub"] == HOLDER
    # Four top-level disclosable claims plus three decoys.
    assert len(payload["_sd"]) == 4 + 3
    assert payload["_sd"] == sorted(payload["_sd"])


def test_verifier_sees_only_the_disclosed_claims() -> None:
    report = verify(present(issue(), ["/given_name", "/address/locality", "/nationalities/1"]))
    assert report.verified, report.failures()
    claims = report.claims
    assert claims is not None
    assert claims["given_name"] == "Erika"
    assert claims["address"] == {"locality": "Berlin"}
    assert claims["nationalities"] == ["FR"]
    for hidden in ("family_name", "birthdate", "_sd", "_sd_alg"):
        assert hidden not in claims
    assert claims["iss"] == ISSUER and claims["sub"] == HOLDER


def test_disclosing_a_parent_reveals_its_children() -> None:
    report = verify(present(issue(), ["/address"]))
    assert report.claims is not None
    assert report.claims["address"] == {"locality": "Berlin", "country": "DE"}


def test_paths_map_claims_to_their_disclosures() -> None:
    paths = disclosure_paths(SdJwt.from_text(issue()))
    assert len(paths["/address/locality"]) == 2
    assert len(paths["/address/country"]) == 2
    assert len(paths["/nationalities/0"]) == 1
    assert paths["/sub"] == ()


def test_removed_disclosure_breaks_the_sd_hash() -> None:
    presented = SdJwt.from_text(present(issue(), ["/given_name", "/family_name"]))
    shortened = SdJwt(presented.issuer_jwt, presented.disclosures[:1], presented.kb_jwt)
    assert failed(verify(shortened.to_text())) == {"holder_binding": "sd_hash_mismatch"}


def test_added_disclosure_is_unreferenced() -> None:
    presented = SdJwt.from_text(present(issue(), ["/given_name"]))
    extra = Disclosure.create("c2FsdHNhbHRzYWx0", "is_admin", True).encoded
    added = SdJwt(presented.issuer_jwt, (*presented.disclosures, extra), presented.kb_jwt)
    assert failed(verify(added.to_text())) == {
        "disclosures": "disclosure_unreferenced",
        "holder_binding": "sd_hash_mismatch",
    }


def test_altered_disclosure_is_unreferenced() -> None:
    issued = SdJwt.from_text(issue())
    original = Disclosure.from_encoded(issued.disclosures[0])
    forged = Disclosure.create(original.salt, original.name, "Mallory").encoded
    altered = SdJwt(issued.issuer_jwt, (forged,))
    report = verify(altered.to_text(), require_key_binding=False)
    assert failed(report) == {"disclosures": "disclosure_unreferenced"}


@pytest.mark.parametrize(
    ("overrides", "check", "reason"),
    [
        ({"nonce": "other-nonce"}, "challenge", "nonce_mismatch"),
        ({"audience": "https://evil.example"}, "challenge", "audience_mismatch"),
        ({"holder_key": OTHER_KEY}, "holder_binding", "kb_signature_invalid"),
        ({"issued_at": NOW - timedelta(hours=1)}, "challenge", "kb_not_fresh"),
    ],
)
def test_key_binding_failures(overrides: dict[str, Any], check: str, reason: str) -> None:
    assert failed(verify(present(issue(), ["/given_name"], **overrides))) == {check: reason}


def test_key_binding_over_a_wrong_sd_hash() -> None:
    presented = SdJwt.from_text(present(issue(), ["/given_name"]))
    payload = {"iat": int(NOW.timestamp()), "aud": AUDIENCE, "nonce": NONCE,
               "sd_hash": sd_digest("something else~")}  # fmt: skip
    kb = sign_jws({"alg": "EdDSA", "typ": "kb+jwt"}, payload, HOLDER_KEY)
    forged = SdJwt(presented.issuer_jwt, presented.disclosures, kb)
    assert failed(verify(forged.to_text())) == {"holder_binding": "sd_hash_mismatch"}


def test_missing_key_binding_is_refused_when_required() -> None:
    bare = present(issue(), ["/given_name"], holder_key=None)
    assert bare.endswith("~")
    assert failed(verify(bare)) == {"holder_binding": "key_binding_missing"}
    assert verify(bare, require_key_binding=False, audience=None, nonce=None).verified


def test_expired_untrusted_and_wrong_issuer_key() -> None:
    presentation = present(issue(), ["/given_name"])
    late = NOW + timedelta(days=365)
    late_presentation = present(issue(), ["/given_name"], issued_at=late)
    assert failed(verify(late_presentation, now=late)) == {"validity": "expired"}
    assert failed(verify(presentation, trust=TrustIssuers.of({"did:key:z6MkOther"}))) == {
        "trust": "untrusted_issuer"
    }
    forged = issue(key=OTHER_KEY)
    assert failed(verify(present(forged, ["/given_name"]))) == {"proof": "signature_invalid"}


def _resign(header: dict[str, Any], payload_edit: dict[str, Any] | None = None) -> str:
    issued = SdJwt.from_text(issue())
    payload = {**Jws.from_text(issued.issuer_jwt).payload, **(payload_edit or {})}
    return SdJwt(sign_jws(header, payload, ISSUER_KEY), issued.disclosures).to_text()


def test_alg_and_typ_alternatives_are_accepted() -> None:
    for alg in ("EdDSA", "Ed25519"):
        for typ in ("dc+sd-jwt", "vc+sd-jwt"):
            token = _resign({"alg": alg, "typ": typ, "kid": ISSUER_VM})
            assert verify(present(token, ["/given_name"])).verified


def test_kid_of_another_did_is_refused() -> None:
    _, _, other_vm = identity(24)
    token = _resign({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": other_vm})
    assert failed(verify(present(token, ["/given_name"]))) == {"key": "key_not_authorized"}


def test_sd_jwt_round_trips() -> None:
    text = present(issue(), ["/given_name"])
    parsed = SdJwt.from_text(text)
    assert parsed.to_text() == text
    assert SdJwt.from_text(parsed.to_text()) == parsed
    disclosure = Disclosure.from_encoded(parsed.disclosures[0])
    assert Disclosure.from_encoded(disclosure.encoded) == disclosure
    for token in (parsed.issuer_jwt, parsed.kb_jwt):
        assert token is not None
        assert Jws.from_text(token).to_text() == token


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"disclosable": ["/iss"]}, "iss"),
        ({"disclosable": ["/nope"]}, "not found"),
        ({"disclosable": ["given_name"]}, "JSON Pointer"),
        ({"decoys": -1}, "decoys"),
        ({"typ": "jwt"}, "typ"),
    ],
)
def test_issuer_rejects_bad_requests(overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(MalformedValueError, match=match):
        issue(**overrides)


def test_holder_rejects_unknown_claims() -> None:
    with pytest.raises(MalformedValueError, match="not in this SD-JWT"):
        present(issue(), ["/email"])


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0), st.sampled_from("A_-~.=+/ \x00é"))
def test_any_character_change_fails_or_raises_only_package_errors(
    position: int, replacement: str
) -> None:
    text = PRESENTED
    index = position % len(text)
    if text[index] == replacement:
        return
    tampered = text[:index] + replacement + text[index + 1 :]
    try:
        report = verify(tampered)
    except CredentialError:
        return
    assert not report.verified


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_is_reported_not_crashed(text: str) -> None:
    report = verify(text)
    assert not report.verified


PRESENTED = present(issue(), ["/given_name", "/address/locality"])


@pytest.mark.parametrize(
    ("text", "check", "reason"),
    [
        ("abc~", "syntax", "malformed_sd_jwt"),
        ("a.b.c~", "syntax", "malformed_sd_jwt"),
        (PRESENTED.split("~")[0] + "=~", "syntax", "malformed_sd_jwt"),
        (PRESENTED.split("~")[0] + "~!!!~", "syntax", "malformed_sd_jwt"),
        (PRESENTED.split("~")[0] + "~WyJ~", "disclosures", "disclosure_malformed"),
        (PRESENTED.split("~")[0] + "~WyJhIl0~", "disclosures", "disclosure_malformed"),
    ],
)
def test_bad_base64url_and_json_fail_their_check(text: str, check: str, reason: str) -> None:
    report = verify(text, require_key_binding=False, audience=None, nonce=None)
    assert report.check(check).reason == reason
