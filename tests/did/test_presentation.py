"""Tests Verifiable Presentations: challenge and domain binding, holder binding, nested reports."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    Ed25519Key,
    Resolver,
    TrustAny,
    TrustIssuers,
    VerificationReport,
    create_presentation,
    did_key_from_public_key,
    issue_credential,
    verify_presentation,
)
from did.errors import CredentialError, CryptographicError, MalformedValueError

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
RESOLVER = Resolver()


def identity(seed: int) -> tuple[Ed25519Key, str, str]:
    key = Ed25519Key.from_seed(bytes([seed]) * 32)
    did = did_key_from_public_key(key.public_key)
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


ISSUER_KEY, ISSUER, ISSUER_VM = identity(11)
HOLDER_KEY, HOLDER, HOLDER_VM = identity(12)
OTHER_KEY, OTHER, OTHER_VM = identity(13)


def credential_for(subject: str, **overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "key": ISSUER_KEY,
        "verification_method": ISSUER_VM,
        "valid_from": datetime(2025, 1, 1, tzinfo=UTC),
        "valid_until": datetime(2026, 1, 1, tzinfo=UTC),
        "types": ["VoterEligibilityCredential"],
    }
    arguments.update(overrides)
    return issue_credential({"id": subject, "eligible": True}, **arguments)


def present(
    credentials: list[dict[str, Any]] | None = None,
    key: Ed25519Key = HOLDER_KEY,
    vm: str = HOLDER_VM,
    challenge: str = "nonce-1",
    domain: str | None = "https://verifier.example",
) -> dict[str, Any]:
    return create_presentation(
        credentials if credentials is not None else [credential_for(HOLDER)],
        key=key,
        verification_method=vm,
        challenge=challenge,
        domain=domain,
        created=NOW,
    )


def verify(presentation: Any, **overrides: Any) -> VerificationReport:
    arguments: dict[str, Any] = {
        "challenge": "nonce-1",
        "domain": "https://verifier.example",
        "now": NOW,
        "resolver": RESOLVER,
        "trust": TrustAny(),
    }
    arguments.update(overrides)
    return verify_presentation(presentation, **arguments)


def failed(report: VerificationReport) -> dict[str, str | None]:
    return {path: check.reason for path, check in report.failures()}


def test_presentation_verifies_with_its_own_challenge_and_domain() -> None:
    presentation = present()
    assert presentation["holder"] == HOLDER
    assert presentation["proof"]["proofPurpose"] == "authentication"
    report = verify(presentation, trust=TrustIssuers.of({ISSUER}))
    assert report.verified, report.failures()
    assert [c.name for c in report.checks] == [
        "syntax",
        "proof",
        "key",
        "challenge",
        "holder_binding",
    ]
    assert len(report.credentials) == 1 and report.credentials[0].verified
    assert VerificationReport.from_json(report.to_json()) == report


def test_replay_with_another_challenge_fails() -> None:
    assert failed(verify(present(), challenge="nonce-2")) == {"challenge": "challenge_mismatch"}


def test_other_domain_fails() -> None:
    report = verify(present(), domain="https://evil.example")
    assert failed(report) == {"challenge": "domain_mismatch"}
    with pytest.raises(CryptographicError, match="domain"):
        report.raise_for_failure()


def test_rewritten_challenge_breaks_the_signature() -> None:
    replay = copy.deepcopy(present())
    replay["proof"]["challenge"] = "nonce-2"
    assert failed(verify(replay, challenge="nonce-2")) == {"proof": "signature_invalid"}


def test_presenter_who_is_not_the_subject_fails_holder_binding() -> None:
    stolen = credential_for(HOLDER)
    report = verify(present([stolen], key=OTHER_KEY, vm=OTHER_VM))
    assert failed(report) == {"holder_binding": "holder_mismatch"}


def test_presentation_signed_by_a_key_that_is_not_the_holders_fails_key() -> None:
    presentation = create_presentation(
        [credential_for(HOLDER)],
        key=OTHER_KEY,
        verification_method=OTHER_VM,
        challenge="nonce-1",
        domain="https://verifier.example",
        created=NOW,
        holder=HOLDER,
    )
    assert failed(verify(presentation)) == {"key": "controller_mismatch"}


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (datetime(2024, 12, 31, tzinfo=UTC), "not_yet_valid"),
        (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=1), "expired"),
    ],
)
def test_credential_outside_its_window_fails_inside_the_presentation(
    now: datetime, reason: str
) -> None:
    assert failed(verify(present(), now=now)) == {"credential[0].validity": reason}


def test_untrusted_issuer_fails_inside_the_presentation() -> None:
    report = verify(present(), trust=TrustIssuers.of({OTHER}))
    assert failed(report) == {"credential[0].trust": "untrusted_issuer"}


def test_tampered_embedded_credential_fails() -> None:
    presentation = present()
    presentation["verifiableCredential"][0]["credentialSubject"]["eligible"] = False
    # The presentation's own signature covers the embedded credential too.
    assert failed(verify(presentation)) == {
        "proof": "signature_invalid",
        "credential[0].proof": "signature_invalid",
    }


def test_challenge_is_mandatory() -> None:
    with pytest.raises(MalformedValueError):
        verify(present(), challenge="")
    with pytest.raises(MalformedValueError):
        present(challenge="")


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(["@context", "type", "holder", "verifiableCredential", "proof"]),
    st.none() | st.integers() | st.text(max_size=5) | st.lists(st.integers(), max_size=2),
)
def test_malformed_presentations_fail_syntax_without_crashing(member: str, value: Any) -> None:
    presentation = present()
    presentation[member] = value
    report = verify(presentation)
    assert not report.verified
    with pytest.raises(CredentialError):
        report.raise_for_failure()
