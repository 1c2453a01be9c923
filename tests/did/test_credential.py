"""Tests issuing and verifying VC DM 2.0 credentials and the structured verification report."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    Check,
    Ed25519Key,
    Resolver,
    TrustAny,
    TrustIssuers,
    VerificationReport,
    did_jwk_from_public_key,
    did_key_from_public_key,
    issue_credential,
    parse_json,
    verify_credential,
    web_did_document,
)
from did.errors import CredentialError, CryptographicError, MalformedValueError, RangeError

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
VALID_FROM = datetime(2025, 1, 1, tzinfo=UTC)
VALID_UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
RESOLVER = Resolver()


def did_key_identity(seed: int) -> tuple[Ed25519Key, str, str]:
    """A key, its did:key and its verification method id."""
    key = Ed25519Key.from_seed(bytes([seed]) * 32)
    did = did_key_from_public_key(key.public_key)
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


ISSUER_KEY, ISSUER, ISSUER_VM = did_key_identity(1)
_HOLDER_KEY, HOLDER, _HOLDER_VM = did_key_identity(2)

CLAIMS = {
    "id": HOLDER,
    "givenName": "Ada",
    "familyName": "Lovelace",
    "degree": "Mathematics",
    "year": 1843,
    "member": True,
}


def issue(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "key": ISSUER_KEY,
        "verification_method": ISSUER_VM,
        "valid_from": VALID_FROM,
        "valid_until": VALID_UNTIL,
        "types": ["ExampleDegreeCredential"],
        "credential_id": "urn:uuid:00000000-0000-4000-8000-000000000001",
    }
    arguments.update(overrides)
    return issue_credential(CLAIMS, **arguments)


def failed(report: VerificationReport) -> dict[str, str | None]:
    return {c.name: c.reason for c in report.checks if c.outcome == "failed"}


def test_issued_credential_verifies_with_every_check() -> None:
    credential = issue()
    assert credential["issuer"] == ISSUER
    assert credential["proof"]["proofPurpose"] == "assertionMethod"
    report = verify_credential(
        credential, now=NOW, resolver=RESOLVER, trust=TrustIssuers.of({ISSUER})
    )
    assert report.verified
    assert [(c.name, c.outcome) for c in report.checks] == [
        ("syntax", "passed"),
        ("proof", "passed"),
        ("key", "passed"),
        ("validity", "passed"),
        ("status", "skipped"),
        ("trust", "passed"),
    ]
    report.raise_for_failure()


def test_credential_survives_a_json_round_trip() -> None:
    text = json.dumps(issue(), ensure_ascii=False, indent=2)
    assert verify_credential(
        parse_json(text), now=NOW, resolver=RESOLVER, trust=TrustAny()
    ).verified


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (VALID_FROM - timedelta(seconds=1), "not_yet_valid"),
        (VALID_UNTIL + timedelta(seconds=1), "expired"),
    ],
)
def test_validity_window(now: datetime, reason: str) -> None:
    report = verify_credential(issue(), now=now, resolver=RESOLVER, trust=TrustAny())
    assert failed(report) == {"validity": reason}
    assert report.check("validity").problem_type.endswith("#RANGE_ERROR")  # type: ignore[union-attr]
    with pytest.raises(RangeError, match="validity"):
        report.raise_for_failure()
    # The window is inclusive at both ends.
    assert verify_credential(issue(), now=VALID_FROM, resolver=RESOLVER, trust=TrustAny()).verified
    assert verify_credential(issue(), now=VALID_UNTIL, resolver=RESOLVER, trust=TrustAny()).verified


def test_untrusted_issuer_fails_trust_only() -> None:
    report = verify_credential(
        issue(), now=NOW, resolver=RESOLVER, trust=TrustIssuers.of({"did:key:z6MkOther"})
    )
    assert failed(report) == {"trust": "untrusted_issuer"}
    with pytest.raises(RangeError, match="trust"):
        report.raise_for_failure()


def test_issuer_that_does_not_control_the_key_fails_key() -> None:
    _, other, _ = did_key_identity(3)
    report = verify_credential(issue(issuer=other), now=NOW, resolver=RESOLVER, trust=TrustAny())
    assert failed(report) == {"key": "controller_mismatch"}


def test_authentication_proof_is_not_an_assertion() -> None:
    credential = issue()
    del credential["proof"]
    from did import add_proof

    signed = add_proof(credential, ISSUER_KEY, ISSUER_VM, "authentication", created=VALID_FROM)
    assert failed(verify_credential(signed, now=NOW, resolver=RESOLVER, trust=TrustAny())) == {
        "key": "key_not_authorized"
    }


def test_did_jwk_and_did_web_issuers() -> None:
    key = Ed25519Key.from_seed(b"\x05" * 32)
    jwk_did = did_jwk_from_public_key(key.public_key)
    credential = issue(key=key, verification_method=f"{jwk_did}#0")
    assert verify_credential(credential, now=NOW, resolver=RESOLVER, trust=TrustAny()).verified

    web_did = "did:web:issuer.example"
    document = web_did_document(web_did, key.public_key)

    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "https://issuer.example/.well-known/did.json"
        return httpx.Response(200, json=document)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        web_resolver = Resolver(http_client=client)
        credential = issue(key=key, verification_method=f"{web_did}#key-1")
        assert verify_credential(
            credential, now=NOW, resolver=web_resolver, trust=TrustAny()
        ).verified
        forged = issue(key=ISSUER_KEY, verification_method=f"{web_did}#key-1")
        assert failed(
            verify_credential(forged, now=NOW, resolver=web_resolver, trust=TrustAny())
        ) == {"proof": "signature_invalid"}


def test_published_vector_credential_names_the_issuer_mismatch(vectors: Path) -> None:
    # The W3C example is signed by a did:key but names an https issuer: the signature is good,
    # the key is not the issuer's.
    signed = json.loads((vectors / "eddsa-jcs-2022" / "signedJCS.json").read_text())
    report = verify_credential(signed, now=NOW, resolver=RESOLVER, trust=TrustAny())
    assert report.check("proof").outcome == "passed"
    assert failed(report) == {"key": "controller_mismatch"}


# Mutation targets: (path into the credential, the check that must fail).
TARGETS: list[tuple[tuple[str, ...], str]] = [
    *((("credentialSubject", name), "proof") for name in ("givenName", "familyName", "degree")),
    (("proof", "proofValue"), "proof"),
    (("issuer",), "key"),
    (("proof", "verificationMethod"), "key"),
]


def _get(document: dict[str, Any], path: tuple[str, ...]) -> str:
    value: Any = document
    for part in path:
        value = value[part]
    assert isinstance(value, str)
    return value


def _set(document: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    for part in path[:-1]:
        document = document[part]
    document[path[-1]] = value


ISSUED = issue()
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:#._-"


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TARGETS), st.integers(min_value=0), st.sampled_from(ALPHABET))
def test_any_single_character_change_fails_naming_the_check(
    target: tuple[tuple[str, ...], str], position: int, replacement: str
) -> None:
    path, check = target
    original = _get(ISSUED, path)
    index = position % len(original)
    if original[index] == replacement:
        replacement = "Q" if replacement != "Q" else "R"
    tampered = copy.deepcopy(ISSUED)
    _set(tampered, path, original[:index] + replacement + original[index + 1 :])
    report = verify_credential(tampered, now=NOW, resolver=RESOLVER, trust=TrustAny())
    assert not report.verified
    failures = failed(report)
    if path == ("issuer",) and ":" not in _get(tampered, path):
        assert "syntax" in failures
    else:
        assert check in failures, failures
    with pytest.raises(CredentialError):
        report.raise_for_failure()


def test_report_round_trips_and_serializes() -> None:
    report = verify_credential(
        issue(), now=VALID_UNTIL + timedelta(days=1), resolver=RESOLVER, trust=TrustAny()
    )
    data = report.to_json()
    assert data["verified"] is False
    assert data["checks"][3]["problem"]["type"].endswith("#RANGE_ERROR")
    assert data["checks"][3]["problem"]["title"] == "expired"
    assert VerificationReport.from_json(json.loads(json.dumps(data))) == report


def test_failed_check_needs_a_problem_type() -> None:
    with pytest.raises(MalformedValueError):
        Check("proof", "failed", "oops")
    with pytest.raises(MalformedValueError):
        Check("proof", "maybe")  # type: ignore[arg-type]


def test_raise_for_failure_picks_the_error_class() -> None:
    credential = issue()
    credential["credentialSubject"]["degree"] = "Poetry"
    with pytest.raises(CryptographicError, match="proof"):
        verify_credential(
            credential, now=NOW, resolver=RESOLVER, trust=TrustAny()
        ).raise_for_failure()


def test_now_must_be_aware() -> None:
    with pytest.raises(MalformedValueError, match="now"):
        verify_credential(issue(), now=datetime(2025, 1, 1), resolver=RESOLVER, trust=TrustAny())
